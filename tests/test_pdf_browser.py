"""The browser that prints: found by name or BOOK_BROWSER, kept off the network, printing documents."""

from __future__ import annotations

import dataclasses
import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from mkdocs.exceptions import PluginError

from ebook.model.settings import read_switches
from ebook.pdf.browser import chromium_args, find_browser, print_tabs, render_documents
from ebook.pdf.documents import PrintDocument
from tests.print_documents import METADATA, system_browser


def test_browser_from_book_browser_first() -> None:
    assert find_browser(read_switches({"BOOK_BROWSER": "/usr/bin/chromium"}).browser) == "/usr/bin/chromium"


def test_headless_shell_is_chosen_before_the_full_browser(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Both on PATH, the full browser's name first in the folder: the headless shell still wins.
    for name in ("chromium", "chromium-headless-shell"):
        program = tmp_path / name
        program.write_text("#!/bin/sh\n", encoding="utf-8")
        program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_browser("", paths=()) == str(tmp_path / "chromium-headless-shell")
    (tmp_path / "chromium-headless-shell").unlink()
    assert find_browser("", paths=()) == str(tmp_path / "chromium")


def test_unknown_book_browser_is_an_error() -> None:
    with pytest.raises(PluginError, match="BOOK_BROWSER='/no/such/chrome': no such program"):
        find_browser(read_switches({"BOOK_BROWSER": "/no/such/chrome"}).browser)


def test_no_browser_gives_the_install_command() -> None:
    with pytest.raises(PluginError) as error:
        find_browser("", names=("no-such-browser-here",), paths=("/no/such/chromium",))
    assert "sudo apt-get install chromium" in str(error.value)
    assert "BOOK_BROWSER" in str(error.value) and "BOOK_EXPORTS=0" in str(error.value)


def test_chromium_reaches_only_the_local_server() -> None:
    args = chromium_args()
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in args
    assert {"--disable-background-networking", "--disable-component-update", "--no-first-run"} <= set(args)
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)


def test_a_core_is_left_to_the_build_while_the_browser_prints() -> None:
    # Two cores (a laptop, CI): one document at a time, one renderer's memory; never none.
    assert [print_tabs(cores) for cores in (1, 2, 4)] == [1, 1, 3]


def test_render_documents_prints_with_the_system_browser(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("h1 { color: rgb(1, 2, 3); }")
    html = ('<!doctype html><html lang="en"><head><title>T</title><link rel="stylesheet" href="../style.css">'
            '<style>@page { size: A4; margin: 20mm }</style></head><body><h1 id="t">Hello</h1>'
            '<img src="https://example.org/x.png" alt=""></body></html>')
    doc = PrintDocument(path="downloads/t.pdf", url_path="sub/t.print.html", html=html, metadata=METADATA)
    again = dataclasses.replace(doc, path="downloads/u.pdf", url_path="sub/u.print.html")
    # In its own thread: the browser tests' session-wide Playwright (sync API) may hold an event
    # loop in this one, which MkDocs never does.
    with ThreadPoolExecutor(1) as worker:
        rendered, second = worker.submit(render_documents, [doc, again], tmp_path,
                                         system_browser(), workers=1).result()
    # What each PDF was made from, for the cache: the stylesheet, even when the browser's own
    # cache answered for the second document.
    assert rendered.loaded == second.loaded == ("style.css",)
    assert rendered.data.startswith(b"%PDF")
    with pikepdf.open(io.BytesIO(rendered.data)) as pdf:
        assert len(pdf.pages) == 1
        assert float(pdf.pages[0].mediabox[2]) == pytest.approx(595.3, abs=1)  # A4 from the CSS
    assert not list(tmp_path.rglob("*.print.html"))  # nothing written into the site
