"""The local HTTP server the browser prints from: the built site on 127.0.0.1, and each print
document at its `url_path` while it prints, so nothing is written into the site.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Origin:
    """The local server: its address, and the print documents it answers with (by url_path)."""

    url: str
    documents: dict[str, str]


class _SiteRequestHandler(SimpleHTTPRequestHandler):
    """The built site's files, and the print documents being printed (never written to disk)."""

    def __init__(self, *args: Any, documents: Mapping[str, str], **kwargs: Any) -> None:
        self.documents = documents
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        document = self.documents.get(unquote(urlsplit(self.path).path).lstrip("/"))
        if document is None:
            return super().do_GET()
        body = document.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # printed again with new page numbers
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # The browser drops requests it no longer needs (a page replaced as it loads): not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


SHUTDOWN_POLL_SECONDS = 0.05


@contextmanager
def serve_directory(root: Path, documents: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 while the block runs, and `documents` (site-relative path:
    HTML) as if they were in it; yields its origin."""
    handler = partial(_SiteRequestHandler, directory=str(root),
                      documents=documents if documents is not None else {})
    server = _Server(("127.0.0.1", 0), handler)
    # `shutdown` waits for the serving loop to look again: at the stdlib's half second, every
    # build with PDFs waited for it after its last one.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def site_path(url: str, origin: str) -> str | None:
    """The site-relative path a URL of the local server names, or None for other URLs."""
    if not url.startswith(origin + "/"):
        return None
    return unquote(urlsplit(url).path).lstrip("/")
