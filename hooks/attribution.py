"""Attribution: every page credits the original work, and the About page says how to credit this
edition (ebook/site/attribution.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from mkdocs.plugins import event_priority

from ebook.model import state
from ebook.site import attribution

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from ebook.model.credits import PageAttribution


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if attribution.CREDIT_MARKER not in markdown:
        return markdown
    return attribution.with_suggested_credit(markdown, state.book_of(config).credits)


_credits: dict[str, PageAttribution] = {}  # each page's, from its content to its context


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _credits.clear()  # an earlier build's
    return config


# Priority 50: run before print-site stores each page's HTML for the combined print page.
@event_priority(50)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    credit = state.book_of(config).page_attribution(page.meta, source=f"docs/{page.file.src_uri}")
    _credits[page.file.src_uri] = credit
    return html + attribution.render_block(credit)


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    book = state.book_of(config)
    credit = _credits.pop(page.file.src_uri, None)  # read from the same front matter just before
    if credit is None:
        credit = book.page_attribution(page.meta, source=f"docs/{page.file.src_uri}")
    is_chapter = book.is_chapter(page.file.src_uri)
    # For overrides/main.html, which writes them at the end of <head>, and partials/page-meta.html.
    context["attribution_head"] = Markup(attribution.render_head(credit, page_title=page.title or "",
                                                                 is_chapter=is_chapter))
    context["page_is_chapter"] = is_chapter
    return context
