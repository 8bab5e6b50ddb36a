"""A small HTTP server on 127.0.0.1 that answers with saved source responses.

The demo crawls its bundled snapshots through the real spiders, and the tests do the same with
the saved responses in tests/fixtures; both register routes here. A route is a method and a path;
its handler gets the request and returns status, content type and body. ``add_capture`` serves a
fixture set written from a crawl run's archived responses (``crawler.capture``).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class SnapshotRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_query: str = ""


@dataclass
class SnapshotResponse:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[SnapshotRequest], SnapshotResponse]

ROBOTS_TXT = b"User-agent: *\nAllow: /\n"


class SnapshotServer:
    """Serve registered routes on a free loopback port; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[SnapshotRequest] = []  # every request seen, for tests
        self.add_static("GET", "/robots.txt", ROBOTS_TXT, "text/plain")
        self._server: ThreadingHTTPServer | None = None

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def add_static(self, method: str, path: str, body: bytes, content_type: str, status: int = 200) -> None:
        response = SnapshotResponse(body, content_type, status)
        self.add_route(method, path, lambda _request: response)

    def add_capture(self, folder: Path) -> str:
        """Serve a captured run (see ``crawler.capture``); returns the URL to start its spider with.

        Each method, path and query gets its recorded responses in the recorded order, the last one
        again for any further request; a query that was never recorded gets 404.
        """
        from crawler.capture import load_capture

        capture = load_capture(folder)
        recorded: dict[tuple[str, str], dict[str, list[SnapshotResponse]]] = defaultdict(lambda: defaultdict(list))
        for entry in capture.responses:
            headers = {name: values[-1] for name, values in entry.headers.items() if name.lower() != "content-type"}
            content_type = next(iter(entry.headers.get("Content-Type", [])), "application/octet-stream")
            body = (Path(folder) / entry.file).read_bytes()
            recorded[(entry.method, entry.path)][entry.query].append(
                SnapshotResponse(body, content_type, entry.status, headers)
            )
        for (method, path), by_query in recorded.items():
            self.add_route(method, path, _replay(by_query))
        return self.url(capture.spider_path)

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> SnapshotServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = SnapshotRequest(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                    parts.query,
                )
                server.requests.append(request)
                handler = server.routes.get((self.command, parts.path))
                response = handler(request) if handler else SnapshotResponse(b"Not found", "text/plain", 404)
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SnapshotServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


def _replay(by_query: dict[str, list[SnapshotResponse]]) -> Handler:
    served: dict[str, int] = defaultdict(int)
    lock = threading.Lock()

    def handle(request: SnapshotRequest) -> SnapshotResponse:
        answers = by_query.get(request.raw_query)
        if not answers:
            return SnapshotResponse(b"Not recorded", "text/plain", 404)
        with lock:
            index = min(served[request.raw_query], len(answers) - 1)
            served[request.raw_query] += 1
        return answers[index]

    return handle
