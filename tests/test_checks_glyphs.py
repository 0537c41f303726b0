"""The check for characters the printed book's typeface has no glyph for (ebook/checks/glyphs.py,
against ebook/model/glyphs.py), on a fixture book whose chapter has Chinese, Hindi and Thai on
known lines beside Greek, Russian and accented Latin, which the typeface has; a second chapter
with a Chinese title; a page the print page holds, and one it leaves out; and on mkdocs.yml's
printed settings.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.exceptions import PluginError

import print_glyphs
from ebook.checks import glyphs as checks
from ebook.checks.book_wide import check_book
from ebook.checks.problems import Source
from ebook.model import glyphs
from ebook.model import settings as s
from ebook.model.book import Book
from tests.helpers import FIXTURES, ROOT
from tests.test_checks_unit import BOOK, CONTEXT
from tests.test_model_settings import real_config

DOCS = FIXTURES / "check-print-glyphs" / "docs"
CHAPTER = "docs/chapters/greetings.md"
# Each line of the fixture book that holds characters the PDFs cannot show, and those
# characters, each once, in the order they first come on the line (สวัสดี has ส twice).
EXPECTED = {
    (CHAPTER, 15): "你好，",  # Chinese, the two characters twice each, and a full-width comma
    (CHAPTER, 17): "नमस्ते",  # Devanagari: न म स ् त े
    (CHAPTER, 19): "สวัดี",  # Thai, in an admonition's title
    (CHAPTER, 21): "สวัดี",  # and in its body
    (CHAPTER, 25): "สวัดี",  # a link's text
    (CHAPTER, 27): "👍",  # an emoji DejaVu Sans lacks (it has 😀, ❤ and ✓)
    (CHAPTER, 29): "中",  # a character reference, &#x4E2D;
    (CHAPTER, 36): "中",  # a code block, which is printed too
    (CHAPTER, 45): "你好",  # after a code block that shows "<!--", which is no comment
    (CHAPTER, 48): "你好",  # a code line "data = 你好", which is no attribute
    (CHAPTER, 3): "你好สวัดี",  # a chapter's description, which the printed list of chapters shows
    ("docs/chapters/welcome.md", 2): "欢迎",  # a chapter's title, which heads its page and handout
    ("docs/chapters/welcome.md", 3): "欢迎",  # its description
    ("docs/chapters/welcome.md", 5): "李明",  # who wrote it, which its credit prints
    ("docs/about.md", 8): "欢迎",  # a page the print page (and the book PDF) holds
}
NAMED = re.compile(r"(\S) \(U\+([0-9A-F]{4,6})[ ,]")


def fixture_sources() -> list[Source]:
    return [Source(p.relative_to(DOCS).as_posix(), p.relative_to(DOCS).as_posix().removesuffix(".md") + "/",
                   p.read_bytes()) for p in sorted(DOCS.rglob("*.md"))]


@pytest.fixture(scope="module")
def reported() -> dict[tuple[str, int], str]:
    """The fixture book's problems, as the build's checks find them: (file, line) -> message."""
    problems = check_book(fixture_sources(), [], CONTEXT).problems
    assert len({(p.path, p.line) for p in problems}) == len(problems)  # one problem a line
    return {(p.path, p.line): p.message for p in problems}


def named(message: str) -> str:
    """The characters a message names, checked against the code points it gives them."""
    found = NAMED.findall(message)
    assert all(f"{ord(char):04X}" == point for char, point in found), found
    return "".join(char for char, _ in found)


def test_every_character_a_pdf_prints_that_the_typeface_lacks_is_reported_on_its_line_and_nothing_else(
        reported: dict[tuple[str, int], str]) -> None:
    """Not reported: Greek (lines 2 and 10), Russian, accented Latin (line 11), the emoji DejaVu
    has, what is never drawn (the front matter's description on line 3, an image's alt text on
    line 23, a comment on line 31, a link's address on line 33 and its title on line 39), and
    docs/facilitators.md, which the print page leaves out and no handout prints."""
    assert {where: named(message) for where, message in reported.items()} == EXPECTED


def test_the_message_names_each_character_its_code_point_name_and_script_and_the_fix(
        reported: dict[tuple[str, int], str]) -> None:
    assert reported[("docs/chapters/welcome.md", 2)] == (
        "the printed book's typeface (DejaVu Sans) has no glyph for 欢 (U+6B22 CJK UNIFIED IDEOGRAPH-6B22, Han), "
        "迎 (U+8FCE CJK UNIFIED IDEOGRAPH-8FCE, Han), so the PDFs would print each as an empty box: write the "
        "words in Latin letters (a transliteration), or ask a maintainer to add a typeface that has them "
        "(see \"Characters the printed book can show\" in CONTRIBUTING.md)"
    )
    assert "न (U+0928 DEVANAGARI LETTER NA, Devanagari)" in reported[(CHAPTER, 17)]
    assert "ส (U+0E2A THAI CHARACTER SO SUA, Thai)" in reported[(CHAPTER, 19)]
    assert "， (U+FF0C FULLWIDTH COMMA)," in reported[(CHAPTER, 15)]  # shared by every script: none named
    assert reported[(CHAPTER, 15)].count("你") == reported[(CHAPTER, 15)].count("好") == 1  # each once


def test_an_emoji_is_told_to_be_said_in_words(reported: dict[tuple[str, int], str]) -> None:
    assert reported[(CHAPTER, 27)].endswith(": say what the emoji or symbol means in words, or remove it")
    assert "transliteration" not in reported[(CHAPTER, 27)]
    assert glyphs.message(glyphs.missing("Bravo 👍 好")).endswith(
        "CONTRIBUTING.md); say what the emoji or symbol means in words, or remove it")


def test_a_line_of_many_characters_names_the_first_in_full_and_lists_the_rest() -> None:
    text = "".join(chr(0x4E00 + i) for i in range(12)) + "".join(chr(0x4E00 + i) for i in range(12))
    ((line, message),) = checks.body_problems(["Plain.", "", text], 1, CONTEXT.renderer)
    assert line == 3
    assert message.count("CJK UNIFIED IDEOGRAPH") == glyphs.MORE_THAN
    assert f" and 4 more ({' '.join(text[8:12])}), so the PDFs" in message


def test_what_is_never_drawn_or_never_printed_is_no_problem() -> None:
    lines = [
        "Tabs\tand soft hy\u00adphens, joiners (a\u200db, a\u200cb), marks \u200e and \u2764\ufe0f selectors.",
        "",
        "<!-- 注意: a comment",
        "that goes on 注意 -->",
        "",
        "A [reference][中文] link and an ![image](中.png \"标题\").",
        "",
        '[中文]: https://zh.example.org/中文 "a reference definition"',
        "",
        '<a href="https://zh.example.org/中文/" title="中文">Chinese, in raw HTML</a> and <img src="中.png" alt="中">',
        "",
        "A paragraph with an attribute",
        "{ data-note=\"注意\" }",
    ]
    assert checks.body_problems(lines, 1, CONTEXT.renderer) == []
    assert checks.body_problems(["Only ASCII & entities: &amp; &lt; &eacute;"], 1, CONTEXT.renderer) == []


def test_a_format_character_that_is_drawn_is_reported_and_a_keycap_is_a_symbol() -> None:
    # The Arabic number sign and end of ayah are format characters, drawn over the digits after them.
    assert glyphs.missing("\u0600\u0661\u0662 and \u06dd\u0663") == ["\u0600", "\u06dd"]
    assert glyphs.missing("a\u200db \u200e") == []  # a joiner and a direction mark are never drawn
    keycap = glyphs.missing("Step 1\ufe0f\u20e3")
    assert keycap == ["\u20e3"]
    assert glyphs.message(keycap).endswith("say what the emoji or symbol means in words, or remove it")


def test_a_page_is_printed_if_it_is_a_chapter_or_on_the_print_page() -> None:
    """print-site's `exclude:` in mkdocs.yml leaves the pages about the website out of the print
    page; every chapter is printed (its handout), and so is every other page of the print page."""
    assert [page for page in ("index.md", "facilitators.md", "about.md", "chapters/x.md", "chapters/index.md")
            if BOOK.is_printed(page)] == ["about.md", "chapters/x.md", "chapters/index.md"]
    no_print_page = Book(s.Settings(**{**vars(BOOK.settings), "print_excluded": None}), title=BOOK.title,
                         description="", site_url="")
    assert [page for page in ("about.md", "chapters/x.md") if no_print_page.is_printed(page)] == ["chapters/x.md"]


PRINTED_SETTINGS = """\
site_name: Peer Support 同伴支持
extra:
  book:
    title: Listening Well
    author: Robin Example
    source_url: https://example.org/listening/
    license: CC-BY-4.0
    changes: Headings added (标题).
    edition:
      subtitle: An adapted edition — 改编版
      editors: [Sam Lee, 李明]
"""


def test_the_printed_settings_are_checked_each_on_its_line_in_mkdocs_yml(tmp_path: Path) -> None:
    """site_name, the edition's subtitle and editors print on the book PDF's cover and copyright page,
    what the edition changed in every credit."""
    path = tmp_path / "mkdocs.yml"
    path.write_text(PRINTED_SETTINGS, encoding="utf-8")
    config = real_config(book={"title": "Listening Well", "author": "Robin Example",
                               "source_url": "https://example.org/listening/", "license": "CC-BY-4.0",
                               "changes": "Headings added (标题).", "edition": {"subtitle": "An adapted edition — 改编版", "editors": ["Sam Lee", "李明"]}})
    config.site_name, config.config_file_path = "Peer Support 同伴支持", str(path)
    with pytest.raises(PluginError) as error:
        s.parse_settings(config, {})
    fix = ("so the PDFs would print each as an empty box: write the words in Latin letters (a transliteration), "
           "or ask a maintainer to add a typeface that has them (see \"Characters the printed book can show\" "
           "in CONTRIBUTING.md)")
    assert str(error.value).splitlines() == [
        "The book's settings have 4 problems to fix:",
        "mkdocs.yml: site_name: the printed book's typeface (DejaVu Sans) has no glyph for 同 (U+540C CJK "
        "UNIFIED IDEOGRAPH-540C, Han), 伴 (U+4F34 CJK UNIFIED IDEOGRAPH-4F34, Han), 支 (U+652F CJK UNIFIED "
        f"IDEOGRAPH-652F, Han), 持 (U+6301 CJK UNIFIED IDEOGRAPH-6301, Han), {fix} (line 1 of mkdocs.yml)",
        "mkdocs.yml: extra.book.changes: the printed book's typeface (DejaVu Sans) has no glyph for 标 (U+6807 "
        f"CJK UNIFIED IDEOGRAPH-6807, Han), 题 (U+9898 CJK UNIFIED IDEOGRAPH-9898, Han), {fix} (line 8 of mkdocs.yml)",
        "mkdocs.yml: extra.book.edition.subtitle: the printed book's typeface (DejaVu Sans) has no glyph for 改 "
        "(U+6539 CJK UNIFIED IDEOGRAPH-6539, Han), 编 (U+7F16 CJK UNIFIED IDEOGRAPH-7F16, Han), 版 (U+7248 CJK "
        f"UNIFIED IDEOGRAPH-7248, Han), {fix} (line 10 of mkdocs.yml)",
        "mkdocs.yml: extra.book.edition.editors: the printed book's typeface (DejaVu Sans) has no glyph for 李 "
        f"(U+674E CJK UNIFIED IDEOGRAPH-674E, Han), 明 (U+660E CJK UNIFIED IDEOGRAPH-660E, Han), {fix} "
        "(line 11 of mkdocs.yml)",
    ]


def test_the_coverage_is_read_once_from_the_kept_list_not_from_the_machines_fonts() -> None:
    assert glyphs.printable() is glyphs.printable()
    covered = glyphs.printable()
    for char in "AzéÆøŁİΚαλημέραЗдравствуйте😀❤✓→€":
        assert char in covered, char
    for char in "中你नสदी👍":
        assert char not in covered, char


def test_a_missing_list_says_how_to_make_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(glyphs, "COVERAGE", tmp_path / "print_glyphs.json")
    glyphs.printable.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match=r"print_glyphs\.json is missing: make it again with "
                                                    r"\.venv/bin/python scripts/print_glyphs\.py"):
            glyphs.printable()
    finally:
        glyphs.printable.cache_clear()


def test_the_kept_list_is_the_print_typeface_read_from_its_files() -> None:
    """The typeface print.css prints with, and the list kept for it, made again from the
    typeface's files (installed with the book's system packages) with fontTools."""
    css = (ROOT / "docs" / "stylesheets" / "print.css").read_text(encoding="utf-8")
    (first_family,) = re.findall(r"\.md-typeset\s*\{\s*font-family:\s*\"([^\"]+)\"", css)
    assert first_family == glyphs.TYPEFACE
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "print_glyphs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hooks/ebook/model/print_glyphs.json is current" in result.stdout


@pytest.mark.build  # asks fontconfig
def test_a_typeface_that_is_not_installed_is_named_with_how_to_install_it() -> None:
    with pytest.raises(print_glyphs.MissingTypeface, match=r"the typeface No Such Typeface Book is not "
                                                           r"installed .*: install it"):
        print_glyphs.face_file("No Such Typeface", "Book")


@given(st.text(alphabet=st.sampled_from("aé’\n\t\x7f\u00ad\u200d\u0600中😀→ﬁ\U000110bd"), max_size=12) | st.text(max_size=12))
def test_text_is_screened_for_missing_characters_as_each_is_looked_up(text: str) -> None:
    covered = glyphs.printable()
    assert glyphs.missing(text) == [c for c in dict.fromkeys(text) if c not in covered and not glyphs.never_drawn(c)]


def test_every_printed_field_of_a_pages_credit_is_read_and_a_chapters_description() -> None:
    meta = {"title": "Listening", "description": "印在目录",  # printed in the list of chapters
            "attribution": {"adapted_from": {"title": "Original", "author": "李明", "year": 2020},
                            "changes": "Shortened (缩短)."}}
    lines = {("title",): 2, ("description",): 3, ("attribution", "adapted_from", "author"): 7,
             ("attribution", "changes"): 9}
    found = checks.front_matter_problems(meta, lines, chapter=True)
    assert [(line, named(message)) for line, message in found] == [(3, "印在目录"), (7, "李明"), (9, "缩短")]
    # Another page's description is in no list of chapters: it prints nowhere.
    found = checks.front_matter_problems(meta, lines, chapter=False)
    assert [(line, named(message)) for line, message in found] == [(7, "李明"), (9, "缩短")]
