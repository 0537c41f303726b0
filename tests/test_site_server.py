"""The static server the browser tests, `make audit` and `make lighthouse` read the site from."""

from __future__ import annotations

import socketserver
from collections.abc import Iterator

import pytest

from site_server import SiteServer


@pytest.fixture
def server() -> Iterator[SiteServer]:
    server = SiteServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    yield server
    server.server_close()


@pytest.mark.parametrize("dropped", [BrokenPipeError, ConnectionResetError, ConnectionAbortedError])
def test_a_request_the_browser_drops_prints_no_traceback(
        server: SiteServer, capsys: pytest.CaptureFixture[str], dropped: type[ConnectionError]) -> None:
    # As when a browser moves on to another page before the last one's files have all arrived.
    try:
        raise dropped()
    except ConnectionError:
        server.handle_error(None, ("127.0.0.1", 50000))
    assert capsys.readouterr().err == ""


def test_any_other_error_is_still_printed(server: SiteServer, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        raise ValueError("a fault in the server's own code")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 50000))
    printed = capsys.readouterr().err
    assert "Traceback" in printed and "a fault in the server's own code" in printed
