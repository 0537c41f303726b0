"""The characters the printed book can show, and the check that a page holds none it cannot.

The PDFs are printed with the print stylesheet's typeface (docs/stylesheets/print.css), DejaVu
Sans, the one typeface every machine that prints the book has (Debian's fonts-dejavu-core). A
character it has no glyph for prints as an empty box (.notdef), which also fails PDF/UA-1; the
site and the EPUB show it with the reader's own fonts, so only the printed outputs lose it.

Which characters the typeface has is read from its files once, by `scripts/print_glyphs.py`,
and kept in `print_glyphs.json` beside this module: read at each build instead, the result
would depend on the fonts of the machine that builds (a developer with more fonts would pass
what CI refuses), and every preview would need the font files and fontTools to read them. The
typeface does not change unless a maintainer changes it, and a test compares the kept list with
the files whenever DejaVu is installed.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from pathlib import Path
from typing import Sequence

TYPEFACE = "DejaVu Sans"  # the first of print.css's font-family, which a test compares
# The faces of it that fonts-dejavu-core installs and the print uses: text and bold. A character
# counts as printable only if both have it. There is no oblique face in that package: Chromium
# slants the text face for italics, so italics have exactly its glyphs.
FACES = ("Book", "Bold")
COVERAGE = Path(__file__).with_name("print_glyphs.json")

MORE_THAN = 8  # characters described in full on one line; the rest are only listed
# Characters that are never drawn: variation selectors and the combining grapheme joiner.
_INVISIBLE = re.compile("[\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# What a page holds that is never printed: comments, and the addresses of links and images
# (a Markdown link's destination, a reference definition's, and the raw HTML ones).
_NOT_PRINTED = re.compile(
    r"<!--[\s\S]*?(?:-->|\Z)"
    r"|(?<=\]\()[ \t]*(?:<[^>\n]*>|[^\s)]+)"
    r"|(?m:^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S+)"
    r"|\b(?:href|src|srcset|poster|cite|action|data)[ \t]*=[ \t]*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)",
    re.I,
)


@functools.cache
def printable() -> frozenset[str]:
    """Every character the printed book's typeface has a glyph for, in all its faces: read once
    per process (the checks run at every build and every preview's rebuild)."""
    try:
        data = json.loads(COVERAGE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{COVERAGE} is missing: make it again with .venv/bin/python scripts/print_glyphs.py"
        ) from None
    return frozenset(chr(point) for first, last in data["ranges"] for point in range(first, last + 1))


def glyph_problems(lines: Sequence[str]) -> list[tuple[int, str]]:
    """(line, message) for each line of a page that holds characters the printed book cannot
    show, each character named once per line, in the order they come."""
    text = "\n".join(lines)
    if text.isascii() and "&" not in text:
        return []  # nearly every page: ASCII is all in the typeface
    covered = printable()
    printed = _NOT_PRINTED.sub(_blank, text) if ("<" in text or "](" in text or "]:" in text) else text
    problems = []
    for number, line in enumerate(printed.split("\n"), start=1):
        if line.isascii() and "&" not in line:
            continue
        if "&" in line:
            line = html.unescape(line)  # a character reference prints its character
        missing = [c for c in dict.fromkeys(line) if c not in covered and not _never_drawn(c)]
        if missing:
            problems.append((number, _message(missing)))
    return problems


def _blank(match: re.Match[str]) -> str:
    """What is not printed, as spaces: the lines keep their numbers."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _never_drawn(char: str) -> bool:
    # Controls (tabs, line ends) are read by Markdown; format characters (joiners, soft hyphens,
    # direction marks) are never drawn.
    return unicodedata.category(char) in ("Cc", "Cf") or bool(_INVISIBLE.match(char))


def _message(missing: Sequence[str]) -> str:
    described = ", ".join(describe(c) for c in missing[:MORE_THAN])
    if len(missing) > MORE_THAN:
        described += f" and {len(missing) - MORE_THAN} more ({' '.join(missing[MORE_THAN:])})"
    letters = any(not unicodedata.category(c).startswith("S") for c in missing)
    symbols = any(unicodedata.category(c).startswith("S") for c in missing)
    fixes = ([LETTERS_FIX] if letters else []) + ([SYMBOLS_FIX] if symbols else [])
    return (f"the printed book's typeface ({TYPEFACE}) has no glyph for {described}, so the PDFs "
            f"would print each as an empty box: {'; '.join(fixes)}")


LETTERS_FIX = ("write the words in Latin letters (a transliteration), or ask a maintainer to add a "
               "typeface that has them (see \"Characters the printed book can show\" in CONTRIBUTING.md)")
SYMBOLS_FIX = "say what the emoji or symbol means in words, or remove it"


def describe(char: str) -> str:
    """A character as a contributor can find it: itself, its code point, its Unicode name, and
    its script when it has one of its own, e.g. 'क (U+0915 DEVANAGARI LETTER KA, Devanagari)'."""
    point = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Co":
        return f"{char} ({point}, a private-use character)"
    if category == "Cn":
        return f"{char} ({point}, not yet a character of Unicode)"
    name = unicodedata.name(char, "")
    script = _script(char)
    return f"{char} ({point} {name}, {script})" if script else f"{char} ({point} {name})"


def _script(char: str) -> str:
    """The script's name, or '' for characters every script shares (punctuation, emoji) or that
    take their neighbours' (marks)."""
    # fontTools knows the Unicode Script property, which Python's unicodedata lacks; imported
    # only when a page has such a character.
    from fontTools import unicodedata as font_unicodedata  # type: ignore[import-untyped]

    code = font_unicodedata.script(char)
    return "" if code in ("Zyyy", "Zinh", "Zzzz") else str(font_unicodedata.script_name(code))
