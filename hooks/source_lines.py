"""Checks of a page's Markdown lines, for what Python-Markdown reads without a word of warning.

Not a hook: the chapter checks (hooks/checks.py) call these and report what they find.

- A box's first line that Python-Markdown does not read as a box (its title in typographic
  quotes, say): the line shows as text and the box's text as code.
- A paragraph meant for a box but indented by fewer than four spaces: it falls outside the box.
- The chapter template's sample text left in a page (templates/chapter.md).

Each check takes the page's lines and gives (line number, message) pairs, the message in the
checks' form "what is wrong: how to fix it".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml
from mkdocs.utils.meta import YAML_RE

Finding = tuple[int, str]  # (1-based line, message)

# Python-Markdown's admonition line, and pymdownx.details' collapsible one ("???" or "???+").
_BOX_LINE = re.compile(r'(?P<marker>!!!|\?\?\?\+?) ?[\w\-]+(?: +[\w\-]+)*(?: +"(?:.*?)")? *$')
_BOX_START = re.compile(r"(?P<marker>!!!|\?\?\?\+?)(?=\s|[\w\"“”‘’'«»„]|$)")
_TYPOGRAPHIC_QUOTES = "“”‘’«»„‚"
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def box_line_problems(lines: Sequence[str], first: int) -> list[Finding]:
    """Lines that start like a box (`!!!` or `???`) but that Python-Markdown would not read as one.

    `first` is the 1-based line where the Markdown body starts (after the front matter).
    """
    findings = []
    for number, line in _body_lines(lines, first):
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
    - a box's first line indented by other than a multiple of four spaces: not read as a box."""
    findings = []
    open_boxes: list[int] = []  # the indent of each open box's text, innermost last
    after_blank = False
    previous: tuple[int, str] | None = None  # the last line with text: (indent, text)
    for number, line in _body_lines(lines, first):
        if not line.strip():
            after_blank = True
            continue
        indent = _indent(line)
        text = line.strip()
        spaces = f"{indent} space{'s' if indent != 1 else ''}"
        if open_boxes and indent < open_boxes[-1] and previous and previous[0] >= open_boxes[-1] \
                and not after_blank:
            findings.append((number, (
                f"this line is indented by {spaces}, so the box ends on the line above and this "
                f"line shows after the box: indent it by {open_boxes[-1]} spaces like the line above"
            )))
        elif after_blank:
            while open_boxes and indent < open_boxes[-1]:
                if indent > open_boxes[-1] - 4:
                    findings.append((number, (
                        f"this paragraph is indented by {spaces}, so it falls outside the box above "
                        f"it: indent it by {open_boxes[-1]} spaces to keep it in the box, or by none "
                        "to end the box"
                    )))
                    break
                open_boxes.pop()
            if open_boxes and indent >= open_boxes[-1] + 4 and previous \
                    and previous[0] <= open_boxes[-1] and not _LIST_ITEM.match(previous[1]):
                findings.append((number, (
                    f"this paragraph is indented by {spaces}, so it shows as code in the box: "
                    f"indent it by {open_boxes[-1]} spaces, like the box's other text"
                )))
        if _BOX_LINE.match(text):
            if indent % 4:
                findings.append((number, (
                    f"this box's first line is indented by {spaces}, so it is not read as a box: "
                    "start it at the left margin (or four spaces in for a box inside a box), with "
                    "its text four spaces further in"
                )))
            else:
                open_boxes.append(indent + 4)
        after_blank = False
        previous = (indent, text)
    return findings


_LIST_ITEM = re.compile(r"(?:[-*+]|\d+[.)])(?:\s|$)")


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


@dataclass(frozen=True)
class Placeholder:
    """A piece of the chapter template's sample text, as the words a page would repeat."""

    text: str  # as the template writes it
    words: tuple[str, ...]  # as written: "your name" in a note is not the placeholder "Your Name"
    fix: str = "replace it with the chapter's own words"


