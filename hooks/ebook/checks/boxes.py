"""Checks of a page's boxes (admonitions, and collapsible boxes), for what Python-Markdown reads
otherwise than they look, without a word of warning.

Not a hook: the chapter checks (hooks/checks.py) call these and report what they find.

- A box's first line that Python-Markdown does not read as a box (its title in typographic
  quotes, say): the line shows as text and the box's text as code.
- A paragraph meant for a box but indented by fewer than four spaces: it falls outside the box.
- A box's first line indented by four spaces where no box or list item holds it: it shows as
  code, and the box's text too.
- A line indented with non-breaking spaces (or other space characters than spaces and tabs), as
  text pasted from a word processor often is: they are no indentation, so a box's or a list item's
  text shows after it, and a box's first line or a list item shows as text.
- A box's text after a fenced code block less indented than it, which ended the box.
- A comment (`<!-- … -->`) among a box's text that ends the box (less indented than the text)
  or that shows its text (split by a blank line), or that runs on over the list item below it.

Each check takes the page's lines and gives (line number, message) pairs, the message in the
checks' form "what is wrong: how to fix it".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from ebook.checks.source_lines import (COMMENT, COMMENT_END, FENCE, Finding, fenced_lines, indent_width,
                                       shown_body_lines)

# Python-Markdown's admonition line, and pymdownx.details' collapsible one ("???" or "???+").
_BOX_LINE = re.compile(r'(?P<marker>!!!|\?\?\?\+?) ?[\w\-]+(?: +[\w\-]+)*(?: +"(?:.*?)")? *$')
_BOX_START = re.compile(r"(?P<marker>!!!|\?\?\?\+?)(?=\s|[\w\"“”‘’'«»„]|$)")
_TYPOGRAPHIC_QUOTES = "“”‘’«»„‚"
# What a line may end with that does not show: spaces of any kind, and the invisible characters
# pasted text can bring (zero-width space, word joiner, byte order mark).
_TRAILING = re.compile(r"[\s\u200b\u2060\ufeff]+$")


def box_line_problems(lines: Sequence[str], first: int) -> list[Finding]:
    """Lines that start like a box (`!!!` or `???`) but that Python-Markdown would not read as one.

    `first` is the 1-based line where the Markdown body starts (after the front matter).
    """
    findings = []
    for number, line in shown_body_lines(lines, first):
        text = line.strip()
        start = _BOX_START.match(text)
        if not start:
            continue
        trailing = _TRAILING.search(line)
        written = (line[:trailing.start()] if trailing else line).strip()
        if _BOX_LINE.match(written):
            # Python-Markdown allows only spaces after the line's text.
            after = [c for c in (trailing.group() if trailing else "") if c not in " \t"]
            if after:
                them = "it" if len(after) == 1 else "them"
                findings.append((number, (
                    f"this box's first line ends with {_spaces_named(after)}, so it is not read "
                    f"as a box: the line shows as text, and the box's text as code or text: delete "
                    f"{them}, so that the line ends with its last word: {written}"
                )))
            continue
        marker = start.group("marker")
        if any(quote in text for quote in _TYPOGRAPHIC_QUOTES) or "'" in text:
            fixed = re.sub(r"[“”„«»]|(?<![\w])[‘’‚']|[‘’‚'](?![\w])", '"', text)
            findings.append((number, (
                "the box's title is not in straight double quotes, so this line would show as "
                "text and the box's text as code: write the title between two \" signs, "
                f"e.g. {fixed}"
            )))
        else:
            findings.append((number, (
                f"this line starts with '{marker}' but is not written as a box, so it would show "
                "as text and the box's text as code: write the box's type in lower-case letters "
                f'and its title in double quotes, e.g. {marker} scenario "Example: a first '
                'conversation"'
            )))
    return findings


def box_indent_problems(lines: Sequence[str], first: int) -> list[Finding]:
    """Lines of a box's text indented so that Python-Markdown does not read them as the box's text:
    - after a blank line, indented by more than the box's first line but fewer than its text:
      the box ends there and they show after it;
    - right below a line of the box's text (a line wrapped by hand), indented by less: the box
      ends there too (Python-Markdown does not continue a box's paragraph on a line less indented);
    - after a blank line, indented by four spaces more than the box's text, outside a list: they
      show as code;
    - indented like a box's text, below comments less indented than that text: they ended the
      box, and the text shows as code;
    - a comment in a box, indented like its text, that a blank line or a line indented by less
      splits: its text shows;
    - a list item right below a comment that starts a paragraph in a box: it shows as text in
      the comment's paragraph;
    - a box's first line indented by other than a multiple of four spaces: not read as a box;
    - a box's first line indented by four spaces or more outside any box, where no list item,
      definition or footnote above holds it: it shows as code, with the box's text (told once
      per code block, and its text then told nothing), or, right below a line of text, as text;
    - indented like a box's text right after a fenced code block less indented than that text
      (at the margin, say), which ended the box: they show as code, or as text right below it.
      A fenced block after a box followed by less indented text is taken as meant after the box;
    - starting with non-breaking spaces or other space characters than spaces and tabs, which
      Python-Markdown reads as text, not as indentation, where that is not what it looks like
      (`_pasted_spaces`); that line is told of nothing else.
    A comment Python-Markdown hides shows nothing, so it is never told as text outside a box."""
    reading = _BoxReading(lines, list(shown_body_lines(lines, first)), _fences_above(lines))
    for at, (number, line) in enumerate(reading.body):
        if at > reading.read_until:  # not a line of a comment in a box, read with its first
            reading.read(at, number, line)
    return reading.findings


class _Text(NamedTuple):
    """A line with text: how far it is indented, and its text after the indentation."""
    indent: int
    text: str


class _Margin(Enum):
    """What the block outside any box before a line is, for a block indented by four spaces
    after it: whether that block is its own, or code."""
    TAKES = "takes"  # a list item, a definition or a footnote, which holds it
    HTML = "html"  # raw HTML, which shows it as it is: left unknown
    OTHER = "other"  # anything else, after which it is code
    CODE = "code"  # a code block (indented by four spaces), which it goes on


class _FenceAbove(NamedTuple):
    """A fenced code block, as the line right below it sees it."""
    start: int  # its first line (0-based)
    indent: int  # how far that line is indented
    set_apart: bool  # whether a blank line or the page's start is above it: a block of its own
    fence: str  # its ``` or ~~~ signs


class _EndingFence(NamedTuple):
    """A fenced code block less indented than boxes' text, which ended those boxes."""
    line: int  # its first line (1-based)
    boxes: list[int]  # the text indents of the boxes it ended, innermost last
    right_below: bool  # whether a line with text is right below it
    fence: str  # its ``` or ~~~ signs


