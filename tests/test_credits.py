"""Credits (ebook/model/credits.py, read in settings.py): this edition and the original it adapts,
each credited for what it is, alike in every output."""

from __future__ import annotations

import dataclasses
import io
import json
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
from ebook.site import attribution
from tests.epubs import Epub
from tests.helpers import ROOT, chapter_pages, front_matter, normalise, page_html_path, soup
from tests.pdfs import finished_pdf
from tests.print_documents import METADATA

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
    assert read.edition.editors_text == "" and read.edition.editor_names == ()
    assert book(None, site_name=None).edition.title == "Listening Well"  # no site_name: the original's


@pytest.mark.parametrize(("edition", "message"), [
    ({"editors": 3}, "book.yml: extra.book.edition.editors: 3 is not a list of names: write the names of who "
                     "adapted this edition, e.g. [Alex Martin, Sam Lee]."),
    ({"editors": ["Alex", "The  Editors of this edition"]},
     "book.yml: extra.book.edition.editors: 'The  Editors of this edition' is not a name: write the editors' "
     "names, e.g. [Alex Martin, Sam Lee], or leave editors out."),
    ({"editors": "the editors of this edition"}, "book.yml: extra.book.edition.editors: 'the editors of this "
     "edition' is not a name: write the editors' names, e.g. [Alex Martin, Sam Lee], or leave editors out."),
    ({"editors": ["Alex", ""]}, "book.yml: extra.book.edition.editors: ['Alex', ''] is not a list of names: write "
                                "the names of who adapted this edition, e.g. [Alex Martin, Sam Lee]."),
    ({"publisher": "example press"}, "book.yml: extra.book.edition.publisher: 'example press' published the "
     "original, not this edition: write who publishes this edition, or leave publisher out."),
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


@pytest.mark.parametrize("edition", [{"editors": []}, {"editors": None}, {"subtitle": "A Course Edition"}])
def test_editors_may_be_left_out_and_then_none_is_named(edition: Any) -> None:
    assert book(edition).edition.editor_names == ()


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
    with pytest.raises(PluginError) as error:
        s.parse_book_settings(raw, "mkdocs.yml", config_path=str(path))
    # Both at once, in the file's order: an unknown field is told on extra.book's line.
    assert str(error.value).splitlines() == [
        "The book's settings have 2 problems to fix:",
        "mkdocs.yml: extra.book: unknown field colour; allowed: author, changes, chapter_template, chapters_dir, "
        "edition, language, license, publisher, slug, source_url, title, worksheet_changes, year. "
        "(line 4 of mkdocs.yml)",
        "mkdocs.yml: extra.book.edition.editors: 3 is not a list of names: write the names of who adapted this "
        "edition, e.g. [Alex Martin, Sam Lee]. (line 8 of mkdocs.yml)"]
    path.write_text(CONFIG.replace("editors: 3", "editors: [the editors of this edition]"), encoding="utf-8")
    with pytest.raises(PluginError) as error:
        s.parse_book_settings({**ORIGINAL, "edition": {"editors": ["the editors of this edition"]}}, "mkdocs.yml",
                              config_path=str(path))
    assert str(error.value) == ("mkdocs.yml: extra.book.edition.editors: 'the editors of this edition' is not a "
                                "name: write the editors' names, e.g. [Alex Martin, Sam Lee], or leave editors "
                                "out. (line 8 of mkdocs.yml)")


def test_the_real_configuration_names_this_edition_and_no_one_falsely() -> None:
    read = s.parse_settings(load_config(str(ROOT / "mkdocs.yml")), {}).book.credits
    assert read.edition.subtitle
    assert all(name.strip() and name.casefold() != "the editors of this edition" for name in read.edition.editors)
    assert read.edition.publisher != read.original.publisher  # BCcampus published the original only


# --- What the original's licence allows the edition --------------------------------------------


def licensed(original: str, edition: str | None) -> credits.Credits:
    """The credits of an edition under `edition` (the original's licence when None) of a work
    under `original`."""
    raw = {**ORIGINAL, "license": original}
    return s.parse_book_settings(raw if edition is None else {**raw, "edition": {"license": edition}},
                                 "book.yml").credits


@pytest.mark.parametrize(("original", "edition"), [
    ("CC-BY-4.0", "CC-BY-4.0"),
    ("CC-BY-4.0", "CC-BY-SA-4.0"),
    ("CC-BY-4.0", "CC-BY-NC-4.0"),
    ("CC-BY-SA-4.0", "CC-BY-SA-4.0"),
    ("CC-BY-NC-4.0", "CC-BY-NC-4.0"),
    ("CC-BY-NC-4.0", "CC-BY-NC-SA-4.0"),
    ("CC-BY-NC-SA-4.0", "CC-BY-NC-SA-4.0"),
    ("CC0-1.0", "CC-BY-4.0"),
    ("CC0-1.0", "CC0-1.0"),
    ("CC-BY-SA-4.0", None),  # no licence of its own: the original's
])
def test_an_edition_may_take_a_licence_the_originals_allows(original: str, edition: str | None) -> None:
    read = licensed(original, edition)
    assert read.licence == credits.LICENCES[edition or original]
    assert read.original.licence == credits.LICENCES[original]


NO_DERIVATIVES = ("book.yml: extra.book.license: {} is a NoDerivatives licence: it lets anyone share the original "
                  "only as it is, never adapted, so no edition of it may be published. Ask its author for "
                  "permission to adapt it, or adapt a work whose licence allows adaptations.")


@pytest.mark.parametrize(("original", "edition", "message"), [
    ("CC-BY-ND-4.0", None, NO_DERIVATIVES.format("CC BY-ND 4.0")),
    ("CC-BY-ND-4.0", "CC-BY-ND-4.0", NO_DERIVATIVES.format("CC BY-ND 4.0")),
    ("CC-BY-ND-4.0", "CC-BY-4.0", NO_DERIVATIVES.format("CC BY-ND 4.0")),
    ("CC-BY-NC-ND-4.0", "CC-BY-NC-SA-4.0", NO_DERIVATIVES.format("CC BY-NC-ND 4.0")),
    ("CC-BY-SA-4.0", "CC-BY-4.0",
     "book.yml: extra.book.edition.license: an edition of a CC BY-SA 4.0 work must be shared under CC BY-SA 4.0 "
     "too (ShareAlike), not CC BY 4.0: write license: CC-BY-SA-4.0, or leave it out to use the original's."),
    ("CC-BY-SA-4.0", "CC-BY-NC-SA-4.0",
     "book.yml: extra.book.edition.license: an edition of a CC BY-SA 4.0 work must be shared under CC BY-SA 4.0 "
     "too (ShareAlike), not CC BY-NC-SA 4.0: write license: CC-BY-SA-4.0, or leave it out to use the "
     "original's."),
    ("CC-BY-NC-SA-4.0", "CC-BY-SA-4.0",
     "book.yml: extra.book.edition.license: an edition of a CC BY-NC-SA 4.0 work must be shared under "
     "CC BY-NC-SA 4.0 too (ShareAlike), not CC BY-SA 4.0: write license: CC-BY-NC-SA-4.0, or leave it out to "
     "use the original's."),
    ("CC-BY-NC-4.0", "CC-BY-4.0",
     "book.yml: extra.book.edition.license: CC BY 4.0 would let anyone use this edition commercially, which the "
     "original's CC BY-NC 4.0 forbids (NonCommercial): write a NonCommercial licence, e.g. CC-BY-NC-4.0, or "
     "leave it out to use the original's."),
    ("CC-BY-4.0", "CC0-1.0",
     "book.yml: extra.book.edition.license: CC0 1.0 would let anyone reuse this edition without crediting the "
     "original's author, which the original's CC BY 4.0 requires (Attribution): write a licence that asks for "
     "credit, e.g. CC-BY-4.0, or leave it out to use the original's."),
])
def test_an_edition_the_originals_licence_forbids_is_refused_in_plain_words(
        original: str, edition: str | None, message: str) -> None:
    with pytest.raises(PluginError) as error:
        licensed(original, edition)
    assert str(error.value) == message


LICENSED = """\
extra:
  book:
    title: Listening Well
    license: {original}
    edition:
      subtitle: A Course Edition
      license: {edition}
"""


@pytest.mark.parametrize(("original", "edition", "line"), [
    ("CC-BY-ND-4.0", "CC-BY-4.0", 4),  # the original's licence is at fault: no edition at all
    ("CC-BY-SA-4.0", "CC-BY-4.0", 7),  # the edition's
])
def test_a_refused_licence_is_told_on_the_line_at_fault(tmp_path: Path, original: str, edition: str,
                                                        line: int) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(LICENSED.format(original=original, edition=edition), encoding="utf-8")
    with pytest.raises(PluginError) as error:
        s.parse_book_settings({**ORIGINAL, "license": original, "edition": {"license": edition}}, "mkdocs.yml",
                              config_path=str(path))
    assert str(error.value).endswith(f". (line {line} of mkdocs.yml)")
    assert "\n" not in str(error.value)


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


def test_an_edition_without_editors_is_credited_without_an_edited_by() -> None:
    unnamed = book({"subtitle": "A Course Edition"})
    assert unnamed.suggested_credit_text() == (
        f"“Listening Well: A Course Edition”, {SITE_URL}, licensed under CC BY 4.0. Adapted from “Listening Well” "
        "by Robin Example (Example Press, 2020), licensed under CC BY 4.0, https://example.org/listening/.")
    assert unnamed.edited_by() == "A Course Edition" and book(None).edited_by() == ""
    bare = book(None, site_url=None)
    assert bare.suggested_credit_text().startswith("“Listening Well”, licensed under CC BY 4.0. Adapted from ")
    html = BeautifulSoup(bare.suggested_credit_html(), "html.parser").get_text()
    assert html.startswith("Listening Well, licensed under CC BY 4.0. Adapted from ")
    for made in (unnamed.rights_text(), unnamed.suggested_credit_html(), bare.rights_text()):
        assert "edited by" not in made.lower() and ",," not in made and ", ," not in made


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
    data = attribution.jsonld(page, page_title="About", is_chapter=True)
    assert [p["name"] for p in data["author"]] == [p["name"] for p in data["editor"]] == list(book().edition.editors)
    other = credits.page_attribution(book(), {"attribution": {"written_by": "Sam Lee"}}, source="docs/x.md")
    assert other.written_by == "Sam Lee" and not other.by_editors


def test_a_page_by_unnamed_editors_says_so_in_words_and_names_no_one_in_its_data() -> None:
    unnamed = book({"subtitle": "A Course Edition"})
    page = credits.page_attribution(unnamed, {"attribution": {"written_by": "the editors of this edition"}},
                                    source="docs/about.md")
    assert page.by_editors and page.written_by == "the editors of this edition"
    block = BeautifulSoup(attribution.render_block(page), "html.parser").get_text(" ")
    assert "written for this edition by the editors of this edition" in block
    for is_chapter in (True, False):
        data = attribution.jsonld(page, page_title="About", is_chapter=is_chapter)
        assert "editor" not in data and "editor" not in data.get("isPartOf", {}), is_chapter
        assert "editors of this edition" not in json.dumps(data), is_chapter


def blank_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("editors", [(), ("Alex Martin", "Sam Lee")])
def test_a_pdf_names_its_editors_as_contributors_or_no_contributor(editors: tuple[str, ...]) -> None:
    import pikepdf

    data = finished_pdf(blank_pdf(), dataclasses.replace(METADATA, editors=editors), epoch=1700000000)
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_metadata() as xmp:
        assert set(xmp.get("dc:contributor") or ()) == set(editors)
        assert ("dc:contributor" in xmp) == bool(editors)


# --- The real book -----------------------------------------------------------------------------


def real_credits(**config: str) -> credits.Credits:
    return s.parse_settings(load_config(str(ROOT / "mkdocs.yml"), **config), {}).book.credits


def about_credit(site: Path) -> Any:
    """The About page's suggested credit: the quotation under its heading on how to credit it."""
    about = soup(page_html_path(site, "about.md"))
    heading = about.find(lambda tag: tag.name == "h2" and "attribute this edition" in tag.get_text())
    return heading.find_next("blockquote")


def test_the_about_pages_suggested_credit_is_the_books(site: Path) -> None:
    """docs/about.md's credit is made from the settings when the book is built: it says what the
    PDFs and the EPUB say, and a site without an address leaves no comma where it would be."""
    quote = about_credit(site)
    book = real_credits()
    original = book.original
    text = normalise(quote.get_text())
    assert text == normalise(book.suggested_credit_text().replace("“", "").replace("”", ""))
    assert text.startswith(f"{book.edition.full_title}, licensed under") != bool(book.edition.editors)
    hrefs = [a["href"] for a in quote.find_all("a")]
    assert original.source_url in hrefs and original.licence.url in hrefs and book.licence.url in hrefs
    assert "suggested credit" not in page_html_path(site, "about.md").read_text(encoding="utf-8")  # the marker


def test_the_published_about_page_credits_this_edition_at_its_address(published_site: Path) -> None:
    address = "https://peer-support.example.org/book/"  # conftest.PUBLISHED_ENV
    book = real_credits(site_url=address)
    quote = about_credit(published_site)
    assert normalise(quote.get_text()) == normalise(book.suggested_credit_text().replace("“", "").replace("”", ""))
    assert f", {address}, licensed under" in quote.get_text() and quote.cite.a["href"] == address


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
    # A line may break the address at its hyphen, which the text then loses: compare without them.
    assert re.sub(r"[\s-]", "", address) in re.sub(r"[\s-]", "", credit)
    assert ("edited by" in credit) == bool(book.edition.editors) and "Adapted from" in credit
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
            assert set(xmp.get("dc:contributor") or ()) == set(book.edition.editor_names), path.name
            # The original's publisher published the original, not this edition.
            assert xmp.get("dc:publisher") in (None, [book.edition.publisher]), path.name
            if path.parent.name == "downloads":
                expected: str | None = book.original.source_url
            else:
                expected = sources[path.stem.removesuffix("-reflection")]
            assert xmp.get("dc:source") == expected, path.name


def test_the_book_names_as_editors_only_the_names_in_its_settings(published_site: Path) -> None:
    """No page's data, EPUB contributor or cover names an editor the settings do not name: with
    none named (`editors: []`), none at all, and no "edited by" on a cover or title page."""
    book = real_credits()
    names = list(book.edition.editor_names)
    for path in sorted(published_site.rglob("*.html")):
        for script in soup(path).find_all("script", type="application/ld+json"):
            data = json.loads(script.string)
            for holder in (data, data.get("isPartOf") or {}):
                assert [p["name"] for p in holder.get("editor", [])] == names, path
    epub = Epub(next((published_site / "downloads").glob("*.epub")))
    assert epub.dc("contributor") == names
    fronts = [normalise("".join(epub.xml(f"EPUB/{name}").itertext()))
              for name in ("title.xhtml", "images/cover.svg")]
    fronts.append(epub.xml("EPUB/cover.xhtml").find(".//{*}img").get("alt"))
    pdf = next((published_site / "downloads").glob("*.pdf"))
    fronts.append(normalise(subprocess.run(["pdftotext", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                                           check=True).stdout))
    for text in fronts:
        assert ("edited by" in text.lower()) == bool(names), text[:200]


@pytest.mark.parametrize(("key", "expected"), [
    ("CC-BY-4.0", "You may share and adapt it under the terms of that licence: credit this edition and the "
                  "original work, link to the licence, and say what you changed."),
    ("CC-BY-NC-SA-4.0", "You may share and adapt it for non-commercial purposes only under the terms of that "
                        "licence: credit this edition and the original work, link to the licence, say what you "
                        "changed, and share what you adapt under the same licence."),
    ("CC-BY-NC-ND-4.0", "You may share it, unchanged, for non-commercial purposes only under the terms of that "
                        "licence: credit this edition and the original work, and link to the licence."),
    ("CC0-1.0", "You may use it for any purpose, without asking and without credit."),
])
def test_the_copyright_page_says_only_what_the_editions_licence_allows(key: str, expected: str) -> None:
    assert credits.LICENCES[key].reuse_text() == expected