def template_placeholders(template: str) -> tuple[Placeholder, ...]:
    """What in the chapter template is there to be replaced: its front matter's title,
    description and author, and every sentence of its sample paragraphs and list items (titles
    of headings and boxes aside: a chapter may well use the same short titles)."""
    found: dict[str, str] = {}  # sample text: how to fix it
    front = YAML_RE.match(template)  # where MkDocs finds a page's front matter
    body = template[front.end():] if front else template
    meta = yaml.safe_load(front.group(1)) if front else None
    if isinstance(meta, dict):
        attribution = meta.get("attribution")
        author = attribution.get("written_by") if isinstance(attribution, dict) else None
        description = str(meta.get("description") or "")
        for value, fix in ((meta.get("title"), "give the chapter's own title"),
                           (description, "write one or two sentences about this chapter"),
                           *((s, "write one or two sentences about this chapter") for s in _sentences(description)),
                           (author, "put the name of whoever wrote the chapter")):
            if value:
                found.setdefault(" ".join(str(value).split()), fix)
    if front:
        # The notes' sample credit for adapted work, once its lines are uncommented.
        for key, value in re.findall(r"(?m)^\s*#\s*(title|author|publisher|source_url|changes):[ \t]*(\S.*)$",
                                     front.group(1)):
            found.setdefault(" ".join(value.split()), "give the original work's own details")
    for paragraph in _paragraphs(body):
        for sentence in _sentences(paragraph):
            found.setdefault(" ".join(sentence.split()), Placeholder.fix)
    return tuple(Placeholder(text=text, words=_words(text), fix=fix) for text, fix in found.items())


def placeholder_problems(lines: Sequence[str], placeholders: Sequence[Placeholder]) -> list[Finding]:
    """Where the page still has the template's sample text: one finding for each line where a
    piece of it starts."""
    notes = _front_matter_notes(lines)
    words = [(word, number) for number, line in enumerate(lines, start=1) if number not in notes
             for word in _words(line)]
    where: dict[str, list[int]] = {}
    for index, (word, _) in enumerate(words):
        where.setdefault(word, []).append(index)
    by_line: dict[int, list[Placeholder]] = {}
    for placeholder in placeholders:
        size = len(placeholder.words)
        for start in where.get(placeholder.words[0], []) if size else []:
            if tuple(w for w, _ in words[start:start + size]) == placeholder.words:
                by_line.setdefault(words[start][1], []).append(placeholder)
    findings = []
    for number, found in sorted(by_line.items()):
        # The description, and its first sentence in it: only the longer is worth quoting.
        found = [p for p in found if not any(p.text != q.text and p.text in q.text for q in found)]
        quoted = ", ".join(f'"{_shortened(p.text)}"' for p in found)
        fixes = list(dict.fromkeys(p.fix for p in found))
        findings.append((number, f"the chapter template's sample text {quoted} is still here: "
                                 f"{'; '.join(fixes)}"))
    return findings


def _front_matter_notes(lines: Sequence[str]) -> set[int]:
    """The numbers of the front matter's comment lines: the template's notes, which quote its
    sample text and are read by no one but the contributor."""
    if not lines or lines[0].strip() != "---":
        return set()
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    return {i + 1 for i in range(1, end) if lines[i].lstrip().startswith("#")}


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "…"


def _sentences(text: str) -> list[str]:
    """The sentences of a piece of text long enough to be told from a chapter's own words."""
    return [s for s in re.split(r"(?<=[.?!:])\s+", text) if len(_words(s)) >= 3]


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+(?:[’']\w+)*", text))


def _paragraphs(body: str) -> Iterable[str]:
    """The template's prose: paragraphs and list items, without headings or box lines."""
    current: list[str] = []
    for line in body.split("\n") + [""]:
        text = line.strip()
        if not text or text.startswith(("#", "!!!", "???", "---")) or re.match(r"[-*+] |\d+\. ", text):
            if current:
                yield " ".join(current)
            current = []
            if re.match(r"[-*+] |\d+\. ", text):
                current = [re.sub(r"^(?:[-*+]|\d+\.) ", "", text)]
            continue
        current.append(text)


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