@dataclass(frozen=True)
class _Line:
    """A line with text, as the box checks read it."""
    at: int  # its index among the body's lines
    number: int  # 1-based
    line: str
    indent: int  # by its spaces and tabs, as Python-Markdown counts
    # Its text after its indentation: after spaces and tabs only, but for a comment, which
    # Python-Markdown takes out after any space characters.
    text: str
    looks: int  # how far it looks indented (`_looks_indented`)
    taken_out: bool  # a comment Python-Markdown takes out, which shows nothing
    in_text: bool  # a comment in a box's text, which shows nothing

    @classmethod
    def read(cls, at: int, number: int, line: str, open_boxes: Sequence[int]) -> _Line:
        indent = indent_width(line)
        text = line.strip() if line.strip().startswith("<!--") else line.lstrip(" \t").rstrip()
        return cls(at, number, line, indent, text, _looks_indented(line), taken_out=text == COMMENT,
                   in_text=_only_comment(text) and any(box <= indent < box + 4 for box in open_boxes))

    @property
    def hidden(self) -> bool:
        """A comment that shows nothing."""
        return self.taken_out or self.in_text

    @property
    def spaces(self) -> str:
        return f"{self.indent} space{'s' if self.indent != 1 else ''}"


@dataclass
class _BoxReading:
    """What is known of a page's boxes, reading its lines in order, and the rules each line is
    checked against: each method reads one rule, as Python-Markdown reads the line."""
    lines: Sequence[str]
    body: list[tuple[int, str]]  # `shown_body_lines`
    fences: dict[int, _FenceAbove]  # `_fences_above`
    findings: list[Finding] = field(default_factory=list)
    open_boxes: list[int] = field(default_factory=list)  # the indent of each open box's text, innermost last
    after_blank: bool = False
    previous: _Text | None = None  # the last line with text
    looked: _Text | None = None  # the same as it looks (see `_pasted_spaces`)
    # Boxes that a line of text starting with non-breaking spaces ended, told, while the lines
    # below look to be in them: what they show is told of that line.
    pasted_boxes: list[int] = field(default_factory=list)
    ended_by_comments: _EndedByComments | None = None
    read_until: int = -1  # the last line of a comment in a box, read with its first
    # Outside any box, what the block at the margin before is (`_margin_block`). None at the page's start.
    margin: _Margin | None = None
    new_block: bool = True  # whether the line starts a block outside any box, as Python-Markdown splits them
    told_code: bool = False  # whether a box's first line in the code block outside boxes was told
    ending_fence: _EndingFence | None = None

    def read(self, at: int, number: int, line: str) -> None:
        """Checks one line of the body against every rule, in order, and notes what it changes."""
        if number - 1 in self.fences:
            self.pass_fence(self.fences[number - 1], line)
        if not line.strip():  # a line of non-breaking spaces too, as Python-Markdown reads it
            self.after_blank = self.new_block = True
            return
        self.pasted_boxes = [box for box in self.pasted_boxes if box <= _looks_indented(line)]
        here = _Line.read(at, number, line, self.open_boxes)
        pasted = _pasted_spaces(line, here.indent, here.text, sorted({*self.open_boxes, *self.pasted_boxes}),
                                self.margin == _Margin.TAKES and not self.open_boxes, self.looked,
                                self.after_blank)
        told_before = len(self.findings)
        told = self.after_ending_comments(here)
        if self.open_boxes and here.indent < self.open_boxes[-1] and not self.after_blank:
            ended = self.wrapped_less(here)
        elif self.after_blank:
            ended = self.paragraph_less(here)
            if not told:
                self.paragraph_more(here)
        else:
            ended = []
        if here.in_text and self.open_boxes[-1] <= here.indent:
            self.comment_in_box(here)
        told_fence = self.after_ending_fence(here)
        self.ending_fence = None
        coded = False  # a box's first line in a code block outside any box
        if here.indent < 4:  # outside any box, whether it ended one or not
            self.at_margin(here)
        elif not self.open_boxes:
            coded = self.indented_outside(here, told_fence)
        self.note_own_block(here)
        if _BOX_LINE.match(here.text) and not coded:
            self.box_first_line(here)
        self.note_ending_comments(here, ended)
        if pasted:
            self.pasted_spaces(here, pasted, told_before, ended)
        if not here.hidden or self.after_blank:  # a comment right below a line is part of its block
            self.previous = _Text(here.indent, here.text)
            self.looked = _Text(here.looks, here.text.lstrip())
        self.after_blank = here.taken_out  # Python-Markdown sets a comment it takes out apart
        self.new_block = self.new_block or here.taken_out

    def pass_fence(self, fence: _FenceAbove, below: str) -> None:
        """A fenced code block less indented than a box's text ends the box, as any block does;
        at the margin, it is a block of its own, which the line right below it goes on (as text)."""
        ended: list[int] = []
        while self.open_boxes and fence.indent < self.open_boxes[-1]:
            ended.insert(0, self.open_boxes.pop())
        self.ending_fence = _EndingFence(fence.start + 1, ended, bool(below.strip()), fence.fence) \
            if ended else None
        if not self.open_boxes and fence.indent < 4 and (fence.set_apart or ended):
            # An indented block after it is code.
            self.margin, self.new_block = _Margin.OTHER, not below.strip()

    def after_ending_comments(self, here: _Line) -> bool:
        """After a blank line, a paragraph indented like a box's text that comments less indented
        than that text ended (with only comments since) shows as code. Whether it was told."""
        ending = self.ended_by_comments
        if not ending or not self.after_blank or here.hidden or _BOX_LINE.match(here.text):
            return False
        meant = [box for box in ending.boxes if box <= here.indent]
        if meant and (not self.open_boxes or here.indent >= self.open_boxes[-1] + 4):
            self.findings.append((here.number, ending.message(here.spaces, here.indent, meant[-1])))
            return True
        return False

    def wrapped_less(self, here: _Line) -> list[int]:
        """Right below a line of a box's text, a line less indented ends the box: Python-Markdown
        does not go on with a box's paragraph on it. The text indents of the boxes it ends."""
        if self.previous and self.previous.indent >= self.open_boxes[-1] and not here.hidden:
            self.findings.append((here.number, (
                f"this line is indented by {here.spaces}, so the box ends on the line above and this "
                f"line shows after the box: indent it by {self.open_boxes[-1]} spaces like the line above"
            )))
        ended: list[int] = []
        while self.open_boxes and here.indent < self.open_boxes[-1]:  # whatever the line is
            ended.insert(0, self.open_boxes.pop())
        return ended

    def paragraph_less(self, here: _Line) -> list[int]:
        """After a blank line, a paragraph less indented than a box's text ends the box; indented by
        more than its first line, it shows after it. The text indents of the boxes it ends."""
        ended: list[int] = []
        while self.open_boxes and here.indent < self.open_boxes[-1]:
            if here.indent > self.open_boxes[-1] - 4 and not here.hidden:
                self.findings.append((here.number, (
                    f"this paragraph is indented by {here.spaces}, so it falls outside the box above "
                    f"it: indent it by {self.open_boxes[-1]} spaces to keep it in the box, or by none "
                    "to end the box"
                )))
                break
            ended.insert(0, self.open_boxes.pop())
        return ended

    def paragraph_more(self, here: _Line) -> None:
        """After a blank line, a paragraph indented by four spaces more than a box's text shows as
        code in the box, but below a list item, whose text it is."""
        if self.open_boxes and here.indent >= self.open_boxes[-1] + 4 and self.previous \
                and self.previous.indent <= self.open_boxes[-1] and not _LIST_ITEM.match(self.previous.text):
            self.findings.append((here.number, (
                f"this paragraph is indented by {here.spaces}, so it shows as code in the box: "
                f"indent it by {self.open_boxes[-1]} spaces, like the box's other text"
            )))

    def comment_in_box(self, here: _Line) -> None:
        """In a box, a comment is text in a paragraph: a blank line or a line indented by less
        inside it shows its text, and a list item right below it is text in its paragraph (a
        heading, a quote or a box is read)."""
        self.read_until, shows = _comment_in_box(self.body, here.at, self.open_boxes[-1])
        below = self.read_until + 1
        if shows:
            self.findings.append((here.number, shows))
        elif self.after_blank and below < len(self.body) and _LIST_ITEM.match(self.body[below][1].lstrip(" \t")):
            self.findings.append((self.body[below][0], (
                f"this line is right below the comment on line {here.number}, with no blank line "
                "between, so in a box it shows as text in the comment's paragraph: put a blank "
                "line after the comment"
            )))

    def after_ending_fence(self, here: _Line) -> bool:
        """A line indented like a box's text right after a fenced code block less indented than
        that text, which ended the box, shows as code, or as text right below the block. Whether
        it was told."""
        ending = self.ending_fence
        if not ending or here.hidden or here.indent < ending.boxes[0]:
            return False
        box = max(box for box in ending.boxes if box <= here.indent)
        fix = (f"indent each of the code block's lines (its {ending.fence} lines too) by {box} spaces, or "
               "move it below the box")
        self.findings.append((here.number, (
            f"this paragraph is indented by {here.spaces} like the box's text, but the fenced code block on "
            f"line {ending.line} is indented by less, which ends the box, so this shows as code: {fix}"
        ) if not ending.right_below else (
            f"this line is indented by {here.spaces} like the box's text, but the fenced code block on line "
            f"{ending.line} is indented by less, which ends the box, so this shows as text after the code "
            f"block: {fix}"
        )))
        return True

    def at_margin(self, here: _Line) -> None:
        """A line indented by fewer than four spaces outside any box starts a block at the margin
        where a block starts, and a comment, a list item, a definition or a footnote anywhere
        (a hand-wrapped sentence starting with '- ' is not, but it is rare, and no box is then
        told as code wrongly)."""
        kind = _margin_block(here.text, here.hidden)
        if self.new_block or self.margin == _Margin.CODE or here.hidden or kind == _Margin.TAKES:
            self.margin, self.told_code = kind, False

    def indented_outside(self, here: _Line, told_fence: bool) -> bool:
        """Outside any box, a block indented by four spaces is code but after a list item, a
        definition or a footnote (or raw HTML), and a box's first line in it shows as code with
        its text (told once per code block), or, right below a line of text, as text. Whether it
        is a box's first line that shows so."""
        if self.new_block and self.margin in (None, _Margin.OTHER, _Margin.CODE):
            self.told_code = self.told_code and self.margin == _Margin.CODE
            self.margin, in_code = _Margin.CODE, True
        else:
            in_code = self.margin == _Margin.CODE
        coded = False
        if _BOX_LINE.match(here.text) and (in_code or self.margin == _Margin.OTHER):
            if not self.told_code and not told_fence:
                self.findings.append((here.number, (
                    f"this box's first line is indented by {here.spaces}, but no box or list item above "
                    "holds it, so it and the box's text show as code: start it at the left margin, with "
                    "its text four spaces in, or indent it under the box or list item it belongs in"
                ) if in_code else (
                    f"this box's first line is indented by {here.spaces} right below a line of text, so it "
                    "shows as text in that line's paragraph and the box's text as code: put a blank line "
                    "above it and start it at the left margin, with its text four spaces in"
                )))
            self.told_code, coded = in_code, True
        if told_fence:  # what it and the box's text after it show as code is told once
            self.margin, self.told_code = _Margin.CODE, True
        return coded

    def note_own_block(self, here: _Line) -> None:
        """A heading or a rule (a heading's underline too) is a block of its own, so the line
        below starts one, but in a list item's (or a definition's, a footnote's) block."""
        self.new_block = not self.open_boxes and self.margin != _Margin.TAKES and (
            here.indent == 0 and here.text.startswith("#") or here.indent < 4 and _RULE.match(here.text) is not None)

    def box_first_line(self, here: _Line) -> None:
        """A box's first line indented by other than a multiple of four spaces is not read as a
        box; one that is starts a box whose text is four spaces further in."""
        if here.indent % 4:
            self.findings.append((here.number, (
                f"this box's first line is indented by {here.spaces}, so it is not read as a box: "
                "start it at the left margin (or four spaces in for a box inside a box), with "
                "its text four spaces further in"
            )))
        else:
            self.open_boxes.append(here.indent + 4)

    def note_ending_comments(self, here: _Line, ended: list[int]) -> None:
        """Comments that end boxes, with only comments after them, are remembered for the
        paragraph after them (`after_ending_comments`)."""
        if here.hidden and (ended or self.ended_by_comments):
            if self.ended_by_comments is None:
                self.ended_by_comments = _EndedByComments([], [], self.previous)
            self.ended_by_comments.lines.append(here.number)
            self.ended_by_comments.over_lines |= COMMENT_END.search(self.lines[here.number - 1]) is None
            self.ended_by_comments.boxes = sorted({*self.ended_by_comments.boxes, *ended})
        else:
            self.ended_by_comments = None

    def pasted_spaces(self, here: _Line, message: str, told_before: int, ended: list[int]) -> None:
        """A line that starts with non-breaking spaces, which change what it shows, is told of that
        alone, and so are the boxes it ends for the lines below that look to be in them."""
        self.findings[told_before:] = [found for found in self.findings[told_before:] if found[0] != here.number]
        self.findings.append((here.number, message))
        self.pasted_boxes = sorted({*self.pasted_boxes, *(box for box in ended if box <= here.looks)})


