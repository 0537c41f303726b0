"""What the checks report: a problem on a line of a file, the files they read, each page's
report, and the list that stops the build.

Every problem reads `docs/path/file.md:LINE: what is wrong: how to fix it`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from ebook.checks.lines import Lines

DOCS = "docs"  # the folder of the sources, as contributors see their paths


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # as a contributor sees it: docs/chapters/file.md
    line: int
    message: str  # what is wrong: how to fix it

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Source:
    src_uri: str  # relative to docs/
    url: str  # the built page's or file's URL, relative to the site root (MkDocs' File.url)
    raw: bytes


@dataclass
class PageReport:
    """What the book-wide checks need to know about one page."""

    src_uri: str
    url: str
    problems: list[Problem] = field(default_factory=list)
    title: str | None = None
    title_line: int = 1
    ids: set[str] = field(default_factory=set)
    raw_links: list[tuple[str, int]] = field(default_factory=list)  # (address, line)
    lines: Lines | None = None
    prompts: bool | None = None  # it has reflection prompts, so a chapter's worksheet (None: not rendered)
    # Its source's links to the worksheets of the book's chapters: (the chapter's slug, line, path).
    worksheet_links: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class BookReport:
    problems: list[Problem]
    lines: dict[str, Lines]
    worksheet_links: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)  # by page


def format_problems(problems: Sequence[Problem]) -> str:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return f"The book has {count} to fix:\n" + "\n".join(map(str, problems))
