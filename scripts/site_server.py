"""A small static server for the built site on 127.0.0.1, as a web host would serve it.

The browser tests, `make lighthouse` and `make audit` use it (a script of its own, so that the
scripts need nothing from the tests). It serves the site under the path of its
published address (`/book/` for https://example.org/book/), since MkDocs' 404 page links to
its assets from there. Written on the standard library's http.server
because no locked package serves files: it adds only what a real host does and the measurements
depend on, gzip for text (so transfer sizes are the compressed ones a reader downloads) and the
site's own 404 page.

    python scripts/site_server.py site/ [port] [path]
"""

from __future__ import annotations

import gzip
import sys
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Iterator

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class SiteHandler(SimpleHTTPRequestHandler):
    prefix = "/"  # the site's path on the server
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".json": "application/json",
        ".epub": "application/epub+zip",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        site_root = Path(self.directory)
        if not self.path.startswith(self.prefix):
            return self._send_file(site_root / "404.html", status=404)
        path = Path(self.translate_path("/" + self.path[len(self.prefix):]))
        if path.is_dir() and not self.path.split("?", 1)[0].endswith("/"):
            self.send_response(301)  # a folder's address ends with a slash
            self.send_header("Location", self.path.split("?", 1)[0] + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return self._send_file(site_root / "404.html", status=404)
        return self._send_file(path)

    def _send_file(self, path: Path, status: int = 200):  # type: ignore[no-untyped-def]
        body = path.read_bytes() if path.is_file() else b"Not found"
        ctype = self.guess_type(str(path))
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        gzipped = ctype.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return BytesIO(body)


class SiteServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        # A browser that moves on drops the requests it no longer needs, as it may: not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path, port: int = 0, prefix: str = "/") -> Iterator[str]:
    """Serve `site` at `prefix` on 127.0.0.1 in a background thread; yields the site's address."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (SiteHandler,), {"prefix": prefix})
    server = SiteServer(("127.0.0.1", port), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    with serve(folder, port, sys.argv[3] if len(sys.argv) > 3 else "/") as address:
        print(f"Serving {folder} at {address} (Ctrl-C stops)", flush=True)
        threading.Event().wait()
