"""The browser that prints: found by name or BOOK_BROWSER, kept off the network, printing documents."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import psutil
import pytest
from mkdocs.exceptions import PluginError

from ebook.model.settings import read_switches
from ebook.pdf.browser import Browser, RenderedPdf, chromium_args, find_browser, print_tabs, render_documents
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


def browser_processes() -> list[psutil.Process]:
    """The processes of the browsers the build started (not the browser tests' own): each with
    its profile in a folder of its own, and every process they started."""
    found: dict[int, psutil.Process] = {}
    for process in psutil.Process().children(recursive=True):
        try:
            if any("book-chromium-" in arg for arg in process.cmdline()):
                found |= {p.pid: p for p in (process, *process.children(recursive=True))}
        except psutil.Error:  # ended meanwhile
            pass
    return list(found.values())


SHELLS = {"sh", "dash", "bash"}


def profiles(processes: list[psutil.Process]) -> set[Path]:
    """The folders the browser keeps its profile in."""
    return {Path(arg.split("=", 1)[1]) for arg in arguments(processes) if arg.startswith("--user-data-dir=")}


def arguments(processes: list[psutil.Process]) -> list[str]:
    """The command lines of those still running (a zombie has none)."""
    found = []
    for process in processes:
        try:
            found += process.cmdline()
        except psutil.Error:
            pass
    return found


def still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    running = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                running.append(process)
        except psutil.NoSuchProcess:
            pass
    return running


def test_the_browser_leaves_no_process_and_no_profile_behind(tmp_path: Path) -> None:
    html = '<!doctype html><html lang="en"><head><title>T</title></head><body><p>Hi</p></body></html>'
    doc = PrintDocument(path="downloads/t.pdf", url_path="t.print.html", html=html, metadata=METADATA)
    seen: list[psutil.Process] = []
    kept: set[Path] = set()

    def look(rendered: RenderedPdf) -> None:  # while the browser is open
        seen.extend(browser_processes())
        kept.update(folder for folder in profiles(seen) if folder.is_dir())

    with ThreadPoolExecutor(1) as worker:
        worker.submit(render_documents, [doc], tmp_path, system_browser(), workers=1, finish=look).result()
    assert seen and kept  # found while it printed
    assert not still_running(seen)
    assert not [folder for folder in kept if folder.exists()]


def test_a_browser_that_dies_while_printing_stops_the_build_naming_the_document(tmp_path: Path) -> None:
    html = '<!doctype html><html lang="en"><head><title>T</title></head><body><p>Hi</p></body></html>'
    first, second = (PrintDocument(path=f"downloads/{n}.pdf", url_path=f"{n}.print.html", html=html,
                                   metadata=METADATA) for n in ("first", "second"))
    seen: list[psutil.Process] = []
    kept: set[Path] = set()

    def second_after_killing_the_browser() -> PrintDocument:
        seen.extend(browser_processes())
        kept.update(folder for folder in profiles(seen) if folder.is_dir())
        # The browser itself: not the shell script Debian starts it with, nor a process it is
        # starting (until that runs its own program, it has the browser's command line).
        candidates = [p for p in still_running(seen)
                      if "--remote-debugging-pipe" in arguments([p]) and Path(arguments([p])[0]).name not in SHELLS]
        (browser,) = [p for p in candidates if p.ppid() not in {c.pid for c in candidates}]
        browser.kill()
        browser.wait(10)
        return second

    def build() -> None:
        browser = Browser(system_browser())
        try:
            render_documents([first, second_after_killing_the_browser], tmp_path, browser, workers=1)
        finally:
            browser.close()

    with ThreadPoolExecutor(1) as worker, pytest.raises(PluginError) as stopped:
        worker.submit(build).result(timeout=120)
    # Made while the first prints: the browser dies during the first's printing or before the second's.
    assert re.match(rf"The browser {re.escape(system_browser())} stopped printing \(downloads/(first|second)\.pdf: ",
                    str(stopped.value))
    assert "Build again; if it stops again, set BOOK_BROWSER to another Chromium or Chrome." in str(stopped.value)
    assert kept and not [folder for folder in kept if folder.exists()]
    assert not still_running(seen)