_LIST_START = re.compile(r"(?:[*+-]|\d+\.) ")
_RULE = re.compile(r"(?:[*_-] *){3,}$|=+$")
_DEFINITION = re.compile(r": {1,3}|\[\^[^\]]*\]:")


def _margin_block(text: str, hidden: bool) -> _Margin:
    """What a block outside any box, starting with a line indented by fewer than four spaces, is
    for the blocks indented by four spaces after it (never `_Margin.CODE`)."""
    if hidden:
        return _Margin.OTHER
    if _LIST_START.match(text + " ") and not _RULE.match(text) or _DEFINITION.match(text):
        return _Margin.TAKES
    return _Margin.HTML if text.startswith("<") else _Margin.OTHER


def _fences_above(lines: Sequence[str]) -> dict[int, _FenceAbove]:
    """Each line right below a fenced code block (its 0-based index), with that block: one right
    below a line goes on with that line's block (a list item's, a footnote's)."""
    code = fenced_lines(lines)
    below = {}
    start = 0
    for index in sorted(code):
        if index - 1 not in code:
            start = index
        if index + 1 not in code:
            opening = FENCE.match(lines[start]).group(1)  # type: ignore[union-attr]
            below[index + 1] = _FenceAbove(start, indent_width(lines[start]),
                                           start == 0 or not lines[start - 1].strip(), opening)
    return below


