"""Credits (ebook/model/credits.py, read in settings.py): this edition and the original it adapts,
each credited for what it is, alike in every output."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from ebook.model import credits, fields
from ebook.model import settings as s
from tests.epubs import Epub
from tests.helpers import ROOT, chapter_pages, front_matter, normalise, page_html_path, soup

ORIGINAL = {"title": "Listening Well", "author": "Robin Example", "publisher": "Example Press", "year": 2020,
            "source_url": "https://example.org/listening/", "license": "CC-BY-4.0", "changes": "Headings added."}
EDITION = {"subtitle": "A Course Edition", "editors": ["Alex Martin", "Sam Lee", "Kim Park"]}
SITE_URL = "https://books.example.org/listening/"


def book(edition: Any = EDITION, *, site_name: str | None = "Listening Well", site_url: str | None = SITE_URL,
         **more: Any) -> credits.Credits:
    raw = {**ORIGINAL, **more} if edition is None else {**ORIGINAL, "edition": edition, **more}
    return s.parse_book_settings(raw, "book.yml", site_name=site_name, site_url=site_url).credits


def refused(edition: Any) -> str:
    with pytest.raises(PluginError) as error:
        book(edition)
    return str(error.value)


# --- The settings ------------------------------------------------------------------------------


def test_the_edition_is_read_beside_the_original() -> None:
    read = book()
    assert read.original == credits.Work("Listening Well", "Robin Example", "https://example.org/listening/",
                                         credits.LICENCES["CC-BY-4.0"], "Example Press", 2020)
    assert read.edition == credits.Edition("Listening Well", "A Course Edition", ("Alex Martin", "Sam Lee", "Kim Park"),
                                           "", SITE_URL)
    assert read.edition.full_title == "Listening Well: A Course Edition"
    assert read.edition.editors_text == "Alex Martin, Sam Lee and Kim Park"
    assert read.licence == read.original.licence


def test_an_edition_may_have_one_editor_a_publisher_and_a_licence_of_its_own() -> None:
    read = book({"editors": "  Alex   Martin ", "publisher": "Campus Press", "license": "CC-BY-SA-4.0"})
    assert read.edition.editors == ("Alex Martin",) and read.edition.publisher == "Campus Press"
    assert read.licence.name == "CC BY-SA 4.0" and read.original.licence.name == "CC BY 4.0"


def test_without_an_edition_block_no_editor_is_named_and_the_title_is_the_sites() -> None:
    read = book(None, site_name="A Site", site_url=None)
    assert read.edition == credits.Edition("A Site")
    assert read.edition.editors_text == "the editors of this edition"
    assert book(None, site_name=None).edition.title == "Listening Well"  # no site_name: the original's


@pytest.mark.parametrize(("edition", "message"), [
    ({"editors": 3}, "book.yml: extra.book.edition.editors: 3 is not a list of names: write the names of who "
                     "adapted this edition, e.g. [Alex Martin, Sam Lee]."),
    ({"editors": []}, "book.yml: extra.book.edition.editors: [] is not a list of names: write the names of who "
                      "adapted this edition, e.g. [Alex Martin, Sam Lee]."),
    ({"editors": ["Alex", ""]}, "book.yml: extra.book.edition.editors: ['Alex', ''] is not a list of names: write "
                                "the names of who adapted this edition, e.g. [Alex Martin, Sam Lee]."),
    ({"editor": ["Alex"]}, "book.yml: extra.book.edition: unknown field editor; allowed: editors, license, "
                           "publisher, subtitle."),
    ({"subtitle": ["A", "B"]}, "book.yml: extra.book.edition.subtitle: expected text, found ['A', 'B']; put it "
                               "in quotes."),
    ({"license": "MIT"}, "book.yml: extra.book.edition.license: unknown licence 'MIT'; use one of: CC-BY-4.0, "
                         "CC-BY-SA-4.0, CC-BY-NC-4.0, CC-BY-NC-SA-4.0, CC-BY-ND-4.0, CC-BY-NC-ND-4.0, CC0-1.0."),
    ("Alex Martin", "book.yml: extra.book.edition: expected its fields (editors, license, publisher, subtitle) on "
                    "the lines below it, each indented by two spaces more than 'edition:'."),
])
def test_a_wrong_edition_is_refused_with_the_field_and_the_fix(edition: Any, message: str) -> None:
    assert refused(edition) == message


CONFIG = """\
site_name: A Book   # a comment
site_url: !ENV [SITE_URL, null]
extra:
  book:
    title: Listening Well
    edition:
      subtitle: A Course Edition
      editors: 3
