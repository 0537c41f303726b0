"""Placing what the checks find in a rendered page on its line of the source."""

from __future__ import annotations

import bisect
import html
import itertools
import re
from typing import Callable

from ebook.checks import source_lines

# Before a box's first line, only spaces and tabs: after a non-breaking space it shows as text.
_ADMONITION_LINE = re.compile(
    r"^[ \t]*(?:!!!|\?\?\?\+?)|<div\b[^>]*\bclass=[\"'][^\"']*\badmonition\b|<details\b[^>]*\bclass=",
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
        # Each line's text outside HTML comments, and the lines of indented code blocks, for
        # find_heading and find_admonition: made when first needed (`_shown`).
        self._visible: list[str] | None = None
        self._indented_code: set[int] = set()

    @classmethod
    def of_file(cls, path: str) -> Lines:
        """A whole file's lines (the configuration file's), for findings of its own."""
        with open(path, encoding="utf-8") as f:
            return cls(f.read(), 1)

    def _shown(self) -> tuple[list[str], set[int]]:
        """Each line's text outside HTML comments, and the indexes of indented code blocks' lines."""
        if self._visible is None:
            self._visible = source_lines.outside_comments(self.lines, self._code)
            self._indented_code = _indented_code_lines(self._visible, self.lines, self._code, self.body_start - 1)
        return self._visible, self._indented_code

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
        """The next heading's line of that level, not in an HTML comment or an indented code
        block (see `find_admonition`). Python-Markdown reads a '#' as a heading's only at the start
        of a line, once a box's or a list item's four spaces and a quote's '>' (and the one space
        after it) are taken off: '  ## Text' is a paragraph."""
        atx = re.compile(rf"^(?: {{4}}|[ ]{{0,3}}> ?)*#{{{level}}}(?:\s|$)|<h{level}\b", re.I)
        # Python-Markdown puts the text after a comment's end on a line of its own, as it is: a
        # heading only if its "#" comes right after the comment.
        after_comment = re.compile(rf"^#{{{level}}}(?:\s|$)|<h{level}\b", re.I)
        underline = re.compile(r"^\s*=+\s*$" if level == 1 else r"^\s*-+\s*$")
        visible, hidden = self._shown()

        def matches(i: int) -> bool:
            if i in hidden:
                return False
            if (atx if visible[i] == self.lines[i] else after_comment).search(visible[i].expandtabs(4)):
                return True
            return (level <= 2 and i + 1 < len(visible) and bool(visible[i].strip())
                    and bool(underline.match(visible[i + 1])))

        return self._find("heading", matches) or self._fallback("heading")

    def find_admonition(self) -> int:
        """The next box's line: a `!!!` or `???` line, or a raw `<div class="admonition …">` or
        `<details class=…>` (its attributes may go on over the next lines), that is not in an
        HTML comment or an indented code block, which show nothing and show code."""
        visible, hidden = self._shown()

        def matches(i: int) -> bool:
            if i in hidden:
                return False
            text = visible[i]
            if _OPEN_TAG.search(text):  # a tag going on over the next lines: read up to its ">"
                following = itertools.islice(visible, i + 1, i + 1 + _TAG_LINES)
                text = " ".join(itertools.chain([text], following)).split(">", 1)[0] + ">"
            return bool(_ADMONITION_LINE.search(text))

        return self._find("admonition", matches) or self._fallback("admonition")


_OPEN_TAG = re.compile(r"<(?:div|details)\b[^>]*$", re.I)
_TAG_LINES = 20  # the most lines a box's tag is looked for over


# A line that can only be a paragraph's (a letter or digit, a heading, emphasis, a quotation
# mark): not a list item, a quote, a box, a tab, a definition, a footnote, a table or raw HTML,
# each of which may take an indented block after it as its own.
_PARAGRAPH_LINE = re.compile(r"(?!\d+[.)](?:\s|$))(?:\w|#|\*(?![\s\[])|[\"'(])")


def _indented_code_lines(visible: list[str], lines: list[str], code: set[int], first: int) -> set[int]:
    """Indexes of the lines of indented code blocks: lines indented by four spaces more than the
    paragraph before them, after a blank line (Python-Markdown's code block), and the lines
    after them that are blank or indented as far. Only after a paragraph each of whose lines
    can only be a paragraph's (`_PARAGRAPH_LINE`), outside fenced code and comments: after a
    list item, a box or anything else that may take the block as its own, the lines are left
    as they are (read as a box's, if one is there)."""
    inside: set[int] = set()
    paragraph: int | None = None  # the indent of the block before, if a plain paragraph
    starts = True  # the next line starts a block
    threshold: int | None = None  # the indent of the code block the lines are in
    for index in range(max(first, 0), len(lines)):
        line = lines[index]
        if not line.strip():
            if threshold is not None:
                inside.add(index)
            starts = True
            continue
        indent = source_lines.indent_width(line)
        if threshold is None and starts and paragraph is not None:
            threshold = paragraph + 4  # a block here indented as far is code
        if index not in code and threshold is not None and indent >= threshold:
            inside.add(index)
            paragraph, starts = None, True
            continue
        # A line with a comment, or all in one, is no plain paragraph's either.
        plain = index not in code and bool(visible[index].strip()) and "<!--" not in line \
            and "-->" not in line and bool(_PARAGRAPH_LINE.match(line.lstrip()))
        if starts:
            paragraph = indent if plain else None
        elif not plain:
            paragraph = None
        threshold, starts = None, False
    return inside


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
