"""Checks of a page's Markdown lines, for what Python-Markdown reads without a word of warning.

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
- A link to a download whose `data-download` path is not one the build writes: no download's
  path, or the handout of a chapter the book does not have, or a format it does not offer.
- What the build could not read in reasonable time or at all: lists, quotes, boxes, emphasis or
  raw HTML nested more than 50 levels deep, and brackets left open by the thousand.

Each check takes the page's lines and gives (line number, message) pairs, the message in the
checks' form "what is wrong: how to fix it".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Finding = tuple[int, str]  # (1-based line, message)

# Python-Markdown's admonition line, and pymdownx.details' collapsible one ("???" or "???+").
_BOX_LINE = re.compile(r'(?P<marker>!!!|\?\?\?\+?) ?[\w\-]+(?: +[\w\-]+)*(?: +"(?:.*?)")? *$')
_BOX_START = re.compile(r"(?P<marker>!!!|\?\?\?\+?)(?=\s|[\w\"“”‘’'«»„]|$)")
_TYPOGRAPHIC_QUOTES = "“”‘’«»„‚"
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def box_line_problems(lines: Sequence[str], first: int) -> list[Finding]:
    """Lines that start like a box (`!!!` or `???`) but that Python-Markdown would not read as one.

    `first` is the 1-based line where the Markdown body starts (after the front matter).
    """
    findings = []
    for number, line in _shown_body_lines(lines, first):
        text = line.strip()
        start = _BOX_START.match(text)
        if not start or _BOX_LINE.match(text):
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
    findings: list[Finding] = []
    body = list(_shown_body_lines(lines, first))
    open_boxes: list[int] = []  # the indent of each open box's text, innermost last
    after_blank = False
    previous: tuple[int, str] | None = None  # the last line with text: (indent, text)
    looked: tuple[int, str] | None = None  # the same as it looks (see `_pasted_spaces`)
    pasted_boxes: list[int] = []
    ended_by_comments: _EndedByComments | None = None
    read_until = -1  # the last line of a comment in a box, read with its first
    # Outside any box, what the block at the margin before is (`_margin_block`): whether a block
    # indented by four spaces after it is its own, or code. None at the page's start.
    outer: str | None = None
    new_block = True  # whether the line starts a block outside any box, as Python-Markdown splits them
    told_code = False  # whether a box's first line in the code block outside boxes was told
    fences = _fences_above(lines)
    # A fenced block that ended boxes: its line, their text indents, whether a line is right below it.
    fenced: tuple[int, list[int], bool] | None = None
    for at, (number, line) in enumerate(body):
        if at <= read_until:
            continue
        if number - 1 in fences:
            start, fence_indent, set_apart = fences[number - 1]
            # A fenced block less indented than a box's text ends the box, as any block does.
            ended_by_fence: list[int] = []
            while open_boxes and fence_indent < open_boxes[-1]:
                ended_by_fence.insert(0, open_boxes.pop())
            fenced = (start + 1, ended_by_fence, bool(line.strip())) if ended_by_fence else None
            if not open_boxes and fence_indent < 4 and (set_apart or ended_by_fence):
                # A fenced block at the margin is a block of its own, and the line right below it
                # goes on with it (as text): an indented block after it is code.
                outer, new_block = "other", not line.strip()
        if not line.strip():  # a line of non-breaking spaces too, as Python-Markdown reads it
            after_blank = new_block = True
            continue
        indent = indent_width(line)
        # Its text after its indentation: after spaces and tabs only, but for a comment, which
        # Python-Markdown takes out after any space characters.
        text = line.lstrip(" \t").rstrip()
        if line.strip().startswith("<!--"):
            text = line.strip()
        # Boxes that a line of text starting with non-breaking spaces ended, told, while the
        # lines below look to be in them: what they show is told of that line.
        looks = _looks_indented(line)
        pasted_boxes = [box for box in pasted_boxes if box <= looks]
        pasted = _pasted_spaces(line, indent, text, sorted({*open_boxes, *pasted_boxes}),
                                outer == "takes" and not open_boxes, looked, after_blank)
        told_before = len(findings)
        spaces = f"{indent} space{'s' if indent != 1 else ''}"
        # A comment that shows nothing: one Python-Markdown takes out, or one in a box's text.
        taken_out = text == COMMENT
        in_text = _only_comment(text) and any(box <= indent < box + 4 for box in open_boxes)
        hidden = taken_out or in_text
        ended: list[int] = []  # the text indents of the boxes this line ends
        told = False
        if ended_by_comments and after_blank and not hidden and not _BOX_LINE.match(text):
            meant = [box for box in ended_by_comments.boxes if box <= indent]
            if meant and (not open_boxes or indent >= open_boxes[-1] + 4):
                findings.append((number, ended_by_comments.message(spaces, indent, meant[-1])))
                told = True
        if open_boxes and indent < open_boxes[-1] and not after_blank:
            if previous and previous[0] >= open_boxes[-1] and not hidden:
                findings.append((number, (
                    f"this line is indented by {spaces}, so the box ends on the line above and this "
                    f"line shows after the box: indent it by {open_boxes[-1]} spaces like the line above"
                )))
            while open_boxes and indent < open_boxes[-1]:  # a line less indented ends the box, whatever it is
                ended.insert(0, open_boxes.pop())
        elif after_blank:
            while open_boxes and indent < open_boxes[-1]:
                if indent > open_boxes[-1] - 4 and not hidden:
                    findings.append((number, (
                        f"this paragraph is indented by {spaces}, so it falls outside the box above "
                        f"it: indent it by {open_boxes[-1]} spaces to keep it in the box, or by none "
                        "to end the box"
                    )))
                    break
                ended.insert(0, open_boxes.pop())
            if not told and open_boxes and indent >= open_boxes[-1] + 4 and previous \
                    and previous[0] <= open_boxes[-1] and not _LIST_ITEM.match(previous[1]):
                findings.append((number, (
                    f"this paragraph is indented by {spaces}, so it shows as code in the box: "
                    f"indent it by {open_boxes[-1]} spaces, like the box's other text"
                )))
        if in_text and open_boxes[-1] <= indent:
            # In a box, a comment is text in a paragraph: its lines are read as one, here.
            read_until, shows = _comment_in_box(body, at, open_boxes[-1])
            if shows:
                findings.append((number, shows))
            # A list item right below it is not a list's (a heading, a quote or a box is read).
            elif after_blank and read_until + 1 < len(body) and _LIST_ITEM.match(body[read_until + 1][1].lstrip(" \t")):
                findings.append((body[read_until + 1][0], (
                    f"this line is right below the comment on line {number}, with no blank line "
                    "between, so in a box it shows as text in the comment's paragraph: put a blank "
                    "line after the comment"
                )))
        told_fence = False  # this line was told for the fenced block above it
        if fenced and not hidden and indent >= fenced[1][0]:
            box = max(box for box in fenced[1] if box <= indent)
            fence = _FENCE.match(lines[fenced[0] - 1]).group(1)  # type: ignore[union-attr]
            fix = (f"indent each of the code block's lines (its {fence} lines too) by {box} spaces, or move "
                   "it below the box")
            findings.append((number, (
                f"this paragraph is indented by {spaces} like the box's text, but the fenced code block on "
                f"line {fenced[0]} is indented by less, which ends the box, so this shows as code: {fix}"
            ) if not fenced[2] else (
                f"this line is indented by {spaces} like the box's text, but the fenced code block on line "
                f"{fenced[0]} is indented by less, which ends the box, so this shows as text after the code "
                f"block: {fix}"
            )))
            told_fence = True
        fenced = None
        in_code = coded = False  # in a code block outside any box; a box's first line there
        if indent < 4:  # outside any box, whether it ended one or not
            kind = _margin_block(text, hidden)
            # A comment at the margin is a block of its own; a list item, a definition or a
            # footnote is taken to start one wherever it is (a hand-wrapped sentence starting
            # with '- ' is not, but it is rare, and no box is then told as code wrongly).
            if new_block or outer == "code" or hidden or kind == "takes":
                outer, told_code = kind, False
        elif not open_boxes:
            if new_block and outer in (None, "other", "code"):
                told_code = told_code and outer == "code"
                outer, in_code = "code", True
            else:
                in_code = outer == "code"
            if _BOX_LINE.match(text) and (in_code or outer == "other"):
                if not told_code and not told_fence:
                    findings.append((number, (
                        f"this box's first line is indented by {spaces}, but no box or list item above "
                        "holds it, so it and the box's text show as code: start it at the left margin, with "
                        "its text four spaces in, or indent it under the box or list item it belongs in"
                    ) if in_code else (
                        f"this box's first line is indented by {spaces} right below a line of text, so it "
                        "shows as text in that line's paragraph and the box's text as code: put a blank line "
                        "above it and start it at the left margin, with its text four spaces in"
                    )))
                told_code, coded = in_code, True
            if told_fence:  # what it and the box's text after it show as code is told once
                outer, told_code = "code", True
        # A heading or a rule (a heading's underline too) is a block of its own, but in a list
        # item's (or a definition's, a footnote's) block, where they are left to it.
        new_block = not open_boxes and outer != "takes" and (indent == 0 and text.startswith("#")
                                                             or indent < 4 and _RULE.match(text) is not None)
        if _BOX_LINE.match(text) and not coded:
            if indent % 4:
                findings.append((number, (
                    f"this box's first line is indented by {spaces}, so it is not read as a box: "
                    "start it at the left margin (or four spaces in for a box inside a box), with "
                    "its text four spaces further in"
                )))
            else:
                open_boxes.append(indent + 4)
        if hidden and (ended or ended_by_comments):
            if ended_by_comments is None:
                ended_by_comments = _EndedByComments([], [], previous)
            ended_by_comments.lines.append(number)
            ended_by_comments.over_lines |= _COMMENT_END.search(lines[number - 1]) is None
            ended_by_comments.boxes = sorted({*ended_by_comments.boxes, *ended})
        else:
            ended_by_comments = None
        if pasted:  # told instead of what follows from it on this line
            findings[told_before:] = [found for found in findings[told_before:] if found[0] != number]
            findings.append((number, pasted))
            pasted_boxes = sorted({*pasted_boxes, *(box for box in ended if box <= looks)})
        if not hidden or after_blank:  # a comment right below a line is part of its block
            previous = (indent, text)
            looked = (looks, text.lstrip())
        after_blank = taken_out  # Python-Markdown sets a comment it takes out apart
        new_block = new_block or taken_out
    return findings


_LIST_START = re.compile(r"(?:[*+-]|\d+\.) ")
_RULE = re.compile(r"(?:[*_-] *){3,}$|=+$")
_DEFINITION = re.compile(r": {1,3}|\[\^[^\]]*\]:")


def _margin_block(text: str, hidden: bool) -> str:
    """What a block outside any box, starting with a line indented by fewer than four spaces, is
    for the blocks indented by four spaces after it: "takes" (a list item, a definition or a
    footnote, which holds them), "html" (raw HTML, which shows them as they are: left unknown), or
    "other" (anything else, after which they are code)."""
    if hidden:
        return "other"
    if _LIST_START.match(text + " ") and not _RULE.match(text) or _DEFINITION.match(text):
        return "takes"
    return "html" if text.startswith("<") else "other"


def _fences_above(lines: Sequence[str]) -> dict[int, tuple[int, int, bool]]:
    """For each line right below a fenced code block (its 0-based index): the block's first
    line (0-based), how far that line is indented, and whether it is set apart (a blank line or
    the page's start above it), which makes it a block of its own: one right below a line goes
    on with that line's block (a list item's, a footnote's)."""
    code = fenced_lines(lines)
    below = {}
    start = 0
    for index in sorted(code):
        if index - 1 not in code:
            start = index
        if index + 1 not in code:
            below[index + 1] = (start, indent_width(lines[start]), start == 0 or not lines[start - 1].strip())
    return below


@dataclass
class _EndedByComments:
    """Comments less indented than a box's text, which ended the box, with only comments since:
    their lines, the text indents of the boxes they ended, and the last line with text before."""
    lines: list[int]
    boxes: list[int]
    before: tuple[int, str] | None
    over_lines: bool = False  # whether one of them goes on over several lines

    def message(self, spaces: str, indent: int, box: int) -> str:
        which = (f"the comment on line {self.lines[0]} is" if len(self.lines) == 1 else
                 f"the comments on lines {', '.join(map(str, self.lines[:-1]))} and {self.lines[-1]} are")
        it, its = ("it", "its") if len(self.lines) == 1 else ("them", "their")
        fix = f"move {it} out of the box, or indent each of {its} lines by {box} spaces"
        if self.over_lines:
            fix += f", with no blank line inside {it}"
        if indent >= box + 4 and not (self.before and _LIST_ITEM.match(self.before[1])):
            fix += f", and this paragraph by {box} spaces too, like the box's other text"
        return (f"this paragraph is indented by {spaces} like a box's text, but {which} indented by "
                f"less, which ends the box, so this shows as code: {fix}")


_ONE_COMMENT = re.compile(r"<!--.*?--!?>")


def _only_comment(text: str) -> bool:
    """Whether a line holds a comment and nothing else: one that starts a line (`COMMENT`), one
    on its own, or the first line of one that goes on."""
    return text.startswith("<!--") and (_ONE_COMMENT.fullmatch(text) is not None
                                        or _COMMENT_END.search(text) is None)


def _comment_in_box(body: Sequence[tuple[int, str]], at: int, box: int) -> tuple[int, str | None]:
    """For a comment starting at `body[at]` in a box whose text is indented by `box`: the index of
    its last line, and, if a blank line or a line indented by less comes before its end, which
    in a box shows its text, the message (else None). One never ended is only its first line:
    Python-Markdown shows its `<!--` and reads on."""
    if _COMMENT_END.search(body[at][1]):
        return at, None
    blank = False
    less: tuple[int, int] | None = None  # its first line indented by less: (number, indent)
    for last in range(at + 1, len(body)):
        number, shown = body[last]
        blank = blank or not shown.strip()
        if less is None and shown.strip() and indent_width(shown) < box:
            less = (number, indent_width(shown))
        if _COMMENT_END.search(shown):
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


def indent_width(line: str) -> int:
    """How far a line is indented, a tab counting four spaces, as Python-Markdown counts: by its
    spaces and tabs only. A non-breaking space (or any other space character) is text to it."""
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


_NON_BREAKING = frozenset("\u00a0\u2007\u202f")  # no-break, figure and narrow no-break spaces
_FULL_WIDTH = frozenset("\u3000")
# What starts a block of its own that a space character before it makes text: a box's first line,
# a heading, a quote, a fenced code block, a table's row, a definition; a list item (`_LIST_ITEM`)
# only where a list can start or go on.
_OWN_BLOCK = re.compile(r"!!!|\?\?\?|#{1,6}[ \t]|>|`{3}|~{3}|\||:[ \t]")


def _pasted_spaces(line: str, indent: int, text: str, boxes: Sequence[int], in_list: bool,
                   looked: tuple[int, str] | None, after_blank: bool) -> str | None:
    """The message for a line that starts with non-breaking spaces (or other space characters than
    spaces and tabs, as a word processor pastes them), if they make it show otherwise than it
    looks: Python-Markdown reads them as text, not as indentation, so the line is read at the
    indent of its spaces and tabs (`indent`) and the text after them (`text`) starts with them.

    Told where the line looks indented enough to be in a box's or a list item's text and is not
    (`boxes`, the text indents of the boxes above it; `in_list`, below a list item, a definition
    or a footnote at the margin; `looked`, the line with text above as it looks, its indent and
    text), but right below a line of a list item's text, which it goes on with, showing no
    differently; or where what follows them starts a block (a box's first line, a list item, a
    heading…), which then shows as text. A comment they start is taken out all the same: told
    only where it ends a box. None if there are none, or if they change nothing (at the start of
    a paragraph at the margin, say, where Python-Markdown leaves them out)."""
    others = [c for c in line[:len(line) - len(line.lstrip())] if c not in " \t"]
    if not others:
        return None
    looks = _looks_indented(line)
    holders = {0, *boxes}
    if in_list:
        holders.add(4)
    below_item = bool(looked and _LIST_ITEM.match(looked[1]))
    if looked and below_item:
        holders.add(looked[0] + 4)
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
    if all(c in _NON_BREAKING for c in others):
        what = "non-breaking space{} (often pasted from a word processor)"
    elif all(c in _FULL_WIDTH for c in others):
        what = "full-width space{} (as a Chinese, Japanese or Korean keyboard types them)"
    else:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in others}))
        what = "special space{} (" + codes + ", often pasted from a word processor)"
    what = ("a " + what.format("").replace("types them", "types it")) if one else what.format("s")
    them = "it" if one else "them"
    if meant == indent:
        fix = f"take {them} out" + (", so that the line starts at the left margin" if meant == 0 else "")
    else:
        fix = f"replace {them} with ordinary spaces, so that the line is indented by {meant} spaces"
        if _BOX_START.match(shown) and not after_blank and meant not in boxes:
            fix += ", and put a blank line above it"  # right below a list item's line, it is its text
    return (f"this line starts with {what}, which {'does' if one else 'do'} not count as indentation, "
            f"so {outcome}: {fix}")


