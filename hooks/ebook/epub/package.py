"""The EPUB file itself: ebooklib files the documents in the package (OPF, navigation document,
NCX, zip); this module gives it the metadata, the reading order, the contents and the images.

The layout of the EPUB's own files:

    EPUB/cover.xhtml, title.xhtml, nav.xhtml, toc.ncx
    EPUB/styles/book.css, EPUB/images/cover.svg       (written here)
    EPUB/text/<chapter source path>.xhtml               (one per chapter)
    EPUB/site/<path in the site>                        (images the chapters show)

Its entries are all dated with the book's date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from ebooklib import epub
from mkdocs.exceptions import PluginError

from ebook.epub import documents
from ebook.epub.convert import EpubChapter, convert_chapter
from ebook.epub.documents import Metadata
from ebook.model import writing

CSS_FILE = Path(__file__).with_name("epub.css")


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib's writer, with the policy in the contents document it writes itself, and the
    book's language on the package (Ace and reading systems read it there; ebooklib omits it)."""

    def _write_opf_file(self, root: Any) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        nav: bytes = super()._get_nav(item)
        head = nav.index(b"<head>") + len(b"<head>")
        return nav[:head] + documents.POLICY_META.encode("utf-8") + nav[head:]


class _Document(epub.EpubHtml):  # type: ignore[misc]
    """An XHTML document written here in full: ebooklib only files it in the package."""

    def get_content(self, default: bytes | None = None) -> bytes:
        content: bytes = self.content
        return content


# Image types every EPUB 3 reading system must show.
CORE_IMAGE_TYPES = {".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                    ".png": "image/png", ".svg": "image/svg+xml"}


def build_epub(
    meta: Metadata, chapters: Sequence[EpubChapter], *, site_dir: Path, site_url: str | None
) -> bytes:
    """The EPUB file's bytes. Depends only on its arguments (and the images in `site_dir`)."""
    book = epub.EpubBook()
    _describe(book, meta)

    book.add_item(epub.EpubItem(uid="css", file_name="styles/book.css", media_type="text/css",
                                content=CSS_FILE.read_bytes()))
    book.set_cover("images/cover.svg", documents.cover_svg(meta).encode("utf-8"), create_page=False)
    cover = _Document(uid="cover", file_name="cover.xhtml", title="Cover",
                      media_type="application/xhtml+xml", content=documents.cover_document(meta))
    title_page = _Document(uid="title-page", file_name="title.xhtml", title=meta.title,
                           media_type="application/xhtml+xml", content=documents.title_document(meta))
    nav = epub.EpubNav(title="Contents")
    nav.add_link(href="styles/book.css", rel="stylesheet", type="text/css")
    for item in (cover, title_page, nav, epub.EpubNcx()):
        book.add_item(item)

    epub_files = {chapter.url: chapter.file_name for chapter in chapters}
    chapter_documents: list[_Document] = []
    toc: list[Any] = []  # ebooklib's: a document, or a document and its sections
    images: dict[str, EpubChapter] = {}  # each image's site path, and the first chapter showing it
    for chapter in chapters:
        converted = convert_chapter(chapter, epub_files, site_url=site_url)
        document = _Document(uid=chapter.doc_id, file_name=chapter.file_name, title=chapter.title,
                             media_type="application/xhtml+xml",
                             content=documents.chapter_document(chapter, converted, meta))
        book.add_item(document)
        chapter_documents.append(document)
        sections = [
            epub.Link(f"{chapter.file_name}#{anchor}", text, f"{chapter.doc_id}-{anchor}")
            for anchor, text in converted.headings
        ]
        toc.append((document, sections) if sections else document)
        for site_path in converted.images:
            images.setdefault(site_path, chapter)

    for site_path, chapter in images.items():
        book.add_item(_image_item(site_path, site_dir, where=f"docs/{chapter.src_uri}"))

    book.toc = toc
    book.spine = [cover, title_page, nav, *chapter_documents]
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
        {"type": "text", "href": chapter_documents[0].file_name, "title": "Start of content"},
    ]
    buffer = io.BytesIO()
    writer = _Writer(buffer, book, {
        "mtime": meta.date,
        "epub3_pages": False,  # ebooklib would list every epub:type element as a page
        "landmark_title": "Landmarks",
        "raise_exceptions": True,
    })
    writer.process()
    writer.write()
    return writing.restamp_zip(buffer.getvalue(), meta.date)


def _describe(book: epub.EpubBook, meta: Metadata) -> None:
    """The package's metadata: this edition's title, the original's author, this edition's
    editors (contributors in the editor's role) and publisher (none is named when it has none:
    the original's publisher does not publish this edition), the original as its source, the
    language, date, rights, licence and the EPUB accessibility metadata."""
    original = meta.original
    edition = meta.credits.edition
    book.set_identifier(meta.identifier)
    book.set_title(meta.title)
    book.set_language(meta.language)
    book.add_author(original.author, role="aut")
    for n, editor in enumerate(edition.editor_names, start=1):  # none named: no contributor
        book.add_metadata("DC", "contributor", editor, {"id": f"editor-{n}"})
        book.add_metadata(None, "meta", "edt", {"refines": f"#editor-{n}", "property": "role",
                                                "scheme": "marc:relators"})
    for name, value in (
        ("publisher", edition.publisher), ("date", f"{meta.date:%Y-%m-%d}"), ("rights", meta.rights),
        ("source", original.source_url), ("description", meta.description),
    ):
        if value:
            book.add_metadata("DC", name, value)
    book.add_metadata(None, "meta", meta.credits.licence.url, {"property": "dcterms:license"})
    for prop, values in (
        ("accessMode", documents.ACCESS_MODES), ("accessModeSufficient", documents.ACCESS_MODES_SUFFICIENT),
        ("accessibilityFeature", documents.ACCESSIBILITY_FEATURES),
        ("accessibilityHazard", documents.ACCESSIBILITY_HAZARDS),
        ("accessibilitySummary", (meta.accessibility_summary,)),
    ):
        for value in values:
            book.add_metadata(None, "meta", value, {"property": f"schema:{prop}"})


def _image_item(site_path: str, site_dir: Path, *, where: str) -> epub.EpubImage:
    media_type = CORE_IMAGE_TYPES.get(PurePosixPath(site_path).suffix.lower())
    if media_type is None:
        raise PluginError(
            f"{where}: the image {site_path!r} cannot go into the EPUB; use PNG, JPEG, GIF or SVG."
        )
    path = site_dir / site_path
    if not path.is_file():
        raise PluginError(f"{where}: the image {site_path!r} is not in the built site; check its path.")
    item_id = "img-" + "".join(c if c.isalnum() else "-" for c in site_path)
    return epub.EpubImage(uid=item_id, file_name=f"site/{site_path}", media_type=media_type,
                          content=path.read_bytes())
