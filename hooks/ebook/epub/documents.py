"""The EPUB's metadata and the XHTML documents written here in full: each chapter's, the cover
(and its SVG image) and the title page with the credits and the licence. The cover and the title
page name this edition (its title, subtitle and editors) and say that it is adapted from the
original, from the book's one credit model (ebook/model/credits.py).

Every document carries the script-free policy of the print documents (`csp.document_policy`)
first thing in its head, and is checked to be well-formed XML before it goes into the book.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from mkdocs.exceptions import PluginError

from ebook.epub.convert import ConvertedChapter, EpubChapter, relative
from ebook.model import credits
from ebook.model.credits import Credits, Work
from ebook.model.settings import BookSettings, EpubSettings
from ebook.site import csp


@dataclass(frozen=True)
class Metadata:
    identifier: str
    credits: Credits  # this edition (its title, editors) and the original it adapts
    language: str
    description: str
    date: datetime
    accessibility_summary: str

    @property
    def title(self) -> str:
        """This edition's."""
        return self.credits.edition.title

    @property
    def original(self) -> Work:
        """The book this edition adapts: its author is the EPUB's, its source the EPUB's source."""
        return self.credits.original

    @property
    def rights(self) -> str:
        return self.credits.rights_text()


def book_metadata(
    book: BookSettings, settings: EpubSettings, *, description: str, date: datetime
) -> Metadata:
    return Metadata(
        identifier=settings.identifier,
        credits=book.credits,
        language=book.language,
        description=" ".join(description.split()),
        date=date,
        accessibility_summary=settings.accessibility_summary,
    )


# Every image must carry a text alternative (checked in convert_chapter), and the cover image
# has one: reading the text alone is enough.
ACCESS_MODES = ("textual", "visual")
ACCESS_MODES_SUFFICIENT = ("textual",)
ACCESSIBILITY_FEATURES = (
    "structuralNavigation",   # headings in order, chapters as sections
    "tableOfContents",        # the navigation document
    "readingOrder",           # the spine follows the site's navigation
    "alternativeText",        # images' alt text
    "displayTransformability",  # no fixed fonts, sizes or colours that carry meaning
)
ACCESSIBILITY_HAZARDS = ("none",)


# Every document's policy: reading systems that honour one refuse script and anything from
# outside the book even if a chapter slipped it past the checks of convert.py.
POLICY = csp.document_policy()
POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}"/>'

_XHTML = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{lang}" xml:lang="{lang}">
<head>
""" + POLICY_META + """
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="{css}"/>
</head>
<body epub:type="{body_type}">
{body}
</body>
</html>
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def xhtml_document(*, title: str, lang: str, css: str, body: str, body_type: str, where: str) -> bytes:
    """A complete XHTML document, checked to be well-formed XML."""
    document = _XHTML.format(
        title=_e(title), lang=_e(lang), css=_e(css), body=body, body_type=body_type
    ).encode("utf-8")
    try:
        etree.fromstring(document)
    except etree.XMLSyntaxError as error:
        raise PluginError(
            f"{where}: the EPUB's XHTML for this page is not well-formed ({error}); "
            "check the page's raw HTML."
        ) from error
    return document


def chapter_document(chapter: EpubChapter, converted: ConvertedChapter, meta: Metadata) -> bytes:
    return xhtml_document(
        title=chapter.title,
        lang=meta.language,
        css=relative("styles/book.css", chapter.file_name),
        body=f'<section epub:type="chapter" role="doc-chapter">\n{converted.body}\n</section>',
        body_type="bodymatter",
        where=f"docs/{chapter.src_uri}",
    )


def _cover_lines(meta: Metadata) -> list[tuple[str, int, str, bool]]:
    """The cover's lines, top to bottom: (text, font size, weight, whether a part starts)."""
    edition = meta.credits.edition
    parts = [
        (textwrap.wrap(meta.title, 16) or [meta.title], 112, "bold"),
        (textwrap.wrap(edition.subtitle, 28), 64, "normal"),
        ([meta.original.author], 64, "normal"),
        ((textwrap.wrap(f"Edited by {edition.editors_text}", 44) if edition.editors else [])
         + textwrap.wrap(meta.credits.adapted_from_original(), 44), 40, "normal"),
    ]
    return [(line, size, weight, n == 0) for lines, size, weight in parts for n, line in enumerate(lines)]


