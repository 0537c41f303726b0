"""The reflection journal: a reader answers a chapter's reflection prompts on its page, and the
page "My reflections" gathers every prompt of the book; the answers never leave the browser.

At build time each prompt (an item of the list in a chapter's reflection box, the same items
the worksheet PDF takes, `ebook.pdf.reflection`) gets a stable identity, written on its `<li>`
as `data-journal-prompt`: a short hash of its text, normalised so that typography alone (curly
quotes, spacing, capitals) keeps it, while a reworded prompt gets a new one and its old answer
is shown as written for an earlier wording instead of being attached to the new text. Its place
among the chapter's prompts goes in `data-journal-position`. Each box also gets a note, before
its list, saying where answers are kept; docs/javascripts/journal.js adds a text area under
each prompt and keeps the answers in the browser's localStorage, and docs/stylesheets/
journal.css shows the note (and keeps room for the text areas) only where that script runs.

A page holding the line `<!-- reflection prompts -->` (docs/my-reflections.md) gets, in its
place, every prompt of the book in reading order under its chapter's linked title (a third-level
heading: the line stands in a section of the page).

hooks/journal.py makes one `Journal` per build and keeps it in `ebook.model.state`
(`state.kept(config, Journal)`), where the preview's rebuild of one chapter finds the address of
"My reflections" (`Journal.reflections_url`), to rebuild that page too. It reads each chapter's
prompts in `on_page_content` (`Journal.read`), after every other hook has added to the content
and the EPUB and the print page have taken theirs, and writes the attributes and the notes, or
the list, in `on_page_context` (`Journal.written`), once the search index has the page: neither
the downloads nor the search index carry them, and the list sees every chapter, read before any
page is written.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import html as lxml_html
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from ebook.model import credits
from ebook.model.book import page_slug
from ebook.model.reflection import is_reflection_box

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from mkdocs.structure.pages import Page

    from ebook.model.book import Book
    from ebook.model.credits import Credits

MARKER = "<!-- reflection prompts -->"
ID_LENGTH = 10  # hex digits of the hash: a chapter holds a few prompts, never thousands


@dataclass(frozen=True)
class Prompt:
    id: str  # the hash of its normalised text, with "-2", "-3"… for a repeat in the chapter
    position: int  # from 1, across the chapter's boxes in order
    text: str  # as the page shows it, spaces collapsed


@dataclass(frozen=True)
class ChapterJournal:
    """A chapter's prompts, and where its HTML takes the attributes and the notes."""

    slug: str
    title: str
    url: str  # site-relative address of its page
    prompts: tuple[Prompt, ...]
    html: str  # the content the places below are offsets of
    li_offsets: tuple[int, ...]  # each prompt's "<li", in the order of `prompts`
    box_offsets: tuple[int, ...]  # each box's list of prompts, where its note goes

    def annotated(self, content: str, *, book: str, page_url: str, reflections_url: str | None) -> str:
        """The content with each prompt's identity and each box's note written in; `content`
        must be the HTML the chapter was read from (the hook reads it again otherwise)."""
        if content != self.html:
            raise ValueError("the content changed since the chapter's prompts were read")
        inserts = [(at + len("<li"), prompt_attributes(prompt)) for at, prompt in zip(self.li_offsets, self.prompts)]
        inserts += [(at, note_html(self, number, book=book, page_url=page_url, reflections_url=reflections_url))
                    for number, at in enumerate(self.box_offsets, start=1)]
        parts, last = [], 0
        for at, text in sorted(inserts, key=lambda insert: insert[0]):
            parts += [content[last:at], text]
            last = at
        return "".join(parts) + content[last:]


