"""The EPUB and offline-edition hooks' functions, called directly: HTML in, XHTML and files out."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# The hooks by module name, as MkDocs loads them (tests/conftest.py puts hooks/ on sys.path).
from ebook.epub import export as e
from ebook.model import files as export_files
from ebook import offline
from ebook.model.settings import EpubSettings, parse_book_settings, parse_epub_settings
from tests.helpers import make_fixture_project

BOOK = parse_book_settings({
    "title": "A Book <of> Tests & Trials",
    "author": "Robin \"Rob\" Example",
    "publisher": "Example Press",
    "year": 2020,
    "source_url": "https://example.org/book/",
    "license": "CC-BY-4.0",
    "changes": "Headings added.",
    "chapters_dir": "chapters",
})
SETTINGS = EpubSettings(identifier="urn:uuid:00000000-0000-4000-8000-000000000000",
                          accessibility_summary="Structured text.")
WHEN = datetime(2024, 3, 1, 12, 30, 0, tzinfo=timezone.utc)
XHTML = "{http://www.w3.org/1999/xhtml}"


def chapter(html: str, src_uri: str = "chapters/one.md", url: str = "chapters/one/") -> e.Chapter:
    return e.Chapter(src_uri=src_uri, url=url, title="One", html=html)


def as_xml(fragment: str) -> etree._Element:
    return etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{fragment}</div>')


EPUB_FILES = {"chapters/one/": "text/chapters/one.xhtml", "chapters/two/": "text/chapters/two.xhtml"}


# --- Chapter HTML to XHTML -------------------------------------------------------------------


def test_permalinks_go_and_the_heading_text_stays() -> None:
    converted = e.convert_chapter(chapter(
        '<h2 id="part">Part one<a class="headerlink" href="#part" title="Link">&para;</a> and more</h2>'
    ), EPUB_FILES, site_url=None)
    heading = as_xml(converted.body).find(f"{XHTML}h2")
    assert "".join(heading.itertext()) == "Part one and more"
    assert converted.headings == [("part", "Part one and more")]


def test_collapsible_boxes_open_out_into_titled_boxes() -> None:
    converted = e.convert_chapter(chapter(
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
    converted = e.convert_chapter(chapter(f'<p>See <a href="{href}">there</a>.</p>'), EPUB_FILES, site_url=site_url)
    assert as_xml(converted.body).find(f".//{XHTML}a").get("href") == expected


@pytest.mark.parametrize("href", ["../../about/", "javascript:alert(1)"])
def test_links_with_nowhere_to_go_keep_their_words(href: str) -> None:
    converted = e.convert_chapter(chapter(f'<p>See <a href="{href}">the <em>about</em> page</a>, then go on.</p>'),
                                  EPUB_FILES, site_url=None)
    paragraph = as_xml(converted.body).find(f"{XHTML}p")
    assert paragraph.find(f".//{XHTML}a") is None
    assert "".join(paragraph.itertext()) == "See the about page, then go on."


def test_images_are_packed_from_the_site_and_keep_their_alt_text() -> None:
    converted = e.convert_chapter(chapter(
        '<p><img src="../img/a.png" alt="A chart" srcset="../img/a@2x.png 2x"></p>'
    ), EPUB_FILES, site_url=None)
    image = as_xml(converted.body).find(f".//{XHTML}img")
    assert converted.images == ["chapters/img/a.png"]
    assert image.get("src") == "../../site/chapters/img/a.png"  # from text/chapters/one.xhtml
    assert image.get("alt") == "A chart" and image.get("srcset") is None


def test_an_image_without_text_alternative_stops_the_build() -> None:
    with pytest.raises(PluginError, match=r"docs/chapters/one.md: the image '../img/a.png' has no text alternative"):
        e.convert_chapter(chapter('<p><img src="../img/a.png"></p>'), EPUB_FILES, site_url=None)


def test_an_image_from_another_site_stops_the_build() -> None:
    with pytest.raises(PluginError, match=r"docs/chapters/one.md: the image 'https://cdn.example.org/a.png' is not a file of the book"):
        e.convert_chapter(chapter('<p><img src="https://cdn.example.org/a.png" alt="x"></p>'), EPUB_FILES, site_url=None)


def test_an_embedded_frame_stops_the_build_with_the_file_named() -> None:
    with pytest.raises(PluginError, match=r"docs/chapters/one.md: a <iframe> cannot go into the EPUB"):
        e.convert_chapter(chapter('<p>Watch:</p><iframe src="https://video.example.org/"></iframe>'), EPUB_FILES, site_url=None)


def test_sloppy_html_becomes_well_formed_xhtml_with_every_word() -> None:
    html = ('Loose text <p>One<br>two &amp; three&nbsp;four<p>Five <input type=checkbox checked disabled> six'
            '<!-- a comment -- with dashes --><ul><li>seven<li>eight</ul>')
    converted = e.convert_chapter(chapter(html), EPUB_FILES, site_url=None)
    document = e.chapter_document(chapter(html), converted, e.book_metadata(BOOK, SETTINGS, description="", date=WHEN))
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
        "index.md": e.PageContent("", "Home", "<p>home</p>", is_index=True),
        "chapters/index.md": e.PageContent("chapters/", "Chapters", "<p>list</p>", is_index=True),
        "chapters/b.md": e.PageContent("chapters/b/", "Bee", "<p>b</p>"),
        "chapters/a.md": e.PageContent("chapters/a/", "", "<p>a</p>"),
        "about.md": e.PageContent("about/", "About", "<p>about</p>"),
    }
    order = ["index.md", "chapters/index.md", "chapters/b.md", "chapters/a.md", "about.md"]
    chapters = e.book_chapters(BOOK, order, pages)
    assert [(c.src_uri, c.title) for c in chapters] == [("chapters/b.md", "Bee"), ("chapters/a.md", "a")]
    assert e.book_chapters(BOOK, ["index.md"], pages) == []


# --- The package -----------------------------------------------------------------------------


def small_book(when: datetime = WHEN) -> bytes:
    meta = e.book_metadata(BOOK, SETTINGS, description="A <small> book.", date=when)
    chapters = [chapter('<h1 id="one">One</h1><h2 id="a">A</h2><p>Text.</p>')]
    return e.build_epub(meta, chapters, site_dir=Path("."), site_url=None)


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


def test_a_file_is_replaced_only_when_complete(tmp_path: Path) -> None:
    dest = tmp_path / "downloads" / "book.epub"
    dest.parent.mkdir()
    dest.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with export_files.written_in_one_step(dest) as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert dest.read_bytes() == b"old"
    assert [p.name for p in dest.parent.iterdir()] == ["book.epub"]
    with export_files.written_in_one_step(dest) as temporary:
        temporary.write_bytes(b"new")
    assert dest.read_bytes() == b"new"
    assert [p.name for p in dest.parent.iterdir()] == ["book.epub"]


def test_a_folder_zips_the_same_whatever_the_files_dates(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "site"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "page.html").write_text("page")
    (folder / "a.txt").write_text("a")
    export_files.zip_folder(folder, tmp_path / "one.zip", root="book", when=WHEN)
    os.utime(folder / "a.txt", (0, 0))
    export_files.zip_folder(folder, tmp_path / "two.zip", root="book", when=WHEN)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        assert archive.namelist() == ["book/", "book/a.txt", "book/b/page.html"]


def test_a_download_is_a_site_file_that_mkdocs_never_writes(tmp_path: Path) -> None:
    config = SimpleNamespace(site_dir=str(tmp_path / "site"), use_directory_urls=True)
    files = Files([])
    export_files.declare_download(files, config, "downloads/book.epub")  # type: ignore[arg-type]
    (download,) = files
    assert download.url == "downloads/book.epub"
    files.copy_static_files()
    assert not (tmp_path / "site").exists()


def test_a_download_in_docs_would_be_overwritten_so_it_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "docs" / "downloads").mkdir(parents=True)
    (tmp_path / "docs" / "downloads" / "book.epub").write_bytes(b"old")
    config = SimpleNamespace(site_dir=str(tmp_path / "site"), use_directory_urls=True)
    files = Files([File("downloads/book.epub", str(tmp_path / "docs"), str(tmp_path / "site"), True)])
    with pytest.raises(PluginError, match="docs/downloads/book.epub: the build makes this file itself; remove it"):
        export_files.declare_download(files, config, "downloads/book.epub")  # type: ignore[arg-type]


# --- Offline edition -------------------------------------------------------------------------


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


def test_a_failed_offline_build_stops_the_book_build_with_its_messages(tmp_path: Path) -> None:
    config = make_fixture_project("bad-licence", tmp_path)
    build = offline.start_offline_build(config, downloads=tmp_path)
    try:
        with pytest.raises(PluginError, match=r"(?s)offline edition's build failed.*unknown licence 'MIT'"):
            offline.finish_offline_build(build)
    finally:
        offline.stop_offline_build(build)
    assert not build.work.exists()


def test_the_offline_build_waits_for_the_downloads_and_stops_if_the_book_build_ends(tmp_path: Path) -> None:
    ready = tmp_path / "downloads-ready"
    ready.touch()
    offline.wait_for_downloads(str(ready), parent=os.getppid())  # there already: no wait
    offline.wait_for_downloads("", parent=os.getppid())  # a hand-run offline build: no wait
    with pytest.raises(PluginError, match="book build that started this offline build has ended"):
        offline.wait_for_downloads(str(tmp_path / "not-yet"), parent=-1)
