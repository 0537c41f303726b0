"""Chapter lists: the home page and the chapters' page list the chapters by themselves.

A page's line `<!-- chapter list -->` is replaced by a numbered list of the book's chapters in
reading order (the order of `nav:` in mkdocs.yml), each linked by its title with its
description, both from its front matter. A chapter added to `nav:` is listed everywhere at once,
and no list can forget one or keep one that was removed. A line `<!-- start reading -->` becomes
the home page's "Start reading" link to the first chapter, read from the same list, so it follows
the book when chapters are added or moved. hooks/chapter_list.py calls `with_chapter_list` for
each page that holds either marker.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs.utils.meta import get_data

if TYPE_CHECKING:
    from mkdocs.structure.files import File, Files

    from ebook.model.book import Book

MARKER = "<!-- chapter list -->"
START_MARKER = "<!-- start reading -->"
MARKERS = (MARKER, START_MARKER)
START_CLASS = "book-start"  # docs/stylesheets/pages.css sets the link as the page's first action


@dataclass(frozen=True)
class ListedChapter:
    src_uri: str
    title: str
    description: str


def listed(file: File) -> ListedChapter:
    """A chapter's title and description, from its front matter (the chapter checks have made
    sure both are there, as plain text, before any page is read)."""
    assert file.abs_src_path is not None  # a chapter is a file of the docs folder, not generated
    # A file that is not UTF-8 is the checks' to report: its list entry only needs to not crash.
    with open(file.abs_src_path, encoding="utf-8-sig", errors="replace") as f:
        _, meta = get_data(f.read())
    return ListedChapter(
        src_uri=file.src_uri,
        title=str(meta.get("title") or posixpath.splitext(posixpath.basename(file.src_uri))[0]),
        description=" ".join(str(meta.get("description") or "").split()),
    )


def listed_chapters(book: Book, files: Files) -> list[ListedChapter]:
    """The book's chapters in reading order, each with its title and description."""
    return [listed(files.src_uris[chapter.src_uri]) for chapter in book.chapters]


class ChapterLists:
    """One build's chapters as its lists show them, read once for every page that lists them
    (hooks/chapter_list.py makes one in each build's `on_config`; a title or description edited
    in the preview builds the whole book again, with a new one)."""

    def __init__(self) -> None:
        self._chapters: list[ListedChapter] | None = None

    def chapters(self, book: Book, files: Files) -> list[ListedChapter]:
        if self._chapters is None:
            self._chapters = listed_chapters(book, files)
        return self._chapters


def has_marker(markdown: str) -> bool:
    return any(marker in markdown for marker in MARKERS)


def with_chapter_list(markdown: str, chapters: Sequence[ListedChapter], page_src_uri: str) -> str:
    """The page's Markdown with each marker line replaced by what it stands for, linked from
    the page: the list of chapters, or the link to start reading."""
    made = {MARKER: chapter_list(chapters, page_src_uri), START_MARKER: start_reading(chapters, page_src_uri)}
    lines = markdown.split("\n")
    return "\n".join(made.get(line.strip(), line) for line in lines)


def chapter_list(chapters: Sequence[ListedChapter], page_src_uri: str) -> str:
    here = posixpath.dirname(page_src_uri)
    items = []
    for number, chapter in enumerate(chapters, start=1):
        link = posixpath.relpath(chapter.src_uri, here or ".")
        item = f"{number}. [{_escape(chapter.title)}](<{link}>)"
        items.append(f"{item}: {_escape(chapter.description)}" if chapter.description else item)
    return "\n".join(items)


def start_reading(chapters: Sequence[ListedChapter], page_src_uri: str) -> str:
    """A paragraph: "Start reading", a button to the first chapter, and that chapter's number
    and title (nothing in a book without chapters)."""
    if not chapters:
        return ""
    first = chapters[0]
    link = posixpath.relpath(first.src_uri, posixpath.dirname(page_src_uri) or ".")
    return (f"[Start reading](<{link}>){{ .md-button .md-button--primary }}\n"
            f"Chapter 1: {_escape(first.title)}\n"
            f"{{ .{START_CLASS} }}")


# What Python-Markdown and the attribute lists would read as markup in a title or a description,
# which are plain text: the characters it lets a backslash escape (the chapter checks already
# refuse "<", ">" and "&" followed by a name in both).
_MARKUP = re.compile(r"([\\`*_{}\[\]()#!])")


def _escape(text: str) -> str:
    return _MARKUP.sub(r"\\\1", text)
