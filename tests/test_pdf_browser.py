"""The browser that prints: found by name or BOOK_BROWSER, kept off the network, printing documents."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import psutil
import pytest
from mkdocs.exceptions import PluginError

from ebook.model import writing
from ebook.model.settings import read_switches
from ebook.pdf import cdp, tab
from ebook.pdf.browser import (
    BROWSER_NAMES,
    BROWSER_PATHS,
    CHROMIUM_ARGS,
    CLOSE_TIMEOUT,
    Browser,
    RenderedPdf,
    find_browser,
    print_tabs,
    render_documents,
)
from ebook.pdf.documents import PrintDocument
from tests.helpers import ROOT, ended_pid, left_unheld
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
    args = CHROMIUM_ARGS
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in args
    assert "--no-proxy-server" in args  # a proxy in the environment would reach any host
    assert {"--disable-background-networking", "--disable-component-update", "--no-first-run"} <= set(args)


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


ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def test_a_document_is_loaded_as_it_prints_not_as_a_screen_shows_it(tmp_path: Path) -> None:
    # Loaded with print's styles from the start, printing need not style it all again; what
    # only a screen would show is not fetched, nor counted among what the PDF was made from.
    for name in ("screen.png", "print.png"):
        (tmp_path / name).write_bytes(base64.b64decode(ONE_PIXEL_PNG))
    html = ('<!doctype html><html lang="en"><head><title>T</title><style>@page { size: A4 }'
            '@media screen { h1 { background: url(screen.png) } }'
            '@media print { h1 { background: url(print.png); print-color-adjust: exact } }</style>'
            '</head><body><h1 id="t">Hello</h1></body></html>')
    doc = PrintDocument(path="downloads/t.pdf", url_path="t.print.html", html=html, metadata=METADATA)
    with ThreadPoolExecutor(1) as worker:
        [rendered] = worker.submit(render_documents, [doc], tmp_path, system_browser(), workers=1).result()
    assert rendered.loaded == ("print.png",)
    assert rendered.data.startswith(b"%PDF")


HELLO = PrintDocument(
    path="downloads/t.pdf", url_path="t.print.html", metadata=METADATA,
    html='<!doctype html><html lang="en"><head><title>T</title></head><body><h1 id="t">Hello</h1></body></html>')


def test_printing_does_not_depend_on_the_temporary_directory_named_in_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A TMPDIR that is missing (or read-only) is passed over by Python, but Chromium took it as
    # it was and every print failed with "Read failed".
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    with ThreadPoolExecutor(1) as worker:
        [rendered] = worker.submit(render_documents, [HELLO], tmp_path, system_browser(), workers=1).result()
    assert rendered.data.startswith(b"%PDF")
    assert not (tmp_path / "missing").exists()


def full_browser() -> str:
    """The desktop Chromium or Chrome, not the headless shell (which makes no socket)."""
    return find_browser("", names=[name for name in BROWSER_NAMES if "headless" not in name],
                        paths=[path for path in BROWSER_PATHS if "headless" not in path])


def test_printing_works_from_a_temporary_directory_of_an_ordinary_length(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As long as a CI runner's or a per-user one (/tmp/user/1000/…): the full Chromium makes a
    socket under its TMPDIR, and stops (SIGABRT) when the socket's path is longer than Unix
    allows."""
    made = Path(tempfile.mkdtemp(prefix="ordinary-length-"))
    ordinary = made.rename(made.parent / made.name.ljust(49 - len(str(made.parent)), "x"))  # 50 characters in /tmp
    try:
        monkeypatch.setattr(tempfile, "tempdir", str(ordinary))  # what Python found usable
        with ThreadPoolExecutor(1) as worker:
            [rendered] = worker.submit(render_documents, [HELLO], tmp_path, full_browser(), workers=1).result()
        assert rendered.data.startswith(b"%PDF")
    finally:
        shutil.rmtree(ordinary)