def _looks_indented(line: str) -> int:
    """How far a line looks indented, whatever space characters it starts with: a tab counting
    four spaces, a full-width space two, any other one."""
    looks = 0
    for c in line[:len(line) - len(line.lstrip())]:
        looks += 4 - looks % 4 if c == "\t" else 2 if unicodedata.east_asian_width(c) in ("F", "W") else 1
    return looks


# The attribute however HTML and attribute braces let it be written: in any case, quoted either way
# or not at all, with spaces around the "=".
_DOWNLOAD_ATTRIBUTE = re.compile(r"""(?<![\w-])data-download\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`}]+))""",
                                 re.IGNORECASE)
# What a line shows or hides rather than reads: `data-download="…"` in a sentence, an HTML comment.
_NOT_READ = re.compile(r"(`+).+?\1|<!--.*?-->")


def download_attribute_problems(lines: Sequence[str], first: int, is_download: Callable[[str], bool],
                                example: str | Callable[[str], str],
                                unwritten: Callable[[str], str | None] = lambda path: None,
                                links: list[tuple[int, str]] | None = None) -> list[Finding]:
    """A link to a download (`data-download="…"`, in attribute braces or raw HTML) whose path is
    not one the build writes: the downloads' list completes links by their path from the site's
    root, so "./downloads/…" or "…#page=2" (not the path of any download: `is_download`), or the
    handout of a chapter the book does not have or a file of a format it does not offer
    (`unwritten`: the message, for a path of the right shape), passed every other check and
    stopped only a build that makes the downloads, after printing (a preview made the link
    text). The build reads the attribute only as `data-download="…"`: written another way, the
    link was left without its file's type and size.

    `example`: a path the build writes, or the one to suggest for a given path (a handout's for a
    path among the handouts). `links`, if given, gets each link to a file the build writes, with
    its line (what only the rendered pages tell is checked later)."""
    def shown(path: str) -> str:
        return example(path) if callable(example) else example

    found = []
    for number, line in _shown_body_lines(lines, first):
        for match in _DOWNLOAD_ATTRIBUTE.finditer(_NOT_READ.sub("", line)):
            path = next(value for value in match.groups() if value is not None)
            known = is_download(path)
            why = unwritten(path) if known else None
            if match.group(0) != f'data-download="{path}"':
                fix = f'data-download="{path}"' if known else (
                    f'data-download="{shown(path)}" (the file\'s path from the site\'s root, as the build '
                    "writes it, with no ./ or ../ and nothing after the file name)")
                found.append((number, (
                    f"{match.group(0)} is not read by the build: write the attribute as {fix}, the path "
                    "in double quotes with nothing around the =")))
            elif not known:
                found.append((number, (
                    f'data-download="{path}" names no file the build writes: give the file\'s path from '
                    f'the site\'s root exactly as the build writes it, e.g. data-download="{shown(path)}" '
                    "(no ./ or ../, nothing after the file name)")))
            if why:
                found.append((number, why))
            elif links is not None and known:
                links.append((number, path))
    return found


