"""PDF/UA-1: what Chromium's tagged PDFs leave out, added to each finished PDF (pikepdf).

Chromium prints with `tagged=True` a structure tree for the page's elements, but not a PDF/UA-1
file. Seven things are missing, and each function adds one (`make_accessible` runs them all):

- `tagging_forms.separate_drawings`: a form XObject holding tagged content may be drawn once, and
  Chromium draws the forms of masked icons (footnotes' back-references, task lists' boxes)
  twice; each later drawing gets an artifact copy of the form.
- `tagging_content.mark_artifacts`: what the page draws that is no element of the document (the
  running head and the page numbers of the `@page` margin boxes, rules, borders, backgrounds, box
  icons) is left outside any marked content; each run of it is wrapped in `/Artifact BMC … EMC`.
- `list_bodies`: a list item holds its marker (Lbl) and its text as a bare element (NonStruct);
  PDF/UA allows only Lbl and LBody there. The text becomes an LBody (a grouping element with no
  meaning of its own is retyped; anything else is wrapped), in the same place in reading order.
- `group_figures`: a `<figure>` around an image and its caption is a Figure with no alternative
  text of its own, which PDF/UA-1 refuses; its parts speak for themselves, so it becomes a Div.
- `map_roles`: Chromium writes PDF 2.0 types (Strong, Em) that PDF 1.7, which PDF/UA-1 builds
  on, does not define; the RoleMap maps each to its PDF 1.7 equivalent.
- `tagging_links.describe_links`: a link annotation needs /Contents, its description for
  assistive technology: the link's own text, else its address, or "Go to page N".
- `identify_pdf_ua`: the file says it conforms (`pdfuaid:part` 1 in its XMP, the schema PDF/UA-1
  names), the viewer shows the title rather than the file name, and the document is marked.

Everything runs in the same order on the same input, so the same PDF comes out: the builds stay
reproducible. `scripts/pdf_ua.py` checks the result with two validators.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pikepdf

from ebook.pdf.structure_ids import stable_ids
from ebook.pdf.content_scan import scan
from ebook.pdf.tagging_content import (
    collector_paused,
    mark_artifacts,
    mark_artifacts_in_bytes,
    page_bytes,
    parse_page,
)
from ebook.pdf.tagging_forms import separate_drawings
from ebook.pdf.tagging_links import (
    describe_links,
    marked_content,
    marked_texts,
    marked_texts_in_bytes,
    undescribed_links,
)

if TYPE_CHECKING:
    from pikepdf.models.metadata import PdfMetadata

# --- The structure tree ----------------------------------------------------------------------

# PDF 1.7's standard structure types (ISO 32000-1, 14.8.4): PDF/UA-1 maps every other type to one.
STANDARD_TYPES = frozenset("""
    Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot
    Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
    Figure Formula Form
