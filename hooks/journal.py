"""The reflection journal: each chapter's prompts get their identity and a note on where answers
are kept, and the page "My reflections" lists every prompt of the book (ebook/site/journal.py);
docs/javascripts/journal.js does the rest, in the reader's browser."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.plugins import event_priority

from ebook.model import state
from ebook.model.book import page_slug
from ebook.site import journal

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_chapters: dict[str, journal.ChapterJournal] = {}  # this build's, by source path
_reflections_url: str | None = None  # the address of the page that lists them all


def on_pre_build(config: MkDocsConfig) -> None:
    global _reflections_url
    _chapters.clear()
    _reflections_url = None


# Priority -60: after every hook that adds to the content, and after the EPUB (-50) and the
# print page took theirs; what is read here is written in on_page_context, after the search
# index took the page.
@event_priority(-60)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    global _reflections_url
    if journal.has_marker(html):
        _reflections_url = page.url
    elif state.book_of(config).is_chapter(page.file.src_uri):
        found = _read(html, page)
        if found is not None:
            _chapters[page.file.src_uri] = found
    return html


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    book = state.book_of(config)
    content = page.content or ""
    if page.file.src_uri in _chapters:
        chapter = _chapters[page.file.src_uri]
        if content != chapter.html:  # another hook changed it since: read it again
            chapter = _read(content, page) or chapter
        if content == chapter.html:
            page.content = chapter.annotated(content, book=book.slug, page_url=page.url,
                                             reflections_url=_reflections_url)
    elif journal.has_marker(content):
        chapters = [_chapters[c.src_uri] for c in book.chapters if c.src_uri in _chapters]
        page.content = journal.with_prompts(content, chapters, book=book.slug, page_url=page.url,
                                            book_credits=book.credits)
    return context


def _read(html: str, page: Page) -> journal.ChapterJournal | None:
    return journal.read_chapter(html, slug=page_slug(page.file.src_uri), title=page.title or "", url=page.url,
                                where=f"docs/{page.file.src_uri}")
