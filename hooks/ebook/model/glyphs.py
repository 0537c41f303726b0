"""The characters the printed book's typeface can show, and how a character it cannot is told.

The PDFs are printed with the print stylesheet's typeface (docs/stylesheets/print.css), DejaVu
Sans, the one typeface every machine that prints the book has (Debian's fonts-dejavu-core). A
character it has no glyph for prints as an empty box (.notdef), which also fails PDF/UA-1; the
site and the EPUB show it with the reader's own fonts, so only the printed outputs lose it.

Both what the pages print (ebook/checks/glyphs.py) and what the settings print (site_name, the
credits: ebook/model/settings.py) are checked against it, so it lives in the model.

Which characters the typeface has is read from its files once, by `scripts/print_glyphs.py`,
and kept in `print_glyphs.json` beside this module: read at each build instead, the result
would depend on the fonts of the machine that builds (a developer with more fonts would pass
what CI refuses), and every preview would need the font files and fontTools to read them. The
typeface does not change unless a maintainer changes it, and a test compares the kept list with
the files whenever DejaVu is installed.
"""

from __future__ import annotations

import functools
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

MORE_THAN = 8  # characters described in full in one problem; the rest are only listed
# Characters that are never drawn: variation selectors and the combining grapheme joiner.
_INVISIBLE = re.compile("[\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef]")

LETTERS_FIX = ("write the words in Latin letters (a transliteration), or ask a maintainer to add a "
               "typeface that has them (see \"Characters the printed book can show\" in CONTRIBUTING.md)")
SYMBOLS_FIX = "say what the emoji or symbol means in words, or remove it"


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


def missing(text: str) -> list[str]:
    """The characters of `text` the typeface has no glyph for, each once, in the order they come."""
    if text.isascii():
        return []  # nearly every text: ASCII is all in the typeface
    if not _lacking().search(text):
        return []  # most text that is not ASCII, told without making each character an object
    covered = printable()
    return [c for c in dict.fromkeys(text) if c not in covered and not never_drawn(c)]


@functools.cache
def _lacking() -> re.Pattern[str]:
    """A character the typeface has no glyph for, but controls (line ends, tabs), which are
    never drawn: `printable`'s ranges and the controls', negated."""
    controls = [*range(0x00, 0x20), *range(0x7F, 0xA0)]  # category Cc
    points = sorted({ord(c) for c in printable()} | set(controls))
    return re.compile("[^" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _runs(points)) + "]")


def _runs(points: Sequence[int]) -> list[tuple[int, int]]:
    """The runs of consecutive code points in the sorted `points`, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for point in points:
        if runs and runs[-1][1] == point - 1:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    return runs


# Format characters that are drawn all the same: Unicode's prepended concatenation marks (the
# Arabic number sign, the end of ayah…), which span the digits after them.
_DRAWN_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                          "\U000110bd\U000110cd")


def never_drawn(char: str) -> bool:
    # Controls (tabs, line ends) are read by Markdown; format characters (joiners, soft hyphens,
    # direction marks) are never drawn.
    return ((unicodedata.category(char) in ("Cc", "Cf") and char not in _DRAWN_FORMAT)
            or bool(_INVISIBLE.match(char)))


_SYMBOLIC = frozenset({"Sm", "Sc", "Sk", "So", "Me"})


def message(chars: Sequence[str]) -> str:
    """What is wrong with printing these characters, and how to fix it."""
    described = ", ".join(describe(c) for c in chars[:MORE_THAN])
    if len(chars) > MORE_THAN:
        described += f" and {len(chars) - MORE_THAN} more ({' '.join(chars[MORE_THAN:])})"
    # An enclosing mark (a keycap's frame) belongs to a symbol, not to words.
    symbols = any(unicodedata.category(c) in _SYMBOLIC for c in chars)
    letters = any(unicodedata.category(c) not in _SYMBOLIC for c in chars)
    fixes = ([LETTERS_FIX] if letters else []) + ([SYMBOLS_FIX] if symbols else [])
    return (f"the printed book's typeface ({TYPEFACE}) has no glyph for {described}, so the PDFs "
            f"would print each as an empty box: {'; '.join(fixes)}")


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
    # only when a text has such a character.
    from fontTools import unicodedata as font_unicodedata  # type: ignore[import-untyped]

    code = font_unicodedata.script(char)
    return "" if code in ("Zyyy", "Zinh", "Zzzz") else str(font_unicodedata.script_name(code))
