"""Placing what the checks find in a rendered page on its line of the source."""

from __future__ import annotations

import bisect
import html
import itertools
import re
from typing import Callable

from ebook.checks import source_lines

_ADMONITION_LINE = re.compile(
    r"^\s*(?:!!!|\?\?\?\+?)|<div\b[^>]*\bclass=[\"'][^\"']*\badmonition\b|<details\b[^>]*\bclass=",
    re.I,
)


class Lines:
    """Finds the source line of something found in the rendered page.

    Python-Markdown keeps no source positions, so each finding is placed by searching the source
    for it, in document order (a cursor per kind of finding), skipping fenced code blocks, whose
    content is shown as code and never taken as markup.
    """

    def __init__(self, text: str, body_start: int) -> None:
        self.lines = text.split("\n")
        self.body_start = body_start  # 1-based line where the Markdown body starts
        self._code = source_lines.fenced_lines(self.lines)
        self._cursor: dict[str, int] = {}
        self._lower: str | None = None  # the text lower-cased, for find_text, made when first needed
        self._starts: list[int] = []  # where each line starts in it

    @classmethod
    def of_file(cls, path: str) -> Lines:
        """A whole file's lines (the configuration file's), for findings of its own."""
        with open(path, encoding="utf-8") as f:
            return cls(f.read(), 1)

    def _find(self, kind: str, matches: Callable[[int], bool]) -> int | None:
        start = self._cursor.get(kind, self.body_start - 2) + 1
        for index in range(max(start, 0), len(self.lines)):
            if index not in self._code and matches(index):
                self._cursor[kind] = index
                return index + 1
        return None

    def _fallback(self, kind: str) -> int:
        return self._cursor.get(kind, self.body_start - 1) + 1

    def find_text(self, *needles: str, kind: str = "") -> int:
        """The next line containing one of the needles (case-insensitive), in order of preference.

        Searched in the whole text at once (str.find), not line by line: a page with thousands of
        findings is placed in time proportional to their number times its length at C speed."""
        kind = kind or f"text:{needles[0] if needles else ''}"
        if self._lower is None:
            self._lower = "\n".join(self.lines).lower()
            self._starts = list(itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
        start = max(self._cursor.get(kind, self.body_start - 2) + 1, 0)
        for needle in needles:
            if not needle:
                continue
            variants = {needle.lower(), html.escape(needle, quote=True).lower(),
                        html.escape(needle, quote=False).lower()}
            found = [index for v in variants if "\n" not in v
                     and (index := self._line_of(v, start)) is not None]
            if found:
                self._cursor[kind] = min(found)
                return min(found) + 1
        return self._fallback(kind)

    def _line_of(self, variant: str, start: int) -> int | None:
        """The first line from `start` (0-based), outside code blocks, holding the variant."""
        assert self._lower is not None
        if start >= len(self._starts):
            return None
        at = self._lower.find(variant, self._starts[start])
        while at != -1:
            index = bisect.bisect_right(self._starts, at) - 1
            if index not in self._code:
                return index
            if index + 1 >= len(self._starts):
                return None
            at = self._lower.find(variant, self._starts[index + 1])
        return None

    def find_heading(self, level: int) -> int:
        atx = re.compile(rf"^\s*(?:>\s*)*#{{{level}}}(?:\s|$)|<h{level}\b", re.I)
        underline = re.compile(r"^\s*=+\s*$" if level == 1 else r"^\s*-+\s*$")

        def matches(i: int) -> bool:
            if atx.search(self.lines[i]):
                return True
            return (level <= 2 and i + 1 < len(self.lines) and bool(self.lines[i].strip())
                    and bool(underline.match(self.lines[i + 1])))

        return self._find("heading", matches) or self._fallback("heading")

    def find_admonition(self) -> int:
        line = self._find("admonition", lambda i: bool(_ADMONITION_LINE.search(self.lines[i])))
        return line or self._fallback("admonition")


class _Unplaced(Lines):
    """Places every finding on line 1, without reading any source."""

    def __init__(self) -> None:
        super().__init__("", 1)

    def find_text(self, *needles: str, kind: str = "") -> int:
        return 1

    def find_heading(self, level: int) -> int:
        return 1

    def find_admonition(self) -> int:
        return 1


UNPLACED = _Unplaced()  # for a first pass that only asks whether there is a problem