def cover_alt(meta: Metadata) -> str:
    """The cover in words: what it shows."""
    edition = meta.credits.edition
    adapted = meta.credits.adapted_from_original()
    edited = f", edited by {edition.editors_text}" if edition.editors else ""
    return f"{edition.full_title}, by {meta.original.author}{edited}. {adapted}"


def cover_svg(meta: Metadata) -> str:
    """The cover image: the edition's title and subtitle, the author, the editors and the
    original it adapts, in white on the book's teal, in the reading system's own sans-serif
    font (no font is fetched or embedded)."""
    rows, y = [], 380
    for n, (text, size, weight, starts_part) in enumerate(_cover_lines(meta)):
        # Each baseline below the last by its line's height, and a part's by more.
        y += 0 if n == 0 else int(size * 1.25) + (50 if starts_part else 0)
        rows.append(f'<text x="100" y="{y}" font-size="{size}" font-weight="{weight}">{_e(text)}</text>')
    return f"""<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 1800" width="1200" height="1800" \
role="img" aria-labelledby="cover-title">
<title id="cover-title">{_e(cover_alt(meta))}</title>
<rect width="1200" height="1800" fill="#1d5f5a"/>
<rect x="100" y="200" width="240" height="16" fill="#ffffff"/>
<g fill="#ffffff" font-family="sans-serif">
{chr(10).join(rows)}
<text x="100" y="1640" font-size="40">{_e(meta.credits.licence.name)}</text>
</g>
</svg>
"""


def cover_document(meta: Metadata) -> bytes:
    body = (
        '<section class="cover" epub:type="cover">\n'
        f'<img role="doc-cover" src="images/cover.svg" alt="{_e("Cover: " + cover_alt(meta))}"/>\n'
        "</section>"
    )
    return xhtml_document(title="Cover", lang=meta.language, css="styles/book.css",
                          body=body, body_type="cover", where="the EPUB's cover")


def title_document(meta: Metadata) -> bytes:
    """The title page: this edition, its author and editors, the original it adapts, then the
    credits, what this edition changed, its licence and how to credit it."""
    book = meta.credits
    original = meta.original
    licence = credits.link(book.licence.url, book.licence.name, rel="license")
    when = credits.published(original)
    lines = [
        '<section class="titlepage" epub:type="titlepage" aria-labelledby="book-title">',
        f'<h1 id="book-title">{_e(meta.title)}</h1>',
        f'<p class="subtitle">{_e(book.edition.subtitle)}</p>' if book.edition.subtitle else "",
        f'<p class="author">{_e(original.author)}</p>',
        f"<p>Edited by {_e(book.edition.editors_text)}</p>" if book.edition.editors else "",
        f"<p>Adapted from <cite>{_e(original.title)}</cite> by {_e(original.author)}"
        + (f" ({_e(when)})" if when else "") + "</p>",
        f"<p>{_e(meta.description)}</p>" if meta.description else "",
        "</section>",
        '<section class="rights" epub:type="copyright-page" aria-label="Credits and licence">',
        f"<p><strong>This edition:</strong> {book.edition_html()}.</p>",
        f"<p><strong>Original work:</strong> {credits.credit_html(original)}. "
        f"Source: {credits.link(original.source_url, original.source_url)}.</p>",
        f"<p>Changes: {_e(book.changes_for('epub'))}</p>" if book.changes else "",
        f"<p>This edition is licensed under {licence}.</p>",
        f"<p><strong>To credit this edition when you reuse it:</strong> {book.suggested_credit_html()}</p>",
        f"<p>This EPUB was made on {meta.date:%Y-%m-%d}.</p>",
        "</section>",
    ]
    return xhtml_document(title=meta.title, lang=meta.language, css="styles/book.css",
                          body="\n".join(line for line in lines if line),
                          body_type="frontmatter", where="the EPUB's title page")
