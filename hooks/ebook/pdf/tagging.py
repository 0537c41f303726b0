"""PDF/UA-1: what Chromium's tagged PDFs leave out, added to each finished PDF (pikepdf).

Chromium prints with `tagged=True` a structure tree for the page's elements, but not a PDF/UA-1
file. Five things are missing, and each function here adds one:

- `mark_artifacts`: what the page draws that is no element of the document (the running head and
  the page numbers of the `@page` margin boxes, rules, borders, backgrounds, box icons) is left
  outside any marked content. A screen reader cannot tell it from text it has lost, so PDF/UA
  wants it marked as /Artifact: each run of it is wrapped in `/Artifact BMC … EMC`. Content that
  is tagged (in a sequence with an MCID) is never touched, so no text leaves the structure.
- `list_bodies`: a list item holds its marker (Lbl) and its text as a bare element (NonStruct);
  PDF/UA allows only Lbl and LBody there. The text becomes an LBody (a grouping element with no
  meaning of its own is retyped; anything else is wrapped), in the same place in reading order.
- `map_roles`: Chromium writes PDF 2.0 types (Strong, Em) that PDF 1.7, which PDF/UA-1 builds
  on, does not define; the RoleMap maps each to its PDF 1.7 equivalent.
- `describe_links`: a link annotation needs /Contents, its description for assistive technology.
  It is the link's own text, read from its tagged content; else its address, or "Go to page N".
- `identify_pdf_ua`: the file says it conforms (`pdfuaid:part` 1 in its XMP, the schema PDF/UA-1
  names), the viewer shows the title rather than the file name, and the document is marked.

Everything runs in the same order on the same input, so the same PDF comes out: the builds stay
reproducible. `scripts/pdf_ua.py` checks the result with two validators.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from pikepdf import ContentStreamInlineImage, ContentStreamInstruction

    Instruction = ContentStreamInstruction | ContentStreamInlineImage

# --- Page content: what is not tagged becomes an artifact ------------------------------------

_TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
_PATH_STARTS = frozenset({"m", "re"})
_PATH_PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
_PATH_ENDS = _PATH_PAINTING | {"n"}  # "n" ends a path that only clips: it paints nothing
_PAINTING = frozenset({"Do", "sh", "INLINE IMAGE"})
_MARK_BEGIN = frozenset({"BDC", "BMC"})
# What paints, or opens or closes what an artifact must nest in; every other operator (most of
# a page: glyph positions, colours, graphics state) only goes along.
_STRUCTURE = _TEXT_SHOWING | _PATH_STARTS | _PATH_ENDS | _PAINTING | _MARK_BEGIN | {"EMC", "BT", "ET"}


def parse_page(page: pikepdf.Page) -> tuple[list[Instruction], list[str]]:
    """A page's content stream, and the name of each operator in it."""
    instructions = pikepdf.parse_content_stream(page)
    return instructions, [str(instruction.operator) for instruction in instructions]


def _is_tagged_or_artifact(instruction: Instruction, op: str) -> bool:
    """A marked-content start that already says what its content is: tagged (it has an MCID,
    which the structure tree points at) or an artifact. A property list named in the page's
    resources rather than written inline counts as tagged, so its content is left alone."""
    operands = instruction.operands
    if operands and operands[0] == pikepdf.Name.Artifact:
        return True
    if op != "BDC" or len(operands) < 2:
        return False
    properties = operands[1]
    return not isinstance(properties, pikepdf.Dictionary) or "/MCID" in properties