@dataclasses.dataclass
class Started:
    """The browsers a test started: each one's first process, whose number is its group's, and
    the folder it keeps its profile and output in."""

    groups: list[int] = dataclasses.field(default_factory=list)
    folders: list[Path] = dataclasses.field(default_factory=list)

    def processes(self) -> list[psutil.Process]:
        """Every process of their groups still there, a zombie or not."""
        found = []
        for process in psutil.process_iter():
            try:
                if os.getpgid(process.pid) in self.groups:
                    found.append(process)
            except (psutil.Error, ProcessLookupError):
                pass
        return found

    def left_behind(self) -> list[psutil.Process]:
        """What is still running after ten seconds at most: any process of their groups but a
        zombie waiting to be reaped by another, and the first ones unless reaped by the build."""
        deadline = time.monotonic() + 10
        while True:
            left = []
            for process in self.processes():
                try:
                    if process.pid in self.groups or process.status() != psutil.STATUS_ZOMBIE:
                        left.append(process)
                except psutil.NoSuchProcess:
                    pass
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.1)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Started:
    seen = Started()
    spawn = os.posix_spawn

    def spawn_and_note(path: str, argv: list[str], *args: object, **options: object) -> int:
        pid = spawn(path, argv, *args, **options)  # type: ignore[arg-type]
        seen.groups.append(pid)
        seen.folders += [Path(arg.split("=", 1)[1]).parent for arg in argv if arg.startswith("--user-data-dir=")]
        return pid

    monkeypatch.setattr(os, "posix_spawn", spawn_and_note)
    return seen


def arguments(process: psutil.Process | int) -> list[str]:
    """A process's command line; none once it has ended (or is a zombie)."""
    try:
        return (psutil.Process(process) if isinstance(process, int) else process).cmdline()
    except psutil.Error:  # ended, or a zombie
        return []


SHELLS = {"sh", "dash", "bash"}
PAGE = '<!doctype html><html lang="en"><head><title>T</title></head><body><p>Hi</p></body></html>'


def test_the_browser_leaves_no_process_and_no_folder_behind(tmp_path: Path, started: Started) -> None:
    doc = PrintDocument(path="downloads/t.pdf", url_path="t.print.html", html=PAGE, metadata=METADATA)
    while_printing: list[bool] = []

    def look(rendered: RenderedPdf) -> None:
        while_printing.append(bool(started.processes()) and all(f.is_dir() for f in started.folders))

    with ThreadPoolExecutor(1) as worker:
        worker.submit(render_documents, [doc], tmp_path, system_browser(), workers=1, finish=look).result()
    assert while_printing == [True] and started.folders
    assert not started.left_behind()
    assert not [folder for folder in started.folders if folder.exists()]


def test_the_browser_prints_without_a_gpu_process_or_a_network_service_of_its_own(
        tmp_path: Path, started: Started) -> None:
    """Each of Chromium's processes holds memory of its own: the GPU's and the network's work is
    done in the browser's process."""
    doc = PrintDocument(path="downloads/t.pdf", url_path="t.print.html", html=PAGE, metadata=METADATA)
    kinds: list[str] = []

    def look(rendered: RenderedPdf) -> None:
        kinds.extend(arg for process in started.processes() for arg in arguments(process)
                     if arg.startswith(("--type=", "--utility-sub-type=")))

    with ThreadPoolExecutor(1) as worker:
        worker.submit(render_documents, [doc], tmp_path, system_browser(), workers=1, finish=look).result()
    assert "--type=renderer" in kinds  # the browser's processes were seen while it printed
    assert "--type=gpu-process" not in kinds
    assert not [kind for kind in kinds if "NetworkService" in kind], kinds


def hooks_importable(temporary: Path) -> dict[str, str]:
    """The environment of a Python that imports the build's modules, with TMPDIR `temporary`."""
    return {**os.environ, "TMPDIR": str(temporary), "PYTHONPATH": str(ROOT / "hooks")}


def test_a_browser_its_build_never_closed_is_closed_as_python_exits(tmp_path: Path) -> None:
    """A build stopped (Ctrl-C) just as its browser starts, before the build holds it to close it:
    the browser still ends, and its folder is removed."""
    started_and_stopped = (
        "import pathlib, sys, time\n"
        "from ebook.pdf.browser import Browser\n"
        "Browser(sys.argv[1])\n"
        "while not any(pathlib.Path(sys.argv[2]).glob(sys.argv[3] + '*')):\n"
        "    time.sleep(0.01)\n"
        "raise KeyboardInterrupt\n")
    stopped = subprocess.run(
        [sys.executable, "-c", started_and_stopped, system_browser(), str(tmp_path), cdp.FOLDER_PREFIX],
        env=hooks_importable(tmp_path),
        capture_output=True, text=True, timeout=120)
    assert "KeyboardInterrupt" in stopped.stderr
    assert not list(tmp_path.glob(f"{cdp.FOLDER_PREFIX}*"))
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(tmp_path) in " ".join(p.info["cmdline"] or [])]