def _shown_body_lines(lines: Sequence[str], first: int) -> Iterable[tuple[int, str]]:
    """`_body_lines`, each with its text outside HTML comments (`outside_comments`): a box or a
    link written in a comment shows nothing. A comment's lines are read as blank, but its first,
    which is read as an empty comment (`COMMENT`): a block of its own, which ends a box as any
    block less indented than the box's text does."""
    code = fenced_lines(lines)
    shown, starts, ends = _without_comments(lines, code)
    for index in range(max(first - 1, 0), len(lines)):
        if index in starts:
            yield index + 1, shown[index][:starts[index]] + COMMENT + shown[index][starts[index]:]
        elif index in ends:  # text after a comment's end: a block of its own, at the margin
            yield index + 1, shown[index].lstrip()
        elif index not in code:
            yield index + 1, shown[index]


COMMENT = "<!---->"  # a comment, emptied
_COMMENT_END = re.compile(r"--!?>")


def outside_comments(lines: Sequence[str], code: set[int]) -> list[str]:
    """Each line's text outside HTML comments that start a line (`<!-- … -->`, over any number
    of lines), which show nothing: a box written in one is no box. As Python-Markdown reads them,
    before any other Markdown but fenced code: a comment counts from its `<!--` to its `-->` (or
    `--!>`) only if it has one (an unclosed `<!--` shows as text), it starts a line if at most
    three spaces come before it (a tab is four), and one that starts inside a line (even in a
    code span) is left as it is, along with whatever it runs over, up to its end."""
    return _without_comments(lines, code)[0]


