"""The chapter template's sample text left in a page (templates/chapter.md): its front matter's
title, description and author, and every sentence of its sample paragraphs and list items.

Not a hook: the chapter checks (hooks/checks.py) call these and report what they find, as
(line number, message) pairs in the checks' form "what is wrong: how to fix it".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml
from mkdocs.utils.meta import YAML_RE

from ebook.checks.source_lines import Finding


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
        describe = "write one or two sentences about this chapter"
        for value, fix in ((meta.get("title"), "give the chapter's own title"),
                           (description, describe), *((s, describe) for s in _sentences(description)),
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
    # Most pages have none: their words, run together, hold no placeholder's words in a row (a
    # word never spans lines, and the words are joined as each placeholder's are).
    read = "\n".join("" if number in notes else line for number, line in enumerate(lines, start=1))
    if not any(all(word in read for word in _longest_first(p.words)) for p in placeholders if p.words):
        return []  # no placeholder has all its words in the page, even inside other words
    page_words = f" {' '.join(_WORD.findall(read))} "
    if not any(f" {' '.join(p.words)} " in page_words for p in placeholders if p.words):
        return []
    return placeholder_findings(lines, placeholders, notes)


def placeholder_findings(lines: Sequence[str], placeholders: Sequence[Placeholder],
                         notes: set[int]) -> list[Finding]:
    """`placeholder_problems` word by word, placing each piece on its line (`notes`: the lines
    not read)."""
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


@functools.cache
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words, each once, the least likely to be in any page first."""
    return tuple(sorted(set(words), key=lambda word: (-len(word), word)))


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


_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")  # letters and digits: "_the_" is emphasis around a word


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


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
