"""The book's settings (ebook/model/settings.py): read once, every mistake named with its fix."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from ebook.model import settings as s
from ebook.model import state
from tests.helpers import ROOT, make_fixture_project, mkdocs_build


def test_the_real_configuration_is_read_whole_and_names_its_file() -> None:
    read = s.parse_settings(load_config(str(ROOT / "mkdocs.yml")), {"SOURCE_DATE_EPOCH": "1767225600"})
    assert read.config_name == "mkdocs.yml"
    assert read.book.original.title and read.book.original.licence.url.startswith("https://")
    assert set(read.formats) <= set(s.FORMATS) and read.formats
    assert read.switches.epoch == 1767225600 and read.switches.build_time.year == 2026


@pytest.mark.parametrize("raw, formats", [
    (None, ("pdf", "epub", "offline")),
    (["offline"], ("offline",)),
    (["offline", "pdf"], ("pdf", "offline")),  # made in the contract's order, whatever the list's
    ([], ()),
])
def test_the_book_offers_the_downloads_it_lists(raw: Any, formats: tuple[str, ...]) -> None:
    assert s.parse_formats(raw) == formats


@pytest.mark.parametrize("raw", ["pdf", ["pdf", "pdf"], ["docx"], [1], {"pdf": True}])
def test_a_wrong_downloads_list_is_refused_with_the_formats_to_choose_from(raw: Any) -> None:
    with pytest.raises(PluginError) as refused:
        s.parse_formats(raw, "book.yml")
    message = str(refused.value)
    assert message.startswith("book.yml: extra.downloads: ")
    assert "pdf, epub, offline" in message


def test_an_unknown_key_is_named_with_the_keys_allowed() -> None:
    with pytest.raises(PluginError, match=r"^my.yml: extra.epub: unknown field colour; allowed: "
                                          r"accessibility_summary, identifier\.$"):
        s.parse_epub_settings({"identifier": "urn:x", "accessibility_summary": "Text.", "colour": 1}, "my.yml")


# --- extra.book --------------------------------------------------------------------------------

BOOK = {"title": "The Original", "author": "A. Author", "source_url": "https://example.org/book/",
        "license": "CC-BY-4.0", "changes": "Headings added."}


def refused(raw: Any, docs_dir: str | None = None) -> str:
    with pytest.raises(PluginError) as error:
        s.parse_book_settings(raw, "book.yml", docs_dir=docs_dir)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_a_book_that_is_not_a_mapping_is_told_what_it_should_hold() -> None:
    assert refused(None) == ("book.yml: extra.book is missing: add the book's title, author, source_url "
                             "and license.")
    for raw in (["a"], "title", 3):
        assert refused(raw) == ("book.yml: extra.book: expected a mapping with author, changes, chapter_template, "
                                "chapters_dir, edition, language, license, publisher, slug, source_url, "
                                "title, worksheet_changes, year.")


def test_a_licence_spelled_the_british_way_is_told_as_unknown_and_the_licence_as_missing() -> None:
    raw = {key: value for key, value in BOOK.items() if key != "license"} | {"licence": "CC-BY-4.0"}
    with pytest.raises(PluginError) as error:
        s.parse_book_settings(raw, "book.yml")
    message = str(error.value)
    assert "book.yml: extra.book.license is missing: add the licence, one of: CC-BY-4.0, " in message
    assert "book.yml: extra.book: unknown field licence; allowed: " in message
    assert "None" not in message


def test_an_unknown_key_of_the_book_lists_every_key_allowed() -> None:
    assert refused({**BOOK, "colour": "red"}) == (
        "book.yml: extra.book: unknown field colour; allowed: author, changes, chapter_template, chapters_dir, "
        "edition, language, license, publisher, slug, source_url, title, worksheet_changes, year.")
    assert s.BOOK_KEYS >= {"title", "year", "chapters_dir", "language", "slug"}


@pytest.mark.parametrize("year", [None, 1000, 2022, 2999])
def test_a_plausible_year_is_kept(year: int | None) -> None:
    raw = BOOK if year is None else {**BOOK, "year": year}
    assert s.parse_book_settings(raw).original.year == year


@pytest.mark.parametrize("year", [-5, 0, 999, 3000, 20222, "2022", True, 2022.5])
def test_an_implausible_year_is_refused(year: Any) -> None:
    assert refused({**BOOK, "year": year}) == (
        f"book.yml: extra.book.year: {year!r} is not a year: write the year it was published as a number "
        "from 1000 to 2999, e.g. 2022.")


@pytest.mark.parametrize("tag", ["en", "fr-CA", "zh-Hant-TW", "sgn-ase", "de-DE-1996"])
def test_a_language_tag_is_kept(tag: str) -> None:
    assert s.parse_book_settings({**BOOK, "language": tag}).language == tag


@pytest.mark.parametrize("tag", ["zz-<script>", "e", "english", "en_CA", "en-", "en--CA", "fr-CA-toolongsubtag"])
def test_a_language_that_is_not_a_tag_is_refused(tag: str) -> None:
    assert refused({**BOOK, "language": tag}) == (
        f"book.yml: extra.book.language: {tag!r} is not a language tag: write a BCP 47 tag, e.g. en or fr-CA.")


@pytest.mark.parametrize("slug", ["peer-support", "a", "book-2", "a--b", "x" * 60])
def test_a_slug_for_the_downloads_is_kept(slug: str) -> None:
    assert s.parse_book_settings({**BOOK, "slug": slug}).slug == slug
    assert s.parse_book_settings(BOOK).slug == ""  # none: the one made from site_name


@pytest.mark.parametrize("slug", ["", None, 3, "Peer-Support", "a_b", "peer support", "-a", "a-", "a/b",
                                  "учебник", "x" * 61])
def test_a_slug_that_cannot_name_a_file_is_refused(slug: Any) -> None:
    assert refused({**BOOK, "slug": slug}) == (
        f"book.yml: extra.book.slug: {slug!r} cannot name the downloads: write up to 60 letters a-z, digits "
        "and hyphens between them, e.g. peer-support-training.")


ABSENT = object()  # the key not written at all


@pytest.fixture
def docs(tmp_path: Path) -> str:
    for folder in ("chapters", "part/one", "images"):
        (tmp_path / "docs" / folder).mkdir(parents=True)
    return str(tmp_path / "docs")


@pytest.mark.parametrize("raw, folder", [
    ("chapters", "chapters"), ("chapters/", "chapters"), ("./chapters", "chapters"), (" part/one ", "part/one"),
    (ABSENT, "chapters"),
])
def test_the_chapters_folder_is_a_folder_of_docs(raw: Any, folder: str, docs: str) -> None:
    book = BOOK if raw is ABSENT else {**BOOK, "chapters_dir": raw}
    assert s.parse_book_settings(book, docs_dir=docs).chapters_dir == folder


def test_the_default_chapters_folder_may_not_exist_yet(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()  # a book with no chapter yet: `make chapter` makes the folder
    assert s.parse_book_settings(BOOK, docs_dir=str(tmp_path / "docs")).chapters_dir == "chapters"


@pytest.mark.parametrize("raw", ["chapter", "nothere", "images/none", "/", "/chapters", ".", "./", "../docs/chapters",
                                 "chapters/../chapters", "", "  ", None, 3, ["chapters"]])
def test_a_chapters_folder_that_is_not_one_of_docs_is_refused(raw: Any, docs: str) -> None:
    assert refused({**BOOK, "chapters_dir": raw}, docs) == (
        f"book.yml: extra.book.chapters_dir: {raw!r} is not a folder of docs/: write the path inside docs/ of the "
        "folder that holds the chapters, e.g. chapters (docs/ has chapters, images, part).")


def test_the_chapters_folders_shape_is_checked_without_docs_too() -> None:
    assert refused({**BOOK, "chapters_dir": "../chapters"}).startswith(
        "book.yml: extra.book.chapters_dir: '../chapters' is not a folder of docs/: ")
    assert s.parse_book_settings({**BOOK, "chapters_dir": "chapter"}).chapters_dir == "chapter"


# --- extra.epub, read only when the book offers an EPUB ------------------------------------------


def real_config(**extra: Any) -> Any:
    """The real configuration, with `extra` changed (a value of None removes the key)."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    for key, value in extra.items():
        if value is None:
            config.extra.pop(key, None)
        else:
            config.extra[key] = value
    return config


