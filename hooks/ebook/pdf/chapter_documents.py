"""A chapter's handout and reflection worksheet, and the collections they are printed in.

Each print of the browser has a fixed cost about that of a dozen more chapters, so handouts (and
worksheets) are printed several at a time: a collection in which each chapter has pages of its
own name, with its own running head, footer and page count (overrides/print/collection.html),
split after into one tagged PDF per chapter (`finishing.split_collection`). So that chapters can
share a document, each one's ids are made its own and its addresses start at the site's root.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lxml import etree as lxml_etree
from lxml import html as lxml_html
from markupsafe import Markup
from mkdocs.exceptions import PluginError

from ebook.model.book import download_path
from ebook.pdf.content import chapter_address, clean_content, from_root, own_ids, root_relative
from ebook.pdf.documents import (HEAD_MAX, PRINT_PAGE, WORKSHEET_HEAD_MAX, ChapterPrint, PdfMetadata, PrintDocument,
                                 document_context, part_targets, running_head)
from ebook.pdf.reflection import kept_whole, questions, worksheet_prompts
from ebook.site import attribution

if TYPE_CHECKING:
    from bs4 import Tag

    from ebook.model.book import Kind
    from ebook.pdf.documents import ChapterSource, PrintSetup
    from ebook.model.credits import PageAttribution


def handout_document(page_html: str, chapter: ChapterSource, setup: PrintSetup) -> ChapterPrint:
    sheets, article = _printable_chapter(page_html, chapter, setup)
    body = setup.templates.get_template("handout.html").render(content=Markup(article.decode_contents()))
    return _chapter_print("handout", "Handout", sheets, chapter, setup, Markup(body))


def worksheet_document(page_html: str, chapter: ChapterSource,
                       setup: PrintSetup) -> ChapterPrint | None:
    """The chapter's reflection worksheet, or None when the chapter has no reflection box."""
    sheets, prompts = _printable_prompts(page_html, chapter, setup)
    if not prompts:
        return None
    # The chapter's credit, but for what changed: the worksheet has the prompts alone.
    credit = attribution.render_block(chapter.attribution.for_output("worksheet"))
    room = setup.settings.writing_lines  # ruled lines in proportion to the questions asked
    body = setup.templates.get_template("worksheet.html").render(
        chapter=chapter,
        prompts=[(prompt, room.for_questions(questions(prompt)), kept_whole(prompt)) for prompt in prompts],
        attribution=Markup(credit),
    )
    return _chapter_print("worksheet", "Reflection worksheet", sheets, chapter, setup, Markup(body))


_ARTICLE = lxml_etree.XPath("//article[contains(concat(' ', normalize-space(@class), ' '), ' md-content__inner ')]")
_STYLESHEETS = lxml_etree.XPath("//head/link[@href][contains(concat(' ', normalize-space(@rel), ' '), ' stylesheet ')]")


def _printable_chapter(page_html: str, chapter: ChapterSource,
                       setup: PrintSetup) -> tuple[tuple[str, ...], Tag]:
    """The built chapter page's stylesheets, and its article cleaned for print (`_for_print`)."""
    # lxml finds the article in the whole page (whose navigation grows with the book), and
    # BeautifulSoup reads the article alone: reading whole pages made big books slow to print.
    root, article = _page_article(page_html, chapter)
    from bs4 import BeautifulSoup  # imported here: a build without PDFs never loads it

    found = BeautifulSoup(lxml_html.tostring(article, encoding="unicode"), "lxml").article
    assert found is not None
    _for_print(found, chapter, setup)
    return _stylesheets(root), found


def _printable_prompts(page_html: str, chapter: ChapterSource,
                       setup: PrintSetup) -> tuple[tuple[str, ...], list[Markup]]:
    """The built chapter page's stylesheets, and its reflection prompts as the worksheet prints
    them. Only the prompts are read and cleaned for print, not the whole article: every change
    `_for_print` makes is to an element and what it holds, so each comes out the same."""
    root, article = _page_article(page_html, chapter)
    return _stylesheets(root), worksheet_prompts(article, lambda prompts: _for_worksheet(prompts, chapter, setup))