def test_a_build_stopped_before_the_browsers_thread_starts_ends_at_once(tmp_path: Path) -> None:
    """Ctrl-C as the browser's thread is being started: nothing was launched, so nothing waits."""
    stopped_before_the_thread = (
        "import sys, threading\n"
        "from ebook.pdf.browser import Browser\n"
        "start = threading.Thread.start\n"
        "def interrupted(thread):\n"
        "    if thread.name == 'browser':\n"
        "        raise KeyboardInterrupt\n"
        "    start(thread)\n"
        "threading.Thread.start = interrupted\n"
        "Browser(sys.argv[1])\n")
    stopped = subprocess.run(
        [sys.executable, "-c", stopped_before_the_thread, system_browser()],
        env=hooks_importable(tmp_path),
        capture_output=True, text=True, timeout=60)  # a bound: the browser's close waits up to 120 s
    assert stopped.stderr.rstrip().endswith("KeyboardInterrupt") and "did not close" not in stopped.stderr
    assert stopped.stderr.count("Traceback") == 1  # the interrupt's own, none from the clean-up
    assert not list(tmp_path.glob(f"{cdp.FOLDER_PREFIX}*"))


def test_the_folders_of_killed_builds_are_removed_and_those_of_running_builds_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Started) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # A build holds its folder's lock while it runs (here this process, the folder named after
    # a process that has ended); a killed build's lock is free, whatever process id its name
    # carries (here one still running).
    made = writing.build_folder(cdp.FOLDER_PREFIX)
    running = made.rename(tmp_path / f"{cdp.FOLDER_PREFIX}{ended_pid()}-kept")  # its lock with it
    left = left_unheld(tmp_path / f"{cdp.FOLDER_PREFIX}{os.getppid()}-left")
    (tmp_path / "site").mkdir()
    doc = PrintDocument(path="downloads/t.pdf", url_path="t.print.html", html=PAGE, metadata=METADATA)
    with ThreadPoolExecutor(1) as worker:
        worker.submit(render_documents, [doc], tmp_path / "site", system_browser(), workers=1).result()
    assert running.is_dir() and not left.exists()
    shutil.rmtree(running)
    writing.remove_build_folder(made)  # (releases its lock)
    assert started.folders and all(folder.parent == tmp_path for folder in started.folders)


def test_a_browser_that_dies_while_printing_stops_the_build_naming_the_document(
        tmp_path: Path, started: Started) -> None:
    first, second = (PrintDocument(path=f"downloads/{n}.pdf", url_path=f"{n}.print.html", html=PAGE,
                                   metadata=METADATA) for n in ("first", "second"))

    def second_after_killing_the_browser() -> PrintDocument:
        # The browser itself: the program started, or the one the shell script Debian starts
        # it with runs.
        (started_first,) = (psutil.Process(pid) for pid in started.groups)
        browser = started_first if Path(arguments(started_first)[0]).name not in SHELLS else next(
            child for child in started_first.children() if "--remote-debugging-pipe" in arguments(child))
        os.kill(browser.pid, signal.SIGKILL)  # not reaped here: the build (or the script) does that
        with contextlib.suppress(psutil.NoSuchProcess):
            deadline = time.monotonic() + 10
            while browser.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
                time.sleep(0.05)
        return second

    def build() -> None:
        browser = Browser(system_browser())
        try:
            render_documents([first, second_after_killing_the_browser], tmp_path, browser, workers=1)
        finally:
            browser.close()

    start = time.monotonic()
    with ThreadPoolExecutor(1) as worker, pytest.raises(PluginError) as stopped:
        worker.submit(build).result()
    # Told at once, not when a wait for the page or for an answer runs out.
    assert time.monotonic() - start < min(tab.LOAD_TIMEOUT, cdp.ANSWER_TIMEOUT)
    # Made while the first prints: the browser dies during the first's printing or before the second's.
    assert re.match(rf"The browser {re.escape(system_browser())} stopped while printing "
                    r"downloads/(first|second)\.pdf \(it (ended with status 137|was stopped by SIGKILL)",
                    str(stopped.value))
    assert "Build again; if it stops again, set BOOK_BROWSER to another Chromium or Chrome." in str(stopped.value)
    assert not started.left_behind()
    assert started.folders and not [folder for folder in started.folders if folder.exists()]