def test_a_book_that_offers_no_epub_needs_no_epub_settings() -> None:
    read = s.parse_settings(real_config(downloads=["pdf"], epub=None), {})
    assert read.formats == ("pdf",) and read.epub is None
    # Not even checked: a wrong extra.epub of a book without an EPUB is never read.
    assert s.parse_settings(real_config(downloads=["pdf", "offline"], epub=["x"]), {}).epub is None


def test_a_book_that_offers_an_epub_needs_its_settings() -> None:
    read = s.parse_settings(real_config(), {})
    assert read.epub is not None and read.epub.identifier.startswith("urn:")
    with pytest.raises(PluginError) as error:
        s.parse_settings(real_config(downloads=["epub"], epub=None), {})
    # With the line of mkdocs.yml it belongs on (that of its nearest field there).
    assert re.fullmatch(re.escape("mkdocs.yml: extra.epub is missing: add its identifier and accessibility_summary, "
                                  "or take epub out of extra.downloads.") + r" \(line \d+ of mkdocs\.yml\)",
                        str(error.value)), error.value


@pytest.mark.parametrize("raw", [["x"], "urn:x", 3])
def test_epub_settings_that_are_not_a_mapping_are_told_what_they_should_hold(raw: Any) -> None:
    with pytest.raises(PluginError) as error:
        s.parse_epub_settings(raw, "book.yml")
    assert str(error.value) == "book.yml: extra.epub: expected a mapping with accessibility_summary, identifier."