def _without_comments(lines: Sequence[str], code: set[int]) -> tuple[list[str], dict[int, int], set[int]]:
    """`outside_comments`, where each comment it took out starts ({line index: column}), and the
    lines where those over several lines end."""
    text = "\n".join("" if index in code else line for index, line in enumerate(lines))
    parts: list[str] = []
    starts: dict[int, int] = {}
    ends: set[int] = set()
    at = line = 0  # where the text is read from, and its line's index
    while (start := text.find("<!--", at)) != -1:
        end = _COMMENT_END.search(text, start + 4)
        if end is None:
            break
        line += text.count("\n", at, start)
        before = text[text.rfind("\n", 0, start) + 1:start]  # on its line
        if len(before.expandtabs(4)) <= 3 and not before.strip():
            # The comment's text goes, its line breaks stay: every line keeps its number.
            parts += (text[at:start], "\n" * text.count("\n", start, end.start()))
            starts[line] = len(before)
            if "\n" in text[start:end.start()]:
                ends.add(line + text.count("\n", start, end.start()))
        else:
            parts.append(text[at:end.end()])
        line += text.count("\n", start, end.end())
        at = end.end()
    parts.append(text[at:])
    visible = "".join(parts).split("\n")
    return [line if index not in code else lines[index] for index, line in enumerate(visible)], starts, ends


