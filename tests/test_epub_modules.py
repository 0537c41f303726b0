"""The EPUB's modules, called directly: chapter HTML in, XHTML documents and the EPUB file out."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import pytest
from lxml import etree
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from ebook.epub import convert, documents, export, package
from ebook.model import state
from ebook.model.book import Book
from ebook.model.settings import (FORMATS, BookSettings, EpubSettings, Settings, parse_book_settings,
                                  parse_epub_settings, parse_pdf_settings, read_switches)
from tests.epubs import NS, Epub, text_of
from tests.helpers import ROOT

if TYPE_CHECKING:
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

BOOK_RAW = {
    "title": "A Book <of> Tests & Trials",
    "author": "Robin \"Rob\" Example",
    "publisher": "Example Press",
    "year": 2020,
    "source_url": "https://example.org/book/",
    "license": "CC-BY-4.0",
    "changes": "Headings added.",
    "chapters_dir": "chapters",
}
BOOK = parse_book_settings(BOOK_RAW)
SETTINGS = EpubSettings(identifier="urn:uuid:00000000-0000-4000-8000-000000000000",
                          accessibility_summary="Structured text.")
BOOK_OF_TESTS = Book(Settings(config_name="mkdocs.yml", book=BOOK, pdf=parse_pdf_settings(None), epub=SETTINGS,
                              formats=FORMATS, switches=read_switches({}), offline_edition=False),
                     title="A Book", description="", site_url="")
WHEN = datetime(2024, 3, 1, 12, 30, 0, tzinfo=timezone.utc)
XHTML = "{http://www.w3.org/1999/xhtml}"


def chapter(html: str, src_uri: str = "chapters/one.md", url: str = "chapters/one/") -> convert.EpubChapter:
    return convert.EpubChapter(src_uri=src_uri, url=url, title="One", html=html)


def as_xml(fragment: str) -> etree._Element:
    return etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{fragment}</div>')


EPUB_FILES = {"chapters/one/": "text/chapters/one.xhtml", "chapters/two/": "text/chapters/two.xhtml"}


# --- Chapter HTML to XHTML -------------------------------------------------------------------


def test_permalinks_go_and_the_heading_text_stays() -> None:
    converted = convert.convert_chapter(chapter(
        '<h2 id="part">Part one<a class="headerlink" href="#part" title="Link">&para;</a> and more</h2>'
    ), EPUB_FILES, site_url=None)
    heading = as_xml(converted.body).find(f"{XHTML}h2")
    assert "".join(heading.itertext()) == "Part one and more"
    assert converted.headings == [("part", "Part one and more")]


def test_a_word_break_opportunity_keeps_the_paragraph_whole() -> None:
    converted = convert.convert_chapter(chapter(
        "<p>long<wbr>word <cite>Cite</cite> <b>b</b></p><p>Next</p>"), EPUB_FILES, site_url=None)
    body = as_xml(converted.body)
    (first, second) = body.findall(f"{XHTML}p")
    assert "".join(first.itertext()) == "long\u200bword Cite b"
    assert [_.tag for _ in first] == [f"{XHTML}cite", f"{XHTML}b"]
    assert "".join(second.itertext()) == "Next"


def test_collapsible_boxes_open_out_into_titled_boxes() -> None:
    converted = convert.convert_chapter(chapter(
        '<details class="scenario"><summary>An example</summary><p>Body text.</p></details>'
    ), EPUB_FILES, site_url=None)
    box = as_xml(converted.body).find(f"{XHTML}div")
    assert box.get("class").split() == ["admonition", "scenario"]
    title = box.find(f"{XHTML}p")
    assert title.get("class") == "admonition-title" and title.text == "An example"
    assert "Body text." in "".join(box.itertext())
    assert "<details" not in converted.body and "<summary" not in converted.body


@pytest.mark.parametrize(("href", "site_url", "expected"), [
    ("../two/", None, "two.xhtml"),
    ("../two/#part", None, "two.xhtml#part"),
    ("../two/index.html#part", None, "two.xhtml#part"),
    ("#here", None, "#here"),
    ("https://example.org/x", None, "https://example.org/x"),
    ("mailto:someone@example.org", None, "mailto:someone@example.org"),
    ("../../about/#reuse", "https://books.example.org/peer", "https://books.example.org/peer/about/#reuse"),
    ("../../downloads/book.pdf", "https://books.example.org/peer/", "https://books.example.org/peer/downloads/book.pdf"),
])
def test_links_point_inside_the_book_or_to_the_published_site(href: str, site_url: str | None, expected: str) -> None:
    converted = convert.convert_chapter(chapter(f'<p>See <a href="{href}">there</a>.</p>'), EPUB_FILES, site_url=site_url)
    assert as_xml(converted.body).find(f".//{XHTML}a").get("href") == expected


@pytest.mark.parametrize("href", ["../../about/", "javascript:alert(1)"])
def test_links_with_nowhere_to_go_keep_their_words(href: str) -> None:
    converted = convert.convert_chapter(chapter(f'<p>See <a href="{href}">the <em>about</em> page</a>, then go on.</p>'),
                                  EPUB_FILES, site_url=None)
    paragraph = as_xml(converted.body).find(f"{XHTML}p")
    assert paragraph.find(f".//{XHTML}a") is None
    assert "".join(paragraph.itertext()) == "See the about page, then go on."


def test_images_are_packed_from_the_site_and_keep_their_alt_text() -> None:
    converted = convert.convert_chapter(chapter(
        '<p><img src="../img/a.png" alt="A chart" srcset="../img/a@2x.png 2x"></p>'
    ), EPUB_FILES, site_url=None)
    image = as_xml(converted.body).find(f".//{XHTML}img")
    assert converted.images == ["chapters/img/a.png"]
    assert image.get("src") == "../../site/chapters/img/a.png"  # from text/chapters/one.xhtml
    assert image.get("alt") == "A chart" and image.get("srcset") is None


def test_an_image_without_text_alternative_stops_the_build() -> None:
    with pytest.raises(PluginError, match=r"docs/chapters/one.md: the image '../img/a.png' has no text alternative"):
        convert.convert_chapter(chapter('<p><img src="../img/a.png"></p>'), EPUB_FILES, site_url=None)


def test_an_image_from_another_site_stops_the_build() -> None:
    with pytest.raises(PluginError, match=r"docs/chapters/one.md: the image 'https://cdn.example.org/a.png' is not a file of the book"):
        convert.convert_chapter(chapter('<p><img src="https://cdn.example.org/a.png" alt="x"></p>'), EPUB_FILES, site_url=None)


def test_an_embedded_frame_stops_the_build_with_the_file_named() -> None:
    with pytest.raises(PluginError, match=r"docs/chapters/one.md: a <iframe> cannot go into the EPUB"):
        convert.convert_chapter(chapter('<p>Watch:</p><iframe src="https://video.example.org/"></iframe>'), EPUB_FILES, site_url=None)


def test_sloppy_html_becomes_well_formed_xhtml_with_every_word() -> None:
    html = ('Loose text <p>One<br>two &amp; three&nbsp;four<p>Five <input type=checkbox checked disabled> six'
            '<!-- a comment -- with dashes --><ul><li>seven<li>eight</ul>')
    converted = convert.convert_chapter(chapter(html), EPUB_FILES, site_url=None)
    document = documents.chapter_document(chapter(html), converted, documents.book_metadata(BOOK, SETTINGS, description="", date=WHEN))
    root = etree.fromstring(document)  # raises if not well-formed
    words = re.split(r"[ \n\t]+", " ".join(root.find(f"{XHTML}body").itertext()).strip())
    assert words == ["Loose", "text", "One", "two", "&", "three\xa0four", "Five", "six",
                                               "seven", "eight"]
    assert "comment" not in document.decode()


# --- Settings and metadata -------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "message"), [
    (None, "mkdocs.yml: extra.epub is missing"),
    ({"accessibility_summary": "x"}, "mkdocs.yml: extra.epub.identifier is missing or not text"),
    ({"identifier": "urn:uuid:1", "accessibility_summary": 3}, "extra.epub.accessibility_summary is missing or not text"),
    ({"identifier": "my book", "accessibility_summary": "x"}, "extra.epub.identifier: 'my book' must not contain spaces"),
    ({"identifier": "urn:x", "accessibility_summary": "x", "isbn": "1"}, "extra.epub: unknown field isbn"),
])
def test_bad_epub_settings_name_the_field(raw: object, message: str) -> None:
    with pytest.raises(PluginError, match=message.replace(".", r"\.").replace("(", r"\(")):
        parse_epub_settings(raw)


def test_chapters_follow_the_navigation_and_leave_out_index_pages() -> None:
    pages = {
        "index.md": export.PageContent("", "Home", "<p>home</p>"),
        "chapters/index.md": export.PageContent("chapters/", "Chapters", "<p>list</p>"),
        "chapters/b.md": export.PageContent("chapters/b/", "Bee", "<p>b</p>"),
        "chapters/a.md": export.PageContent("chapters/a/", "", "<p>a</p>"),
        "about.md": export.PageContent("about/", "About", "<p>about</p>"),
    }
    order = [("index.md", ""), ("chapters/index.md", "chapters/"), ("chapters/b.md", "chapters/b/"),
             ("chapters/a.md", "chapters/a/"), ("about.md", "about/")]
    chapters = export.book_chapters(BOOK_OF_TESTS.with_chapters(order), pages)
    assert [(c.src_uri, c.title) for c in chapters] == [("chapters/b.md", "Bee"), ("chapters/a.md", "a")]
    assert export.book_chapters(BOOK_OF_TESTS.with_chapters([("index.md", "")]), pages) == []


# --- The package -----------------------------------------------------------------------------


def small_book(when: datetime = WHEN) -> bytes:
    meta = documents.book_metadata(BOOK, SETTINGS, description="A <small> book.", date=when)
    chapters = [chapter('<h1 id="one">One</h1><h2 id="a">A</h2><p>Text.</p>')]
    return package.build_epub(meta, chapters, site_dir=Path("."), site_url=None)


def test_the_same_inputs_give_the_same_bytes_and_every_entry_the_build_time() -> None:
    first = small_book()
    assert first == small_book()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        assert {info.date_time for info in infos} == {(2024, 3, 1, 12, 30, 0)}
    assert small_book(datetime(2024, 3, 2, tzinfo=timezone.utc)) != first


def test_metadata_with_markup_stays_text() -> None:
    with zipfile.ZipFile(io.BytesIO(small_book())) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        cover = etree.fromstring(archive.read("EPUB/images/cover.svg"))
        title_page = etree.fromstring(archive.read("EPUB/title.xhtml"))
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert opf.find(f".//{dc}title").text == "A Book <of> Tests & Trials"
    assert opf.find(f".//{dc}creator").text == 'Robin "Rob" Example'
    assert "A Book <of> Tests & Trials" in "".join(cover.itertext())
    assert title_page.find(f".//{XHTML}h1").text == "A Book <of> Tests & Trials"


def test_every_document_of_the_book_refuses_script_and_other_sites_first_thing() -> None:
    with zipfile.ZipFile(io.BytesIO(small_book())) as archive:
        documents = {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                     if name.endswith(".xhtml")}
    assert {"EPUB/cover.xhtml", "EPUB/title.xhtml", "EPUB/nav.xhtml", "EPUB/text/chapters/one.xhtml"} <= set(documents)
    for name, root in documents.items():
        first = root.find(f"{XHTML}head")[0]
        assert first.get("http-equiv") == "Content-Security-Policy", name
        directives = dict(d.strip().split(" ", 1) for d in first.get("content").split(";"))
        assert directives["script-src"] == "'none'" and directives["default-src"] == "'self'", name
        assert directives["object-src"] == "'none'", name


# --- The export of one build -----------------------------------------------------------------


def fake_page(src_uri: str, url: str, title: str) -> Page:
    """What the export reads of a page: its file, its address and its title."""
    return cast("Page", SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), url=url, title=title))


def test_the_export_writes_the_navigations_chapters_with_the_content_it_was_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOK_EXPORTS", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    book = state.start(config)
    epub = export.EpubExport(book, config)
    files = Files([])
    epub.files(files, config)
    assert [f.src_uri for f in files] == [book.download_path("epub")]

    pages = [fake_page("index.md", "", "Home"), fake_page("chapters/b.md", "chapters/b/", "Bee"),
             fake_page("chapters/index.md", "chapters/", "Chapters"), fake_page("chapters/a.md", "chapters/a/", "Ay")]
    # As hooks/exports.py does in on_nav: the book again, with its chapters.
    epub.book = state.add_navigation(config, cast("Navigation", SimpleNamespace(pages=pages)))
    for page in reversed(pages):  # rendered in another order than the navigation's
        epub.page_content(f"<p>The text of {page.title}.</p>", page)
    epub.write(config)

    book_file = Epub(tmp_path / "site" / book.download_path("epub"))
    assert [(path, text_of(root.find(".//x:section", NS))) for path, root in book_file.chapters()] == [
        ("EPUB/text/chapters/b.xhtml", "The text of Bee."), ("EPUB/text/chapters/a.xhtml", "The text of Ay.")]


def test_with_exports_off_the_export_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOK_EXPORTS", "0")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    epub = export.EpubExport(state.start(config), config)
    page = fake_page("chapters/a.md", "chapters/a/", "Ay")
    state.add_navigation(config, cast("Navigation", SimpleNamespace(pages=[page])))
    epub.page_content("<p>Text.</p>", page)
    epub.write(config)
    assert not (tmp_path / "site").exists()


# --- Credits: this edition beside the original -------------------------------------------------

EDITED = parse_book_settings({
    "title": "The Original", "author": "Robin Example", "publisher": "Example Press", "year": 2020,
    "source_url": "https://example.org/book/", "license": "CC-BY-4.0", "changes": "Headings added.",
    "edition": {"subtitle": "A Course Edition", "editors": ["Ada Lee", "Sam Roe"]},
}, site_name="The Original", site_url="https://books.example.org/course/")


def edited_book(folder: Path, book: BookSettings = EDITED) -> Epub:
    meta = documents.book_metadata(book, SETTINGS, description="", date=WHEN)
    chapters = [chapter('<h1 id="one">One</h1><p>Text.</p>')]
    path = folder / "book.epub"
    path.write_bytes(package.build_epub(meta, chapters, site_dir=Path("."), site_url=None))
    return Epub(path)


def test_the_package_names_the_editors_and_the_original_as_its_source_and_no_publisher_of_its_own(
        tmp_path: Path) -> None:
    book = edited_book(tmp_path)
    assert book.dc("title") == ["The Original"] and book.dc("creator") == ["Robin Example"]
    assert book.dc("contributor") == ["Ada Lee", "Sam Roe"]
    roles = {m.get("refines"): m.text for m in book.opf.iterfind(".//opf:meta[@property='role']", NS)}
    ids = [c.get("id") for c in book.opf.iterfind(".//dc:contributor", NS)]
    assert [roles[f"#{i}"] for i in ids] == ["edt", "edt"] and roles["#creator"] == "aut"
    assert book.dc("source") == ["https://example.org/book/"]
    assert book.dc("publisher") == []  # Example Press published the original, not this edition
    (rights,) = book.dc("rights")
    assert rights.index("A Course Edition") < rights.index("Ada Lee and Sam Roe") < rights.index("Adapted from") \
        < rights.index("Robin Example (Example Press, 2020)")
    assert book.meta("dcterms:license") == ["https://creativecommons.org/licenses/by/4.0/"]


def test_an_edition_with_a_publisher_names_it(tmp_path: Path) -> None:
    book = parse_book_settings({**BOOK_RAW, "edition": {"editors": ["Ada Lee"], "publisher": "Campus Press"}})
    assert edited_book(tmp_path, book).dc("publisher") == ["Campus Press"]


def test_the_title_page_and_cover_name_this_edition_its_editors_and_the_original(tmp_path: Path) -> None:
    book = edited_book(tmp_path)
    page = book.xml("EPUB/title.xhtml")
    titlepage = page.find(".//x:section[@epub:type='titlepage']", NS)
    lines = [text_of(p) for p in titlepage.iterfind("x:p", NS)]
    assert text_of(titlepage.find("x:h1", NS)) == "The Original"
    assert lines[:4] == ["A Course Edition", "Robin Example", "Edited by Ada Lee and Sam Roe",
                         "Adapted from The Original by Robin Example (Example Press, 2020)"]
    rights = text_of(page.find(".//x:section[@epub:type='copyright-page']", NS))
    assert "To credit this edition when you reuse it: The Original: A Course Edition , edited by Ada Lee and Sam Roe" \
        in rights and "https://books.example.org/course/" in rights
    licence = page.find(".//x:a[@rel='license']", NS)
    assert licence.get("href") == "https://creativecommons.org/licenses/by/4.0/"
    cover = text_of(book.xml("EPUB/images/cover.svg"))
    assert "A Course Edition" in cover and "Edited by Ada Lee and Sam Roe" in cover
    assert "Adapted from the original (Example Press, 2020)" in cover
    alt = book.xml("EPUB/cover.xhtml").find(".//x:img", NS).get("alt")
    assert alt == ("Cover: The Original: A Course Edition, by Robin Example, edited by Ada Lee and Sam Roe. "
                   "Adapted from the original (Example Press, 2020)")