def test_the_chapters_folder_is_looked_for_in_the_configurations_docs_dir() -> None:
    assert s.parse_settings(real_config(), {}).book.chapters_dir == "chapters"
    config = real_config()
    config.extra["book"] = {**config.extra["book"], "chapters_dir": "chapter"}
    with pytest.raises(PluginError, match=r"^mkdocs.yml: extra.book.chapters_dir: 'chapter' is not a folder of docs/"):
        s.parse_settings(config, {})


# --- Every mistake at once -----------------------------------------------------------------------

THREE_MISTAKES = """\
site_name: Listening Well
extra:
  pdf:
    paper: b5
  book:
    title: Listening Well
    author: Robin Example
    source_url: https://example.org/listening/
    license: CC-BY-SA-4.0
    changes: Headings added.
    language: English
    edition:
      license: CC-BY-4.0
"""


def test_every_mistake_of_the_settings_is_told_at_once_each_on_its_line(tmp_path: Path) -> None:
    """Three mistakes in mkdocs.yml and one in the environment: all four in one build, in the file's
    order (extra.pdf is read after extra.book, but written above it), the environment's last."""
    path = tmp_path / "mkdocs.yml"
    path.write_text(THREE_MISTAKES, encoding="utf-8")
    config = real_config(book={"title": "Listening Well", "author": "Robin Example",
                               "source_url": "https://example.org/listening/", "license": "CC-BY-SA-4.0",
                               "changes": "Headings added.", "language": "English",
                               "edition": {"license": "CC-BY-4.0"}},
                         pdf={"paper": "b5"})
    config.config_file_path = str(path)
    with pytest.raises(PluginError) as error:
        s.parse_settings(config, {"BOOK_CACHE": "no"})
    assert str(error.value).splitlines() == [
        "The book's settings have 4 problems to fix:",
        "mkdocs.yml: extra.pdf.paper: 'b5' is not a paper size we print: use letter or a4. (line 4 of mkdocs.yml)",
        "mkdocs.yml: extra.book.language: 'English' is not a language tag: write a BCP 47 tag, e.g. en or fr-CA. "
        "(line 11 of mkdocs.yml)",
        "mkdocs.yml: extra.book.edition.license: an edition of a CC BY-SA 4.0 work must be shared under "
        "CC BY-SA 4.0 too (ShareAlike), not CC BY 4.0: write license: CC-BY-SA-4.0, or leave it out to use the "
        "original's. (line 13 of mkdocs.yml)",
        "BOOK_CACHE='no' is not understood: use BOOK_CACHE=1 to reuse the downloads whose inputs did not change "
        "(the default), or BOOK_CACHE=0 to make every download afresh.",
    ]