def _tagged_parts(instructions: Sequence[Instruction], ops: Sequence[str],
                  tagged_forms: Collection[str]) -> tuple[set[int], set[int]]:
    """Which marked-content sequences and text objects hold tagged content or an artifact, and
    which of them paint anything (each by the index of its BDC, BMC or BT). A form XObject whose
    own content is tagged counts as tagged content where it is drawn."""
    holding: set[int] = set()
    painting: set[int] = set()
    open_parts: list[int] = []
    for index, op in enumerate(ops):
        if op not in _STRUCTURE:
            continue
        if op in _MARK_BEGIN or op == "BT":
            open_parts.append(index)
        if (op in _MARK_BEGIN and _is_tagged_or_artifact(instructions[index], op)) or \
                (op == "Do" and str(instructions[index].operands[0]) in tagged_forms):
            holding.update(open_parts, [index])
        elif op in ("EMC", "ET"):
            if open_parts:
                open_parts.pop()
        elif (op in _TEXT_SHOWING or op in _PATH_PAINTING or op in _PAINTING) and open_parts \
                and open_parts[-1] not in painting:
            painting.update(open_parts)  # the parts around a part that paints paint too
    return holding, painting


def wrap_untagged(instructions: Sequence[Instruction], ops: Sequence[str] | None = None,
                  tagged_forms: Collection[str] = ()) -> list[Instruction]:
    """The content stream with each run of untagged content inside `/Artifact BMC … EMC`.

    A run starts at the first thing it paints: a path from its first point, an image, a form, a
    shading, a text object or a marked-content sequence (say, an /ActualText span) from its
    start, or text shown in a text object that also holds tagged text. It ends before the next
    tagged content (or artifact), at the end of the marked content it started in, or with the
    text object it started in: marked content nests in marked content and in text objects,
    never across them, and never starts inside a path. Graphics state (q/Q) nests apart from
    it: Chromium's own sequences cross it too. `ops` are the operators' names (`parse_page`);
    `tagged_forms` names the form XObjects whose own content is tagged: never made artifacts.
    """
    ops = [str(instruction.operator) for instruction in instructions] if ops is None else ops
    holding, painting = _tagged_parts(instructions, ops, tagged_forms)
    out: list[Instruction] = []
    stack: list[bool] = []  # each open marked-content sequence: does it cover its content?
    covering = 0  # how many of them do
    open_at: int | None = None  # the depth of marked content the open artifact started at
    open_in_text = in_text = False
    path_start: int | None = None  # where in `out` the path being built starts

    def begin(position: int) -> None:
        nonlocal open_at, open_in_text
        out.insert(position, pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC")))
        open_at, open_in_text = len(stack), in_text

    def end() -> None:
        nonlocal open_at
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
        open_at = None

    for index, (instruction, op) in enumerate(zip(instructions, ops)):
        if op not in _STRUCTURE or (op in _TEXT_SHOWING and (open_at is not None or covering or not in_text)):
            out.append(instruction)  # the bulk of a page, quickly
            continue
        if open_at is not None and (
                index in holding
                or (op == "EMC" and len(stack) == open_at)
                or (op == "ET" and open_in_text)):
            end()
        if open_at is None and not covering and index not in holding:
            if op in _PATH_PAINTING and path_start is not None:
                begin(path_start)
            elif op in _PAINTING or op in _TEXT_SHOWING or index in painting:
                begin(len(out))
        if op in _MARK_BEGIN:
            stack.append(_is_tagged_or_artifact(instruction, op))
            covering += stack[-1]
        elif op == "EMC" and stack:
            covering -= stack.pop()
        elif op in ("BT", "ET"):
            in_text = op == "BT"
        elif op in _PATH_STARTS and path_start is None:
            path_start = len(out)
        elif op in _PATH_ENDS:
            path_start = None
        out.append(instruction)
    if open_at is not None:
        end()
    return out


def mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, instructions: list[Instruction], ops: list[str]) -> None:
    """A page's untagged content marked as /Artifact (`wrap_untagged`), from its `parse_page`."""
    forms = page.obj.get("/Resources", pikepdf.Dictionary()).get("/XObject", pikepdf.Dictionary())
    tagged_forms = {str(name) for name, form in forms.items() if isinstance(form, pikepdf.Stream)
                    and form.get("/Subtype") == pikepdf.Name.Form and b"/MCID" in form.read_bytes()}
    wrapped = wrap_untagged(instructions, ops, tagged_forms)
    if len(wrapped) != len(instructions):
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(wrapped))


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