"""


@pytest.mark.parametrize(("keys", "line"), [
    (["extra", "book", "edition", "editors"], 8),
    (["extra", "book", "edition", "publisher"], 6),  # not written: its parent's line
    (["extra", "book", "author"], 4),
    (["nav"], None),
])
def test_a_fields_line_is_found_in_the_configuration(tmp_path: Path, keys: list[str], line: int | None) -> None:
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    assert fields.line_of(str(tmp_path / "mkdocs.yml"), keys) == line


def test_a_wrong_book_setting_gives_its_line_in_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(CONFIG, encoding="utf-8")
    raw = {**ORIGINAL, "edition": {"subtitle": "A Course Edition", "editors": 3}, "colour": "red"}
    with pytest.raises(PluginError) as error:
        s.parse_book_settings({**ORIGINAL, "edition": {"editors": 3}}, "mkdocs.yml", config_path=str(path))
    assert str(error.value).startswith("mkdocs.yml: extra.book.edition.editors: 3 is not a list of names: ")
    assert str(error.value).endswith(", e.g. [Alex Martin, Sam Lee]. (line 8 of mkdocs.yml)")
    with pytest.raises(PluginError, match=r"unknown field colour; .* \(line 4 of mkdocs\.yml\)$"):
        s.parse_book_settings(raw, "mkdocs.yml", config_path=str(path))  # not written: extra.book's line


def test_the_real_configuration_names_this_edition_and_its_editors() -> None:
    read = s.parse_settings(load_config(str(ROOT / "mkdocs.yml")), {}).book.credits
    assert read.edition.subtitle and read.edition.editors
    assert read.edition.publisher != read.original.publisher  # BCcampus published the original only


# --- The credit lines --------------------------------------------------------------------------


def test_the_suggested_credit_names_this_edition_then_the_original_it_adapts() -> None:
    text = book().suggested_credit_text()
    assert text == ("“Listening Well: A Course Edition”, edited by Alex Martin, Sam Lee and Kim Park, "
                    f"{SITE_URL}, licensed under CC BY 4.0. Adapted from “Listening Well” by Robin Example "
                    "(Example Press, 2020), licensed under CC BY 4.0, https://example.org/listening/.")
    html = BeautifulSoup(book().suggested_credit_html(), "html.parser")
    assert normalise(html.get_text()) == normalise(text.replace("“", "").replace("”", ""))
    assert [a["href"] for a in html.find_all("a")] == [
        SITE_URL, SITE_URL, "https://creativecommons.org/licenses/by/4.0/", "https://example.org/listening/",
        "https://creativecommons.org/licenses/by/4.0/", "https://example.org/listening/"]


def test_an_edition_without_an_address_or_subtitle_is_credited_without_them() -> None:
    text = book({"editors": ["Alex Martin"]}, site_url=None).suggested_credit_text()
    assert text.startswith("“Listening Well”, edited by Alex Martin, licensed under CC BY 4.0. Adapted from ")
    assert book({"editors": ["Alex Martin"]}).edited_by() == "Edited by Alex Martin"
    assert book().edited_by() == "A Course Edition, edited by Alex Martin, Sam Lee and Kim Park"


def test_the_edition_credits_markup_as_text() -> None:
    hostile = '<script>alert(1)</script>"'
    html = book({"subtitle": hostile, "editors": [hostile], "publisher": hostile}).suggested_credit_html()
    parsed = BeautifulSoup(html, "html.parser")
    assert parsed.find("script") is None and parsed.get_text().count(hostile) == 3


def test_each_output_says_what_it_changed() -> None:
    read = book(worksheet_changes="The prompts alone, with lines.")
    assert read.changes_for("book") == read.changes_for("epub") == "Headings added."
    assert read.changes_for("worksheet") == "The prompts alone, with lines."
    assert read.changes_for("handout", "Boxes added.") == "Boxes added."
    assert read.changes_for("worksheet", "") == ""  # a page written new changed nothing
    assert book().worksheet_changes == s.WORKSHEET_CHANGES
    page = credits.page_attribution(read, {}, source="docs/p.md")
    assert page.for_output("worksheet").changes == "The prompts alone, with lines."
    assert page.for_output("handout") == page


def test_a_page_by_the_editors_names_them() -> None:
    page = credits.page_attribution(book(), {"attribution": {"written_by": "The editors of this edition"}},
                                    source="docs/about.md")
    assert page.written_by == "Alex Martin, Sam Lee and Kim Park" and page.by_editors
    other = credits.page_attribution(book(), {"attribution": {"written_by": "Sam Lee"}}, source="docs/x.md")
    assert other.written_by == "Sam Lee" and not other.by_editors


# --- The real book -----------------------------------------------------------------------------


def real_credits(**config: str) -> credits.Credits:
    return s.parse_settings(load_config(str(ROOT / "mkdocs.yml"), **config), {}).book.credits


def test_the_about_pages_suggested_credit_is_the_books(site: Path) -> None:
    """docs/about.md's example credit is written by hand: it must say what the settings say."""
    about = soup(page_html_path(site, "about.md"))
    heading = about.find(lambda tag: tag.name == "h2" and "attribute this edition" in tag.get_text())
    quote = heading.find_next("blockquote")
    text = normalise(quote.get_text(" "))
    book = real_credits()
    original = book.original
    expected = [book.edition.full_title, f"edited by {book.edition.editors_text}", book.licence.name,
                "Adapted from", original.title, f"by {original.author} ({original.publisher}, {original.year})",
                original.licence.name]
    found = [text.find(part, max(0, text.find(expected[i - 1]) if i else 0)) for i, part in enumerate(expected)]
    assert -1 not in found and found == sorted(found), (
        f"docs/about.md: the suggested credit should name, in this order, {expected}; it reads: {text}")
    hrefs = [a["href"] for a in quote.find_all("a")]
    assert original.source_url in hrefs and original.licence.url in hrefs


