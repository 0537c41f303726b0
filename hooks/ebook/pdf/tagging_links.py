"""PDF/UA-1, links: each link annotation described by its own text (/Contents).

A link annotation needs /Contents, its description for assistive technology. It is the link's
own text, read from its tagged content (`marked_texts`, each glyph decoded through its font's
ToUnicode CMap); else its address, or "Go to page N" with the page's printed number (its label).
Part of `ebook.pdf.tagging`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, cast

import pikepdf

from ebook.pdf.tagging_content import MARK_BEGIN, TEXT_SHOWING

if TYPE_CHECKING:
    from pikepdf import ContentStreamInlineImage, ContentStreamInstruction

    Instruction = ContentStreamInstruction | ContentStreamInlineImage

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


# The operators that say which sequence is open, which font is used and where a line starts.
# The bulk of a page, each glyph's position and its glyphs, is read only in the sequences wanted.
_TEXT_STATE = MARK_BEGIN | {b"EMC", b"Tf", b"BT", b"Tm", b"T*", b"'", b'"'}
_MOVES = frozenset({b"Td", b"TD"})


def marked_texts(page: pikepdf.Page, instructions: Sequence[Instruction], ops: Sequence[bytes],
                 wanted: Collection[int], known: dict[tuple[int, int], tuple[int, dict[bytes, str]]]) -> dict[int, str]:
    """The text of the `wanted` tagged marked-content sequences of a page (`parse_page`), by MCID:
    each glyph's text from its font (`_font_codes`, cached in `known`), an /ActualText span's
    text for its glyphs, and a space where a new line starts."""
    fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
    font: str | None = None  # the font set last (Tf), whose codes are read when its text is wanted
    width, codes = 1, dict[bytes, str]()
    texts: dict[int, str] = {}
    marks: list[tuple[int | None, bool]] = []  # each open sequence: its MCID, and is its text given?
    mcid: int | None = None  # the open sequence's, when it is wanted
    given = False
    y, breaks = 0.0, 0  # the line: lines are begun by Tm (Chromium's way), Td, T*, ' or "
    moved = 0  # the moves (Td, TD) before this index are in y; later ones are added when needed
    line: tuple[float, int] | None = None  # the line of the last text shown

    def shown_text(index: int, op: bytes) -> str:
        """The text shown by the instruction at `index` (operator `op`), in a sequence wanted."""
        nonlocal y, moved, line, font, width, codes
        for earlier in range(moved, index):
            if ops[earlier] in _MOVES and instructions[earlier].operands[1] != 0:
                y += float(instructions[earlier].operands[1])
        moved = index
        if font is not None:
            width, codes = _font_codes(fonts.get(font), known)
            font = None
        found = " " if line not in (None, (y, breaks)) else ""
        line = (y, breaks)
        operands = instructions[index].operands
        shown = operands[0] if op == b"TJ" else pikepdf.Array([operands[-1]])
        for part in (bytes(p) for p in shown if isinstance(p, pikepdf.String) and not given):
            found += "".join(codes.get(part[i:i + width], "") for i in range(0, len(part), width))
        return found

    done = 0  # the instructions before this index have been read
    for index in [*(i for i, op in enumerate(ops) if op in _TEXT_STATE), len(ops)]:
        if mcid is not None:  # the glyphs since the last change of state are wanted
            for inside in range(done, index):
                if ops[inside] in (b"Tj", b"TJ"):
                    found = shown_text(inside, ops[inside])
                    if found:
                        texts[mcid] = texts.get(mcid, "") + found
        if index == len(ops):
            break
        done = index + 1
        op = ops[index]
        operands = instructions[index].operands
        found = ""
        if op in MARK_BEGIN:
            outer, given = marks[-1] if marks else (None, False)
            properties = operands[1] if op == b"BDC" and len(operands) > 1 else None
            own = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            actual = properties.get("/ActualText") if isinstance(properties, pikepdf.Dictionary) else None
            opened = int(own) if own is not None else outer
            if actual is not None and not given:
                found, given = str(actual), True
            marks.append((opened, given))
        elif op == b"EMC":
            if marks:
                marks.pop()
        elif op == b"Tf":
            font = str(operands[0])
        elif op in (b"BT", b"Tm"):
            y = float(operands[5]) if op == b"Tm" else 0.0
            moved = index + 1
        breaks += op in (b"T*", b"'", b'"')
        mcid, given = marks[-1] if marks else (None, False)
        if mcid is not None and mcid not in wanted:
            mcid = None
        if mcid is None:
            continue
        if op in TEXT_SHOWING:
            found = shown_text(index, op)
        if found:
            texts[mcid] = texts.get(mcid, "") + found
    return texts


def undescribed_links(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, pikepdf.Dictionary | None]]:
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


def marked_content(element: pikepdf.Dictionary | None,
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
                      pages: Mapping[tuple[int, int], int]) -> str | None:
    """The printed number of the page an internal link leads to: its label (the document's
    /PageLabels, as a viewer shows it: the front matter's i, ii, iii), else its place from 1."""
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
    if found is None or found not in pages:
        return None
    return cast(str, pdf.pages[pages[found]].label)  # a property, which pikepdf's stubs call a method


def describe_links(pdf: pikepdf.Pdf, texts: Mapping[tuple[int, int], str]) -> None:
    """/Contents for every link annotation without one: the text of its Link element (`texts`,
    by page index and MCID, from `marked_texts`), a space between one marked-content sequence and the next (Chromium
    tags each text node on its own: a contents entry's title and page number); else its
    address; else the page it goes to."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    for annotation, element in list(undescribed_links(pdf)):
        words = " ".join(texts.get(key, "") for key in marked_content(element, pages))
        description = re.sub(r"\s+", " ", words.replace("\u00ad", "")).strip()
        action = annotation.get("/A")
        if not description and isinstance(action, pikepdf.Dictionary) and "/URI" in action:
            description = str(action.URI)
        if not description:
            label = _destination_page(pdf, annotation, pages)
            description = f"Go to page {label}" if label else "Link"
        annotation.Contents = pikepdf.String(description)
