"""The response archive: every crawl keeps the raw responses it received.

When a source breaks, the health check says so, but nobody could see what the spider was given. So
``ResponseArchiveMiddleware`` sits on the downloader side of Scrapy's own downloader middlewares and
records each response as it came over the wire (still compressed, redirects and retried errors
included): method, URL, status, headers and time as ``CrawlResponse`` rows linked to the run through
its ``CrawlArchive`` row, the body gzip-compressed in the archive directory under its SHA-256, so a
page that did not change between two weekly runs is stored once. ``foerderradar sources show`` and
the source-health page list a run's responses; ``crawler.capture`` writes them out as a test fixture.

Archives older than the configured weeks are deleted, and above the size cap the oldest runs go
first; the newest archived run of each source is always kept, whatever its age.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from sqlalchemy import delete
from sqlmodel import Session, col, select

from crawler.spiders.base import SourceSpider
from store.db import make_engine
from store.models import CrawlArchive, CrawlResponse
from store.types import utcnow

log = logging.getLogger(__name__)

# A blob younger than this is never collected: a crawl in another process may be about to list it.
GC_GRACE = timedelta(hours=1)


class BlobStore:
    """Bodies by SHA-256, gzip-compressed, two-level fan-out (``ab/abcdef….gz``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.gz"

    def put(self, body: bytes) -> tuple[str, int]:
        """Store a body (once); returns its SHA-256 and the size of its file."""
        sha256 = hashlib.sha256(body).hexdigest()
        target = self.path(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(gzip.compress(body, mtime=0))
            partial.replace(target)  # atomic: a reader never sees half a file
        return sha256, target.stat().st_size

    def get(self, sha256: str) -> bytes | None:
        """The body, or None when it was deleted."""
        try:
            return gzip.decompress(self.path(sha256).read_bytes())
        except FileNotFoundError:
            return None

    def collect(self, referenced: set[str], now: datetime) -> int:
        """Delete the bodies no row references any more; returns how many."""
        removed = 0
        for blob in self.root.glob("??/*.gz"):
            if blob.name[:-3] in referenced:
                continue
            if now.timestamp() - blob.stat().st_mtime < GC_GRACE.total_seconds():
                continue
            blob.unlink(missing_ok=True)
            removed += 1
        return removed


def header_lists(headers: Headers) -> dict[str, list[str]]:
    """Scrapy's byte headers as {name: [values]} text (latin-1, as HTTP/1.1 defines them)."""
    return {name.decode("latin-1"): [value.decode("latin-1") for value in values] for name, values in headers.items()}


# -- reading ---------------------------------------------------------------------------------------


def run_archive(session: Session, run_id: int) -> CrawlArchive | None:
    return session.get(CrawlArchive, run_id)


def run_responses(session: Session, run_id: int) -> list[CrawlResponse]:
    """The responses of a run in order of arrival ([] when it was not archived or was pruned)."""
    return list(
        session.exec(
            select(CrawlResponse).where(CrawlResponse.crawl_run_id == run_id).order_by(col(CrawlResponse.seq))
        ).all()
    )


# -- retention ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PruneReport:
    runs: int  # archived runs deleted
    blobs: int  # body files deleted


def prune(
    session: Session, blobs: BlobStore, *, weeks: int, max_bytes: int, now: datetime | None = None
) -> PruneReport:
    """Delete archives older than ``weeks``, then the oldest until the bodies fit ``max_bytes``.

    The newest archive of each source stays, so the last run of a broken source can always be shown
    and captured.
    """
    now = now or utcnow()
    archives = list(session.exec(select(CrawlArchive).order_by(col(CrawlArchive.created_at))).all())
    newest = {archive.source_key: archive.crawl_run_id for archive in archives}  # the last one per source wins
    deletable = [archive for archive in archives if newest[archive.source_key] != archive.crawl_run_id]
    rows = session.exec(select(CrawlResponse.crawl_run_id, CrawlResponse.body_sha256, CrawlResponse.stored_bytes)).all()
    bodies_of: dict[int, list[str]] = defaultdict(list)
    references: Counter[str] = Counter()
    size: dict[str, int] = {}
    for run_id, sha256, stored in rows:
        bodies_of[run_id].append(sha256)
        references[sha256] += 1
        size[sha256] = stored
    total = sum(size.values())
    cutoff = now - timedelta(weeks=weeks)
    doomed = []
    for archive in deletable:
        if archive.created_at >= cutoff and total <= max_bytes:
            continue
        doomed.append(archive.crawl_run_id)
        for sha256 in bodies_of[archive.crawl_run_id]:
            references[sha256] -= 1
            if references[sha256] == 0:
                total -= size[sha256]
    if total > max_bytes:
        log.warning("Antwortarchiv: %d Bytes über der Grenze von %d Bytes (nur neueste Läufe übrig)", total, max_bytes)
    if doomed:
        session.exec(delete(CrawlResponse).where(col(CrawlResponse.crawl_run_id).in_(doomed)))
        session.exec(delete(CrawlArchive).where(col(CrawlArchive.crawl_run_id).in_(doomed)))
        session.commit()
    kept = {sha256 for sha256, count in references.items() if count > 0}
    return PruneReport(len(doomed), blobs.collect(kept, now))


# -- the middleware ----------------------------------------------------------------------------------


class ResponseArchiveMiddleware:
    """Records every response of a run (see the module docstring); off without an archive directory.

    Bodies go to the archive directory as they arrive; the rows are written when the spider closes,
    after the store pipeline has committed the run (SQLite allows one writer at a time, and the
    run's ingest may hold the write lock while pages are still coming in).
    """

    def __init__(self, crawler: Crawler, root: Path, weeks: int, max_bytes: int) -> None:
        self.crawler = crawler
        self.blobs = BlobStore(root)
        self.weeks = weeks
        self.max_bytes = max_bytes
        self.database_url = crawler.settings.get("FOERDERRADAR_DATABASE_URL")
        self.received: list[CrawlResponse] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseArchiveMiddleware:
        root = crawler.settings.get("FOERDERRADAR_ARCHIVE_DIR")
        if not root or not crawler.settings.get("FOERDERRADAR_DATABASE_URL"):
            raise NotConfigured("no archive directory")
        middleware = cls(
            crawler,
            Path(root),
            crawler.settings.getint("FOERDERRADAR_ARCHIVE_WEEKS"),
            crawler.settings.getint("FOERDERRADAR_ARCHIVE_MAX_BYTES"),
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed, weak=False)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        sha256, stored = self.blobs.put(response.body)
        self.received.append(
            CrawlResponse(
                crawl_run_id=0,  # known when the rows are written
                seq=len(self.received) + 1,
                method=request.method[:16],
                url=response.url,
                status=response.status,
                headers=header_lists(response.headers),
                fetched_at=utcnow(),
                body_sha256=sha256,
                body_bytes=len(response.body),
                stored_bytes=stored,
            )
        )
        return response

    def spider_closed(self, spider: SourceSpider) -> None:
        run_id = getattr(spider, "crawl_run_id", None)  # set by the store pipeline when it opened the run
        if run_id is None:
            return
        engine = make_engine(self.database_url)
        try:
            with Session(engine) as session:
                session.add(
                    CrawlArchive(
                        crawl_run_id=run_id, source_key=spider.source_key, spider_url=getattr(spider, "base_url", "")
                    )
                )
                for response in self.received:
                    response.crawl_run_id = run_id
                    session.add(response)
                session.commit()
                report = prune(session, self.blobs, weeks=self.weeks, max_bytes=self.max_bytes)
            if report.runs:
                log.info("Antwortarchiv: %d alte Läufe gelöscht", report.runs)
        finally:
            engine.dispose()
