"""PDF files: reading what Chromium printed, splitting collections, finishing each PDF (pikepdf).

Not a hook: the PDF-file side of the PDFs (`ebook.pdf.export`), and the downloads index's page counts.
pikepdf takes a few hundredths of a second to import, so each function that uses it imports it:
a build without PDFs (`make serve`, the site alone) never loads it. (Python 3.11's lazy loader
is not safe to use from the threads that read the printed PDFs.) The printed PDFs are finished
in a process of their own (`finish_printed`, `finishing_process`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    import pikepdf

    from ebook.pdf.documents import PdfMetadata


# --- Reading a printed PDF -------------------------------------------------------------------


class Place(NamedTuple):
    """Where a named destination leads: its page (from 1) and its top, in points from the foot."""

    page: int
    top: float


@dataclass(frozen=True)
class Destinations:
    places: dict[str, Place]  # by name
    count: int  # the PDF's pages
    page_height: float  # its first page's, in points


def destinations(pdf: bytes) -> Destinations:
    """Where each named destination of the PDF leads, and how many pages the PDF has.

    Chromium writes a named destination for every element a link in the document points at
    (shown or not), as [page /XYZ left top zoom]: the book's table of contents links to every
    heading it lists, a collection to where each of its parts begins, and a kept reflection box's
    mark to itself and its box's (`box_breaks`).
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        numbers = {page.obj.objgen: i for i, page in enumerate(doc.pages, start=1)}
        entries: list[tuple[str, Any]] = []
        root = doc.Root
        if "/Dests" in root:
            entries += [(name.lstrip("/"), dest) for name, dest in root.Dests.items()]
        if "/Names" in root and "/Dests" in root.Names:
            entries += [(str(name), dest.D if isinstance(dest, pikepdf.Dictionary) else dest)
                        for name, dest in pikepdf.NameTree(root.Names.Dests).items()]
        places = {name: Place(numbers[dest[0].objgen], _top(dest)) for name, dest in entries}
        box = doc.pages[0].mediabox if len(doc.pages) else None
        height = float(box[3]) - float(box[1]) if box is not None else 0.0
        return Destinations(places, len(doc.pages), height)


def _top(destination: Any) -> float:
    """An /XYZ destination's top; 0 for another kind, or a top left unset (null)."""
    if len(destination) > 3 and str(destination[1]) == "/XYZ" and destination[3] is not None:
        return float(destination[3])
    return 0.0


def page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


# --- Splitting a collection into one PDF per chapter -----------------------------------------
# Written here because no library splits a tagged PDF: qpdf and pikepdf copy pages but leave
# the structure tree (the tags screen readers use) behind. Each chapter's PDF gets its pages
# (with the named destinations of its links, pikepdf's `add_pages_from`), its own <article>'s
# part of the tree, the parent tree entries of its pages, and its bookmarks.