def test_a_chapters_adapted_from_links_to_the_work_it_adapts(site: Path) -> None:
    for src_uri in chapter_pages():
        adapted = (front_matter(src_uri).get("attribution") or {}).get("adapted_from")
        if not adapted:
            continue
        block = soup(page_html_path(site, src_uri)).select_one("article .book-attribution")
        (line,) = [p for p in block.find_all("p") if p.get_text().startswith("This page is adapted from")]
        assert line.find("cite").a["href"] == adapted["source_url"], src_uri


def test_the_published_book_says_how_to_credit_this_edition_with_its_address(published_site: Path) -> None:
    address = "https://peer-support.example.org/book/"  # conftest.PUBLISHED_ENV
    book = real_credits(site_url=address)
    pdf = next((published_site / "downloads").glob("*.pdf"))
    text = normalise(subprocess.run(["pdftotext", "-l", "3", str(pdf), "-"], capture_output=True, text=True,
                                    check=True).stdout)
    credit = text[text.index("How to credit this edition"):]
    assert re.sub(r"\s", "", address) in re.sub(r"\s", "", credit)
    assert book.edition.editors_text in credit and "Adapted from" in credit
    epub = Epub(next((published_site / "downloads").glob("*.epub")))
    title_page = normalise("".join(epub.xml("EPUB/title.xhtml").itertext()))
    assert f"To credit this edition when you reuse it: {book.suggested_credit_text()}".replace(
        "“", "").replace("”", "") in title_page


def test_every_pdf_names_this_editions_editors_and_the_work_it_adapts_as_its_source(published_site: Path) -> None:
    import pikepdf

    from ebook.model.book import page_slug

    book = real_credits()

    def source_of(src_uri: str) -> str | None:  # None: written new for this edition, adapts nothing
        attribution = front_matter(src_uri).get("attribution") or {}
        if attribution.get("adapted_from"):
            return str(attribution["adapted_from"]["source_url"])
        return None if attribution.get("written_by") else book.original.source_url

    sources = {page_slug(src_uri): source_of(src_uri) for src_uri in chapter_pages()}
    pdfs = sorted((published_site / "downloads").rglob("*.pdf"))
    assert len(pdfs) > len(sources)  # the book, and each chapter's handout
    for path in pdfs:
        with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
            assert set(xmp["dc:contributor"]) == set(book.edition.editors or [credits.EDITORS]), path.name
            # The original's publisher published the original, not this edition.
            assert xmp.get("dc:publisher") in (None, [book.edition.publisher]), path.name
            if path.parent.name == "downloads":
                expected: str | None = book.original.source_url
            else:
                expected = sources[path.stem.removesuffix("-reflection")]
            assert xmp.get("dc:source") == expected, path.name
