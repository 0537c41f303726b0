"""The attribution hook's functions, called directly: metadata in, HTML and JSON-LD out."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from ebook.model import credits
from ebook.model.settings import BookSettings, parse_book_settings
from ebook.site import attribution as a

BOOK: dict[str, Any] = {
    "title": "Post-Secondary Peer Support Training Curriculum",
    "author": "Jenn Cusick",
    "publisher": "BCcampus",
    "year": 2022,
    "source_url": "https://opentextbc.ca/peersupport/",
    "license": "CC-BY-4.0",
    "changes": "Headings added.",
    "chapters_dir": "chapters",
}
OTHER_WORK = {
    "title": "Listening Well",
    "author": "A. N. Other",
    "source_url": "https://example.org/listening",
    "license": "CC-BY-SA-4.0",
}


def book(**changes: Any) -> BookSettings:
    return parse_book_settings({**BOOK, **changes})


def page_attribution(settings: BookSettings, meta: dict[str, Any], *, source: str) -> credits.PageAttribution:
    return credits.page_attribution(settings.credits, meta, source=source)


def block(meta: dict[str, Any], settings: BookSettings | None = None) -> BeautifulSoup:
    attribution = page_attribution(settings or book(), meta, source="docs/page.md")
    return BeautifulSoup(a.render_block(attribution), "html.parser")


def links(html: BeautifulSoup) -> dict[str, str]:
    return {link.get_text(): link["href"] for link in html.find_all("a")}


def head_jsonld(meta: dict[str, Any], *, is_chapter: bool, title: str = "A page") -> dict[str, Any]:
    attribution = page_attribution(book(), meta, source="docs/page.md")
    head = BeautifulSoup(a.render_head(attribution, page_title=title, is_chapter=is_chapter), "html.parser")
    return json.loads(head.find("script", type="application/ld+json").string)


def test_default_page_credits_the_original_book_with_links() -> None:
    html = block({})
    found = links(html)
    assert found["Post-Secondary Peer Support Training Curriculum"] == "https://opentextbc.ca/peersupport/"
    assert found["https://opentextbc.ca/peersupport/"] == "https://opentextbc.ca/peersupport/"
    assert found["CC BY 4.0"] == "https://creativecommons.org/licenses/by/4.0/"
    text = html.get_text(" ")
    assert "Jenn Cusick" in text
    assert "adapted from the original work" in text
    assert "Changes: Headings added." in text
    assert html.find("a", rel="license")["href"] == "https://creativecommons.org/licenses/by/4.0/"


def test_page_adapted_from_another_work_credits_it_and_takes_its_licence() -> None:
    html = block({"attribution": {"adapted_from": OTHER_WORK, "changes": "Shortened."}})
    text = html.get_text(" ")
    assert "adapted from" in text and "Listening Well" in text and "A. N. Other" in text
    assert links(html)["Listening Well"] == "https://example.org/listening"
    # The original book is still credited, and the page carries the adapted work's licence.
    assert "Post-Secondary Peer Support Training Curriculum" in text
    assert html.find("a", rel="license")["href"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert "Changes: Shortened." in text
    assert "Headings added." not in text


def test_page_written_for_this_edition_credits_its_contributors() -> None:
    html = block({"attribution": {"written_by": "Ada Lovelace and the editors"}})
    text = html.get_text(" ")
    text = " ".join(text.split())
    # The page's writer first, then the original work, credited on every page.
    assert text.startswith("This page was written for this edition by Ada Lovelace and the editors. "
                           "Original work: Post-Secondary Peer Support Training Curriculum"), text
    assert "This page is adapted from" not in text
    assert "Jenn Cusick" in text


def test_page_can_choose_another_known_licence() -> None:
    html = block({"attribution": {"written_by": "The editors", "license": "CC0-1.0"}})
    assert html.find("a", rel="license")["href"] == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_chapter_jsonld_is_a_chapter_of_the_book_based_on_its_source() -> None:
    data = head_jsonld({"attribution": {"adapted_from": OTHER_WORK}}, is_chapter=True, title="Listening")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Chapter"
    assert data["name"] == "Listening"
    assert data["isPartOf"]["@type"] == "Book"
    assert data["isPartOf"]["name"] == "Post-Secondary Peer Support Training Curriculum"
    assert data["author"]["name"] == "A. N. Other"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["isBasedOn"]["url"] == "https://example.org/listening"


def test_other_pages_describe_the_book() -> None:
    data = head_jsonld({}, is_chapter=False)
    assert data["@type"] == "Book"
    assert data["author"]["name"] == "Jenn Cusick"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_head_links_the_page_licence() -> None:
    attribution = page_attribution(book(), {"attribution": {"adapted_from": OTHER_WORK}}, source="docs/p.md")
    head = BeautifulSoup(a.render_head(attribution, page_title="P", is_chapter=False), "html.parser")
    assert head.find("link", rel="license")["href"] == "https://creativecommons.org/licenses/by-sa/4.0/"


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_metadata_is_escaped_in_the_block() -> None:
    html_text = a.render_block(
        page_attribution(book(), {"attribution": {"adapted_from": {**OTHER_WORK, "author": HOSTILE, "title": HOSTILE}}}, source="docs/p.md")
    )
    parsed = BeautifulSoup(html_text, "html.parser")
    assert parsed.find("script") is None and parsed.find("img") is None
    assert HOSTILE in parsed.get_text()  # shown as text, word for word


def test_metadata_cannot_break_out_of_the_jsonld_script() -> None:
    attribution = page_attribution(book(author=HOSTILE), {}, source="docs/p.md")
    head = a.render_head(attribution, page_title="</script><script>alert(2)</script>", is_chapter=True)
    assert head.count("<script") == 1 and head.count("</script>") == 1
    parsed = BeautifulSoup(head, "html.parser")
    data = json.loads(parsed.find("script").string)
    assert data["isPartOf"]["author"]["name"] == HOSTILE
    assert data["name"] == "</script><script>alert(2)</script>"


def test_quote_in_a_url_cannot_break_out_of_the_attribute() -> None:
    html_text = a.render_block(
        page_attribution(book(source_url='https://example.org/"onmouseover="alert(1)'), {}, source="docs/p.md")
    )
    assert 'onmouseover="' not in html_text
    assert BeautifulSoup(html_text, "html.parser").find("a")["href"] == 'https://example.org/"onmouseover="alert(1)'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({k: v for k, v in BOOK.items() if k != "author"}, r"mkdocs\.yml: extra\.book\.author is missing"),
        ({**BOOK, "license": "CC-BY-5.0"}, r"mkdocs\.yml: extra\.book\.license: unknown licence 'CC-BY-5\.0'; use one of: CC-BY-4\.0"),
        ({**BOOK, "source_url": "opentextbc.ca/peersupport"}, r"mkdocs\.yml: extra\.book\.source_url: 'opentextbc\.ca/peersupport' is not a web address"),
        ({**BOOK, "source_url": "javascript:alert(1)"}, r"extra\.book\.source_url: 'javascript:alert\(1\)' is not a web address"),
        ({**BOOK, "year": "twenty"}, r"extra\.book\.year: 'twenty' is not a year"),
        ({**BOOK, "auther": "x"}, r"extra\.book: unknown field auther; allowed:"),
        (None, r"mkdocs\.yml: extra\.book is missing"),
    ],
)
def test_bad_book_settings_name_the_file_and_field(raw: Any, expected: str) -> None:
    with pytest.raises(PluginError, match=expected):
        parse_book_settings(raw)


@pytest.mark.parametrize(
    ("attribution", "expected"),
    [
        ({"license": "MIT"}, r"docs/page\.md: front matter field 'attribution'\.license: unknown licence 'MIT'"),
        ({"adapted_from": {**OTHER_WORK, "author": ""}}, r"'attribution'\.adapted_from\.author is missing"),
        ({"adapted_from": {**OTHER_WORK, "source_url": "not a url"}}, r"adapted_from\.source_url: 'not a url' is not a web address"),
        ({"adapted_from": OTHER_WORK, "written_by": "Me"}, r"use adapted_from or written_by, not both"),
        ({"writen_by": "Me"}, r"unknown field writen_by; allowed: adapted_from, changes, license, written_by"),
        ({"written_by": ["Me"]}, r"'attribution'\.written_by: expected text"),
        ("CC-BY-4.0", r"'attribution': expected a mapping"),
    ],
)
def test_bad_front_matter_names_the_file_and_field(attribution: Any, expected: str) -> None:
    with pytest.raises(PluginError, match=expected):
        page_attribution(book(), {"attribution": attribution}, source="docs/page.md")


def test_every_licence_in_the_table_links_a_creative_commons_deed() -> None:
    for key, licence in credits.LICENCES.items():
        assert re.fullmatch(r"https://creativecommons\.org/(licenses|publicdomain)/[a-z-]+/\d\.\d/", licence.url), key


# --- This edition beside the original ----------------------------------------------------------

ORIGINAL_CHAPTER = {**OTHER_WORK, "title": "Connection", "author": "Jenn Cusick", "license": "CC-BY-4.0",
                    "source_url": "https://opentextbc.ca/peersupport/chapter/connection/"}


def edition_book() -> BookSettings:
    return parse_book_settings({**BOOK, "edition": {"subtitle": "An adapted edition", "editors": ["Ada Lee", "Sam Roe"]}},
                               site_name="The Edition", site_url="https://books.example.org/peer/")


def test_adapted_from_links_to_the_original_chapter_and_the_original_to_its_book() -> None:
    html = block({"attribution": {"adapted_from": ORIGINAL_CHAPTER}})
    (adapted,) = [p for p in html.find_all("p") if p.get_text().startswith("This page is adapted from")]
    assert adapted.cite.a["href"] == "https://opentextbc.ca/peersupport/chapter/connection/"
    assert adapted.cite.get_text() == "Connection"
    assert links(html)["Post-Secondary Peer Support Training Curriculum"] == "https://opentextbc.ca/peersupport/"


def test_pages_describe_this_edition_based_on_the_original_with_its_editors() -> None:
    attribution = credits.page_attribution(edition_book().credits, {}, source="docs/p.md")
    data = a.jsonld(attribution, page_title="Home", is_chapter=False)
    assert data["@type"] == "Book" and data["name"] == "The Edition"
    assert data["alternativeHeadline"] == "An adapted edition" and data["url"] == "https://books.example.org/peer/"
    assert data["editor"] == [{"@type": "Person", "name": "Ada Lee"}, {"@type": "Person", "name": "Sam Roe"}]
    assert data["author"]["name"] == "Jenn Cusick" and data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "publisher" not in data  # BCcampus published the original, not this edition
    assert data["isBasedOn"] | {"@type": "Book", "url": "https://opentextbc.ca/peersupport/",
                                "publisher": {"@type": "Organization", "name": "BCcampus"}} == data["isBasedOn"]


def test_a_chapter_is_part_of_this_edition_and_based_on_the_original_chapter() -> None:
    attribution = credits.page_attribution(edition_book().credits, {"attribution": {"adapted_from": ORIGINAL_CHAPTER}},
                                           source="docs/chapters/c.md")
    data = a.jsonld(attribution, page_title="Connection", is_chapter=True)
    assert data["isPartOf"]["name"] == "The Edition" and data["isPartOf"]["isBasedOn"]["name"] == BOOK["title"]
    assert data["isBasedOn"]["url"] == "https://opentextbc.ca/peersupport/chapter/connection/"
    assert [e["name"] for e in data["editor"]] == ["Ada Lee", "Sam Roe"]


def test_a_page_by_the_editors_is_credited_to_them_by_name() -> None:
    attribution = credits.page_attribution(edition_book().credits,
                                           {"attribution": {"written_by": "the editors of this edition"}},
                                           source="docs/about.md")
    text = BeautifulSoup(a.render_block(attribution), "html.parser").get_text(" ")
    assert "written for this edition by Ada Lee and Sam Roe" in text
    data = a.jsonld(attribution, page_title="About", is_chapter=True)
    assert data["author"] == data["editor"] and "isBasedOn" not in data


def test_the_head_of_a_page_of_the_whole_book_links_its_licence_and_describes_this_edition() -> None:
    head = BeautifulSoup(a.render_book_head(edition_book().credits), "html.parser")
    assert head.find("link", rel="license")["href"] == "https://creativecommons.org/licenses/by/4.0/"
    data = json.loads(head.find("script", type="application/ld+json").string)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Book" and data["name"] == "The Edition"
    assert data["isBasedOn"]["url"] == "https://opentextbc.ca/peersupport/"
