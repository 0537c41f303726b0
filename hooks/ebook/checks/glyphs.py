"""The check that a printed page holds no character the printed book's typeface cannot show.

Only what the PDFs draw is read: the text of the page as Python-Markdown renders it (its text
nodes, code blocks included; not its attributes, so neither an image's alt text, a link's title
or address, nor a comment), its title, which heads it and its running heads, the fields of its
credit, and a chapter's description, which the printed list of chapters shows. Only the pages
a PDF prints are read (`Book.is_printed`): the chapters, and the pages on the print page.

Which characters the typeface has, and how a missing one is told: ebook/model/glyphs.py.
"""

from __future__ import annotations

import bisect
import html
import html.entities
import itertools
import re
from html.parser import HTMLParser
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Sequence

from ebook.model import glyphs

if TYPE_CHECKING:
    from ebook.checks.scanner import Renderer


class _Text(HTMLParser):
    """A page's text nodes, as the browser that prints it draws them, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._hidden = 0  # inside a script or style element, whose text is never drawn

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style") and self._hidden > 0

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.nodes.append(data)


def text_nodes(html_text: str) -> list[str]:
    parser = _Text()
    parser.feed(html_text)
    parser.close()
    return parser.nodes


def body_problems(lines: Sequence[str], body_start: int, renderer: Renderer) -> list[tuple[int, str]]:
    """(line, message) for each line of a page's body whose printed text holds characters the
    typeface has no glyph for, each character named once a line, in the order they come."""
    body = "\n".join(lines[body_start - 1:])
    # Nearly every page: nothing in its source the typeface lacks, so nothing to render.
    if not glyphs.missing(html.unescape(body) if "&" in body else body):
        return []
    html_text, _ = renderer.render(body)
    found: dict[int, list[str]] = {}
    place = _Placer(lines, body_start)
    for node in text_nodes(html_text):
        for segment in node.split("\n"):  # a text node's lines are its source's lines
            run = _first_run(segment)
            if run:
                found.setdefault(place(run, segment.strip()), []).extend(glyphs.missing(segment))
    return [(line, glyphs.message(list(dict.fromkeys(chars)))) for line, chars in sorted(found.items())]


def text_problem(text: str) -> str | None:
    """The message for a printed text (a title, a credit's field) the typeface cannot print,
    if it cannot."""
    chars = glyphs.missing(text)
    return glyphs.message(chars) if chars else None


def front_matter_problems(meta: Mapping[str, Any], key_lines: Mapping[tuple[str, ...], int], *,
                          chapter: bool) -> list[tuple[int, str]]:
    """(line, message) for each printed field of a page's front matter the typeface cannot
    print: its title (its heading and running heads), every field of its `attribution`, which
    its credit prints (who wrote it, the work it adapts, the changes), and a chapter's
    description, which the printed list of chapters shows."""
    printed = [("title",), ("attribution",)] + ([("description",)] if chapter else [])
    found = []
    for keys, value in [field for keys in printed for field in _fields(meta, keys)]:
        if isinstance(value, str) and (problem := text_problem(value)):
            found.append((key_lines.get(keys, 1), problem))
    return sorted(found)


def _fields(meta: Mapping[str, Any], keys: tuple[str, ...]) -> list[tuple[tuple[str, ...], object]]:
    """The field at `keys` and every field inside it, each with its keys."""
    value: object = meta
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            return []
        value = value[key]
    if isinstance(value, Mapping):
        return [field for key in value for field in _fields(meta, (*keys, str(key)))]
    return [(keys, value)]


def _first_run(text: str) -> str:
    """The first run of characters of `text` the typeface lacks, with any invisible ones inside
    it (a joiner between two letters), as the source most likely writes them; "" for none."""
    lacking = set(glyphs.missing(text))
    run = ""
    for char in text:
        if char in lacking or (run and glyphs.never_drawn(char) and char not in "\n\t\r"):
            run += char
        elif run:
            break
    return run


class _Placer:
    """The source line of each run of characters found in the rendered page, in document order.

    Searched from the line of the last one found (then, for a footnote, which is rendered at the
    end of the page, from the body's start), in code blocks too, which print; a character
    written as a reference (&#x4E2D;) is found as one."""

    def __init__(self, lines: Sequence[str], body_start: int) -> None:
        self.text = "\n".join(lines)
        self.starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        self.first = self.starts[min(body_start - 1, len(self.starts) - 1)]
        self.at = self.first

    def __call__(self, run: str, segment: str) -> int:
        """The line of `run`, found in the rendered line `segment`: the whole line where the
        source has it as it is (code, most text), else the run itself, else a reference to it."""
        reference = _reference(run[0])
        for start in (self.at, self.first):
            found = [(at, at + len(segment)) for at in [self.text.find(segment, start)] if at != -1 and segment != run]
            if not found:  # the run as written, or as a reference, whichever comes first
                match = reference.search(self.text, start)
                found = sorted([(at, at + len(run)) for at in [self.text.find(run, start)] if at != -1]
                               + ([match.span()] if match else []))
            if found:
                self.at = found[0][1]  # the next run is after this one
                return bisect.bisect_right(self.starts, found[0][0])
        return bisect.bisect_right(self.starts, self.at)


def _reference(char: str) -> re.Pattern[str]:
    """The ways a character reference may write `char`: &#x4E2D;, &#20013; or its name."""
    point = ord(char)
    name = html.entities.codepoint2name.get(point)
    return re.compile(rf"&#(?:x0*{point:x}|0*{point});" + (rf"|&{name};" if name else ""), re.I)
