"""The check for characters the printed book's typeface has no glyph for (ebook/checks/glyphs.py),
on a fixture chapter with Chinese, Hindi and Thai on known lines beside Greek, Russian and
accented Latin, which the typeface has.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import print_glyphs
from ebook.checks import glyphs
from ebook.checks.book_wide import check_book
from ebook.checks.problems import Source
from tests.helpers import FIXTURES, ROOT
from tests.test_checks_unit import CONTEXT

DOCS = FIXTURES / "check-print-glyphs" / "docs"
CHAPTER = "chapters/greetings.md"
# Each line of the fixture chapter that holds characters the PDFs cannot show, and those
# characters, each once, in the order they first come on the line (สวัสดี has ส twice).
EXPECTED = {
    15: "你好，",  # Chinese, the two characters twice each, and a full-width comma
    17: "नमस्ते",  # Devanagari: न म स ् त े
    19: "สวัดี",  # Thai, in an admonition's title
    21: "สวัดี",  # and in its body
    23: "中文",  # an image's alt text
    25: "สวัดี",  # a link's text
    27: "👍",  # an emoji DejaVu Sans lacks (it has 😀, ❤ and ✓)
    29: "中",  # a character reference, &#x4E2D;
    36: "中",  # a code block, which is printed too
}
NAMED = re.compile(r"(\S) \(U\+([0-9A-F]{4,6})[ ,]")


def fixture_sources() -> list[Source]:
    return [Source(p.relative_to(DOCS).as_posix(), p.relative_to(DOCS).as_posix().removesuffix(".md") + "/",
                   p.read_bytes()) for p in sorted(DOCS.rglob("*.md"))]


@pytest.fixture(scope="module")
def reported() -> dict[int, str]:
    """The fixture book's problems, as the build's checks find them: line -> message."""
    problems = check_book(fixture_sources(), [], CONTEXT).problems
    assert {p.path for p in problems} == {f"docs/{CHAPTER}"}  # the home page has none
    assert len({p.line for p in problems}) == len(problems)  # one problem a line
    return {p.line: p.message for p in problems}


def named(message: str) -> str:
    """The characters a message names, checked against the code points it gives them."""
    found = NAMED.findall(message)
    assert all(f"{ord(char):04X}" == point for char, point in found), found
    return "".join(char for char, _ in found)


def test_every_character_the_typeface_lacks_is_reported_on_its_line_and_nothing_else(reported: dict[int, str]) -> None:
    """Greek (lines 2 and 11), Russian, accented Latin (line 12), the emoji DejaVu has, a
    comment (line 31) and a link's address (line 33) are not reported."""
    assert {line: named(message) for line, message in reported.items()} == EXPECTED


def test_the_message_names_each_character_its_code_point_name_and_script_and_the_fix(reported: dict[int, str]) -> None:
    assert reported[23] == (
        "the printed book's typeface (DejaVu Sans) has no glyph for 中 (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D, Han), "
        "文 (U+6587 CJK UNIFIED IDEOGRAPH-6587, Han), so the PDFs would print each as an empty box: write the "
        "words in Latin letters (a transliteration), or ask a maintainer to add a typeface that has them "
        "(see \"Characters the printed book can show\" in CONTRIBUTING.md)"
    )
    assert "न (U+0928 DEVANAGARI LETTER NA, Devanagari)" in reported[17]
    assert "ส (U+0E2A THAI CHARACTER SO SUA, Thai)" in reported[19]
    assert "， (U+FF0C FULLWIDTH COMMA)," in reported[15]  # shared by every script: none named
    assert reported[15].count("你") == reported[15].count("好") == 1  # each once, though twice on the line


def test_an_emoji_is_told_to_be_said_in_words(reported: dict[int, str]) -> None:
    assert reported[27].endswith(": say what the emoji or symbol means in words, or remove it")
    assert "transliteration" not in reported[27]
    both = glyphs.glyph_problems(["Bravo 👍 好"])
    assert both[0][1].endswith("CONTRIBUTING.md); say what the emoji or symbol means in words, or remove it")


def test_a_line_of_many_characters_names_the_first_in_full_and_lists_the_rest() -> None:
    text = "".join(chr(0x4E00 + i) for i in range(12)) + "".join(chr(0x4E00 + i) for i in range(12))
    ((line, message),) = glyphs.glyph_problems(["Plain.", text])
    assert line == 2
    assert message.count("CJK UNIFIED IDEOGRAPH") == glyphs.MORE_THAN
    assert f" and 4 more ({' '.join(text[8:12])}), so the PDFs" in message


def test_what_is_never_drawn_or_never_printed_is_no_problem() -> None:
    lines = [
        "Tabs\tand soft hy\u00adphens, joiners (a\u200db, a\u200cb), marks \u200e and \u2764\ufe0f selectors.",
        "<!-- 注意: a comment",
        "that goes on 注意 -->",
        '[中文]: https://zh.example.org/中文 "a reference definition"',
        '<a href="https://zh.example.org/中文/">Chinese, in raw HTML</a> and <img src="中.png" alt="A sign">',
    ]
    assert glyphs.glyph_problems(lines) == []
    assert glyphs.glyph_problems(["Only ASCII & entities: &amp; &lt; &eacute;"]) == []


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
    assert "hooks/ebook/checks/print_glyphs.json is current" in result.stdout


@pytest.mark.build  # asks fontconfig
def test_a_typeface_that_is_not_installed_is_named_with_how_to_install_it() -> None:
    with pytest.raises(print_glyphs.MissingTypeface, match=r"the typeface No Such Typeface Book is not "
                                                           r"installed .*: install it"):
        print_glyphs.face_file("No Such Typeface", "Book")