REPEATED = """site_name: Listening Well
extra:
  book:
    title: Listening Well
    license: CC-BY-ND-4.0
    author: Robin Example
    license: CC-BY-4.0
    edition:
      editors: [Alex Martin]
  pdf:
    paper: a4
  pdf:
    paper: letter
"""


def test_a_field_written_twice_is_told_with_both_its_lines(tmp_path: Path) -> None:
    """YAML keeps the second without a word; a contributor who reads the first is misled."""
    path = tmp_path / "mkdocs.yml"
    path.write_text(REPEATED, encoding="utf-8")
    config = real_config()
    config.config_file_path = str(path)
    with pytest.raises(PluginError) as error:
        s.parse_settings(config, {})
    assert str(error.value).splitlines() == [
        "The book's settings have 2 problems to fix:",
        "mkdocs.yml: extra.book.license is written twice, on line 5 and again on line 7: only the second counts; "
        "delete the one you do not mean (line 5 of mkdocs.yml)",
        "mkdocs.yml: extra.pdf is written twice, on line 10 and again on line 12: only the second counts; delete "
        "the one you do not mean (line 10 of mkdocs.yml)",
    ]


def test_each_field_of_a_section_is_checked_beside_the_others() -> None:
    with pytest.raises(PluginError) as error:
        s.parse_pdf_settings({"paper": "b5", "keywords": "peer support", "writing_lines": {"fewest": 1, "most": 50},
                              "chapters_per_print": 0}, "book.yml")
    assert str(error.value).splitlines() == [
        "The book's settings have 5 problems to fix:",
        "book.yml: extra.pdf.paper: 'b5' is not a paper size we print: use letter or a4.",
        "book.yml: extra.pdf.keywords: expected a list of words or phrases, e.g. [peer support].",
        "book.yml: extra.pdf.writing_lines.fewest: 1: give a number of ruled lines from 2 to 40.",
        "book.yml: extra.pdf.writing_lines.most: 50: give a number of ruled lines from 2 to 40.",
        "book.yml: extra.pdf.chapters_per_print: 0: give how many chapters' handouts to print in one go, from 1 "
        "to 100.",
    ]


def test_a_downloads_list_with_a_wrong_name_still_has_the_epub_it_names_checked() -> None:
    with pytest.raises(PluginError) as error:
        s.parse_settings(real_config(downloads=["epub", "docx"], epub={"identifier": "urn:x y"}), {})
    lines = str(error.value).splitlines()
    assert lines[0] == "The book's settings have 3 problems to fix:"
    assert [line.split(": ")[1] for line in lines[1:]] == ["extra.downloads", "extra.epub.identifier",
                                                           "extra.epub.accessibility_summary is missing or not text"]


# --- The environment, and the configuration's file -----------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1e9"])
def test_a_source_date_epoch_that_is_not_a_time_is_refused(value: str) -> None:
    with pytest.raises(PluginError) as error:
        s.read_switches({"SOURCE_DATE_EPOCH": value})
    assert str(error.value) == (f"SOURCE_DATE_EPOCH={value!r} is not a time: set it to whole seconds since 1970 "
                                "(e.g. `git log -1 --format=%ct`), or unset it.")


