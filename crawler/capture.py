"""A crawl run's archived responses as a test fixture set, and reading such a set back.

A live failure becomes a regression test: ``write_capture`` writes every response a run received
(``crawler.archive``) to a folder, one file per body plus ``routes.json``::

    {"source": "brms", "run": 12, "spider_url": "https://www.bezreg-muenster.de/", "spider_path": "/",
     "responses": [{"method": "GET", "path": "/de/…/index.html", "query": "", "status": 200,
                    "headers": {"Content-Type": ["text/html"]}, "file": "002-index.html",
                    "url": "https://www.bezreg-muenster.de/de/…/index.html", "fetched_at": "…"}]}

The loopback test server (``foerderradar.demo_server.SnapshotServer.add_capture``) answers each
method, path and query with the recorded response, in the recorded order where one address was
answered several times (a retried error, then the page), so the spider meets what it met live.
The files are written to be read and edited: gzip and deflate content encodings are undone (and their
header dropped), and ``Location`` headers pointing at the crawled site become paths on the server.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlmodel import Session

from crawler.archive import BlobStore, run_archive, run_responses
from store.models import CrawlRun

ROUTES = "routes.json"
# Headers the loopback server writes itself, or that describe the wire rather than the response.
_DROPPED_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}
_EXTENSIONS = {"html": ".html", "json": ".json", "zip": ".zip", "xml": ".xml", "plain": ".txt"}
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


class CaptureError(ValueError):
    """The run cannot be captured; the message says why, in German."""


@dataclass(frozen=True)
class CapturedResponse:
    method: str
    path: str
    query: str
    status: int
    headers: dict[str, list[str]]
    file: str


@dataclass(frozen=True)
class Capture:
    source: str
    run: int
    spider_path: str
    responses: list[CapturedResponse]


def _path_and_query(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path or "/", parts.query


def _readable(body: bytes, headers: dict[str, list[str]]) -> tuple[bytes, dict[str, list[str]]]:
    """Undo gzip/deflate content encodings (the header goes with them); others stay as received."""
    encodings = [e.strip().lower() for value in headers.get("Content-Encoding", []) for e in value.split(",")]
    if not encodings or any(e not in ("gzip", "x-gzip", "deflate") for e in encodings):
        return body, headers
    for encoding in reversed(encodings):
        if encoding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:  # raw deflate without the zlib wrapper, as some servers send it
                body = zlib.decompress(body, -zlib.MAX_WBITS)
        else:
            body = gzip.decompress(body)
    return body, {name: values for name, values in headers.items() if name.lower() != "content-encoding"}


def _file_name(seq: int, url: str, headers: dict[str, list[str]]) -> str:
    content_type = next(iter(headers.get("Content-Type", [])), "").split(";")[0].strip().lower()
    extension = next((ext for key, ext in _EXTENSIONS.items() if content_type.endswith(key)), ".bin")
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or "index"
    stem = _SLUG.sub("-", last.rsplit(".", 1)[0])[:60].strip("-") or "response"
    return f"{seq:03d}-{stem}{extension}"


def write_capture(session: Session, blobs: BlobStore, run_id: int, target: Path) -> Capture:
    """Write run ``run_id`` as a fixture set into ``target`` (created; must be empty if it exists)."""
    run = session.get(CrawlRun, run_id)
    archive = run_archive(session, run_id)
    responses = run_responses(session, run_id)
    if run is None:
        raise CaptureError(f"Lauf {run_id} gibt es nicht.")
    if archive is None or not responses:
        raise CaptureError(f"Für Lauf {run_id} sind keine Antworten gespeichert (nie archiviert oder schon gelöscht).")
    if target.exists() and any(target.iterdir()):
        raise CaptureError(f"Der Ordner {target} ist nicht leer.")
    target.mkdir(parents=True, exist_ok=True)
    origins = {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, [archive.spider_url, *(r.url for r in responses)])}
    captured, entries = [], []
    for response in responses:
        body = blobs.get(response.body_sha256)
        if body is None:
            raise CaptureError(f"Der Inhalt von {response.url} (Lauf {run_id}) ist nicht mehr im Archiv.")
        body, headers = _readable(body, response.headers)
        headers = {name: values for name, values in headers.items() if name.lower() not in _DROPPED_HEADERS}
        if "Location" in headers:
            headers["Location"] = [_local(location, origins) for location in headers["Location"]]
        name = _file_name(response.seq, response.url, headers)
        (target / name).write_bytes(body)
        path, query = _path_and_query(response.url)
        captured.append(CapturedResponse(response.method, path, query, response.status, headers, name))
        entries.append(
            {
                "method": response.method,
                "path": path,
                "query": query,
                "status": response.status,
                "headers": headers,
                "file": name,
                "url": response.url,
                "fetched_at": response.fetched_at.isoformat(),
            }
        )
    spider_path = urlsplit(archive.spider_url).path or "/"
    manifest = {
        "source": run.source_key,
        "run": run_id,
        "spider_url": archive.spider_url,
        "spider_path": spider_path,
        "responses": entries,
    }
    (target / ROUTES).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return Capture(run.source_key, run_id, spider_path, captured)


def _local(location: str, origins: set[str]) -> str:
    parts = urlsplit(location)
    if f"{parts.scheme}://{parts.netloc}" in origins:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return location


def load_capture(folder: Path) -> Capture:
    """Read a fixture set written by ``write_capture``."""
    manifest = json.loads((Path(folder) / ROUTES).read_text(encoding="utf-8"))
    responses = [
        CapturedResponse(r["method"], r["path"], r["query"], int(r["status"]), r["headers"], r["file"])
        for r in manifest["responses"]
    ]
    return Capture(manifest["source"], int(manifest["run"]), manifest["spider_path"], responses)
