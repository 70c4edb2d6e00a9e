"""`hungary56 web --serve`: the site served from memory on a local HTTP server, with the right types.

Bound to localhost unless told otherwise; `.wasm` goes out as application/wasm (Pyodide compiles
it as it streams), every answer carries the site's Content-Security-Policy, and nothing is cached
by the browser's HTTP cache without asking (the service worker keeps the offline copy).
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from engine.web.site import CSP

TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".wasm": "application/wasm", ".zip": "application/zip",
    ".xml": "application/xml", ".md": "text/markdown; charset=utf-8",
}


def content_type(name: str) -> str:
    dot = name.rfind(".")
    return TYPES.get(name[dot:] if dot >= 0 else "", "application/octet-stream")


def handler_for(files: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "hungary56"
        sys_version = ""

        def _answer(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path).lstrip("/")
            name = path or "index.html"
            if name.endswith("/"):
                name += "index.html"
            data = files.get(name)
            if data is None:
                self.send_error(HTTPStatus.NOT_FOUND, "not part of this site")
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type(name))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if body:
                self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self._answer(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(False)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # a student's terminal is not a server log

    return Handler


def make_server(files: dict[str, bytes], host: str = "127.0.0.1", port: int = 8056) -> ThreadingHTTPServer:
    """A server for `files` (not yet serving); port 0 picks a free one. Raises OSError."""
    server = ThreadingHTTPServer((host, port), handler_for(files))
    server.daemon_threads = True
    return server


def address(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    shown = "localhost" if host in ("127.0.0.1", "::1") else str(host)
    return f"http://{shown}:{port}/"


def serve_in_background(files: dict[str, bytes], host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server running in a thread (tests, the benchmark); `shutdown()` and `server_close()` stop it."""
    server = make_server(files, host, port)
    threading.Thread(target=server.serve_forever, name="hungary56-web", daemon=True).start()
    return server