@dataclass
class _EndedByComments:
    """Comments less indented than a box's text, which ended the box, with only comments since:
    their lines, the text indents of the boxes they ended, and the last line with text before."""
    lines: list[int]
    boxes: list[int]
    before: _Text | None
    over_lines: bool = False  # whether one of them goes on over several lines

    def message(self, spaces: str, indent: int, box: int) -> str:
        which = (f"the comment on line {self.lines[0]} is" if len(self.lines) == 1 else
                 f"the comments on lines {', '.join(map(str, self.lines[:-1]))} and {self.lines[-1]} are")
        it, its = ("it", "its") if len(self.lines) == 1 else ("them", "their")
        fix = f"move {it} out of the box, or indent each of {its} lines by {box} spaces"
        if self.over_lines:
            fix += f", with no blank line inside {it}"
        if indent >= box + 4 and not (self.before and _LIST_ITEM.match(self.before.text)):
            fix += f", and this paragraph by {box} spaces too, like the box's other text"
        return (f"this paragraph is indented by {spaces} like a box's text, but {which} indented by "
                f"less, which ends the box, so this shows as code: {fix}")


_ONE_COMMENT = re.compile(r"<!--.*?--!?>")


def _only_comment(text: str) -> bool:
    """Whether a line holds a comment and nothing else: one that starts a line (`COMMENT`), one
    on its own, or the first line of one that goes on."""
    return text.startswith("<!--") and (_ONE_COMMENT.fullmatch(text) is not None
                                        or COMMENT_END.search(text) is None)


