"""The EPUB of the real book and of a fixture book: valid, complete, in order, described,
readable without colour, and the same bytes from the same sources."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from tests.helpers import (
    BOOK_BUILD_ENV,
    CHAPTER_MD,
    ROOT,
    chapter_pages,
    build_fixture,
    make_fixture_project,
    mkdocs_build,
    normalise,
    page_html_path,
    soup,
    source_prompts,
    source_sentences,
)

SLUG = "post-secondary-peer-support-training-curriculum"
EPUB_NAME = f"{SLUG}.epub"
OFFLINE_NAME = f"{SLUG}-offline.zip"
from conformance import epubcheck
from tests.epubs import NS, Epub, text_of


def assert_epubcheck_clean(path: Path) -> None:
    """EPUBCheck 5 (the W3C's validator) finds no fatal error, no error and no warning."""
    result = epubcheck(path)
    assert result.version.startswith("5."), result.version
    assert result.details["counts"] == {"fatal": 0, "error": 0, "warning": 0}, "\n".join(map(str, result.violations))
    assert result.violations == ()


@pytest.fixture(scope="module")
def book(site: Path) -> Epub:
    return Epub(site / "downloads" / EPUB_NAME)


def original_chapter(book: Epub) -> tuple[str, etree._Element]:
    """The chapter this book started from (the source text's), whatever other chapters it has."""
    (found,) = [(path, root) for path, root in book.chapters()
                if posixpath.basename(path) == f"{CHAPTER_MD.stem}.xhtml"]
    return found


# --- The real book ---------------------------------------------------------------------------


def test_downloads_are_written_under_their_contract_names(site: Path) -> None:
    downloads = site / "downloads"
    assert zipfile.is_zipfile(downloads / EPUB_NAME)
    assert zipfile.is_zipfile(downloads / OFFLINE_NAME)
    # No temporary file is left behind for the downloads list to pick up.
    assert not [p.name for p in downloads.rglob(".*")]


def test_home_page_links_to_both_downloads(site: Path) -> None:
    home = soup(page_html_path(site, "index.md"))
    for name in (EPUB_NAME, OFFLINE_NAME):
        (link,) = home.select(f'article a[data-download="downloads/{name}"]')
        assert (page_html_path(site, "index.md").parent / link["href"]).resolve() == (site / "downloads" / name).resolve()


def test_epubcheck_finds_no_error_and_no_warning(site: Path) -> None:
    assert_epubcheck_clean(site / "downloads" / EPUB_NAME)


def test_every_sentence_of_the_source_is_in_the_epub_word_for_word(book: Epub) -> None:
    _, chapter = original_chapter(book)
    text = text_of(chapter.find("x:body", NS))
    missing = [s for s in source_sentences() if s not in text]
    assert not missing
    assert "Share This Book" not in text


def test_every_chapter_keeps_its_attribution_and_its_licence_link(book: Epub, site: Path) -> None:
    chapters = book.chapters()
    assert len(chapters) == len(chapter_pages())
    for (path, chapter), src_uri in zip(chapters, chapter_pages()):
        (block,) = chapter.iterfind(".//x:div[@class='book-attribution']", NS)
        page_block = soup(page_html_path(site, src_uri)).select_one("article .book-attribution")
        assert text_of(block) == normalise(page_block.get_text(" ")), path
        licence = page_block.find("a", rel="license") or page_block.find("a", href=lambda h: h and "creativecommons.org" in h)
        assert licence["href"] in [a.get("href") for a in block.iterfind(".//x:a", NS)], path


def test_original_chapter_keeps_its_attribution_and_its_callout_boxes(book: Epub) -> None:
    _, chapter = original_chapter(book)
    (block,) = chapter.iterfind(".//x:div[@class='book-attribution']", NS)
    hrefs = [a.get("href") for a in block.iterfind(".//x:a", NS)]
    assert "https://opentextbc.ca/peersupport/" in hrefs and "https://creativecommons.org/licenses/by/4.0/" in hrefs
    assert "This page is adapted from" in text_of(block)

    def boxes(kind: str) -> list[etree._Element]:
        return chapter.xpath(f".//x:div[contains(concat(' ', @class, ' '), ' admonition ') and "
                             f"contains(concat(' ', @class, ' '), ' {kind} ')]", namespaces=NS)

    titles = {kind: [text_of(b.find("x:p[@class='admonition-title']", NS)) for b in boxes(kind)]
              for kind in ("scenario", "consider", "reflection")}
    assert titles == {"scenario": ["Example: Jesse and Sam"], "consider": ["Another way it could go"],
                      "reflection": ["For Reflection"]}
    assert [text_of(li) for li in boxes("reflection")[0].iterfind(".//x:li", NS)] == source_prompts()
    # The site's permalink marks are not part of a book.
    assert "¶" not in text_of(chapter)


def test_metadata_describes_the_book_its_licence_and_its_accessibility(book: Epub) -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert book.dc("title") == ["Post-Secondary Peer Support Training Curriculum"]
    assert book.dc("creator") == ["Jenn Cusick"]
    assert book.dc("language") == ["en"]
    # The original's publisher did not publish this edition: it is credited as the source.
    assert book.dc("publisher") == []
    # Its editors by name, as mkdocs.yml gives them; none named: no contributor (never a placeholder).
    editors = config["extra"]["book"].get("edition", {}).get("editors") or []
    assert book.dc("contributor") == ([editors] if isinstance(editors, str) else editors)
    assert book.dc("source") == ["https://opentextbc.ca/peersupport/"]
    assert book.dc("identifier") == [config["extra"]["epub"]["identifier"]]
    (rights,) = book.dc("rights")
    assert "CC BY 4.0" in rights and "Jenn Cusick" in rights
    assert book.meta("dcterms:license") == ["https://creativecommons.org/licenses/by/4.0/"]
    (date,) = book.dc("date")
    (modified,) = book.meta("dcterms:modified")
    assert modified.startswith(date) and len(modified) == len("2024-01-01T00:00:00Z")

    assert "textual" in book.meta("schema:accessMode")
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"} <= set(
        book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert normalise(summary) == normalise(config["extra"]["epub"]["accessibility_summary"])


def test_cover_title_page_and_contents_come_before_the_chapter(book: Epub) -> None:
    spine = book.spine()
    cover = book.xml(spine[0])
    (image,) = cover.iterfind(".//x:img", NS)
    assert "Post-Secondary Peer Support Training Curriculum" in image.get("alt")
    cover_image = [i for i in book.manifest.values() if "cover-image" in (i.get("properties") or "")]
    assert len(cover_image) == 1 and book.path_of(cover_image[0].get("href")) == book.path_of(
        posixpath.relpath(posixpath.join(posixpath.dirname(spine[0]), image.get("src")), book.base))
    assert "CC BY 4.0" in text_of(book.xml(spine[1])) and "Jenn Cusick" in text_of(book.xml(spine[1]))
    assert spine[2] == book.nav_path()
    assert [path for path, _ in book.chapters()] == spine[3:]


def test_contents_list_every_chapter_and_its_sections_in_reading_order(book: Epub, site: Path) -> None:
    chapter_files = [path for path, _ in book.chapters()]
    expected = []
    for path, src_uri in zip(chapter_files, chapter_pages(), strict=True):
        article = soup(page_html_path(site, src_uri)).find("article")
        sections = [(normalise(h2.get_text()).rstrip("¶").strip(), f"{path}#{h2['id']}") for h2 in article.find_all("h2")
                    if "book-attribution" not in " ".join(cls for parent in h2.parents for cls in parent.get("class", []))]
        expected.append((normalise(article.h1.get_text()).rstrip("¶").strip(), path, sections))
    assert book.toc() == expected


def test_callout_boxes_are_told_apart_without_colour_or_icons(book: Epub, browser, tmp_path: Path) -> None:
    """Rendered as a reading system would: each kind of box has a title in bold and a border in
    the text's own colour, and the book's three kinds differ from each other and from a standard
    box in the border's style or weight."""
    for name, data in book.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    chapter_path, _ = original_chapter(book)
    page = browser.new_page(viewport={"width": 600, "height": 900})
    page.goto((tmp_path / chapter_path).as_uri())
    # A standard box beside them, as Material writes it: the book's kinds must differ from it too.
    page.evaluate("""() => document.querySelector('section').insertAdjacentHTML('beforeend',
        '<div class="admonition note"><p class="admonition-title">Note</p><p>A note.</p></div>')""")
    looks = page.evaluate("""() => [...document.querySelectorAll('.admonition')].map(box => {
        const s = getComputedStyle(box), t = getComputedStyle(box.querySelector('.admonition-title'));
        return {kind: box.classList[1], style: s.borderTopStyle, top: s.borderTopWidth, left: s.borderLeftWidth,
                border: s.borderTopColor, text: s.color, weight: t.fontWeight,
                mask: t.maskImage + getComputedStyle(box.querySelector('.admonition-title'), '::before').maskImage};
    })""")
    page.close()
    assert [look["kind"] for look in looks] == ["scenario", "consider", "reflection", "note"]
    for look in looks:
        assert look["style"] != "none" and float(look["top"].removesuffix("px")) >= 1
        assert look["border"] == look["text"], "borders follow the reader's text colour"
        assert int(look["weight"]) >= 600
        assert "url(" not in look["mask"]
    assert len({(look["style"], look["top"], look["left"]) for look in looks}) == 4


# --- A fixture book: navigation order, links, images, Markdown features ----------------------


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result, site = build_fixture("epub-book", tmp_path_factory.mktemp("epub-book"), env=BOOK_BUILD_ENV)
    assert result.returncode == 0, result.stderr
    return site


def test_fixture_book_passes_epubcheck(fixture_site: Path) -> None:
    assert_epubcheck_clean(fixture_site / "downloads" / EPUB_NAME)


def test_chapters_follow_the_navigation_not_the_alphabet(fixture_site: Path) -> None:
    book = Epub(fixture_site / "downloads" / EPUB_NAME)
    titles = [text_of(root.find(".//x:h1", NS)) for _, root in book.chapters()]
    assert titles == ["Zebra Crossing", "Apple Picking", "Middle Ground"]
    toc = book.toc()
    assert [(label, [s for s, _ in sections]) for label, _, sections in toc] == [
        ("Zebra Crossing", ["Stripes", "Looking both ways"]),
        ("Apple Picking", ["Picking"]),
        ("Middle Ground", []),
    ]
    # Every entry opens a document of the book, at a place that exists.
    for _, target, sections in toc:
        for _, place in [("", target), *sections]:
            path, _, fragment = place.partition("#")
            root = book.xml(path)
            assert not fragment or root.xpath(f"//*[@id='{fragment}']")


def test_links_between_chapters_stay_inside_the_book(fixture_site: Path) -> None:
    book = Epub(fixture_site / "downloads" / EPUB_NAME)
    (zebra_path, zebra), (apple_path, _), (middle_path, middle) = book.chapters()
    links = {text_of(a): a.get("href") for a in zebra.iterfind(".//x:a", NS)}
    assert posixpath.normpath(posixpath.join(posixpath.dirname(zebra_path), links["how apples are picked"])) == f"{apple_path}#picking"
    assert posixpath.normpath(posixpath.join(posixpath.dirname(zebra_path), links["next-but-one chapter"])) == middle_path
    # Pages outside the book: on the published site (the fixture sets site_url).
    assert links["how to reuse this book"] == "https://books.example.org/peer/about/#reuse"
    back = middle.find(".//x:a", NS).get("href")
    assert posixpath.normpath(posixpath.join(posixpath.dirname(middle_path), back)) == f"{zebra_path}#stripes"


def test_links_to_downloads_work_on_the_site_and_in_the_book(fixture_site: Path) -> None:
    page = page_html_path(fixture_site, "chapters/middle-ground.md")
    (link,) = soup(page).select(f'article a[data-download="downloads/{EPUB_NAME}"]')
    assert (page.parent / link["href"]).resolve() == (fixture_site / "downloads" / EPUB_NAME).resolve()
    *_, (_, middle) = Epub(fixture_site / "downloads" / EPUB_NAME).chapters()
    hrefs = [a.get("href") for a in middle.iterfind(".//x:a", NS)]
    assert f"https://books.example.org/peer/downloads/{EPUB_NAME}" in hrefs


def test_a_misspelt_link_to_a_download_stops_the_build(tmp_path: Path) -> None:
    config = make_fixture_project("epub-book", tmp_path)
    page = config.parent / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nGet [the e-book](downloads/book.epubb).\n", encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert re.search(r"^docs/about\.md:\d+: the link 'downloads/book\.epubb' leads to no page or file of the "
                     r"book: check the name against the files the build writes to downloads/", result.stderr, re.M)


