"""A preview (`make serve`, BOOK_EXPORTS=0) has no downloads: its pages say that `make book` makes
them instead of linking to files that are not there. The offline edition's build, also without
exports but with the book build's downloads copied in, still links to them. Both say only what is
true of the downloads the book offers (extra.downloads)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
import pytest

from ebook.download_links import human_size
from ebook.downloads import complete_edition_index
from ebook.offline import copy_downloads
from tests.helpers import build_fixture, normalise, page_html_path, soup

CASE = "preview-downloads"
SLUG = "post-secondary-peer-support-training-curriculum"


def links_to_missing_downloads(site: Path) -> list[str]:
    """Every link, on every page, to a download that is not in the site."""
    problems, downloads = [], (site / "downloads").resolve()
    for page in sorted(site.rglob("*.html")):
        for link in soup(page).find_all("a"):
            targets = []
            if link.has_attr("data-download"):
                targets.append(site / link["data-download"])
            href = urlsplit(link.get("href", ""))
            if href.path and not href.scheme and not href.netloc:
                targets.append((page.parent / unquote(href.path)).resolve())
            for target in targets:
                if downloads in target.resolve().parents and not target.is_file():
                    problems.append(f"{page.relative_to(site)}: {link}")
    return problems


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result, site = build_fixture(CASE, tmp_path_factory.mktemp("preview"))  # BOOK_EXPORTS=0
    assert result.returncode == 0, result.stderr
    assert not (site / "downloads").exists()
    return site


def test_no_link_in_a_preview_leads_to_a_missing_download(preview: Path) -> None:
    assert links_to_missing_downloads(preview) == []
    # The pages did have them to replace: the home page's EPUB and offline edition.
    home = soup(page_html_path(preview, "index.md")).select_one("article")
    assert [normalise(s.get_text()) for s in home.select(".book-download-missing")] == [
        "Whole book (PDF; made by make book, not in this preview)",
        "E-book (EPUB; made by make book, not in this preview)",
        "Offline edition (ZIP; made by make book, not in this preview)",
    ]


def test_the_chapter_says_make_book_makes_its_handout(preview: Path) -> None:
    nav = soup(page_html_path(preview, "chapters/listening.md")).select_one("nav.book-downloads")
    assert nav.select("a") == []
    assert [normalise(li.get_text()) for li in nav.select("li")] == [
        "Whole book (PDF; made by make book, not in this preview)",
        "Handout: this chapter (PDF; made by make book, not in this preview)",
        "Worksheet: this chapter's reflection (PDF; made by make book, not in this preview)",
    ]


def test_the_list_of_downloads_says_make_book_makes_them(preview: Path) -> None:
    page = soup(page_html_path(preview, "facilitators.md"))
    listing = page.select_one(".book-downloads-list")
    assert normalise(listing.get_text()) == (
        "This preview has no downloads: make book makes the PDFs, the EPUB and the offline edition.")
    # The print page needs no `make book`: a preview links to it all the same.
    (link,) = page.select("a.book-print-link")
    assert (page_html_path(preview, "facilitators.md").parent / link["href"] / "index.html").is_file()


def blank_pdf(path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path)


def test_the_offline_editions_build_links_to_the_downloads_it_carries(tmp_path: Path) -> None:
    # As ebook/offline.py runs it: exports off, its index's inputs left for the book's build,
    # which copies its downloads in and completes the edition's index.
    downloads = tmp_path / "book-downloads"
    for name in (f"{SLUG}.pdf", "handouts/listening.pdf", "worksheets/listening-reflection.pdf"):
        blank_pdf(downloads / name)
    (downloads / f"{SLUG}.epub").write_bytes(b"PK an e-book")
    (downloads / f"{SLUG}-offline.zip").write_bytes(b"PK an older edition, left out")
    inputs = tmp_path / "index-inputs.json"
    result, site = build_fixture(CASE, tmp_path, env={"BOOK_OFFLINE": "true", "BOOK_OFFLINE_INDEX": str(inputs)})
    assert result.returncode == 0, result.stderr
    assert not (site / "downloads").exists()  # nothing copied in, no index: the book's build does that
    copy_downloads(downloads, site / "downloads", leave_out=f"{SLUG}-offline.zip")
    complete_edition_index(site, inputs)
    assert (site / "downloads" / "index.json").is_file()
    assert links_to_missing_downloads(site) == []
    pages = {page: page.read_text(encoding="utf-8") for page in site.rglob("*.html")}
    assert not [page for page, text in pages.items() if "book-download-missing" in text]
    chapter = soup(site / "chapters" / "listening.html").select_one("nav.book-downloads")
    size = human_size((downloads / f"{SLUG}.pdf").stat().st_size)
    assert [normalise(a.get_text()) for a in chapter.select("a")] == [
        f"Whole book (PDF, 1 page, {size})", f"Handout: this chapter (PDF, 1 page, {size})",
        f"Worksheet: this chapter's reflection (PDF, 1 page, {size})"]
    home = soup(site / "index.html").select_one("article")
    assert "Offline edition (this copy)" in normalise(home.get_text())
    facilitators = soup(site / "facilitators.html")
    assert [normalise(a.get_text()) for a in facilitators.select(".book-downloads-list__book a")] == [
        f"Whole book (PDF, 1 page, {size})", f"E-book (EPUB, {human_size(len(b'PK an e-book'))})",
        "The whole book on one page, to print from your browser"]
    for hidden in facilitators.select('[aria-hidden="true"]'):  # what screen readers say of the links
        hidden.decompose()
    (card,) = facilitators.select(".book-download-card")
    title = normalise(card.h4.get_text())
    assert [normalise(a.get_text()) for a in card.select(".book-download-card__files a")] == [
        f"Handout: {title} (PDF, 1 page, {size})", f"Worksheet: {title} (PDF, 1 page, {size})"]
    # Files, not folders, in the offline edition: its links name them.
    assert [a["href"] for a in facilitators.select(".book-downloads-list a:not(.book-download)")] == [
        "print_page.html", "chapters/listening.html"]
    assert (site / "print_page.html").is_file()


# --- A book that offers only its offline edition ------------------------------------------------

OFFLINE_ONLY = "downloads-offline-only"


def test_a_preview_names_only_the_downloads_the_book_offers(tmp_path: Path) -> None:
    result, site = build_fixture(OFFLINE_ONLY, tmp_path)  # BOOK_EXPORTS=0
    assert result.returncode == 0, result.stderr
    listing = soup(page_html_path(site, "facilitators.md")).select_one(".book-downloads-list")
    assert normalise(listing.get_text()) == "This preview has no downloads: make book makes the offline edition."
    home = soup(page_html_path(site, "index.md")).select_one("article")
    assert [normalise(s.get_text()) for s in home.select(".book-download-missing")] == [
        "Offline edition (ZIP; made by make book, not in this preview)"]


@pytest.mark.build  # the book's build runs the edition's build too
def test_the_offline_edition_of_a_book_offering_nothing_else_speaks_of_no_preview(tmp_path: Path) -> None:
    result, site = build_fixture(OFFLINE_ONLY, tmp_path, env={"BOOK_EXPORTS": "1", "BOOK_CACHE": "0"})
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (site / "downloads").iterdir()) == ["index.json", f"{SLUG}-offline.zip"]
    edition = tmp_path / "unzipped"
    with zipfile.ZipFile(site / "downloads" / f"{SLUG}-offline.zip") as archive:
        archive.extractall(edition)
    pages = {page.relative_to(edition).as_posix(): soup(page) for page in edition.rglob("*.html")}
    listing = pages[f"{SLUG}-offline/facilitators.html"].select_one(".book-downloads-list")
    assert normalise(listing.get_text()) == "The book has no downloads besides this offline edition."
    home = pages[f"{SLUG}-offline/index.html"].select_one("article")
    assert "Offline edition (this copy)" in normalise(home.get_text())
    assert [name for name, page in pages.items() if page.select_one("article") is not None
            and re.search(r"preview|make book", page.select_one("article").get_text())] == []
