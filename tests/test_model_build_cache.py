"""Reusing unchanged PDFs between builds: the same bytes as a clean build, never a stale file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

import ebook.pdf
from ebook.model import build_cache, settings
from ebook.model import writing
from ebook.pdf.cache_keys import SiteFiles, code_files
from ebook.pdf.server import site_path
from tests.helpers import mkdocs_build
from tests.pdfs import body_text
from tests.print_documents import system_browser
from tests.test_build_outputs import BOOK_SLUG, copy_of_the_book, snapshot

ENV = {"BOOK_EXPORTS": "1", "SOURCE_DATE_EPOCH": "1700000000"}
OFFLINE_REUSED = "KB, unchanged since the last build)"
ADDED = "A paragraph written after the first build, about listening without judgement."


# --- The store -------------------------------------------------------------------------------


def test_an_entry_comes_back_as_written(tmp_path: Path) -> None:
    cache = build_cache.Cache(tmp_path)
    key = build_cache.digest("some", "inputs")
    assert cache.get("pdf", key) is None
    cache.put("pdf", key, {"loaded": {"a.css": "1"}}, b"%PDF-1.7 bytes")
    entry = build_cache.Cache(tmp_path).get("pdf", key)
    assert entry is not None
    assert entry.data == b"%PDF-1.7 bytes"
    assert entry.meta == {"loaded": {"a.css": "1"}}


def test_a_half_written_entry_is_never_served(tmp_path: Path) -> None:
    cache = build_cache.Cache(tmp_path)
    key = build_cache.digest("inputs")
    cache.put("pdf", key, {}, b"%PDF-1.7 " + b"x" * 1000)
    entry_file = tmp_path / "pdf" / key
    entry_file.write_bytes(entry_file.read_bytes()[:-10])  # cut short, as by a crash
    assert cache.get("pdf", key) is None
    assert not entry_file.exists()  # removed, so the build writes it again
    # A temporary file left by an interrupted write is not an entry either.
    (tmp_path / "pdf" / f".{key}.123.part").write_bytes(b"{}\n%PDF")
    assert cache.get("pdf", key) is None


def test_digest_parts_do_not_run_together() -> None:
    assert build_cache.digest("ab", "c") != build_cache.digest("a", "bc")
    assert build_cache.digest("a") == build_cache.digest(b"a")


def test_has_entries_once_a_build_wrote_one(tmp_path: Path) -> None:
    cache = build_cache.Cache(tmp_path)
    assert not cache.has_entries("pdf")
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / ".abcd.123.part").write_bytes(b"{}\n%PDF")  # an interrupted write
    assert not cache.has_entries("pdf")
    cache.put("pdf", "abcd", {}, b"%PDF-1.7")
    assert cache.has_entries("pdf")
    assert not cache.has_entries("epub")


def test_prune_keeps_only_what_this_build_used(tmp_path: Path) -> None:
    old = build_cache.Cache(tmp_path)
    old.put("pdf", "aaaa", {}, b"old")
    old.put("pdf", "bbbb", {}, b"kept")
    cache = build_cache.Cache(tmp_path)
    assert cache.get("pdf", "bbbb") is not None
    cache.prune("pdf")
    assert sorted(f.name for f in (tmp_path / "pdf").iterdir()) == ["bbbb"]


def test_book_cache_switch() -> None:
    assert settings.cache_enabled({})
    assert settings.cache_enabled({"BOOK_CACHE": "1"})
    assert not settings.cache_enabled({"BOOK_CACHE": "0"})
    with pytest.raises(PluginError, match="BOOK_CACHE='off'.*BOOK_CACHE=0"):
        settings.cache_enabled({"BOOK_CACHE": "off"})


def test_a_changed_stylesheet_invalidates_what_loaded_it(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("h1 { color: red }")
    recorded = SiteFiles(tmp_path).digests(["style.css", "gone.png"])
    assert SiteFiles(tmp_path).unchanged(recorded)
    (tmp_path / "style.css").write_text("h1 { color: blue }")
    assert not SiteFiles(tmp_path).unchanged(recorded)
    (tmp_path / "style.css").write_text("h1 { color: red }")
    (tmp_path / "gone.png").write_bytes(b"now there")  # a file that was missing appears
    assert not SiteFiles(tmp_path).unchanged(recorded)


def test_any_change_to_the_code_of_the_pdfs_changes_every_key() -> None:
    # Every module of the PDFs, those added later too, and the files module that writes them.
    package = Path(ebook.pdf.__file__).parent
    assert set(code_files()) >= {*package.rglob("*.py"), Path(writing.__file__)}


def test_site_paths_of_the_local_server_only() -> None:
    origin = "http://127.0.0.1:8123"
    assert site_path(f"{origin}/assets/a%20b.css?v=1", origin) == "assets/a b.css"
    assert site_path("http://127.0.0.1:81234/x.css", origin) is None
    assert site_path("https://example.org/x.css", origin) is None


# --- Real builds -----------------------------------------------------------------------------


def build(project: Path, name: str, **env: str) -> tuple[Path, str]:
    site = project / name
    result = mkdocs_build(project / "mkdocs.yml", site, {**ENV, "BOOK_BROWSER": str(browser_that_counts(project)), **env})
    assert result.returncode == 0, result.stderr
    return site, result.stderr


def browser_that_counts(project: Path) -> Path:
    """The system browser behind a script that writes a line to `launches.log` at each launch."""
    script, log = project / "browser", project / "launches.log"
    if not script.exists():
        real = system_browser()
        script.write_text(f'#!/bin/sh\ncase "$*" in *--version*) ;; *) echo launch >> "{log}" ;; esac\n'
                          f'exec "{real}" "$@"\n', encoding="utf-8")
        script.chmod(0o755)
    return script


def launches(project: Path) -> int:
    log = project / "launches.log"
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def test_a_cached_rebuild_is_byte_identical_and_a_changed_chapter_is_printed_again(tmp_path: Path) -> None:
    project = copy_of_the_book(tmp_path, 2)  # the real chapter and two copies of it
    # Two chapters' handouts (and worksheets) to a print: the real chapter with copy-0, copy-1 alone.
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "chapters_per_print: 15" in text
    config.write_text(text.replace("chapters_per_print: 15", "chapters_per_print: 2"), encoding="utf-8")
    first, log = build(project, "site-1")
    assert "(7 printed, 0 unchanged" in log  # the book, and a handout and a worksheet per chapter
    assert launches(project) == 1  # one browser prints them all
    entries = sorted((project / ".cache" / "book" / "pdf").iterdir())
    assert len(entries) == 7

    # Nothing changed: every PDF comes from the cache, and the site is the same, byte for byte.
    second, log = build(project, "site-2")
    assert "(0 printed, 7 unchanged since the last build)" in log
    assert launches(project) == 1  # nothing to print: no browser started
    assert OFFLINE_REUSED in log  # nor the offline edition zipped again
    assert snapshot(second) == snapshot(first)

    # One chapter changed: the book and the chapters printed with it are printed again (they
    # share fonts), copy-1's handout and worksheet are reused.
    chapter = project / "docs" / "chapters" / "copy-0.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{ADDED}\n", encoding="utf-8")
    third, log = build(project, "site-3")
    assert "(5 printed, 2 unchanged since the last build)" in log
    assert launches(project) == 2
    assert OFFLINE_REUSED not in log
    handout = third / "downloads" / "handouts" / "copy-0.pdf"
    assert ADDED in body_text(handout)
    assert ADDED in body_text(third / "downloads" / "post-secondary-peer-support-training-curriculum.pdf")
    assert ADDED not in body_text(third / "downloads" / "handouts" / "copy-1.pdf")

    # The same sources without the cache: the same bytes.
    clean, log = build(project, "site-clean", BOOK_CACHE="0")
    assert "(7 printed, 0 unchanged" in log
    assert snapshot(third) == snapshot(clean)

    # A change that moves no page (two letters swapped): the page numbers the last build
    # measured hold, so the book and copy-1's handout and worksheet are each printed once,
    # instead of once to measure and once more, and the bytes are still a clean build's.
    chapter = project / "docs" / "chapters" / "copy-1.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Like electricity", "Like eletcricity", 1),
                       encoding="utf-8")
    swapped, log = build(project, "site-swapped")
    assert "(3 printed, 4 unchanged since the last build)" in log
    printed = [line for line in log.splitlines() if "INFO    -  PDF downloads/" in line]
    assert len(printed) == 3 and all(line.endswith("(1 printing)") for line in printed), printed
    assert "eletcricity" in body_text(swapped / "downloads" / "handouts" / "copy-1.pdf")
    clean, log = build(project, "site-swapped-clean", BOOK_CACHE="0")
    # Without the last build's numbers, each PDF is measured first, then printed once with them.
    printed = [line for line in log.splitlines() if "INFO    -  PDF downloads/" in line]
    assert printed and all(line.endswith("(2 printings)") for line in printed), printed
    assert snapshot(swapped) == snapshot(clean)

    # The same sources built with another date: every PDF changes, so the offline edition (whose
    # second build was not started, the sources being unchanged) is made after all.
    fourth, log = build(project, "site-4", SOURCE_DATE_EPOCH="1800000000")  # January 2027
    assert OFFLINE_REUSED not in log
    with zipfile.ZipFile(fourth / "downloads" / f"{BOOK_SLUG}-offline.zip") as offline:
        assert {entry.date_time[0] for entry in offline.infolist()} == {2027}
        book_pdf = offline.read(f"{BOOK_SLUG}-offline/downloads/{BOOK_SLUG}.pdf")
    assert book_pdf == (fourth / "downloads" / f"{BOOK_SLUG}.pdf").read_bytes()
