"""Downloads: the index of every downloadable file, and the links to them (ebook/downloads.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ebook.downloads import DownloadsIndex
from ebook.model import state

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_index: DownloadsIndex | None = None  # this build's


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _index
    _index = DownloadsIndex(state.book_of(config), config)
    return config


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    assert _index is not None
    _index.page_context(context, page)
    return context


def on_post_build(config: MkDocsConfig) -> None:
    assert _index is not None
    _index.write(config)