# Programs that are not a browser, though started as one: each must stop the build at once, in
# one line, and leave nothing running.
NOT_A_BROWSER = {  # what it does, what the build says, and how long it waits for an answer
    "never answers": ("sleep 600", "it did not answer in 1 s", 1),
    "answers nonsense": ("printf 'not json\\0' >&4; sleep 600", "it sent a message that is not JSON", 30),
    "cannot start": ("echo 'chromium: error while loading shared libraries: libnss3.so' >&2; exit 127",
                     "it ended with status 127; chromium: error while loading shared libraries: libnss3.so", 30),
}


@pytest.mark.parametrize("case", list(NOT_A_BROWSER))
def test_a_program_that_is_not_a_browser_stops_the_build_and_is_ended(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Started, case: str) -> None:
    script, said, answer_timeout = NOT_A_BROWSER[case]
    program = tmp_path / "browser"
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setattr(cdp, "ANSWER_TIMEOUT", answer_timeout)
    doc = PrintDocument(path="downloads/t.pdf", url_path="t.print.html", html=PAGE, metadata=METADATA)
    with ThreadPoolExecutor(1) as worker, pytest.raises(PluginError) as stopped:
        worker.submit(render_documents, [doc], tmp_path, str(program), workers=1).result(timeout=30)
    assert str(stopped.value).startswith(f"The browser {program} does not start ({said}")
    assert started.groups and not started.left_behind()
    assert started.folders and not [folder for folder in started.folders if folder.exists()]


def test_a_build_that_stops_while_the_browser_still_starts_does_not_wait_for_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        started: Started) -> None:
    """The site's build failed (or Ctrl-C) while a slow browser has not answered yet: closing
    it stops its launch, ending what it started, instead of waiting for an answer (here longer
    than closing waits, which would then end it and say so)."""
    program = tmp_path / "browser"
    program.write_text("#!/bin/sh\nexec sleep 1000\n", encoding="utf-8")  # starts, never answers
    program.chmod(0o755)
    monkeypatch.setattr(cdp, "ANSWER_TIMEOUT", 10 * CLOSE_TIMEOUT)
    browser = Browser(str(program))
    deadline = time.monotonic() + 30  # a bound, not a measure
    while not started.groups:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    browser.close()
    assert "did not close" not in caplog.text
    assert not started.left_behind()
    assert started.folders and not [folder for folder in started.folders if folder.exists()]


def test_a_page_that_never_loads_stops_the_build_naming_what_it_waits_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Started) -> None:
    with socket.socket() as silent:  # accepts, and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        picture = f"http://127.0.0.1:{silent.getsockname()[1]}/picture.png"
        html = PAGE.replace("<p>Hi</p>", f'<p>Hi</p><img src="{picture}" alt="">')
        doc = PrintDocument(path="downloads/t.pdf", url_path="t.print.html", html=html, metadata=METADATA)
        monkeypatch.setattr(tab, "LOAD_TIMEOUT", 5)
        with ThreadPoolExecutor(1) as worker, pytest.raises(PluginError) as stopped:
            worker.submit(render_documents, [doc], tmp_path, system_browser(), workers=1).result(timeout=60)
    assert str(stopped.value) == (f"downloads/t.pdf: its page had not loaded after 5 s (still loading {picture}). "
                                  "Check that it opens, then build again.")
    assert not started.left_behind()


def test_the_pipe_is_cut_into_messages_wherever_the_reads_end() -> None:
    heard: list[bytes] = []
    ended: list[str] = []
    pipe = cdp.Messages(heard.append, ended.append)
    for chunk in (b'{"id": 1', b'}\0{"id": 2}\0{"id"', b": 3}", b"\0", b'{"id": 4}\0{"id": 5}\0'):
        pipe.data_received(chunk)
    assert heard == [b'{"id": 1}', b'{"id": 2}', b'{"id": 3}', b'{"id": 4}', b'{"id": 5}']
    assert ended == []

    def unreadable(message: bytes) -> None:
        raise ValueError("not JSON")

    cdp.Messages(unreadable, ended.append).data_received(b"x\0")
    assert ended == ["a message from it could not be handled (ValueError: not JSON)"]
