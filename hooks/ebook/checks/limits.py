"""What no page may have, because the build could not read it at all or in reasonable time:
text that is not UTF-8, front matter that YAML would blow up, nesting deeper than
Python-Markdown can read, signs left open that make it read a page over and over.

Each is found in time linear in the page's size, before anything parses or renders the page.
"""

from __future__ import annotations

from typing import Any, Sequence

import yaml

from ebook.checks import source_lines
from ebook.checks.problems import Problem


def decode(raw: bytes, path: str) -> tuple[str, Problem | None]:
    """The file's text, as MkDocs reads it (UTF-8, an optional byte-order mark, any line ends)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[line_start:error.start].decode("utf-8", "replace")) + 1
        return "", Problem(
            path, line,
            f"the file is not valid UTF-8 text (byte 0x{raw[error.start]:02X} at column {column}): "
            "save the file with the UTF-8 encoding in your editor and check the characters "
            "on that line",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


# The parser MkDocs reads front matter with (mkdocs.utils.meta): libyaml when PyYAML has it.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterRefused(Exception):
    """Front matter the checks will not build: `line` (in the file) and the message."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


# More than any page needs (a title, a description, a credit), far less than would slow anything.
FRONT_MATTER_MAX_CHARACTERS = 10_000
FRONT_MATTER_MAX_NESTING = 10
# The tags that only say what plain YAML says anyway; any other is of no use in front matter.
_PLAIN_TAGS = {None, "!", *(f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null"))}


def screen_yaml(text: str, loader_class: type[Any]) -> None:
    """Refuse, from the parser's events alone (nothing built, nothing expanded, no recursion),
    what YAML could blow up: an alias repeats a piece of the document, and nine lines of aliases
    of aliases stand for billions of values; nesting hundreds deep exhausts Python's stack."""
    if len(text) > FRONT_MATTER_MAX_CHARACTERS:
        raise FrontMatterRefused(2, (
            f"the front matter is {len(text):,} characters long, more than the "
            f"{FRONT_MATTER_MAX_CHARACTERS:,} a page's title, description and credit need: "
            "shorten it, and move long text into the page itself"
        ))
    loader = loader_class(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 2  # the opening --- is the file's first line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise FrontMatterRefused(line, (
                    "the front matter uses a YAML anchor ('&name') or alias ('*name'), which "
                    "repeats another value and can make the build run out of memory: write the "
                    "value out in full; front matter has no use for YAML anchors"
                ))
            if getattr(event, "tag", None) not in _PLAIN_TAGS:
                raise FrontMatterRefused(line, (
                    f"the front matter uses the YAML tag '{event.tag}', which MkDocs cannot read: "
                    "remove the tag (the word starting with '!') and write the value as plain "
                    "text, in double quotes if it starts with '!'"
                ))
            depth += isinstance(event, yaml.CollectionStartEvent)
            depth -= isinstance(event, yaml.CollectionEndEvent)
            if depth > FRONT_MATTER_MAX_NESTING:
                raise FrontMatterRefused(line, (
                    f"the front matter's fields are nested more than {FRONT_MATTER_MAX_NESTING} "
                    "levels deep here: a page's fields nest two or three levels at most, as in "
                    "the chapter template"
                ))
    finally:
        loader.dispose()


def limit_problems(front: str | None, lines: Sequence[str], body_start: int, path: str) -> list[Problem]:
    """What no page may have, because the build could not read it in reasonable time or at all:
    front matter that YAML would blow up, nesting deeper than Python-Markdown can read, signs
    left open that make it read a page over and over (its text decoded already)."""
    problems = [Problem(path, line, message) for line, message in too_deep_or_slow(lines, body_start)]
    if front is not None:
        try:
            screen_yaml(front, yaml.SafeLoader if "\t" in front else LOADER)
        except FrontMatterRefused as refused:
            problems.append(Problem(path, refused.line, refused.message))
        except yaml.YAMLError:
            pass  # check_front_matter says what is wrong
    return problems


def too_deep_or_slow(lines: Sequence[str], body_start: int) -> list[source_lines.Finding]:
    return source_lines.nesting_problems(lines, body_start) \
        + source_lines.unclosed_sign_problems(lines, body_start)