""".split())
# The PDF 2.0 types a browser writes, as PDF 1.7 says them; any other type becomes NonStruct
# (a grouping that means nothing), which keeps its content and its place in reading order.
PDF2_TYPES = {
    "Strong": "Span", "Em": "Span", "Sub": "Span", "Title": "P", "FENote": "Note",
    "Aside": "Div", "DocumentFragment": "Div", "Artifact": "NonStruct",
}


def elements_below(top: pikepdf.Object | None) -> Iterator[pikepdf.Dictionary]:
    """Every structure element in `top` (an element, or an array of them: an element's /K) and
    below it, in reading order. Each is met once: a malformed tree whose kids lead back to an
    element above them is not followed round again."""
    seen: set[tuple[int, int]] = set()
    todo = [top]
    while todo:
        item = todo.pop()
        if isinstance(item, (pikepdf.Array, pikepdf.Dictionary)) and item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        if isinstance(item, pikepdf.Array):
            todo.extend(reversed(list(item)))
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item \
                and item.get("/Type", pikepdf.Name.StructElem) == pikepdf.Name.StructElem:
            yield item  # not marked content, an MCR or an OBJR
            todo.append(item.get("/K"))


def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element of the document, in reading order (`elements_below`)."""
    root = pdf.Root.get("/StructTreeRoot")
    return elements_below(root.get("/K") if isinstance(root, pikepdf.Dictionary) else None)


def map_roles(pdf: pikepdf.Pdf, found: Sequence[pikepdf.Dictionary] | None = None) -> None:
    """A RoleMap entry for each structure type PDF 1.7 does not define (among the `found`
    elements, when given: the document's `elements`)."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return
    if not isinstance(root.get("/RoleMap"), pikepdf.Dictionary):
        root.RoleMap = pikepdf.Dictionary()
    kinds = {str(element.S)[1:] for element in (elements(pdf) if found is None else found)}
    for kind in sorted(kinds - STANDARD_TYPES):
        if f"/{kind}" not in root.RoleMap:
            root.RoleMap[f"/{kind}"] = pikepdf.Name(f"/{PDF2_TYPES.get(kind, 'NonStruct')}")


def group_figures(pdf: pikepdf.Pdf, found: Sequence[pikepdf.Dictionary] | None = None) -> None:
    """A `<figure>` around an image and its caption is a Figure without alternative text whose
    parts (the image's own Figure, a Caption) speak for themselves: retyped as a Div, a grouping,
    so that nothing asks for a description of the whole."""
    for element in elements(pdf) if found is None else found:
        if element.get("/S") != pikepdf.Name.Figure or str(element.get("/Alt", "")).strip():
            continue
        k = element.get("/K")
        kids = list(k) if isinstance(k, pikepdf.Array) else [k]
        if kids and all(isinstance(kid, pikepdf.Dictionary) and "/S" in kid for kid in kids):
            element.S = pikepdf.Name.Div


def list_bodies(pdf: pikepdf.Pdf, found: Sequence[pikepdf.Dictionary] | None = None) -> None:
    """Each list item's children other than Lbl and LBody put into an LBody, in their order."""
    root = pdf.Root.StructTreeRoot
    parents = pikepdf.NumberTree(root.ParentTree) if "/ParentTree" in root else None
    for item in [e for e in (elements(pdf) if found is None else found) if e.S == pikepdf.Name.LI]:
        kids = item.get("/K")
        placed: list[pikepdf.Object | list[pikepdf.Object]] = []
        for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") in (pikepdf.Name.Lbl, pikepdf.Name.LBody):
                placed.append(kid)
            elif placed and isinstance(placed[-1], list):
                placed[-1].append(kid)
            else:
                placed.append([kid])
        if any(isinstance(run, list) for run in placed):
            item.K = pikepdf.Array([_list_body(pdf, item, run, parents) if isinstance(run, list) else run
                                    for run in placed])


def _list_body(pdf: pikepdf.Pdf, item: pikepdf.Dictionary, run: list[pikepdf.Object],
               parents: pikepdf.NumberTree | None) -> pikepdf.Dictionary:
    """One LBody for these children of a list item: the child itself when it is a grouping
    element that means nothing (NonStruct, Div, Span), else a new element around them, which
    becomes the parent of each (for marked content and annotations, in the parent tree)."""
    only = run[0] if len(run) == 1 else None
    if isinstance(only, pikepdf.Dictionary) and only.get("/S") in (
            pikepdf.Name.NonStruct, pikepdf.Name.Div, pikepdf.Name.Span):
        only.S = pikepdf.Name.LBody
        return only
    body = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody,
                                                P=item, K=pikepdf.Array(run)))
    if "/Pg" in item:
        body.Pg = item.Pg
    for kid in run:
        kind = kid.get("/Type") if isinstance(kid, pikepdf.Dictionary) else None
        if isinstance(kid, pikepdf.Dictionary) and kind not in (pikepdf.Name.OBJR, pikepdf.Name.MCR):
            kid.P = body
        elif kind == pikepdf.Name.OBJR and parents is not None and "/StructParent" in kid.Obj:
            parents[int(kid.Obj.StructParent)] = body
        elif parents is not None:  # marked content: an MCID, or a reference to one
            mcid, page = (kid.MCID, kid.get("/Pg", item.get("/Pg"))) if kind else (kid, item.get("/Pg"))
            key = int(page.get("/StructParents", -1)) if isinstance(page, pikepdf.Dictionary) else -1
            entries = parents[key] if key in parents else None
            if isinstance(entries, pikepdf.Array) and int(mcid) < len(entries):
                entries[int(mcid)] = body
                parents[key] = entries
    return body