def _body_lines(lines: Sequence[str], first: int) -> Iterable[tuple[int, str]]:
    """(1-based number, line) of the body's lines outside fenced code blocks."""
    code = fenced_lines(lines)
    for index in range(max(first - 1, 0), len(lines)):
        if index not in code:
            yield index + 1, lines[index]


def fenced_lines(lines: Sequence[str]) -> set[int]:
    """Indexes of lines inside fenced code blocks (``` or ~~~, as pymdownx.superfences reads
    them), whose text shows as code and is never read as Markdown."""
    inside: set[int] = set()
    fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                inside.add(index)
        else:
            inside.add(index)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
    return inside


# --- What would take Python-Markdown too long, or too deep -----------------------------------

# Python-Markdown reads nested lists, quotes and boxes by calling itself once per level and
# stops with a RecursionError at about 300 levels (fewer with boxes and raw HTML read as
# Markdown); each level also costs more than the one before. A book needs a handful.
MAX_NESTING = 50
_MARKER = re.compile(r"[>\-*+]|\d+[.)]")
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*")
# Each pair of '*' or '_' around text is one more level of emphasis: '**' * 50 is 50 levels.
_EMPHASIS_RUN = re.compile(rf"[*_]{{{2 * MAX_NESTING + 1},}}")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)")
# Elements that have no end tag.
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "source", "track", "wbr", "param", "keygen", "frame"})
# Elements whose end tag browsers take as given when the next one starts: <p><p> is not nested.
_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
                       "tbody", "tfoot", "rt", "rp"})