def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element of the document, in reading order."""
    root = pdf.Root.get("/StructTreeRoot")
    todo = [root.get("/K")] if isinstance(root, pikepdf.Dictionary) else []
    while todo:
        item = todo.pop()
        if isinstance(item, pikepdf.Array):
            todo.extend(reversed(list(item)))
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:  # not marked content, not an OBJR
            yield item
            todo.append(item.get("/K"))


def map_roles(pdf: pikepdf.Pdf) -> None:
    """A RoleMap entry for each structure type PDF 1.7 does not define."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return
    if not isinstance(root.get("/RoleMap"), pikepdf.Dictionary):
        root.RoleMap = pikepdf.Dictionary()
    for kind in sorted({str(element.S)[1:] for element in elements(pdf)} - STANDARD_TYPES):
        if f"/{kind}" not in root.RoleMap:
            root.RoleMap[f"/{kind}"] = pikepdf.Name(f"/{PDF2_TYPES.get(kind, 'NonStruct')}")


def group_figures(pdf: pikepdf.Pdf) -> None:
    """A `<figure>` around an image and its caption is a Figure without alternative text whose
    parts (the image's own Figure, a Caption) speak for themselves: retyped as a Div, a grouping,
    so that nothing asks for a description of the whole."""
    for element in elements(pdf):
        if element.get("/S") != pikepdf.Name.Figure or str(element.get("/Alt", "")).strip():
            continue
        k = element.get("/K")
        kids = list(k) if isinstance(k, pikepdf.Array) else [k]
        if kids and all(isinstance(kid, pikepdf.Dictionary) and "/S" in kid for kid in kids):
            element.S = pikepdf.Name.Div


def list_bodies(pdf: pikepdf.Pdf) -> None:
    """Each list item's children other than Lbl and LBody put into an LBody, in their order."""
    root = pdf.Root.StructTreeRoot
    parents = pikepdf.NumberTree(root.ParentTree) if "/ParentTree" in root else None
    for item in [e for e in elements(pdf) if e.S == pikepdf.Name.LI]:
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


# --- Links: each annotation described --------------------------------------------------------


def _font_codes(font: pikepdf.Object | None,
                known: dict[tuple[int, int], tuple[int, dict[bytes, str]]]) -> tuple[int, dict[bytes, str]]:
    """How many bytes each of a font's codes takes, and the text each code stands for: its
    ToUnicode CMap (which pikepdf's content-stream parser reads like any PostScript)."""
    if not isinstance(font, pikepdf.Dictionary) or not isinstance(font.get("/ToUnicode"), pikepdf.Stream):
        return 1, {}
    if font.objgen not in known:
        width, codes = 1, dict[bytes, str]()
        for instruction in pikepdf.parse_content_stream(font.ToUnicode):
            op, values = str(instruction.operator), list(instruction.operands)
            if op == "endcodespacerange" and values:
                width = len(bytes(values[0]))
            elif op == "endbfchar":
                codes.update((bytes(code), _utf16(text)) for code, text in zip(values[::2], values[1::2]))
            elif op == "endbfrange":
                for low, high, text in zip(values[::3], values[1::3], values[2::3]):
                    size, first = len(bytes(low)), int.from_bytes(bytes(low), "big")
                    for offset in range(int.from_bytes(bytes(high), "big") - first + 1):
                        if isinstance(text, pikepdf.Array):  # a text for each code
                            mapped = _utf16(text[offset]) if offset < len(text) else ""
                        else:  # the first code's text, its last character counting up
                            mapped = _utf16(text)
                            mapped = mapped[:-1] + chr(ord(mapped[-1]) + offset) if mapped else ""
                        codes[(first + offset).to_bytes(size, "big")] = mapped
        known[font.objgen] = width, codes
    return known[font.objgen]