# --- The document says what it is ------------------------------------------------------------


def identify_xmp(xmp: PdfMetadata) -> None:
    """PDF/UA-1 named in XMP being edited: `pdfuaid:part`, in the schema PDF/UA-1 names."""
    xmp["pdfuaid:part"] = "1"


def identify_pdf_ua(pdf: pikepdf.Pdf, *, in_xmp: bool = True) -> None:
    """PDF/UA-1 named in the XMP (`identify_xmp`; `in_xmp` False when the caller has done it while
    editing the XMP itself: reading and writing it again costs more than the rest of this), the
    title shown, the document marked."""
    if in_xmp:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            identify_xmp(xmp)
    for key, entry in (("/ViewerPreferences", "/DisplayDocTitle"), ("/MarkInfo", "/Marked")):
        if not isinstance(pdf.Root.get(key), pikepdf.Dictionary):
            pdf.Root[key] = pikepdf.Dictionary()
        pdf.Root[key][entry] = True


def make_accessible(pdf: pikepdf.Pdf, *, xmp_identified: bool = False) -> None:
    """Every fix, on a PDF Chromium printed. Each page's artifacts are found in its bytes
    (`content_scan`), and the text of its links in a parse of only the text objects they are
    in; a page the scan does not read, or whose text objects alone do not say what its links
    read (`marked_texts_in_bytes`), is parsed whole, once, for both. `xmp_identified`: the
    caller named PDF/UA-1 in the XMP (`identify_xmp`)."""
    separate_drawings(pdf)
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    wanted: dict[int, set[int]] = {}
    for _, element in undescribed_links(pdf):
        for index, mcid in marked_content(element, pages):
            wanted.setdefault(index, set()).add(mcid)
    # Each font's code width and the text of each code, read once for every page.
    font_codes: dict[tuple[int, int], tuple[int, dict[bytes, str]]] = {}
    # Whether each form holds tagged content, once its drawings are separated: for every page.
    forms: dict[tuple[int, int], bool] = {}
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(pdf.pages):
        if index not in wanted:  # most pages: read from their bytes, not parsed
            mark_artifacts_in_bytes(pdf, page, forms)
            continue
        data = page_bytes(page)
        read = scan(data)
        found = None if read is None else marked_texts_in_bytes(pdf, page, data, read, wanted[index], font_codes)
        if read is not None and found is not None:  # its links' text objects alone were parsed
            texts.update(((index, mcid), text) for mcid, text in found.items())
            mark_artifacts_in_bytes(pdf, page, forms, (data, read))
            continue
        with collector_paused():
            content = parse_page(page)  # the text of its links is read from the instructions
            found = marked_texts(page, content.instructions, content.ops, wanted[index], font_codes)
            texts.update(((index, mcid), text) for mcid, text in found.items())
            mark_artifacts(pdf, page, content, forms)
            del content  # its instructions, freed before the collector runs again
    describe_links(pdf, texts)
    if "/StructTreeRoot" in pdf.Root:
        # The tree is walked once: the elements list_bodies adds are LBody, which neither of the
        # others looks for, and an element it retypes is read again by them.
        tree = list(elements(pdf))
        list_bodies(pdf, tree)
        group_figures(pdf, tree)
        map_roles(pdf, tree)
        stable_ids(pdf, tree)
    identify_pdf_ua(pdf, in_xmp=not xmp_identified)
