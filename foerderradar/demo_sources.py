"""The bundled real snapshots of the sources, served by the demo's loopback server.

``foerderradar/demo_data/snapshots.json`` lists, per source key, the real files the demo holds, what
they are, where they come from and their licence. Sources without an entry have no real saved
response yet; the demo does not crawl them and says so. ``add_routes`` registers the
files and returns the arguments each spider is started with. The fake SEDIA endpoint behaves like the
real one: it answers HTTP 500 to a request that is not multipart with JSON parts, so the demo (and the
tests, which use the same handler) prove the spider's wire format, not just its parser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from importlib.resources import files
from importlib.resources.abc import Traversable

from foerderradar.demo_server import Handler, SnapshotRequest, SnapshotResponse, SnapshotServer

DEMO_DATA = files("foerderradar") / "demo_data"  # ships in the wheel
FDB_EXPORT_PATH = "/FDB/WS/export"
SEDIA_SEARCH_PATH = "/search-api/prod/rest/search"
SEDIA_FACET_PATH = "/search-api/prod/rest/facet"
SEDIA_ERROR = b'{"type":"throwable","message":"An internal error occurred"}'
HTML = "text/html; charset=utf-8"
JSON = "application/json"
CAPTURED_ON = date(2026, 9, 1)  # capture date of the saved SEDIA rows (launchpad sample, NOTES §2)
DATE_FIELDS = ("startDate", "deadlineDate", "es_SortDate")


@dataclass(frozen=True)
class Snapshot:
    """The real files the demo holds for one source, in words for people."""

    key: str
    holds: str  # "1 gespeicherte Seite (Produkt 15086), weitere Produkte erst im Live-Betrieb"
    origin: str
    source_url: str
    licence: str
    files: tuple[str, ...]
    arguments: dict[str, str]  # spider arguments besides the URL


def snapshots() -> dict[str, Snapshot]:
    """Source key → its bundled real snapshot."""
    manifest = json.loads((DEMO_DATA / "snapshots.json").read_text(encoding="utf-8"))
    return {
        key: Snapshot(
            key,
            entry["holds"],
            entry["origin"],
            entry["source_url"],
            entry["licence"],
            tuple(entry["files"]),
            dict(entry.get("arguments", {})),
        )
        for key, entry in manifest.items()
        if not key.startswith("_")
    }


class MultipartError(ValueError):
    """The request body is not what the SEDIA API accepts."""


def json_parts(content_type: str, body: bytes) -> dict[str, object]:
    """The JSON parts of a multipart body; raises ``MultipartError`` on any other encoding."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise MultipartError("body is not multipart")
    parts: dict[str, object] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_content_type() != "application/json":
            raise MultipartError(f"part {name!r} is not application/json")
        try:
            payload = part.get_payload(decode=True)
            parts[str(name)] = json.loads(payload if isinstance(payload, bytes) else b"")
        except ValueError as exc:
            raise MultipartError(f"part {name!r} is not JSON: {exc}") from None
    if not {"query", "languages"} <= parts.keys():
        raise MultipartError(f"parts {sorted(parts)} lack query/languages")
    return parts


def sedia_handler(pages: dict[int, bytes], total_results: int | None = None) -> Handler:
    """A SEDIA search endpoint serving ``pages`` by pageNumber; bad encodings get HTTP 500."""

    def handle(request: SnapshotRequest) -> SnapshotResponse:
        try:
            if request.query.get("apiKey") != ["SEDIA"]:
                raise MultipartError("apiKey must be SEDIA")
            json_parts(request.headers.get("content-type", ""), request.body)
        except MultipartError:
            return SnapshotResponse(SEDIA_ERROR, JSON, 500)
        page = int(request.query.get("pageNumber", ["1"])[0])
        if page in pages:
            return SnapshotResponse(pages[page], JSON)
        empty = {"totalResults": total_results or 0, "pageNumber": page, "results": []}
        return SnapshotResponse(json.dumps(empty).encode(), JSON)

    return handle


def sedia_pages_from_rows(rows: list[dict], total_results: int | None = None) -> dict[int, bytes]:
    """Split result rows into SEDIA response pages of 100, with the envelope the API sends."""
    total = len(rows) if total_results is None else total_results
    pages = {}
    for index in range(0, max(len(rows), 1), 100):
        number = index // 100 + 1
        pages[number] = json.dumps(
            {
                "apiVersion": "2.151",
                "terms": "***",
                "totalResults": total,
                "pageNumber": number,
                "pageSize": 100,
                "sort": "identifier:ASC",
                "bestBets": [],
                "warnings": [],
                "results": rows[index : index + 100],
            }
        ).encode()
    return pages


def shift_dates(rows: list[dict], days: int) -> list[dict]:
    """Copies of SEDIA rows with every date moved by ``days``, texts untouched.

    The saved rows were captured around ``CAPTURED_ON``; moving their dates by the time since then
    keeps each call as open or forthcoming in the demo as it was on that day.
    """

    def move(value: str) -> str:
        try:
            moved = date.fromisoformat(value[:10]) + timedelta(days=days)
        except ValueError:
            return value
        return moved.isoformat() + value[10:]

    shifted = []
    for row in rows:
        metadata = dict(row.get("metadata") or {})
        for name in DATE_FIELDS:
            if isinstance(metadata.get(name), list):
                metadata[name] = [move(str(v)) for v in metadata[name]]
        shifted.append({**row, "metadata": metadata})
    return shifted


def demo_sedia_rows(today: date) -> list[dict]:
    """The bundled real SEDIA rows (all saved files in demo_data/eu_sedia), dates moved to ``today``."""
    rows: list[dict] = []
    for path in sorted((p for p in (DEMO_DATA / "eu_sedia").iterdir() if p.name.endswith(".json")), key=str):
        rows.extend(json.loads(path.read_text(encoding="utf-8")).get("results", []))
    return shift_dates(rows, (today - CAPTURED_ON).days)


def _add_static_folder(server: SnapshotServer, folder: Traversable) -> None:
    """Serve the files of a snapshot folder at the paths its ``routes.json`` names."""
    routes = json.loads((folder / "routes.json").read_text(encoding="utf-8"))
    for path, name in routes.items():
        content_type = JSON if name.endswith(".json") else HTML
        server.add_static("GET", path, (folder / name).read_bytes(), content_type)


def add_routes(server: SnapshotServer, *, today: date) -> dict[str, dict[str, str]]:
    """Register every bundled real snapshot on ``server``; returns {source_key: spider arguments}.

    The SEDIA rows get their dates moved to ``today`` (see ``shift_dates``); an HTML source is
    served under a path prefix of its own (its folder name), so one server carries them all.
    """
    from crawler.registry import find_source

    server.add_static(
        "GET", FDB_EXPORT_PATH, (DEMO_DATA / "foerderdatenbank-export.zip").read_bytes(), "application/zip"
    )
    server.add_route("POST", SEDIA_SEARCH_PATH, sedia_handler(sedia_pages_from_rows(demo_sedia_rows(today))))
    urls = {"foerderdatenbank": server.url(FDB_EXPORT_PATH), "eu_sedia": server.url(SEDIA_SEARCH_PATH)}
    arguments = {}
    for key, snapshot in snapshots().items():
        if key not in urls:
            _add_static_folder(server, DEMO_DATA / key)
            urls[key] = server.url(f"/{key}/")
        arguments[key] = {find_source(key).url_argument: urls[key], **snapshot.arguments}
    return arguments
