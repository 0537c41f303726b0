"""Checks of a page's Markdown lines, for what Python-Markdown reads without a word of warning, and
the reading of those lines they share: fenced code, comments, indentation.

Not a hook: the chapter checks (hooks/checks.py) call these and report what they find. A page's boxes are checked in boxes.py.

- A link to a download whose `data-download` path is not one the build writes: no download's
  path, or the handout of a chapter the book does not have, or a format it does not offer.
- A line that starts a numbered list's item as a word processor writes it, "1)", which
  Python-Markdown does not read as a list.
- What the build could not read in reasonable time or at all: lists, quotes, boxes, emphasis or
  raw HTML nested more than 50 levels deep, and brackets left open by the thousand.

Each check takes the page's lines and gives (line number, message) pairs, the message in the
checks' form "what is wrong: how to fix it".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from html.parser import HTMLParser

Finding = tuple[int, str]  # (1-based line, message)

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")  # a fenced code block's first or last line


def indent_width(line: str) -> int:
    """How far a line is indented, a tab counting four spaces, as Python-Markdown counts: by its
    spaces and tabs only. A non-breaking space (or any other space character) is text to it."""
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


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
    for number, line in shown_body_lines(lines, first):
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


# "1) text" (after a quote's '>' signs), which only pymdownx.fancylists (not in the book) reads as
# a numbered list's item; a word processor may put a non-breaking space after the ")". Up to
# three digits: "(Rogers,\n1951) found" is a wrapped sentence.
_PARENTHESIS_ITEM = re.compile(r"(?:[ \t]*>)*[ \t]*(\d{1,3})\)[ \t\u00a0\u202f]+(\S.*)")
_NUMBERED_ITEM = re.compile(r"(?:[ \t]*>)*[ \t]*\d{1,9}[.)][ \t\u00a0\u202f]")  # "1." or "1)": an item, or meant as one
_EXAMPLE_LENGTH = 40  # characters of the item's text in the message's example


def parenthesis_item_problems(lines: Sequence[str], first: int, render: Callable[[str], str]) -> list[Finding]:
    """Lines that start a numbered list's item as a word processor writes it, "1)", which
    Python-Markdown shows as text: where a list would start (after a blank line, a heading or a
    line ending with ':') or go on (after a numbered item). Told only where the page, rendered
    (`render`: its body to HTML, called only when a line looks so), shows the line as a
    paragraph's or a list item's text: not as code, in a table or as raw HTML."""
    candidates: list[tuple[int, str, str, bool]] = []  # (line, number, text, blank line needed)
    above, above_number = "", first - 1  # the shown line above (a fence or the front matter: none)
    for number, line in shown_body_lines(lines, first):
        previous = above.strip() if above_number == number - 1 else ""
        previous = "" if not previous.strip("> \t") else previous  # a quote's blank line too
        above, above_number = line, number
        if not (item := _PARENTHESIS_ITEM.match(line)):
            continue
        after_item = bool(_NUMBERED_ITEM.match(previous))
        opens = previous.endswith(":") and not after_item  # a paragraph, which a list must be set apart from
        if previous and not (after_item or opens or previous.lstrip("> ").startswith("#")):
            continue  # the next line of a sentence, shown as it is meant
        candidates.append((number, item.group(1), item.group(2), opens))
    if not candidates:
        return []
    # Each candidate marked after its ")": the page rendered with the marks shows which of them
    # are text.
    marked = list(lines[first - 1:])
    for index, (number, n, _, _) in enumerate(candidates):
        marked[number - first] = marked[number - first].replace(f"{n})", f"{n}){_MARK}{index}{_MARK}", 1)
    shown = _marks_shown_as_text(render("\n".join(marked)))
    findings: list[Finding] = []
    for index, (number, n, text, opens) in enumerate(candidates):
        if index not in shown:
            continue
        blank = ", with a blank line above the list" if opens else ""
        findings.append((number, (
            f"this line starts with '{n})', which is not read as a numbered list, so it shows as "
            f"text: write '{n}.' for a list item, e.g. {n}. {_shortened(text)}{blank}, or '{n}\\)' "
            f"to show '{n})' as it is"
        )))
    return findings


_MARK = "\u2063"  # an invisible separator, which no Markdown syntax reads


class _ShownText(HTMLParser):
    """The text of a page's paragraphs and list items (`<p>` and `<li>`), outside code and tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]  # with those inside it

    def handle_data(self, data: str) -> None:
        if {"p", "li"} & set(self._open) and not {"pre", "code", "table"} & set(self._open):
            self.text.append(data)


def _marks_shown_as_text(html_text: str) -> set[int]:
    """The marks (`_MARK`, a number, `_MARK`) in a page's paragraphs and list items."""
    parser = _ShownText()
    parser.feed(html_text)
    parser.close()
    return {int(found) for found in re.findall(f"{_MARK}(\\d+){_MARK}", "".join(parser.text))}


def _shortened(text: str) -> str:
    text = text.strip()
    if len(text) <= _EXAMPLE_LENGTH:
        return text
    # Cut after the last whole word, so the example never ends inside one (words joined by a
    # non-breaking space are one).
    kept = text[:_EXAMPLE_LENGTH]
    if not _WORD_BREAK.fullmatch(text[_EXAMPLE_LENGTH]) and (breaks := list(_WORD_BREAK.finditer(kept))):
        kept = kept[:breaks[-1].start()]
    return kept.rstrip() + "…"


_WORD_BREAK = re.compile(r"[^\S\u00a0\u2007\u202f]")  # any space but the non-breaking ones


def shown_body_lines(lines: Sequence[str], first: int) -> Iterable[tuple[int, str]]:
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
COMMENT_END = re.compile(r"--!?>")


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
        end = COMMENT_END.search(text, start + 4)
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
        match = FENCE.match(line)
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