def _comment_in_box(body: Sequence[tuple[int, str]], at: int, box: int) -> tuple[int, str | None]:
    """For a comment starting at `body[at]` in a box whose text is indented by `box`: the index of
    its last line, and, if a blank line or a line indented by less comes before its end, which
    in a box shows its text, the message (else None). One never ended is only its first line:
    Python-Markdown shows its `<!--` and reads on."""
    if COMMENT_END.search(body[at][1]):
        return at, None
    blank = False
    less: tuple[int, int] | None = None  # its first line indented by less: (number, indent)
    for last in range(at + 1, len(body)):
        number, shown = body[last]
        blank = blank or not shown.strip()
        if less is None and shown.strip() and indent_width(shown) < box:
            less = (number, indent_width(shown))
        if COMMENT_END.search(shown):
            break
    else:
        return at, None
    if less:
        return last, (f"this comment goes on over line {less[0]}, which is indented by {less[1]} space"
                      f"{'s' if less[1] != 1 else ''}, less than the box's text, so the comment's text "
                      f"shows on the page: indent each of its lines by {box} spaces"
                      f"{', with no blank line inside it' if blank else ''}, or move it out of the box")
    if blank:
        return last, ("this comment has a blank line inside it, so in a box the comment's text shows on "
                      "the page: take the blank lines out of it, or move it out of the box")
    return last, None


