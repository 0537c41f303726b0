"""What the build leaves behind: never half a site, the same bytes every time, every chapter whole."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.epubs import Epub, text_of
from tests.pdfs import body_text
from tests.helpers import (
    CHAPTER_MD,
    ROOT,
    book_config,
    book_pages,
    chapter_pages,
    chapter_text_from_page,
    make_fixture_project,
    missing_chapter_text,
    mkdocs_build,
    page_html_path,
    soup,
)

BOOK_SLUG = "post-secondary-peer-support-training-curriculum"
BUILD_COMMAND = [sys.executable, "scripts/build_site.py", "site"]  # what `make book` runs


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder, by its path, with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


COPIES = 60
COPIES_HOME = """---
title: Home
description: A book made of copies of one chapter.
attribution:
  written_by: the editors of this edition
---

# A book of copies

The chapters are copies of [the original chapter](chapters/connection-disconnection-reconnection.md).
"""


def copy_of_the_book(tmp_path: Path, copies: int) -> Path:
    """The project's code and configuration with a book of fixed content, whatever chapters the
    real book has: a home page, the original chapter and `copies` copies of it (so that a build
    takes a while)."""
    fixtures = tmp_path / "fixtures"
    docs = fixtures / "book" / "docs"
    (docs / "chapters").mkdir(parents=True)
    (docs / "index.md").write_text(COPIES_HOME, encoding="utf-8")
    chapter = CHAPTER_MD.read_text(encoding="utf-8")
    (docs / "chapters" / CHAPTER_MD.name).write_text(chapter, encoding="utf-8")
    for n in range(copies):
        copy = chapter.replace("title: Connection, Disconnection & Reconnection", f"title: Chapter copy {n}", 1)
        (docs / "chapters" / f"copy-{n}.md").write_text(copy, encoding="utf-8")
    project = make_fixture_project("book", tmp_path / "project", fixtures=fixtures).parent
    shutil.copytree(ROOT / "scripts", project / "scripts")
    return project


@pytest.fixture
def big_book(tmp_path: Path) -> Path:
    return copy_of_the_book(tmp_path, COPIES)


def run_build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(BUILD_COMMAND, cwd=project, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def interrupt_midway(project: Path) -> tuple[int, int]:
    """Start the build, press Ctrl-C once it is writing pages; its exit code and pages written."""
    building = project / ".site-building"
    temporary = project.parent / "tmp"  # where the build makes its temporary folders
    temporary.mkdir(exist_ok=True)
    # Ctrl-C reaches a build started from a terminal; a test run started in the background by a
    # shell without job control inherits SIGINT ignored, so give the build the terminal's default.
    process = subprocess.Popen(BUILD_COMMAND, cwd=project, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temporary)},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not (building / "assets").exists():  # static files are copied just before the pages
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    pages_written = len(list(building.rglob("index.html")))
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    return process.wait(timeout=60), pages_written


def test_interrupting_a_build_keeps_the_previous_complete_site(big_book: Path) -> None:
    first = run_build(big_book)
    assert first.returncode == 0, first.stderr
    before = snapshot(big_book / "site")
    assert len([p for p in before if p.endswith("index.html")]) > COPIES
    # A change the next build would publish, so a half-written site could not pass for the old one.
    chapter = big_book / "docs" / "chapters" / "copy-0.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA paragraph added since.\n", encoding="utf-8")

    code, pages_written = interrupt_midway(big_book)
    assert code != 0
    assert pages_written < COPIES  # it really was stopped midway
    assert snapshot(big_book / "site") == before
    assert not (big_book / ".site-building").exists()
    assert not any((big_book.parent / "tmp").iterdir())  # nor the offline edition's folder


def test_interrupting_the_first_build_leaves_no_site(big_book: Path) -> None:
    code, _ = interrupt_midway(big_book)
    assert code != 0
    assert not (big_book / "site").exists()
    assert not (big_book / ".site-building").exists()


def test_a_build_stopped_by_the_checks_keeps_the_previous_site(tmp_path: Path) -> None:
    book = copy_of_the_book(tmp_path, 1)
    assert run_build(book).returncode == 0
    before = snapshot(book / "site")
    (book / "docs" / "chapters" / "copy-0.md").write_text("No front matter.\n", encoding="utf-8")
    failed = run_build(book)
    assert failed.returncode != 0
    assert "docs/chapters/copy-0.md:1: the page has no front matter" in failed.stderr
    assert failed.stderr.rstrip().endswith("The book was not built: fix what is listed above (each problem "
                                           "names its file and line), then build again. site/ still holds "
                                           "the last book built.")
    assert snapshot(book / "site") == before


def test_a_first_build_stopped_by_the_checks_says_nothing_was_written(tmp_path: Path) -> None:
    book = copy_of_the_book(tmp_path, 1)
    (book / "docs" / "chapters" / "copy-0.md").write_text("No front matter.\n", encoding="utf-8")
    failed = run_build(book)
    assert failed.returncode == 1
    assert failed.stderr.rstrip().endswith("then build again. Nothing was written to site/.")
    assert not (book / "site").exists()


def test_two_builds_of_the_same_sources_are_byte_identical(tmp_path: Path) -> None:
    """Every file (HTML, JSON, XML, PDF, …) the same, whatever folder and hash seed a build gets."""
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip() or "1700000000"
    sites = []
    for n, seed in ((1, "1"), (2, "2")):
        site = tmp_path / f"build-{n}" / "site"
        result = mkdocs_build(ROOT / "mkdocs.yml", site,
                              env={"SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": seed,
                                   "BOOK_CACHE": "0"})  # both printed: reuse is tested apart
        assert result.returncode == 0, result.stderr
        sites.append(snapshot(site))
    assert sites[0].keys() == sites[1].keys()
    different = sorted(path for path in sites[0] if sites[0][path] != sites[1][path])
    assert different == []
    kinds = {Path(path).suffix for path in sites[0]}
    assert {".html", ".json", ".xml", ".pdf"} <= kinds


def texts(site: Path, pages: list[str]) -> list[tuple[str, str]]:
    return [(src, chapter_text_from_page(page_html_path(site, src))) for src in pages]


def test_print_page_has_every_page_whole_in_navigation_order(site: Path) -> None:
    pages = book_pages()
    assert "chapters/connection-disconnection-reconnection.md" in pages
    print_text = soup(site / "print_page" / "index.html").find(id="print-site-page").get_text(" ")
    assert missing_chapter_text(texts(site, pages), print_text) == {}


def test_book_pdf_has_every_page_whole_in_navigation_order(site: Path) -> None:
    pdf = site / "downloads" / f"{BOOK_SLUG}.pdf"
    # But the chapters' page of a book of one chapter: a list of one (ebook/pdf/book_document.py).
    listing = f"{book_config()['extra']['book']['chapters_dir']}/index.md"
    pages = [p for p in book_pages() if p != listing or len(chapter_pages()) > 1]
    assert missing_chapter_text(texts(site, pages), body_text(pdf)) == {}


@pytest.mark.parametrize("chapter", chapter_pages())
def test_each_handout_has_its_chapter_whole(site: Path, chapter: str) -> None:
    handout = site / "downloads" / "handouts" / f"{Path(chapter).stem}.pdf"
    assert missing_chapter_text(texts(site, [chapter]), body_text(handout)) == {}


def test_epub_has_every_chapter_whole_in_navigation_order(site: Path) -> None:
    epub = Epub(site / "downloads" / f"{BOOK_SLUG}.epub")
    epub_text = " ".join(text_of(root) for _, root in epub.chapters())
    assert missing_chapter_text(texts(site, chapter_pages()), epub_text) == {}


def test_the_comparison_notices_a_lost_paragraph_and_a_swapped_order(site: Path) -> None:
    """The helper the other outputs are checked with fails when text is lost or out of order."""
    chapters = texts(site, book_pages())
    whole = " ".join(text for _, text in chapters)
    lost = whole.replace("This is reconnection.", "")
    assert "chapters/connection-disconnection-reconnection.md" in missing_chapter_text(chapters, lost)
    swapped = " ".join(text for _, text in reversed(chapters))
    assert missing_chapter_text(chapters, swapped) != {}
    # Line breaks, hyphenation and ligatures from a PDF's text layer are not losses.
    pdf_like = whole.replace("disconnection", "discon-\nnection").replace("fl", "\ufb02").replace(" ", "\n")
    assert missing_chapter_text(chapters, pdf_like) == {}
