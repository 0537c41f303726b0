"""The offline edition's functions and its per-build export, called directly (ebook/offline.py)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from ebook import offline
from ebook.model import state
from tests.helpers import ROOT, make_fixture_project

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