def part_pages(pdf: pikepdf.Pdf, count: int) -> list[range]:
    """The pages of each chapter of a printed collection. Each chapter starts a page with its
    level-1 heading: the collection's top-level bookmarks, in order."""
    numbers: dict[tuple[int, int] | None, int] = {
        page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:
        starts = [numbers.get(_destination_page(item.destination), -1) for item in outline.root]
    if len(starts) != count or starts[:1] != [0] or starts != sorted(set(starts)):
        raise PluginError(
            f"A printed collection of {count} chapters has bookmarks on pages {starts}: each "
            "chapter must start on a new page with its level-1 heading (overrides/print/)."
        )
    return [range(a, b) for a, b in zip(starts, [*starts[1:], len(pdf.pages)])]


def _destination_page(destination: Any) -> tuple[int, int] | None:
    import pikepdf

    if isinstance(destination, pikepdf.Dictionary) and "/D" in destination:
        destination = destination.D
    if isinstance(destination, pikepdf.Array) and len(destination) and \
            isinstance(destination[0], pikepdf.Dictionary):
        return destination[0].objgen
    return None


def split_collection(source: pikepdf.Pdf, count: int) -> Iterator[pikepdf.Pdf]:
    """A printed collection's chapters, each a tagged PDF of its own, made one at a time as they
    are taken (one chapter's objects in memory, not the collection's). Their streams are read
    from `source`, which stays open until they are saved."""
    ranges = part_pages(source, count)
    articles = _articles(source.Root.StructTreeRoot)
    if len(articles) != count:
        raise PluginError(f"A printed collection of {count} chapters has {len(articles)} "
                          "tagged articles: each chapter must be one <article>.")
    with source.open_outline() as outline:
        bookmarks = list(outline.root)
    return (_extract_part(source, pages, article, bookmark)
            for pages, article, bookmark in zip(ranges, articles, bookmarks))


def _articles(element: pikepdf.Object | None) -> list[pikepdf.Dictionary]:
    """The structure tree's outermost article elements, in reading order."""
    import pikepdf

    if not isinstance(element, pikepdf.Dictionary):
        return []
    if element.get("/S") == pikepdf.Name.Art:
        return [element]
    found = element.get("/K")
    kids = found if isinstance(found, pikepdf.Array) else [found]
    return [article for kid in kids for article in _articles(kid)]


def _extract_part(source: pikepdf.Pdf, pages: range, article: pikepdf.Dictionary,
                  bookmark: pikepdf.OutlineItem) -> pikepdf.Pdf:
    import pikepdf

    from ebook.pdf.tagging import elements_below

    part = pikepdf.new()
    # With the pages come the named destinations their links lead to. Copying the pages first
    # makes every later copy of an object that points at one of them (structure elements)
    # point at the part's page instead.
    part.add_pages_from(source, pages=pages)
    page_map = {source.pages[i].obj.objgen: part.pages[i - pages.start].obj for i in pages}

    # The article's elements, without its parent: that leads up to the whole collection's tree.
    parent = article.P
    del article["/P"]
    try:
        copied = part.copy_foreign(article)
    finally:
        article.P = parent
    tree = source.Root.StructTreeRoot
    document = part.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array([copied])))
    copied.P = document
    root = part.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=document))
    document.P = root
    for key in ("/RoleMap", "/ClassMap"):
        if key in tree:
            root[key] = part.copy_foreign(source.make_indirect(tree[key]))

    # The parent tree: from each marked page and annotation back to its elements.
    inside = {element.objgen for element in elements_below(article)}
    source_parents = pikepdf.NumberTree(tree.ParentTree)
    parents = pikepdf.NumberTree.new(part)
    keys = []
    for page in part.pages:
        if "/StructParents" in page.obj:
            keys.append(int(page.obj.StructParents))
        keys += [int(a.StructParent) for a in page.obj.get("/Annots", []) if "/StructParent" in a]
    for number in keys:
        if number not in source_parents:
            continue
        value = source_parents[number]
        if isinstance(value, pikepdf.Array):
            parents[number] = pikepdf.Array([
                part.copy_foreign(e) if isinstance(e, pikepdf.Dictionary) and e.objgen in inside else None
                for e in value
            ])
        elif isinstance(value, pikepdf.Dictionary) and value.objgen in inside:
            parents[number] = part.copy_foreign(value)
    root.ParentTree = parents.obj
    root.ParentTreeNextKey = max(keys, default=-1) + 1
    part.Root.StructTreeRoot = root
    part.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    part.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)

    def moved(destination: Any) -> pikepdf.Array | None:
        """A destination on one of the part's pages, pointing at the part's page."""
        if isinstance(destination, pikepdf.Dictionary) and "/D" in destination:
            destination = destination.D
        page = _destination_page(destination)
        if page is None or page not in page_map:
            return None
        return pikepdf.Array([page_map[page], *destination[1:]])

    def copy_bookmark(item: pikepdf.OutlineItem) -> pikepdf.OutlineItem:
        copy = pikepdf.OutlineItem(item.title, destination=moved(item.destination))
        copy.children.extend(copy_bookmark(child) for child in item.children)
        return copy

    with part.open_outline() as outline:
        outline.root.append(copy_bookmark(bookmark))
    return part


# --- Finishing: metadata, licence, reproducible bytes ----------------------------------------


def pdf_date(when: datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def repair_outline(pdf: pikepdf.Pdf, headings: Sequence[str]) -> None:
    """Give the bookmarks their headings' text back.

    Chromium builds bookmarks from the laid-out headings and drops the space where a heading
    wraps ("Disconnection &Reconnection"); each bookmark is matched, in order, with the heading
    whose text is the same but for spaces.
    """
    def squeeze(text: str) -> str:
        return re.sub(r"\s+", "", text)

    remaining = list(headings)
    with pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            match = next((i for i, h in enumerate(remaining) if squeeze(h) == squeeze(item.title)), None)
            if match is not None:
                item.title = remaining[match]
                del remaining[: match + 1]
            stack += reversed(item.children)


def add_page_labels(pdf: pikepdf.Pdf, front_pages: int) -> None:
    """Page labels that are the numbers printed on the pages: the front matter's i, ii, iii…,
    then the body's 1, 2, 3… (a viewer shows them, and goes to page 5 as printed)."""
    if not front_pages:
        return
    import pikepdf

    pdf.Root.PageLabels = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array([
        0, pikepdf.Dictionary(S=pikepdf.Name.r),
        front_pages, pikepdf.Dictionary(S=pikepdf.Name.D),
    ])))


