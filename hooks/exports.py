"""The downloads: PDFs, EPUB, offline edition and their index, in that order (ebook/exports.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.plugins import CombinedEvent, event_priority

from ebook.exports import Exports
from ebook.model import state

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_exports: Exports | None = None  # this build's


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _exports
    if _exports is not None:
        _exports.close()  # an earlier build of the same process (mkdocs serve)
    _exports = Exports(state.book_of(config), config)
    return config


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    assert _exports is not None
    _exports.read_navigation(state.book_of(config))
    return nav


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _exports is not None
    _exports.files(files, config)
    return files


def on_pre_build(config: MkDocsConfig) -> None:
    assert _exports is not None
    _exports.pre_build(config)


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    assert _exports is not None
    _exports.env(env)
    return env


def _page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _exports is not None
    _exports.page_content(html, page)
    return html


# Priority -50: after every hook that adds to the content (the attribution block comes at 50).
@event_priority(-50)
def _finished_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _exports is not None
    _exports.finished_page_content(html, page)
    return html


on_page_content = CombinedEvent(_page_content, _finished_page_content)


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    assert _exports is not None
    _exports.page_context(context, page)
    return context


def _post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assert _exports is not None
    return _exports.post_page(output, page, config)


# Priority -100: last, on the page as MkDocs writes it, as the index reads it back in on_post_build.
@event_priority(-100)
def _written_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assert _exports is not None
    return _exports.written_page(output, page, config)


on_post_page = CombinedEvent(_post_page, _written_page)


def on_post_build(config: MkDocsConfig) -> None:
    assert _exports is not None
    _exports.write(config)


def on_build_error(error: Exception) -> None:
    if _exports is not None:
        _exports.close()
