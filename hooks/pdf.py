"""PDFs: the whole book, a handout per chapter, a reflection worksheet per chapter. Entry points
only: the logic is in ebook/pdf/ (`PdfExport`, one per build)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ebook.model import state
from ebook.pdf.export import PdfExport

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_export: PdfExport | None = None  # this build's


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _export
    if _export is not None:  # an earlier build's browser, if still open
        _export.close()
    _export = PdfExport(state.book_of(config), config)
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    assert _export is not None
    _export.pre_build(config)


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    assert _export is not None
    _export.env(env)
    return env


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _export is not None
    _export.page_content(html, page)
    return html


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    assert _export is not None
    _export.page_context(context, page)
    return context


def on_post_build(config: MkDocsConfig) -> None:
    assert _export is not None
    _export.write(config)


def on_build_error(error: Exception) -> None:
    if _export is not None:
        _export.close()