def nesting_problems(lines: Sequence[str], first: int) -> list[Finding]:
    """The first line where lists, quotes and boxes, or raw HTML elements, nest more than
    MAX_NESTING levels deep, in one pass over the page."""
    findings = []
    markdown_line = html_line = None
    open_tags: list[str] = []
    counts: dict[str, int] = {}  # how many of each element are open: a close tag finds its own at once
    for number, line in _body_lines(lines, first):
        if markdown_line is None:
            prefix = _CONTAINERS.match(line).group(0)  # type: ignore[union-attr]
            markers = len(_MARKER.findall(prefix))
            if indent_width(line) // 4 + markers > MAX_NESTING or _EMPHASIS_RUN.search(line) \
                    and line.strip(" *_-"):  # a line of signs alone is a horizontal rule
                markdown_line = number
        if html_line is None and "<" in line:
            for close, name, rest in _TAG.findall(line):
                name = name.lower()
                if close:
                    while counts.get(name):
                        counts[open_tags[-1]] -= 1
                        if open_tags.pop() == name:
                            break
                elif name not in VOID_ELEMENTS and not rest.rstrip().endswith("/"):
                    if name in _SIBLINGS and open_tags and open_tags[-1] == name:
                        continue
                    open_tags.append(name)
                    counts[name] = counts.get(name, 0) + 1
                    if len(open_tags) > MAX_NESTING:
                        html_line = number
                        break
    if markdown_line is not None:
        findings.append((markdown_line, (
            f"lists, quotes, boxes or emphasis are nested more than {MAX_NESTING} levels deep "
            "here, more than the build can read: nest them a few levels at most (each level is "
            "four more spaces or one more '>' or list sign at the start of the line, or one more "
            "'*' or '_' on each side of the text)"
        )))
    if html_line is not None:
        findings.append((html_line, (
            f"raw HTML elements are nested more than {MAX_NESTING} levels deep here, more than "
            "the build can read: close each element with its end tag before the next one "
            "starts, or write the page in Markdown"
        )))
    return findings


