"""The downloads contract's functions, called directly: paths, the index, the links, the list
(`ebook.downloads`, `ebook.download_links`)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import pikepdf
import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from ebook import download_links as dl
from ebook import downloads as d
from ebook.model import state
from ebook.model.book import Book, Kind, download_path
from ebook.model.settings import FORMATS
from tests.helpers import ROOT

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

BOOK = "post-secondary-peer-support-training-curriculum"
CHAPTERS = {
    "listening": d.ChapterPage("listening", "Listening <Well> & Often", "chapters/listening/", "chapters/listening.md"),
    "connection": d.ChapterPage("connection", "Connection", "chapters/connection/", "chapters/connection.md"),
}


@given(kind=st.sampled_from(["handout", "worksheet"]), chapter=st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True))
def test_every_chapter_download_path_says_what_it_is(kind: Kind, chapter: str) -> None:
    assert d.classify(download_path(kind, book=BOOK, chapter=chapter), book=BOOK) == (kind, chapter)


@pytest.mark.parametrize("kind", ["book", "epub", "offline"])
def test_whole_book_download_paths(kind: Kind) -> None:
    path = download_path(kind, book=BOOK)
    assert path.startswith(f"downloads/{BOOK}")
    assert d.classify(path, book=BOOK) == (kind, "")


def test_unknown_file_in_downloads_stops_the_build() -> None:
    with pytest.raises(PluginError, match="site/downloads/notes.txt: not a known kind of download"):
        d.classify("downloads/notes.txt", book=BOOK)


@pytest.mark.parametrize(("size", "text"), [(0, "0 bytes"), (999, "999 bytes"), (1000, "1 KB"),
                                            (210_400, "210 KB"), (999_499, "999 KB"), (1_234_567, "1.2 MB")])
def test_human_sizes(size: int, text: str) -> None:
    assert dl.human_size(size) == text


def make_pdf(path: Path, pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path)
    return path.read_bytes()


def test_scan_describes_every_file_book_first_then_by_chapter(tmp_path: Path) -> None:
    book = make_pdf(tmp_path / "downloads" / f"{BOOK}.pdf", 3)
    make_pdf(tmp_path / "downloads" / "handouts" / "connection.pdf", 2)
    make_pdf(tmp_path / "downloads" / "worksheets" / "listening-reflection.pdf", 1)
    make_pdf(tmp_path / "downloads" / "handouts" / "listening.pdf", 2)
    (tmp_path / "downloads" / f"{BOOK}.epub").write_bytes(b"PK epub")
    (tmp_path / "downloads" / ".x.pdf.part").write_bytes(b"half")  # an exporter still writing
    found = d.scan_downloads(tmp_path, book_title="The Book", book_slug=BOOK, chapters=CHAPTERS)
    assert [(f.kind, f.path.split("/")[-1]) for f in found] == [
        ("book", f"{BOOK}.pdf"), ("epub", f"{BOOK}.epub"), ("handout", "listening.pdf"),
        ("worksheet", "listening-reflection.pdf"), ("handout", "connection.pdf")]
    assert found[0] == dl.Download("book", "The Book", "", f"downloads/{BOOK}.pdf", 3, len(book),
                                  hashlib.sha256(book).hexdigest())
    assert found[1].pages is None
    assert found[2].title == "Listening <Well> & Often" and found[2].page_url == "chapters/listening/"
    index = json.loads(d.render_index("The Book", found))
    assert index["book"] == "The Book"
    assert index["files"][0] == {"kind": "book", "title": "The Book", "page_url": "",
                                 "path": f"downloads/{BOOK}.pdf", "pages": 3, "bytes": len(book),
                                 "sha256": hashlib.sha256(book).hexdigest()}


def test_a_handout_for_no_chapter_stops_the_build(tmp_path: Path) -> None:
    make_pdf(tmp_path / "downloads" / "handouts" / "gone.pdf", 1)
    with pytest.raises(PluginError, match="site/downloads/handouts/gone.pdf: no chapter page 'gone'"):
        d.scan_downloads(tmp_path, book_title="B", book_slug=BOOK, chapters=CHAPTERS)


def test_no_downloads_folder_means_no_downloads(tmp_path: Path) -> None:
    assert d.scan_downloads(tmp_path, book_title="B", book_slug=BOOK, chapters=CHAPTERS) == []


# What each kind of build may say of the downloads it lacks (`Offer`): the book build, a preview,
# the offline edition's own build; every format offered unless a test says otherwise.
BUILD = dl.Offer(formats=FORMATS, book=BOOK, exports=True, edition=False, config_name="mkdocs.yml")
PREVIEW = dl.Offer(formats=FORMATS, book=BOOK, exports=False, edition=False, config_name="mkdocs.yml")
EDITION = dl.Offer(formats=FORMATS, book=BOOK, exports=False, edition=True, config_name="mkdocs.yml")


def offering(offer: dl.Offer, *formats: str) -> dl.Offer:
    return dataclasses.replace(offer, formats=formats)


HANDOUT = dl.Download("handout", "Listening", "chapters/listening/", "downloads/handouts/listening.pdf", 2, 210_400, "0" * 64)
BOOK_PDF = dl.Download("book", "The Book", "", f"downloads/{BOOK}.pdf", 12, 1_234_567, "1" * 64)
PAGE = (
    '<p><a href="../../downloads/handouts/listening.pdf" data-download="downloads/handouts/listening.pdf">Handout: this chapter</a>'
    f' <a class="x" data-download="downloads/{BOOK}.pdf" href="../../downloads/{BOOK}.pdf">Download <b>PDF</b></a>'
    ' <a href="../other/">Other</a></p>'
)


def test_download_links_get_type_pages_and_size() -> None:
    done = dl.complete_links(PAGE, {HANDOUT.path: HANDOUT, BOOK_PDF.path: BOOK_PDF}, page="chapters/listening/index.html", offer=BUILD)
    links = BeautifulSoup(done, "html.parser").find_all("a")
    assert [a.get_text() for a in links] == [
        "Handout: this chapter (PDF, 2 pages, 210 KB)", "Download PDF (12 pages, 1.2 MB)", "Other"]
    # The name and the rest each in a span of their own (the name alone is underlined).
    assert [[s["class"] for s in a.find_all("span", recursive=False)] for a in links[:2]] == [
        [["book-download__name"], ["book-download__about"]]] * 2
    assert links[1].select_one(".book-download__name").decode_contents() == "Download <b>PDF</b>"
    unwrapped = re.sub(r'<span class="book-download__(?:name|about)">(.*?)</span>', r"\1", done)
    assert unwrapped.replace(" (PDF, 2 pages, 210 KB)", "").replace(" (12 pages, 1.2 MB)", "") == PAGE  # nothing else changed


# Pieces that make and break the link pattern: tags, quotes, '>' inside and between tags, words
# glued to the attribute, links never closed.
_LINK_PIECES = ["<a", "<a ", "<a\n", "<ab ", "<aé ", ' data-download="', 'xdata-download="', "data-download=",
                'downloads/x.pdf"', '"', ">", "</a>", "text", " ", "\n", "<b>", "é",
                '<a href="x" data-download="downloads/x.pdf">', '<a data-download="y">Link</a>']


@given(st.lists(st.sampled_from(_LINK_PIECES), max_size=24))
def test_download_links_are_found_as_the_pattern_finds_them(pieces: list[str]) -> None:
    # Found from each attribute rather than at each link: the same matches, in the same order.
    page = "".join(pieces)
    found = [(m.span(), m.groupdict()) for m in dl.download_links(page)]
    assert found == [(m.span(), m.groupdict()) for m in dl._DOWNLOAD_LINK.finditer(page)]


@pytest.mark.parametrize(("pages", "text"), [(1, "PDF, 1 page, 210 KB"), (2, "PDF, 2 pages, 210 KB"),
                                             (None, "PDF, 210 KB")])
def test_a_pdfs_pages_are_counted_in_words(pages: int | None, text: str) -> None:
    assert dl.about(dataclasses.replace(HANDOUT, pages=pages)) == text


def test_a_link_to_a_missing_download_stops_the_build() -> None:
    with pytest.raises(PluginError) as error:
        dl.complete_links(PAGE, {BOOK_PDF.path: BOOK_PDF}, page="chapters/listening/index.html", offer=BUILD)
    assert "site/chapters/listening/index.html: links to downloads/handouts/listening.pdf" in str(error.value)


MISSING = ' (made by <code>make book</code>, not in this preview)</span>'


def test_in_a_preview_a_link_to_a_missing_file_says_make_book_makes_it() -> None:
    done = dl.complete_links(PAGE, {}, page="chapters/listening/index.html", offer=PREVIEW)
    assert done == (
        '<p><span class="book-download-missing">Handout: this chapter (PDF; made by <code>make book</code>, '
        'not in this preview)</span>'
        f' <span class="book-download-missing">Download <b>PDF</b>{MISSING}'  # the text names the type
        ' <a href="../other/">Other</a></p>'
    )
    text = BeautifulSoup(done, "html.parser").get_text()
    assert "Handout: this chapter (PDF; made by make book, not in this preview)" in text


def test_in_a_preview_links_to_files_it_has_are_completed() -> None:
    # The offline edition's build: exports off, the book build's downloads copied in.
    done = dl.complete_links(PAGE, {BOOK_PDF.path: BOOK_PDF}, page="chapters/listening/index.html", offer=PREVIEW)
    page = BeautifulSoup(done, "html.parser")
    assert [a.get_text() for a in page.find_all("a")] == ["Download PDF (12 pages, 1.2 MB)", "Other"]
    assert page.select_one(".book-download-missing").get_text() == (
        "Handout: this chapter (PDF; made by make book, not in this preview)")


def test_a_link_to_a_download_the_book_does_not_offer_names_the_setting() -> None:
    with pytest.raises(PluginError) as error:
        dl.complete_links(PAGE, {HANDOUT.path: HANDOUT}, page="chapters/listening/index.html",
                         offer=offering(BUILD, "epub", "offline"))
    assert str(error.value) == (
        f"site/chapters/listening/index.html: links to downloads/{BOOK}.pdf (data-download): the book does "
        "not offer the PDFs (extra.downloads in mkdocs.yml): add pdf there, or remove this link.")


EPUB_LINK = f'<a data-download="downloads/{BOOK}.epub" href="downloads/{BOOK}.epub">E-book</a>'


@pytest.mark.parametrize(("offer", "text"), [
    (offering(PREVIEW, "pdf"), "E-book (EPUB; the book does not offer it)"),
    (offering(EDITION, "pdf", "offline"), "E-book (EPUB; the book does not offer it)"),
    # A hand-run offline edition's build, without the book build's downloads: no preview.
    (EDITION, "E-book (EPUB; not in this offline edition)"),
], ids=["preview-not-offered", "edition-not-offered", "edition-missing"])
def test_a_missing_file_says_only_what_is_true_of_the_book_and_the_build(offer: dl.Offer, text: str) -> None:
    done = BeautifulSoup(dl.complete_links(EPUB_LINK, {}, page="index.html", offer=offer), "html.parser")
    assert done.find("a") is None
    assert done.get_text() == text


@pytest.mark.parametrize(("link", "text"), [
    (f'<a data-download="downloads/{BOOK}.epub" href="downloads/{BOOK}.epub">E-book</a>',
     "E-book (EPUB; made by make book, not in this preview)"),
    (f'<a href="downloads/{BOOK}-offline.zip" data-download="downloads/{BOOK}-offline.zip">Offline edition</a>',
     "Offline edition (ZIP; made by make book, not in this preview)"),
    ('<a data-download="downloads/x.&lt;img src=x onerror=alert(1)&gt;" href="x">A &lt;b&gt; &amp; c</a>',
     "A <b> & c (<IMG SRC=X ONERROR=ALERT(1)>; made by make book, not in this preview)"),
], ids=["epub", "offline", "hostile"])
def test_a_missing_file_names_its_type_and_everything_is_escaped(link: str, text: str) -> None:
    done = BeautifulSoup(dl.complete_links(link, {}, page="index.html", offer=PREVIEW), "html.parser")
    assert done.find("a") is None and done.find("img") is None and done.find("b") is None
    assert done.get_text() == text


EPUB = dl.Download("epub", "The Book", "", f"downloads/{BOOK}.epub", None, 8_478, "3" * 64)
OFFLINE = dl.Download("offline", "The Book", "", f"downloads/{BOOK}-offline.zip", None, 861_200, "4" * 64)
WORKSHEET = dl.Download("worksheet", "Listening", "chapters/listening/",
                       "downloads/worksheets/listening-reflection.pdf", 1, 37_000, "5" * 64)
HOSTILE = dl.Download("handout", "<script>alert(1)</script> & co", "chapters/x/", "downloads/handouts/x.pdf", 3, 5000, "2" * 64)
EVERY_DOWNLOAD = [BOOK_PDF, EPUB, OFFLINE, HANDOUT, WORKSHEET, HOSTILE]  # as scan_downloads orders them


def listing(downloads: list[dl.Download], *, print_page: str | None = "print_page/index.html",
            page: str = "facilitators/index.html", offer: dl.Offer = BUILD) -> BeautifulSoup:
    done = d.replace_downloads_lists('<h2>Downloads</h2>\n<div data-downloads-list></div>\n<p>After</p>', downloads,
                                     page=page, offer=offer, print_page=print_page)
    assert done.startswith("<h2>Downloads</h2>\n") and done.endswith("\n<p>After</p>")
    return BeautifulSoup(done, "html.parser")


def test_downloads_list_replaces_its_placeholder_with_the_whole_book_then_a_card_per_chapter() -> None:
    html = listing(EVERY_DOWNLOAD)
    assert html.find(attrs={"data-downloads-list": True}) is None
    assert html.find("table") is None  # a list reflows to any width; a table would not
    assert [h.get_text() for h in html.select(".book-downloads-list h3")] == ["The whole book", "Chapter by chapter"]
    whole = html.select(".book-downloads-list__book > li > a")
    assert [spoken(a) for a in whole] == [
        "Whole book (PDF, 12 pages, 1.2 MB)", "E-book (EPUB, 8 KB)", "Offline edition (ZIP, 861 KB)",
        "The whole book on one page, to print from your browser"]
    assert [a["href"] for a in whole] == [f"../downloads/{BOOK}.pdf", f"../downloads/{BOOK}.epub",
                                          f"../downloads/{BOOK}-offline.zip", "../print_page/"]
    cards = html.select("ul.book-downloads-list__chapters > li.book-download-card")
    assert [(card.h4.get_text(), card.h4.a["href"]) for card in cards] == [
        ("Listening", "../chapters/listening/"), ("<script>alert(1)</script> & co", "../chapters/x/")]
    # Each link says alone what it is, for which chapter, its type, pages and size.
    assert [[spoken(a) for a in card.select(".book-download-card__files a")] for card in cards] == [
        ["Handout: Listening (PDF, 2 pages, 210 KB)", "Worksheet: Listening (PDF, 1 page, 37 KB)"],
        ["Handout: <script>alert(1)</script> & co (PDF, 3 pages, 5 KB)"]]
    assert [a["href"] for a in cards[0].select(".book-download-card__files a")] == [
        "../downloads/handouts/listening.pdf", "../downloads/worksheets/listening-reflection.pdf"]
    assert html.find("script") is None
    # The card's heading shows the chapter; its links show their kind, the title said to screen readers.
    assert [shown(a) for a in cards[0].select(".book-download-card__files a")] == [
        "Handout (PDF, 2 pages, 210 KB)", "Worksheet (PDF, 1 page, 37 KB)"]


def spoken(tag: Tag) -> str:
    """What a screen reader says of `tag`: its text but what is hidden from it."""
    return "".join(s for s in tag.find_all(string=True) if not any(p.get("aria-hidden") == "true" for p in s.parents))


def shown(tag: Tag) -> str:
    """What the screen shows of `tag`: its text but what only screen readers get."""
    return "".join(s for s in tag.find_all(string=True)
                   if not any("book-visually-hidden" in p.get("class", []) for p in s.parents))


def test_downloads_list_without_chapters_or_without_the_whole_book() -> None:
    only_chapters = listing([HANDOUT], print_page=None)
    assert [h.get_text() for h in only_chapters.select("h3")] == ["Chapter by chapter"]
    only_book = listing([EPUB], print_page=None)
    assert [h.get_text() for h in only_book.select("h3")] == ["The whole book"]
    assert [a.get_text() for a in only_book.select("a")] == ["E-book (EPUB, 8 KB)"]


def test_the_offline_editions_list_links_to_its_print_page_file() -> None:
    # Without directory URLs (the offline edition), pages are files and links name them.
    html = listing([BOOK_PDF, HANDOUT], page="facilitators.html", print_page="print_page.html")
    assert [a["href"] for a in html.select("a")] == [
        f"downloads/{BOOK}.pdf", "print_page.html", "chapters/listening/", "downloads/handouts/listening.pdf"]


@pytest.mark.parametrize("offer", [BUILD, PREVIEW, EDITION])
def test_an_empty_list_still_links_to_the_print_page(offer: dl.Offer) -> None:
    html = listing([], offer=offer)
    assert html.select_one(".book-downloads-list").get_text() == BeautifulSoup(d.no_downloads(offer), "html.parser").get_text()
    assert [(a.get_text(), a["href"]) for a in html.select("a")] == [
        ("The whole book on one page, to print from your browser", "../print_page/")]


def test_empty_downloads_list_says_so() -> None:
    done = d.replace_downloads_lists("<div data-downloads-list></div>", [], page="facilitators/index.html",
                                     offer=BUILD)
    assert "No downloads were built" in done


def test_a_preview_without_downloads_says_make_book_makes_them() -> None:
    done = d.replace_downloads_lists("<p>Before</p><div data-downloads-list></div>", [],
                                     page="facilitators/index.html", offer=PREVIEW)
    assert done == ('<p>Before</p><div class="book-downloads-list"><p>This preview has no downloads: '
                    "<code>make book</code> makes the PDFs, the EPUB and the offline edition.</p></div>")


@pytest.mark.parametrize(("formats", "text"), [
    (("pdf", "epub"), "This preview has no downloads: make book makes the PDFs and the EPUB."),
    (("epub",), "This preview has no downloads: make book makes the EPUB."),
    (("offline",), "This preview has no downloads: make book makes the offline edition."),
    ((), "This book offers no downloads."),
])
def test_a_previews_empty_list_names_only_the_formats_the_book_offers(formats: tuple[str, ...], text: str) -> None:
    done = d.replace_downloads_lists("<div data-downloads-list></div>", [], page="facilitators/index.html",
                                     offer=offering(PREVIEW, *formats))
    assert BeautifulSoup(done, "html.parser").get_text() == text


@pytest.mark.parametrize(("formats", "text"), [
    (("offline",), "The book has no downloads besides this offline edition."),
    (("pdf", "offline"), "This offline edition does not include the PDFs."),  # a hand-run edition's build
    (("pdf", "epub", "offline"), "This offline edition does not include the PDFs and the EPUB."),
])
def test_the_offline_editions_empty_list_speaks_of_no_preview(formats: tuple[str, ...], text: str) -> None:
    done = d.replace_downloads_lists("<div data-downloads-list></div>", [], page="facilitators.html",
                                     offer=offering(EDITION, *formats))
    assert BeautifulSoup(done, "html.parser").get_text() == text


def test_a_book_build_that_offers_nothing_says_so() -> None:
    done = d.replace_downloads_lists("<div data-downloads-list></div>", [], page="facilitators/index.html",
                                     offer=offering(BUILD))
    assert BeautifulSoup(done, "html.parser").get_text() == "This book offers no downloads."


def test_a_preview_with_downloads_lists_them() -> None:
    # The offline edition's build, with the book build's downloads copied in.
    done = d.replace_downloads_lists("<div data-downloads-list></div>", [BOOK_PDF],
                                     page="index.html", offer=PREVIEW)
    for offer in (BUILD, EDITION, offering(PREVIEW, "pdf")):
        assert d.replace_downloads_lists("<div data-downloads-list></div>", [BOOK_PDF],
                                         page="index.html", offer=offer) == done
    assert [a.get_text() for a in BeautifulSoup(done, "html.parser").select("a")] == [
        "Whole book (PDF, 12 pages, 1.2 MB)"]


# --- The index of one build ------------------------------------------------------------------


def started(site: Path, monkeypatch: pytest.MonkeyPatch, *, exports: bool,
            edition: bool = False) -> tuple[MkDocsConfig, Book]:
    """The real book's configuration building into `site`, its build started (`edition`: the
    offline edition's own build, as ebook/offline.py starts it)."""
    monkeypatch.setenv("BOOK_EXPORTS", "1" if exports else "0")
    monkeypatch.setenv("BOOK_OFFLINE", "true" if edition else "false")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site))
    return config, state.start(config)