class Journal:
    """One build's journal: each chapter's prompts, read as its page is rendered, and the address
    of the page that lists them all (`reflections_url`: None until that page is read, or if the
    book has none)."""

    def __init__(self) -> None:
        self.chapters: dict[str, ChapterJournal] = {}  # by source path
        self.reflections_url: str | None = None  # site-relative, as `page.url`

    def read(self, content: str, page: Page, book: Book) -> None:
        if has_marker(content):
            self.reflections_url = page.url
        elif book.is_chapter(page.file.src_uri):
            found = _read_page(content, page)
            if found is not None:
                self.chapters[page.file.src_uri] = found

    def written(self, content: str, page: Page, book: Book) -> str:
        """The page's content with what the journal writes in it."""
        chapter = self.chapters.get(page.file.src_uri)
        if chapter is not None:
            if content != chapter.html:  # another hook changed it since: read it again
                chapter = _read_page(content, page) or chapter
            if content != chapter.html:
                return content
            return chapter.annotated(content, book=book.slug, page_url=page.url, reflections_url=self.reflections_url)
        if has_marker(content):
            chapters = [self.chapters[c.src_uri] for c in book.chapters if c.src_uri in self.chapters]
            return with_prompts(content, chapters, book=book.slug, page_url=page.url, book_credits=book.credits)
        return content


def _read_page(content: str, page: Page) -> ChapterJournal | None:
    return read_chapter(content, slug=page_slug(page.file.src_uri), title=page.title or "", url=page.url,
                        where=f"docs/{page.file.src_uri}")


# --- Reading a chapter's prompts -------------------------------------------------------------

# The start tags of lists and items in the HTML as written, comments skipped: one for each list
# element lxml finds, in the same order.
_LIST_TAGS = re.compile(r"<!--.*?-->|<(ul|ol|li)(?=[\s/>])", re.S | re.I)


def read_chapter(content: str, *, slug: str, title: str, url: str, where: str) -> ChapterJournal | None:
    """The chapter's prompts and where they are in `content`, or None if it has none."""
    if "reflection" not in content:
        return None
    root = lxml_html.fragment_fromstring(content, create_parent="div")
    lists = list(root.iter("ul", "ol", "li"))
    offsets = [found.start() for found in _LIST_TAGS.finditer(content) if found.group(1)]
    if len(offsets) != len(lists):
        raise PluginError(f"{where}: the journal could not find each list of the page in its HTML "
                          f"({len(offsets)} list tags, {len(lists)} lists); update hooks/ebook/site/journal.py.")
    place = {id(element): at for element, at in zip(lists, offsets)}
    items: list[HtmlElement] = []
    boxes: list[int] = []
    last_box = None
    for element in lists:
        box = _box_of(element)
        if box is None:
            continue
        if box is not last_box:  # the box's first prompt: its note goes before the list
            boxes.append(place[id(element.getparent())])
            last_box = box
        items.append(element)
    if not items:
        return None
    return ChapterJournal(slug=slug, title=title, url=url, prompts=prompts(str(item.text_content()) for item in items),
                          html=content, li_offsets=tuple(place[id(item)] for item in items),
                          box_offsets=tuple(boxes))


def _box_of(item: HtmlElement) -> HtmlElement | None:
    """The reflection box whose list holds this item, or None: a prompt is an item of a list
    that is a child of a box inside no other box (what the worksheet takes, `prompt_items`)."""
    listing = item.getparent() if item.tag == "li" else None
    box = listing.getparent() if listing is not None and listing.tag in ("ul", "ol") else None
    if box is None or not is_reflection_box(box) or any(is_reflection_box(outer) for outer in box.iterancestors()):
        return None
    return box


_SPACES = re.compile(r"[ \t\r\n\f]+")


def prompts(texts: Iterable[str]) -> tuple[Prompt, ...]:
    """The prompts of these texts, in order, each with its identity and position."""
    seen: dict[str, int] = {}
    found = []
    for position, text in enumerate(texts, start=1):
        shown = _SPACES.sub(" ", text).strip()  # a no-break space stays: "écouté ?" keeps its "?"
        digest = prompt_hash(shown)
        seen[digest] = seen.get(digest, 0) + 1
        found.append(Prompt(digest if seen[digest] == 1 else f"{digest}-{seen[digest]}", position, shown))
    return tuple(found)


# Marks a prompt may be typed with either way, read as one.
_SAME_MARKS = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"',
                             "„": '"', "‟": '"', "″": '"', "–": "-", "—": "-", "‑": "-", "\u00a0": " "})


def normalised(text: str) -> str:
    """A prompt's text as its identity reads it: compatibility forms, quotes and dashes of one
    kind, spaces collapsed, no case."""
    text = unicodedata.normalize("NFKC", text).translate(_SAME_MARKS)
    return " ".join(text.split()).casefold()


def prompt_hash(text: str) -> str:
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()[:ID_LENGTH]