def _for_worksheet(prompts: Tag, chapter: ChapterSource, setup: PrintSetup) -> None:
    """The prompts cleaned for print (`_for_print`), and their links to the rest of the chapter,
    which the worksheet leaves out, pointed at the chapter online or, with no address for the
    site, made text: on paper they would lead nowhere."""
    _for_print(prompts, chapter, setup)
    online = chapter_address(setup.book.site_url, chapter.url)
    own = f"#{chapter.slug}--"
    # What each prompt holds is printed (not its list item itself): links to it still lead there.
    kept = {str(tag["id"]) for item in prompts.find_all("li", recursive=False) for tag in item.find_all(id=True)}
    for link in prompts.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith(own) and href[1:] not in kept:
            if online:
                link["href"] = f"{online}#{href.removeprefix(own)}"
            else:
                link.unwrap()


def _page_article(page_html: str, chapter: ChapterSource) -> tuple[lxml_html.HtmlElement, lxml_html.HtmlElement]:
    root = lxml_html.fromstring(page_html)
    found = _ARTICLE(root)
    if not found:
        raise PluginError(f"{chapter.html_file}: no <article> to print; is the theme Material?")
    return root, found[0]


def _stylesheets(root: lxml_html.HtmlElement) -> tuple[str, ...]:
    return tuple(str(link.get("href")) for link in _STYLESHEETS(root)
                 if "print-site" not in str(link.get("href")))


def _for_print(fragment: Tag, chapter: ChapterSource, setup: PrintSetup) -> None:
    """Cleaned for print, in place, its ids made the chapter's own and its addresses
    site-root-relative, so it can be printed among other chapters."""
    clean_content(fragment, base_url=chapter_address(setup.book.site_url, chapter.url))
    own_ids(fragment, prefix=f"{chapter.slug}--")
    root_relative(fragment, page_url=chapter.url)


def collection_document(parts: Sequence[ChapterPrint], setup: PrintSetup, *, name: str) -> PrintDocument:
    """Chapters' handouts or worksheets, printed together and split apart after (`split_collection`)."""
    kind = parts[0].kind
    # Its own head and metadata never reach a reader: each part's are written in after the split.
    metadata = dataclasses.replace(parts[0].metadata, title=f"{kind.capitalize()}s",
                                   subject=setup.book.description)
    sheets = dict.fromkeys(href for part in parts for href in part.stylesheets)
    doc = document_context(metadata, tuple(sheets), setup, head="", foot="")
    return PrintDocument(
        path=f"{name} ({len(parts)} chapters)",
        url_path=f"{posixpath.dirname(PRINT_PAGE)}/{name}.print.html",
        html=setup.templates.get_template("collection.html").render(
            doc=doc, kind=kind, parts=parts, part_targets=part_targets(len(parts))),
        metadata=None,
        parts=tuple(parts),
    )


def _chapter_print(kind: Kind, label: str, sheets: Sequence[str], chapter: ChapterSource,
                   setup: PrintSetup, body: Markup) -> ChapterPrint:
    book = setup.book
    edition_credits = book.settings.credits
    metadata = PdfMetadata(
        title=f"{label}: {chapter.title}", author=chapter.author, subject=chapter.description,
        keywords=setup.settings.keywords, language=book.settings.language,
        rights=(f"“{chapter.title}”, from {edition_credits.edition_text()}, {chapter.credit}. "
                f"Licensed under {chapter.licence.name}: {chapter.licence.url}"),
        licence_url=chapter.licence.url,
        editors=edition_credits.edition.editor_names,
        source=_source_of(chapter.attribution), publisher=edition_credits.edition.publisher,
    )
    here = "/" + chapter.url.lstrip("/")
    return ChapterPrint(
        path=download_path(kind, book=book.slug, chapter=chapter.slug),
        kind=kind, metadata=metadata,
        head=running_head(chapter.title, WORKSHEET_HEAD_MAX if kind == "worksheet" else HEAD_MAX),
        foot=chapter_address(book.site_url, chapter.url), body=body,
        stylesheets=tuple(from_root(href, here) for href in sheets),
    )


def _source_of(attribution: PageAttribution) -> str:
    """The address of the work a chapter adapts: its own source, the original book, or none
    for a chapter written new for this edition."""
    if attribution.adapted_from is not None:
        return attribution.adapted_from.source_url
    return "" if attribution.written_by else attribution.original.source_url
