"""EPUB 3: the book for e-readers and phones (ebook/epub/export.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

from ebook.epub.export import EpubExport
from ebook.model import state

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_export: EpubExport | None = None  # this build's


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _export
    _export = EpubExport(state.book_of(config), config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _export is not None
    _export.files(files, config)
    return files


# Priority -50: after every hook that adds to the content (the attribution block comes at 50).
@event_priority(-50)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _export is not None
    _export.page_content(html, page)
    return html


def on_post_build(config: MkDocsConfig) -> None:
    assert _export is not None
    _export.write(config)