# Python-Markdown looks for the end of a link's text (']'), of its address (')') and of an HTML
# tag or autolink ('>') from every sign that starts one: a sign that nothing closes makes it read
# the rest of the paragraph again (the rest of the page, for '<'). A page full of them takes
# minutes. Each sign is given, as a budget, what a closed one costs, plus room to spare.
_READ_AGAIN_BUDGET = 20  # times the page's length
_READ_AGAIN_ALLOWANCE = 200_000  # characters, for short pages


def unclosed_sign_problems(lines: Sequence[str], first: int) -> list[Finding]:
    """Where '[', '](' or '<' signs left open would make Python-Markdown read the same text
    again and again: the first line of the paragraph (or page) that costs most."""
    body = list(_body_lines(lines, first))
    budget = _READ_AGAIN_BUDGET * sum(len(line) + 1 for _, line in body) + _READ_AGAIN_ALLOWANCE
    paragraphs: list[tuple[int, list[str]]] = []  # (first line, its lines)
    previous = 0
    for number, line in body:
        if not line.strip():
            continue
        if paragraphs and previous == number - 1:
            paragraphs[-1][1].append(line)
        else:
            paragraphs.append((number, [line]))
        previous = number
    cost = 0
    worst: tuple[int, int, str] = (0, 0, "")  # (cost, line, sign)
    for start, paragraph in paragraphs:
        text = "\n".join(paragraph).replace("\\[", "").replace("\\<", "")  # escaped: text, not a start
        for sign, closer in (("[", "]"), ("](", ")")):
            spent = _read_again(text, sign, closer)
            cost += spent
            worst = max(worst, (spent, start, sign))
    whole = "\n".join(line for _, line in body).replace("\\<", "")
    spent = _read_again(whole, "<", ">")
    cost += spent
    if cost > budget:
        sign = "<" if spent >= worst[0] else worst[2]
        at = _first_line_of(body, "<") if sign == "<" else worst[1]
        what = {"[": "'[' signs that no ']' closes", "](": "links whose address no ')' closes",
                "<": "'<' signs that no '>' closes"}[sign]
        return [(at, (
            f"this {'page' if sign == '<' else 'paragraph'} has so many {what} that the build "
            "would take minutes to read it: close each one, or write '\\[' or '&lt;' for a "
            "bracket that is only text"
        ))]
    return []


def _read_again(text: str, sign: str, closer: str) -> int:
    """About how many characters Python-Markdown reads looking for the closer of each sign: from
    each sign to the next closer (an upper bound), counted piece by piece."""
    if sign not in text:
        return 0
    if sign == "<":  # only a '<' that starts a tag, a comment or an autolink: '2 < 3' is text
        return sum(len(_TAG_START.findall(piece)) * len(piece) for piece in text.split(closer))
    return sum(piece.count(sign) * len(piece) for piece in text.split(closer))


_TAG_START = re.compile(r"<[A-Za-z/!?]")


def _first_line_of(body: Sequence[tuple[int, str]], sign: str) -> int:
    return next((number for number, line in body if sign in line), body[0][0] if body else 1)
