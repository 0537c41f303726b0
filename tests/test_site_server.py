"""The static server the browser tests, `make audit` and `make lighthouse` read the site from."""

from __future__ import annotations

import os
import socket
import struct
import time
import urllib.request
from pathlib import Path

import pytest

from site_server import serve


def test_a_request_the_browser_drops_leaves_no_traceback_and_the_server_serves_on(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>Home</title>", encoding="utf-8")
    (tmp_path / "large.bin").write_bytes(os.urandom(8 * 2**20))  # more than the socket buffers hold
    with serve(tmp_path) as address:
        host, port = address.split("//")[1].rstrip("/").split(":")
        for _ in range(3):  # as a browser navigating away does: asked for, then dropped
            client = socket.create_connection((host, int(port)))
            client.sendall(b"GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
            client.close()
        time.sleep(0.5)  # the server's threads meet the closed connections
        with urllib.request.urlopen(address) as response:
            assert b"<title>Home</title>" in response.read()
    assert "Traceback" not in capfd.readouterr().err
