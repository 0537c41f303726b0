"""Last updated: every page's footer says when its text last changed, from one `git log` per
build (ebook/site/last_updated.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ebook.model import state
from ebook.site import last_updated

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_dates: last_updated.PageDates | None = None  # this build's


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _dates
    build_time = state.book_of(config).settings.switches.build_time
    # The theme's language, not the book's: the date is text of the page, whose lang it is.
    language = str(config.theme.get("language") or "en")
    _dates = last_updated.PageDates.read(Path(config.docs_dir), build_time=build_time, language=language)
    return files


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    assert _dates is not None
    context["last_updated"] = _dates.of(page.file.src_uri)
    return context
