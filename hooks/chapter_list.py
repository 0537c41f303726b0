"""Chapter lists: the home page and the chapters' page list the book's chapters by themselves,
in the order of `nav:`, and the home page's "Start reading" leads to the first
(ebook/site/chapter_list.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ebook.model import state
from ebook.site import chapter_list

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


_lists: chapter_list.ChapterLists | None = None  # this build's


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _lists
    _lists = chapter_list.ChapterLists()
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not chapter_list.has_marker(markdown):
        return markdown
    assert _lists is not None
    chapters = _lists.chapters(state.book_of(config), files)
    return chapter_list.with_chapter_list(markdown, chapters, page.file.src_uri)