def _utf16(text: pikepdf.Object) -> str:
    return bytes(text).decode("utf-16-be", "replace")


# The operators that say which text is shown, in which sequence, on which line.
_TEXT_STATE = _TEXT_SHOWING | _MARK_BEGIN | {"EMC", "Tf", "BT", "Tm", "Td", "TD", "T*"}


def marked_texts(page: pikepdf.Page, instructions: Sequence[Instruction], ops: Sequence[str],
                 wanted: Collection[int], known: dict[tuple[int, int], tuple[int, dict[bytes, str]]]) -> dict[int, str]:
    """The text of the `wanted` tagged marked-content sequences of a page (`parse_page`), by MCID:
    each glyph's text from its font (`_font_codes`, cached in `known`), an /ActualText span's
    text for its glyphs, and a space where a new line starts."""
    fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
    width, codes = 1, dict[bytes, str]()
    texts: dict[int, str] = {}
    marks: list[tuple[int | None, bool]] = []  # each open sequence: its MCID, and is its text given?
    y, breaks = 0.0, 0  # the line: lines are begun by Tm (Chromium's way), Td, T*, ' or "
    line: tuple[float, int] | None = None  # the line of the last text shown
    for instruction, op in zip(instructions, ops):
        if op not in _TEXT_STATE:
            continue
        operands = instruction.operands
        mcid, given = marks[-1] if marks else (None, False)
        found = ""
        if op in _MARK_BEGIN:
            properties = operands[1] if op == "BDC" and len(operands) > 1 else None
            own = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            actual = properties.get("/ActualText") if isinstance(properties, pikepdf.Dictionary) else None
            mcid = int(own) if own is not None else mcid
            if actual is not None and not given:
                found, given = str(actual), True
            marks.append((mcid, given))
        elif op == "EMC":
            if marks:
                marks.pop()
        elif op == "Tf":
            width, codes = _font_codes(fonts.get(str(operands[0])), known)
        elif op in ("BT", "Tm"):
            y = float(operands[5]) if op == "Tm" else 0.0
        elif op in ("Td", "TD"):
            if operands[1] != 0:
                y += float(operands[1])
        breaks += op in ("T*", "'", '"')
        if mcid is None or mcid not in wanted:
            continue
        if op in _TEXT_SHOWING:
            found = " " if line not in (None, (y, breaks)) else ""
            line = (y, breaks)
            shown = operands[0] if op == "TJ" else pikepdf.Array([operands[-1]])
            for part in (bytes(p) for p in shown if isinstance(p, pikepdf.String) and not given):
                found += "".join(codes.get(part[i:i + width], "") for i in range(0, len(part), width))
        if found:
            texts[mcid] = texts.get(mcid, "") + found
    return texts


def _undescribed_links(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, pikepdf.Dictionary | None]]:
    """Each link annotation without /Contents, and its Link element (None if it has none)."""
    root = pdf.Root.get("/StructTreeRoot", pikepdf.Dictionary())
    parents = pikepdf.NumberTree(root.ParentTree) if "/ParentTree" in root else None
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if isinstance(annotation, pikepdf.Dictionary) and annotation.get("/Subtype") == pikepdf.Name.Link \
                    and not str(annotation.get("/Contents", "")).strip():
                key = int(annotation.get("/StructParent", -1))
                element = parents[key] if parents is not None and key in parents else None
                yield annotation, element if isinstance(element, pikepdf.Dictionary) else None


