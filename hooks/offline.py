"""Offline edition: the whole site in a zip that opens from a USB stick (ebook/offline.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ebook.model import state
from ebook.offline import OfflineExport

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_export: OfflineExport | None = None  # this build's


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _export
    if _export is not None:
        _export.close()  # an earlier build of the same process (mkdocs serve)
    _export = OfflineExport(state.book_of(config), config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _export is not None
    _export.files(files, config)
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assert _export is not None
    return _export.post_page(output, page, config)


def on_pre_build(config: MkDocsConfig) -> None:
    assert _export is not None
    _export.pre_build(config)


def on_build_error(error: Exception) -> None:
    if _export is not None:
        _export.close()


def on_post_build(config: MkDocsConfig) -> None:
    assert _export is not None
    _export.write(config)