def test_a_configuration_read_from_standard_input_is_refused() -> None:
    config = real_config()
    config.config_file_path = ""
    with pytest.raises(PluginError) as error:
        state.start(config)
    assert str(error.value).startswith("-f -: the configuration was read from standard input, but the book needs "
                                       "its file")
    assert "mkdocs build -f mkdocs.yml" in str(error.value)


def test_the_books_settings_are_read_before_any_plugins() -> None:
    """print-site's on_config reads SOURCE_DATE_EPOCH through MkDocs, which fails on a wrong one
    with a traceback: the book's on_config runs first, and says what is wrong."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.plugins.events["config"][0] is config.plugins["hooks/book.py"].on_config


# --- The build stops at once, with one line ------------------------------------------------------


def build_with(tmp_path: Path, override: str, **env: str) -> subprocess.CompletedProcess[str]:
    fixture = tmp_path / "fixtures" / "case"
    (fixture / "docs").mkdir(parents=True)
    (fixture / "docs" / "index.md").write_text("---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n",
                                              encoding="utf-8")
    (fixture / "mkdocs.override.yml").write_text(override, encoding="utf-8")
    config = make_fixture_project("case", tmp_path / "project", fixtures=tmp_path / "fixtures")
    return mkdocs_build(config, config.parent / "site", {"BOOK_EXPORTS": "0", **env})


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("ERROR")]


def test_a_wrong_chapters_folder_stops_the_build_with_one_line(tmp_path: Path) -> None:
    result = build_with(tmp_path, "extra:\n  book:\n    chapters_dir: chapter\n")
    written = (tmp_path / "project" / "case" / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    line = written.index("    chapters_dir: chapter") + 1
    assert error_lines(result) == [
        "ERROR   -  mkdocs.yml: extra.book.chapters_dir: 'chapter' is not a folder of docs/: write the path "
        "inside docs/ of the folder that holds the chapters, e.g. chapters (docs/ has javascripts, stylesheets). "
        f"(line {line} of mkdocs.yml)"]
    assert not (tmp_path / "project" / "case" / "site").exists()


def test_a_wrong_source_date_epoch_stops_the_build_with_one_line(tmp_path: Path) -> None:
    result = build_with(tmp_path, "{}\n", SOURCE_DATE_EPOCH="abc")
    assert error_lines(result) == [
        "ERROR   -  SOURCE_DATE_EPOCH='abc' is not a time: set it to whole seconds since 1970 "
        "(e.g. `git log -1 --format=%ct`), or unset it."]


def test_three_wrong_settings_stop_the_build_together_before_anything_is_written(tmp_path: Path) -> None:
    result = build_with(tmp_path, "extra:\n  book:\n    language: English\n    slug: -notes\n  pdf:\n    paper: b5\n")
    written = (tmp_path / "project" / "case" / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    language, slug, paper = (written.index(f"    {field}") + 1
                             for field in ("language: English", "slug: -notes", "paper: b5"))
    assert error_lines(result) == ["ERROR   -  The book's settings have 3 problems to fix:"]
    told = result.stderr.split("ERROR   -  ", 1)[1].splitlines()
    assert told[1:4] == [
        "mkdocs.yml: extra.book.language: 'English' is not a language tag: write a BCP 47 tag, e.g. en or fr-CA. "
        f"(line {language} of mkdocs.yml)",
        "mkdocs.yml: extra.book.slug: '-notes' cannot name the downloads: write up to 60 letters a-z, digits and "
        f"hyphens between them, e.g. peer-support-training. (line {slug} of mkdocs.yml)",
        f"mkdocs.yml: extra.pdf.paper: 'b5' is not a paper size we print: use letter or a4. (line {paper} of mkdocs.yml)",
    ]
    assert not (tmp_path / "project" / "case" / "site").exists()