def _marked_content(element: pikepdf.Dictionary | None,
                    pages: Mapping[tuple[int, int], int]) -> list[tuple[int, int]]:
    """The marked content of an element, in order, by (page index, MCID)."""
    found: list[tuple[int, int]] = []

    def visit(node: pikepdf.Object | None, page: pikepdf.Object | None) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                visit(kid, page)
        elif isinstance(node, int) and isinstance(page, pikepdf.Dictionary) and page.objgen in pages:
            found.append((pages[page.objgen], int(node)))
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == pikepdf.Name.MCR:
            visit(node.MCID, node.get("/Pg", page))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            visit(node.get("/K"), node.get("/Pg", page))

    if element is not None:
        visit(element, element.get("/Pg"))
    return found


def _destination_page(pdf: pikepdf.Pdf, annotation: pikepdf.Dictionary,
                      pages: Mapping[tuple[int, int], int]) -> int | None:
    """The page (from 1) an internal link leads to."""
    target = annotation.get("/Dest")
    action = annotation.get("/A")
    if target is None and isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.GoTo:
        target = action.get("/D")
    if isinstance(target, (pikepdf.Name, pikepdf.String)):  # a named destination, as Chromium writes
        name = str(target).lstrip("/")
        named = pdf.Root.get("/Dests", pikepdf.Dictionary()).get(f"/{name}")
        if named is None and "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            named = pikepdf.NameTree(pdf.Root.Names.Dests).get(name)
        target = named.get("/D") if isinstance(named, pikepdf.Dictionary) else named
    found = target[0].objgen if isinstance(target, pikepdf.Array) and len(target) and \
        isinstance(target[0], pikepdf.Dictionary) else None
    return pages[found] + 1 if found is not None and found in pages else None


def describe_links(pdf: pikepdf.Pdf, texts: Mapping[tuple[int, int], str]) -> None:
    """/Contents for every link annotation without one: the text of its Link element (`texts`,
    by page index and MCID, from `marked_texts`), a space between one marked-content sequence and the next (Chromium
    tags each text node on its own: a contents entry's title and page number); else its
    address; else the page it goes to."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    for annotation, element in list(_undescribed_links(pdf)):
        words = " ".join(texts.get(key, "") for key in _marked_content(element, pages))
        description = re.sub(r"\s+", " ", words.replace("\u00ad", "")).strip()
        action = annotation.get("/A")
        if not description and isinstance(action, pikepdf.Dictionary) and "/URI" in action:
            description = str(action.URI)
        if not description:
            number = _destination_page(pdf, annotation, pages)
            description = f"Go to page {number}" if number else "Link"
        annotation.Contents = pikepdf.String(description)


# --- The document says what it is ------------------------------------------------------------


def identify_pdf_ua(pdf: pikepdf.Pdf) -> None:
    """PDF/UA-1 named in the XMP (`pdfuaid:part`), the title shown, the document marked."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["pdfuaid:part"] = "1"
    for key, entry in (("/ViewerPreferences", "/DisplayDocTitle"), ("/MarkInfo", "/Marked")):
        if not isinstance(pdf.Root.get(key), pikepdf.Dictionary):
            pdf.Root[key] = pikepdf.Dictionary()
        pdf.Root[key][entry] = True


def make_accessible(pdf: pikepdf.Pdf) -> None:
    """Every fix above, on a PDF Chromium printed. Each page's content is parsed once, for the
    text of its links and for its artifacts; only the links' text is decoded."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    wanted: dict[int, set[int]] = {}
    for _, element in _undescribed_links(pdf):
        for index, mcid in _marked_content(element, pages):
            wanted.setdefault(index, set()).add(mcid)
    known: dict[tuple[int, int], tuple[int, dict[bytes, str]]] = {}
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(pdf.pages):
        instructions, ops = parse_page(page)
        if index in wanted:
            found = marked_texts(page, instructions, ops, wanted[index], known)
            texts.update(((index, mcid), text) for mcid, text in found.items())
        mark_artifacts(pdf, page, instructions, ops)
    describe_links(pdf, texts)
    if "/StructTreeRoot" in pdf.Root:
        list_bodies(pdf)
        group_figures(pdf)
        map_roles(pdf)
    identify_pdf_ua(pdf)