_LIST_ITEM = re.compile(r"(?:[-*+]|\d+[.)])(?:\s|$)")
_NON_BREAKING = frozenset("\u00a0\u2007\u202f")  # no-break, figure and narrow no-break spaces
_FULL_WIDTH = frozenset("\u3000")
# What starts a block of its own that a space character before it makes text: a box's first line,
# a heading, a quote, a fenced code block, a table's row, a definition; a list item (`_LIST_ITEM`)
# only where a list can start or go on.
_OWN_BLOCK = re.compile(r"!!!|\?\?\?|#{1,6}[ \t]|>|`{3}|~{3}|\||:[ \t]")


def _pasted_spaces(line: str, indent: int, text: str, boxes: Sequence[int], in_list: bool,
                   looked: _Text | None, after_blank: bool) -> str | None:
    """The message for a line that starts with non-breaking spaces (or other space characters than
    spaces and tabs, as a word processor pastes them), if they make it show otherwise than it
    looks: Python-Markdown reads them as text, not as indentation, so the line is read at the
    indent of its spaces and tabs (`indent`) and the text after them (`text`) starts with them.

    Told where the line looks indented enough to be in a box's or a list item's text and is not
    (`boxes`, the text indents of the boxes above it; `in_list`, below a list item, a definition
    or a footnote at the margin; `looked`, the line with text above as it looks), but right below
    a line of a list item's text, which it goes on with, showing no differently; or where what
    follows them starts a block (a box's first line, a list item, a heading…), which then shows
    as text. A comment they start is taken out all the same: told only where it ends a box. None
    if there are none, or if they change nothing (at the start of a paragraph at the margin, say,
    where Python-Markdown leaves them out)."""
    others = [c for c in line[:len(line) - len(line.lstrip())] if c not in " \t"]
    if not others:
        return None
    looks = _looks_indented(line)
    holders = {0, *boxes}
    if in_list:
        holders.add(4)
    below_item = bool(looked and _LIST_ITEM.match(looked.text))
    if looked and below_item:
        holders.add(looked.indent + 4)
    meant = max(at for at in holders if at <= looks)  # where the line looks it belongs
    read = max(at for at in holders if at <= indent)  # where Python-Markdown reads it
    shown = text.lstrip()
    if shown.startswith("<!--"):
        if meant <= read or meant not in boxes:
            return None
        outcome = "the box above ends before it"
    elif _OWN_BLOCK.match(shown) or _LIST_ITEM.match(shown) and (after_blank or below_item or meant > read):
        outcome = "it shows as text"
    elif meant > read and meant in boxes:
        outcome = "the box above ends before it, and it shows as text after the box"
    elif meant > read and after_blank:
        outcome = "it shows as text after the list, not in the list item above"
    else:
        return None
    one = len(others) == 1
    what = _spaces_named(others)
    them = "it" if one else "them"
    if meant == indent:
        fix = f"take {them} out" + (", so that the line starts at the left margin" if meant == 0 else "")
    else:
        fix = f"replace {them} with ordinary spaces, so that the line is indented by {meant} spaces"
        if _BOX_START.match(shown) and not after_blank and meant not in boxes:
            fix += ", and put a blank line above it"  # right below a list item's line, it is its text
    return (f"this line starts with {what}, which {'does' if one else 'do'} not count as indentation, "
            f"so {outcome}: {fix}")


def _spaces_named(others: Sequence[str]) -> str:
    """Space characters other than spaces and tabs, named for a message: "a non-breaking space
    (often pasted from a word processor)", "full-width spaces (…)"…"""
    if all(c in _NON_BREAKING for c in others):
        what = "non-breaking space{} (often pasted from a word processor)"
    elif all(c in _FULL_WIDTH for c in others):
        what = "full-width space{} (as a Chinese, Japanese or Korean keyboard types them)"
    else:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in others}))
        what = "special space{} (" + codes + ", often pasted from a word processor)"
    return ("a " + what.format("").replace("types them", "types it")) if len(others) == 1 else what.format("s")


def _looks_indented(line: str) -> int:
    """How far a line looks indented, whatever space characters it starts with: a tab counting
    four spaces, a full-width space two, any other one."""
    looks = 0
    for c in line[:len(line) - len(line.lstrip())]:
        looks += 4 - looks % 4 if c == "\t" else 2 if unicodedata.east_asian_width(c) in ("F", "W") else 1
    return looks
