"""The offline edition's functions and its per-build export, called directly (ebook/offline.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import psutil
import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from ebook import offline
from ebook.model import state, writing
from tests.helpers import ROOT, ended_pid, left_unheld, make_fixture_project

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page


def test_the_offline_edition_serves_its_own_worker_shim() -> None:
    polyfills = ["js/other.js", "https://unpkg.com/iframe-worker/shim"]
    assert offline.local_polyfills(polyfills) == ["js/other.js", offline.SHIM_URI]
    assert offline.SHIM_SOURCE.is_file()


def test_links_to_the_offline_edition_itself_become_text() -> None:
    html = ('<li><a data-download="downloads/book-offline.zip" href="downloads/book-offline.zip">Offline edition</a> '
            'and <a data-download="downloads/book.epub" href="downloads/book.epub">E-book</a></li>')
    result = offline.unlink_self(html, "downloads/book-offline.zip")
    assert result == ('<li><span>Offline edition (this copy)</span> and '
                      '<a data-download="downloads/book.epub" href="downloads/book.epub">E-book</a></li>')


def test_finished_downloads_are_copied_into_the_offline_site(tmp_path: Path) -> None:
    source = tmp_path / "downloads"
    (source / "handouts").mkdir(parents=True)
    (source / "book.epub").write_bytes(b"epub")
    (source / "handouts" / "one.pdf").write_bytes(b"pdf")
    (source / ".book.pdf.part").write_bytes(b"half")
    (source / "book-offline.zip").write_bytes(b"an older edition")
    target = tmp_path / "offline" / "downloads"
    offline.copy_downloads(source, target, leave_out="book-offline.zip")
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "book.epub", "handouts/one.pdf"]


@pytest.mark.build  # the code it calls starts a program
def test_a_failed_offline_build_stops_the_book_build_with_its_messages(tmp_path: Path) -> None:
    config = make_fixture_project("bad-licence", tmp_path)
    build = offline.start_offline_build(config)
    try:
        with pytest.raises(PluginError, match=r"(?s)offline edition's build failed.*unknown licence 'MIT'"):
            offline.finish_offline_build(build)
    finally:
        offline.stop_offline_build(build)
    assert not build.work.exists()


def test_sigterm_and_sighup_end_a_build_by_exit_while_the_edition_runs() -> None:
    """So that its clean-up runs; the old handlers come back after, and an ignored signal stays
    ignored."""
    before = {number: signal.getsignal(number) for number in offline.ENDING_SIGNALS}
    for number in offline.ENDING_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        signals = offline.ExitOnSignals()
        assert signal.getsignal(signal.SIGTERM) is offline.exit_on_signal
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
        with pytest.raises(SystemExit) as stopped:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler runs before this ends
        assert stopped.value.code == 128 + signal.SIGTERM
        signals.restore()
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


# --- The export of one build -----------------------------------------------------------------

SELF = '<a data-download="{path}" href="{path}">Offline edition</a>'


def test_only_the_edition_serves_the_shim_and_unlinks_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    for edition in (False, True):
        monkeypatch.setenv("BOOK_OFFLINE", "true" if edition else "false")
        config = load_config(str(ROOT / "mkdocs.yml"))
        book = state.start(config)
        export = offline.OfflineExport(book, config)
        config.plugins._current_plugin = "hooks/exports.py"  # as MkDocs sets it while an event runs
        files = Files([])
        export.files(files, config)
        expected = [book.download_path("offline")] + ([offline.SHIM_URI] if edition else [])
        assert [f.src_uri for f in files] == expected
        link = SELF.format(path=book.download_path("offline"))
        page = cast("Page", None)  # not read
        assert (export.post_page(link, page, config) == link) is not edition


def test_without_the_offline_plugin_the_build_stops_naming_the_configuration() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"), plugins=["search"])
    with pytest.raises(PluginError, match=r"^mkdocs\.yml: plugins has no 'offline' entry"):
        offline.OfflineExport(state.start(config), config)


@pytest.mark.build  # the code it calls starts a program
def test_a_failed_book_build_stops_the_second_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOK_EXPORTS", "1")
    monkeypatch.setenv("BOOK_CACHE", "0")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    export = offline.OfflineExport(state.start(config), config)
    handler = signal.getsignal(signal.SIGTERM)
    export.pre_build(config)
    running = export.running
    assert running is not None and running.process.poll() is None
    # Meanwhile SIGTERM ends this build by an exit, which runs the clean-up.
    assert signal.getsignal(signal.SIGTERM) is (offline.exit_on_signal if handler == signal.SIG_DFL else handler)
    export.close()
    assert export.running is None
    assert running.process.poll() is not None and not running.work.exists()
    assert signal.getsignal(signal.SIGTERM) == handler


def test_a_build_removes_the_folders_of_killed_editions_even_when_it_reuses_the_zip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("BOOK_EXPORTS", "1")
    # Named after a running process, but no build holds it; named after one that has ended,
    # but its build (this process: it holds its folders' locks) still runs.
    left = left_unheld(tmp_path / f"{offline.WORK_PREFIX}{os.getppid()}-left")
    made = writing.build_folder(offline.WORK_PREFIX)
    kept = made.rename(tmp_path / f"{offline.WORK_PREFIX}{ended_pid()}-kept")  # its lock with it
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    export = offline.OfflineExport(state.start(config), config)
    # As if the last build from the same sources left the zip: no second build starts.
    monkeypatch.setattr(offline, "sources_key", lambda config: "the same sources")
    monkeypatch.setattr(export, "_cache", lambda config: SimpleNamespace(get=lambda *key: b"a zip"))
    export.pre_build(config)
    assert export.running is None
    assert kept.is_dir() and not left.exists()
    shutil.rmtree(kept)
    writing.remove_build_folder(made)  # (releases its lock)


def test_an_edition_whose_book_build_was_killed_removes_its_own_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No one else will: the build that would zip it is gone. That build is the edition's parent
    (here this process's parent stands for it) and gave it the folder's lock; an edition run by
    hand, or given another folder than its lock's, removes nothing."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    work = left_unheld(tmp_path / f"{offline.WORK_PREFIX}{ended_pid()}-x")
    other = left_unheld(tmp_path / "other")
    ended = str(ended_pid())
    with open(work / writing.LOCK_NAME, "rb") as lock, open(other / writing.LOCK_NAME, "rb") as other_lock:
        for started_by, given, removed in ((str(os.getppid()), lock, False),  # its book's build runs
                                           (None, None, False),  # run by hand
                                           (ended, other_lock, False),  # a lock of another folder
                                           (ended, lock, True)):  # started by a build that has ended
            for name, value in ((offline.BOOK_BUILD_ENV, started_by), (offline.LOCK_ENV, given and str(given.fileno()))):
                if value is None:
                    monkeypatch.delenv(name, raising=False)
                else:
                    monkeypatch.setenv(name, value)
            (work / "index-inputs.json").write_text("{}", encoding="utf-8")
            edition = SimpleNamespace(index_inputs=lambda: work / "index-inputs.json")
            offline.OfflineExport.handed_over(cast(offline.OfflineExport, edition))
            assert work.exists() is not removed
    assert other.exists()


@pytest.mark.build  # it runs a build
def test_a_build_started_after_one_was_killed_leaves_the_editions_folder_until_the_edition_removes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_fixture_project("downloads-offline-only", tmp_path)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    book = psutil.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")],
                        cwd=config.parent, env={**os.environ, "TMPDIR": str(temporary), "BOOK_EXPORTS": "1"},
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    editions: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120  # a bound, not a measure
        while not editions and book.poll() is None and time.monotonic() < deadline:
            editions = [child for child in book.children() if "mkdocs" in " ".join(child.cmdline())]
            time.sleep(0.01)
        (edition,) = editions
        edition.suspend()  # still writing its pages
        book.kill()
        book.wait()
        (folder,) = temporary.glob(f"{offline.WORK_PREFIX}*")
        writing.remove_left_folders(offline.WORK_PREFIX)  # as the next build does
        assert folder.is_dir()
        edition.resume()
        edition.wait(timeout=120)
        assert list(temporary.iterdir()) == []
    finally:
        for process in (book, *editions):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.resume()
                process.kill()


@pytest.mark.build  # the code it calls starts a program
def test_sigterm_ends_the_editions_build_though_the_book_build_held_it_back_while_starting_it(
        tmp_path: Path) -> None:
    config = make_fixture_project("downloads-offline-only", tmp_path)
    with offline.held(offline.ENDING_SIGNALS):  # as `OfflineExport._start` starts it
        build = offline.start_offline_build(config)
    try:
        status = Path(f"/proc/{build.process.pid}/status")
        deadline = time.monotonic() + 120  # a bound, not a measure
        while build.process.poll() is None and time.monotonic() < deadline:
            blocked = int(next(line for line in status.read_text().splitlines() if line.startswith("SigBlk:")).split()[1], 16)
            if not blocked & (1 << (signal.SIGTERM - 1)):
                break
            time.sleep(0.02)
        assert build.process.poll() is None, "the edition's build ended with SIGTERM still held back"
        build.process.terminate()
        assert build.process.wait(timeout=60) == -signal.SIGTERM
    finally:
        offline.stop_offline_build(build)