def test_images_travel_inside_the_book_with_their_alt_text(fixture_site: Path) -> None:
    book = Epub(fixture_site / "downloads" / EPUB_NAME)
    (zebra_path, zebra), *_ = book.chapters()
    (image,) = zebra.iterfind(".//x:img", NS)
    assert image.get("alt") == "Black and white stripes across a road"
    packed = posixpath.normpath(posixpath.join(posixpath.dirname(zebra_path), image.get("src")))
    assert book.files[packed] == (fixture_site / "chapters" / "images" / "stripes.png").read_bytes()
    assert any(book.path_of(i.get("href")) == packed and i.get("media-type") == "image/png"
               for i in book.manifest.values())


def test_collapsible_boxes_are_open_in_the_book(fixture_site: Path) -> None:
    book = Epub(fixture_site / "downloads" / EPUB_NAME)
    (_, zebra), *_ = book.chapters()
    assert zebra.find(".//x:details", NS) is None
    titles = [text_of(t) for t in zebra.iterfind(".//x:p[@class='admonition-title']", NS)]
    assert titles == ["Note", "Mind the traffic", "A collapsible example", "An open one"]
    assert "Sam waits at the crossing until the cars stop." in text_of(zebra)


# --- Switches and reproducibility ------------------------------------------------------------


def test_book_exports_0_makes_neither_download(tmp_path: Path) -> None:
    config = make_fixture_project("epub-book", tmp_path)
    result = mkdocs_build(config, tmp_path / "site", env={"BOOK_EXPORTS": "0"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert not (tmp_path / "site" / "downloads").exists()


def test_two_builds_from_the_same_sources_give_identical_downloads(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}  # 2023-11-14 22:13:20 UTC
    sites = [tmp_path / "first", tmp_path / "second"]
    for site_dir in sites:
        result = mkdocs_build(ROOT / "mkdocs.yml", site_dir, env=env)
        assert result.returncode == 0, result.stderr
    for name in (EPUB_NAME, OFFLINE_NAME):
        first, second = ((s / "downloads" / name).read_bytes() for s in sites)
        assert first == second, f"{name} differs between two builds"
        with zipfile.ZipFile(sites[0] / "downloads" / name) as archive:
            assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    book = Epub(sites[0] / "downloads" / EPUB_NAME)
    assert book.dc("date") == ["2023-11-14"]
    assert book.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