# --- What the chapter's page gets ------------------------------------------------------------


def prompt_attributes(prompt: Prompt) -> str:
    return f' data-journal-prompt="{prompt.id}" data-journal-position="{prompt.position}"'


NOTE_TEXT = "Your answers stay in this browser, on this device: they are saved as you type and never sent."


def note_html(chapter: ChapterJournal, number: int, *, book: str, page_url: str, reflections_url: str | None) -> str:
    """A box's note: where the answers are kept, and a link to them all. journal.css shows it
    only where journal.js runs; the chapter, its title and the book name the answers' keys."""
    link = ""
    if reflections_url is not None:
        href = html.escape(get_relative_url(reflections_url, page_url))
        link = f' <a href="{href}">My reflections</a> gathers them all, to read, download or print.'
    return (f'<div class="book-journal-note" data-journal-note data-journal-book="{html.escape(book)}" '
            f'data-journal-chapter="{html.escape(chapter.slug)}" data-journal-title="{html.escape(chapter.title)}">'
            f'<p><span id="journal-note-{number}">{NOTE_TEXT}</span>{link}</p></div>\n')


# --- The page of every prompt ----------------------------------------------------------------


def has_marker(content: str) -> bool:
    return MARKER in content


def with_prompts(content: str, chapters: Sequence[ChapterJournal], *, book: str, page_url: str,
                 book_credits: Credits) -> str:
    """The page's content with its marker replaced by every prompt of the book, each chapter's
    under its linked title, with the places journal.js fills with the reader's answers."""
    return content.replace(MARKER, prompts_html(chapters, book=book, page_url=page_url, book_credits=book_credits))


TOOLS = (
    '<div class="book-journal__tools" role="group" aria-label="Your answers">'
    '<button type="button" class="md-button" data-journal-download>Download my answers</button>'
    '<button type="button" class="md-button" data-journal-print>Print my answers</button>'
    '<button type="button" class="md-button" data-journal-erase aria-expanded="false" '
    'aria-controls="journal-erase">Erase all my answers</button></div>'
    '<div class="book-journal__confirm" id="journal-erase" role="group" aria-labelledby="journal-erase-question" hidden>'
    '<p id="journal-erase-question">Erase all your answers from this browser? This cannot be undone.</p>'
    '<button type="button" class="md-button md-button--primary" data-journal-erase-yes>Erase them</button>'
    '<button type="button" class="md-button" data-journal-erase-no>Keep them</button></div>'
    '<p class="book-journal__status" role="status" data-journal-status></p>'
)
NO_SCRIPT = ('<p class="book-journal__without-script">Your answers show here in a browser that runs '
             "this book's scripts. The prompts are below.</p>")


def prompts_html(chapters: Sequence[ChapterJournal], *, book: str, page_url: str, book_credits: Credits) -> str:
    original = book_credits.original
    credit_text = f"The prompts are from {credits.credit_text(original)}, licensed under " \
                  f"{original.licence.name}, {original.source_url}."
    parts = [f'<div class="book-journal" data-journal-page data-journal-book="{html.escape(book)}" '
             f'data-journal-credit="{html.escape(credit_text)}">', NO_SCRIPT, TOOLS]
    if not chapters:
        parts.append("<p>No chapter has reflection prompts yet.</p>")
    for chapter in chapters:
        href = html.escape(get_relative_url(chapter.url, page_url))
        heading = f"journal-{html.escape(chapter.slug)}"
        parts.append(f'<section class="book-journal__chapter" data-journal-chapter="{html.escape(chapter.slug)}" '
                     f'data-journal-title="{html.escape(chapter.title)}" aria-labelledby="{heading}">'
                     f'<h3 id="{heading}"><a href="{href}">{html.escape(chapter.title)}</a></h3>'
                     '<ol class="book-journal__prompts">')
        parts += [f'<li{prompt_attributes(prompt)}><p class="book-journal__prompt">{html.escape(prompt.text)}</p>'
                  '<div class="book-journal__answer" data-journal-answer></div></li>' for prompt in chapter.prompts]
        parts.append("</ol></section>")
    parts.append(f'<p class="book-journal__credit">The prompts are from '
                 f"{credits.credit_html(original)}.</p></div>")
    return "\n".join(parts)
