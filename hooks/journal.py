"""The reflection journal: each chapter's prompts get their identity and a note on where answers
are kept, and the page "My reflections" lists every prompt of the book (ebook/site/journal.py);
docs/javascripts/journal.js does the rest, in the reader's browser."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.plugins import event_priority

from ebook.model import state
from ebook.site import journal

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_journal: journal.Journal | None = None  # this build's


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _journal
    _journal = state.keep(config, journal.Journal())  # where the preview finds it too
    return config


# Priority -60: after every hook that adds to the content, and after the EPUB (-50) and the
# print page took theirs; what is read here is written in on_page_context, once the search
# index took the page.
@event_priority(-60)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _journal is not None
    _journal.read(html, page, state.book_of(config))
    return html


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    assert _journal is not None
    if page.content:
        page.content = _journal.written(page.content, page, state.book_of(config))
    return context