def open_at_bookmarks(pdf: pikepdf.Pdf) -> None:
    """A viewer opens the PDF with its bookmarks shown beside the pages (/PageMode /UseOutlines):
    the book's parts and headings, to go to as from its contents. A handout or worksheet, a few
    pages read from the first, opens at its first page alone."""
    import pikepdf

    outlines = pdf.Root.get("/Outlines")
    if isinstance(outlines, pikepdf.Dictionary) and "/First" in outlines:
        pdf.Root.PageMode = pikepdf.Name.UseOutlines


def finish_printed(data: bytes, files: Sequence[tuple[PdfMetadata, Sequence[str]]], *,
                   collection: bool, front_pages: int, epoch: int | None) -> list[tuple[bytes, int]]:
    """What a printed document becomes: its PDFs (one per chapter of a collection, split
    apart; else one, the book, with page labels after `front_pages` of front matter, opening at
    its bookmarks), each finished with its metadata and headings (`files`, in order), and how
    many pages each has. Run in a process of its own (`finishing_process`). The printing is read
    once, and each PDF saved once."""
    import pikepdf

    finished = []
    with pikepdf.open(io.BytesIO(data)) as printed:
        parts: Iterable[pikepdf.Pdf]
        if collection:
            parts = split_collection(printed, len(files))
        else:
            add_page_labels(printed, front_pages)
            open_at_bookmarks(printed)
            parts = [printed]
        for part, (metadata, headings) in zip(parts, files):
            try:
                finished.append((finalise(part, metadata, epoch=epoch, headings=headings), len(part.pages)))
            finally:
                if part is not printed:
                    part.close()
    return finished


def finalise(pdf: pikepdf.Pdf, metadata: PdfMetadata, *, epoch: int | None,
             headings: Sequence[str] = ()) -> bytes:
    """Write the metadata (document info and XMP, with the licence), make the PDF conform to
    PDF/UA-1 (`tagging`), keep its destinations' names within PDF's limit, fix what varies, and
    save it.

    With SOURCE_DATE_EPOCH the dates come from it, and the file identifier is derived from
    the content, so the same inputs give the same bytes. The objects Chromium leaves loose (the
    structure tree's thousands of small dictionaries, above all) are packed into compressed
    object streams (PDF 1.5): each PDF is about a fifth smaller to download.
    """
    import pikepdf

    from ebook.pdf import tagging
    from ebook.pdf.destinations import drop_destinations, shorten_destinations
    from ebook.pdf.documents import made_to_measure

    when = (datetime.fromtimestamp(epoch, timezone.utc) if epoch is not None
            else datetime.now(timezone.utc)).replace(microsecond=0)
    repair_outline(pdf, headings)
    drop_destinations(pdf, made_to_measure)
    shorten_destinations(pdf)
    info = pdf.docinfo
    creator = str(info.get("/Creator", "Chromium"))
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:title"] = metadata.title
        xmp["dc:creator"] = [metadata.author]
        xmp["dc:description"] = metadata.subject
        xmp["dc:subject"] = list(metadata.keywords)
        xmp["dc:language"] = [metadata.language]
        xmp["dc:rights"] = metadata.rights
        if metadata.editors:  # none named: no contributor, rather than a placeholder for one
            xmp["dc:contributor"] = list(metadata.editors)
        if metadata.source:
            xmp["dc:source"] = metadata.source
        if metadata.publisher:
            xmp["dc:publisher"] = [metadata.publisher]
        xmp["pdf:Keywords"] = ", ".join(metadata.keywords)
        xmp["xmpRights:Marked"] = "True"
        xmp["xmpRights:WebStatement"] = metadata.licence_url
        xmp["xmp:CreatorTool"] = creator
        for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
            xmp[key] = when.isoformat()
        tagging.identify_xmp(xmp)  # here rather than in an editing of its own
        # pikepdf's save reads and writes the XMP again to update the PDF version it names:
        # only when it names one.
        fix_version = "pdf:PDFVersion" in xmp
    info["/Title"] = metadata.title
    info["/Author"] = metadata.author
    info["/Subject"] = metadata.subject
    info["/Keywords"] = ", ".join(metadata.keywords)
    info["/CreationDate"] = pdf_date(when)
    info["/ModDate"] = pdf_date(when)
    pdf.Root.Lang = pikepdf.String(metadata.language)
    tagging.make_accessible(pdf, xmp_identified=True)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             fix_metadata_version=fix_version)
    return out.getvalue()