def test_the_index_lists_the_chapters_in_reading_order_under_their_pages_titles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    config, book = started(site, monkeypatch, exports=True)
    index = d.DownloadsIndex(book, config)
    pages = [cast("Page", SimpleNamespace(file=SimpleNamespace(src_uri=src), url=url, title=title))
             for src, url, title in [("chapters/b.md", "chapters/b/", "Bee <b>"), ("about.md", "about/", "About"),
                                     ("chapters/a.md", "chapters/a/", None)]]
    # As hooks/exports.py does in on_nav: the book again, with its chapters.
    index.book = state.add_navigation(config, cast("Navigation", SimpleNamespace(pages=pages)))
    for page in reversed(pages):  # rendered in another order than the navigation's
        index.page_context({}, page)
    for slug in ("a", "b"):
        make_pdf(site / book.download_path("handout", slug), 1)
    (site / "about").mkdir()
    (site / "about" / "index.html").write_text(
        '<a data-download="downloads/handouts/a.pdf" href="../downloads/handouts/a.pdf">Handout</a>')
    index.write(config)
    listed = json.loads((site / "downloads" / "index.json").read_text(encoding="utf-8"))
    assert listed["book"] == book.title
    assert [(f["title"], f["page_url"], f["path"]) for f in listed["files"]] == [
        ("Bee <b>", "chapters/b/", "downloads/handouts/b.pdf"), ("a", "chapters/a/", "downloads/handouts/a.pdf")]
    about = BeautifulSoup((site / "about" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert about.a.get_text().startswith("Handout (PDF, 1 page, ")


# A page written by MkDocs (`post_page`), with a link to the book's PDF.
A_LINK = f'<p><a href="../../downloads/{BOOK}.pdf" data-download="downloads/{BOOK}.pdf">Download</a></p>'
A_PAGE = cast("Page", SimpleNamespace(file=SimpleNamespace(dest_uri="chapters/a/index.html")))


def test_a_build_without_downloads_completes_each_page_as_it_is_written_as_it_would_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    config, book = started(site, monkeypatch, exports=False)
    listing = "<div data-downloads-list></div>"
    # Read back after the build, as when the build may have downloads.
    (site / "chapters" / "a").mkdir(parents=True)
    (site / "chapters" / "a" / "index.html").write_text(A_LINK, encoding="utf-8")
    d.DownloadsIndex(book, config).write(config)
    after = (site / "chapters" / "a" / "index.html").read_text(encoding="utf-8")
    assert "make book" in after and "data-download" not in after
    # As it is written: the same page, which the index then leaves as it is.
    index = d.DownloadsIndex(book, config)
    written = index.post_page(A_LINK, A_PAGE, config)
    assert written == after
    (site / "chapters" / "a" / "index.html").write_text("written by MkDocs", encoding="utf-8")
    index.write(config)
    assert (site / "chapters" / "a" / "index.html").read_text(encoding="utf-8") == "written by MkDocs"
    # A list of downloads links to the print page, which only the end of the build knows of:
    # the page completed before, now given a list (the preview's rebuild of one edited page),
    # is completed at the end, list and links.
    assert index.post_page(A_LINK + listing, A_PAGE, config) == A_LINK + listing
    (site / "chapters" / "a" / "index.html").write_text(A_LINK + listing, encoding="utf-8")
    index.write(config)
    completed = BeautifulSoup((site / "chapters" / "a" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert completed.select_one(".book-download-missing").get_text().startswith("Download (PDF; made by make book")
    assert completed.select_one(".book-downloads-list").get_text().startswith("This preview has no downloads")
    assert not completed.select("[data-download], [data-downloads-list]")
    # Downloads from docs/ (or an older build) could be listed: the index completes the page.
    (site / "downloads").mkdir()
    assert d.DownloadsIndex(book, config).post_page(A_LINK, A_PAGE, config) == A_LINK


@pytest.mark.parametrize("build", ["exports", "edition"])
def test_a_build_that_may_have_downloads_leaves_each_page_to_the_end_of_the_build(
        build: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The book's build writes the downloads after the pages, and the offline edition's has them
    copied in: neither completes a page as it is written, even with no downloads folder yet."""
    site = tmp_path / "site"
    config, book = started(site, monkeypatch, exports=build == "exports", edition=build == "edition")
    assert (book.settings.switches.exports, book.settings.offline_edition) == (build == "exports", build == "edition")
    index = d.DownloadsIndex(book, config)
    assert index.post_page(A_LINK, A_PAGE, config) == A_LINK
    assert not index.completed


def test_a_downloads_folder_written_after_the_pages_were_completed_stops_the_build_saying_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    config, book = started(site, monkeypatch, exports=False)
    index = d.DownloadsIndex(book, config)
    assert index.post_page(A_LINK, A_PAGE, config) != A_LINK
    make_pdf(site / book.download_path("book", ""), 1)
    with pytest.raises(PluginError) as stopped:
        index.write(config)
    assert str(stopped.value) == (
        "site/downloads/ was written after the pages were completed in a build without downloads "
        "(BOOK_EXPORTS=0): 1 page (chapters/a/index.html) says its downloads are missing. Write "
        "site/downloads/ before MkDocs writes the pages, or build with BOOK_EXPORTS=1.")
    pages = [f"chapters/{name}/index.html" for name in "edcba"]
    assert "5 pages (chapters/a/index.html, chapters/b/index.html, chapters/c/index.html, …) say their " \
        "downloads are missing" in d.written_too_late(set(pages))
