"""PDF/UA-1, links: each link annotation described by its own text (/Contents).

A link annotation needs /Contents, its description for assistive technology. It is the link's
own text, read from its tagged content (`marked_texts`, each glyph decoded through its font's
ToUnicode CMap); else its address, or "Go to page N" with the page's printed number (its label).
Part of `ebook.pdf.tagging`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

import pikepdf

from ebook.pdf.content_scan import Scanned, text_objects_of
from ebook.pdf.tagging_content import MARK_BEGIN, TEXT_SHOWING

if TYPE_CHECKING:
    from pikepdf import ContentStreamInlineImage, ContentStreamInstruction

    Instruction = ContentStreamInstruction | ContentStreamInlineImage

FontCodes = dict[tuple[int, int], tuple[int, dict[bytes, str]]]  # `_font_codes` by font


def _font_codes(font: pikepdf.Object | None, cache: FontCodes) -> tuple[int, dict[bytes, str]]:
    """How many bytes each of a font's codes takes, and the text each code stands for: its
    ToUnicode CMap (which pikepdf's content-stream parser reads like any PostScript)."""
    if not isinstance(font, pikepdf.Dictionary) or not isinstance(font.get("/ToUnicode"), pikepdf.Stream):
        return 1, {}
    if font.objgen not in cache:
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
        cache[font.objgen] = width, codes
    return cache[font.objgen]


def _utf16(text: pikepdf.Object) -> str:
    return bytes(text).decode("utf-16-be", "replace")


# The operators that say which sequence is open, which font is used and where a line starts.
# The bulk of a page, each glyph's position and its glyphs, is read only in the sequences wanted.
_TEXT_STATE = MARK_BEGIN | {b"EMC", b"Tf", b"BT", b"Tm", b"T*", b"'", b'"'}
_GLYPHS = frozenset({b"Tj", b"TJ"})  # the text-showing operators that change no state
_MOVES = frozenset({b"Td", b"TD"})
_LINE_BREAKS = frozenset({b"T*", b"'", b'"'})


class _TextState:
    """Where the text of a page's content is, and in which font, as `marked_texts` reads it.

    A line is begun by Tm (Chromium's way), Td, TD, T*, ' or ": text is on the line of the y of
    the last BT or Tm with the moves (Td, TD) since, after so many line breaks (T*, ', "). The
    moves and the font's codes are read only for text that is wanted: most of a page's is not.
    """

    def __init__(self, page: pikepdf.Page, instructions: Sequence[Instruction], ops: Sequence[bytes],
                 font_codes: FontCodes) -> None:
        self.fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
        self.instructions, self.ops, self.font_codes = instructions, ops, font_codes
        self.font: str | None = None  # the font set last (Tf), until its codes are read
        self.width, self.codes = 1, dict[bytes, str]()  # the codes of the font read last
        self.y, self.breaks = 0.0, 0
        self.moved = 0  # the moves before this index are in y; later ones are added when needed
        self.last_line: tuple[float, int] | None = None  # the line of the text read last

    def set_font(self, name: str) -> None:
        self.font = name

    def begin_text(self, index: int, y: float) -> None:
        """A text object begun (BT, y 0) or its matrix set (Tm) by the instruction at `index`."""
        self.y, self.moved = y, index + 1

    def break_line(self) -> None:
        self.breaks += 1

    def line(self, index: int) -> tuple[float, int]:
        """The line of the text shown by the instruction at `index`, with the moves before it."""
        for earlier in range(self.moved, index):
            if self.ops[earlier] in _MOVES and self.instructions[earlier].operands[1] != 0:
                self.y += float(self.instructions[earlier].operands[1])
        self.moved = index
        return self.y, self.breaks

    def shown(self, index: int, given: bool) -> str:
        """The text shown by the instruction at `index`, after a space when it starts another
        line than the text read last; only the space when an /ActualText gives the text."""
        line = self.line(index)
        found = " " if self.last_line not in (None, line) else ""
        self.last_line = line
        if given:
            return found
        if self.font is not None:
            self.width, self.codes = _font_codes(self.fonts.get(self.font), self.font_codes)
            self.font = None
        operands = self.instructions[index].operands
        for part in operands[0] if self.ops[index] == b"TJ" else [operands[-1]]:
            if isinstance(part, pikepdf.String):
                glyphs = bytes(part)
                found += "".join(self.codes.get(glyphs[i:i + self.width], "")
                                 for i in range(0, len(glyphs), self.width))
        return found


class _Mark(NamedTuple):
    """An open marked-content sequence, as `marked_texts` reads it."""

    mcid: int | None  # its own, else that of the sequence it is in
    given: bool  # whether an /ActualText gives its text (its own, or that of a sequence it is in)


def _opened(instruction: Instruction, op: bytes, outer: _Mark) -> tuple[_Mark, str]:
    """The sequence a BDC or BMC (`op`) opens inside `outer`, and the text its /ActualText gives
    (none when the outer sequence's text is already given)."""
    operands = instruction.operands
    properties = operands[1] if op == b"BDC" and len(operands) > 1 else None
    if not isinstance(properties, pikepdf.Dictionary):
        return outer, ""
    own, actual = properties.get("/MCID"), properties.get("/ActualText")
    mcid = int(own) if own is not None else outer.mcid
    if actual is None or outer.given:
        return _Mark(mcid, outer.given), ""
    return _Mark(mcid, True), str(actual)


def _add(texts: dict[int, str], mark: _Mark, text: str) -> None:
    """Text read in a sequence, after what was read in it before."""
    if mark.mcid is not None and text:
        texts[mark.mcid] = texts.get(mark.mcid, "") + text


def marked_texts(page: pikepdf.Page, instructions: Sequence[Instruction], ops: Sequence[bytes],
                 wanted: Collection[int], font_codes: FontCodes) -> dict[int, str]:
    """The text of the `wanted` tagged marked-content sequences of a page (`parse_page`), by MCID:
    each glyph's text from its font (`_font_codes`, kept in `font_codes` for the next page), an
    /ActualText span's text for its glyphs, and a space where a new line starts.

    Only the instructions that change the state (`_TEXT_STATE`) are looked at one by one; the
    glyphs shown between two of them are read only when the sequence open there is wanted."""
    state = _TextState(page, instructions, ops, font_codes)
    texts: dict[int, str] = {}
    outside = _Mark(None, False)
    marks: list[_Mark] = []  # the open sequences, innermost last
    reading: _Mark | None = None  # the innermost open sequence, when its text is wanted
    read = 0  # the instructions before this index have been read
    for index in [*(i for i, op in enumerate(ops) if op in _TEXT_STATE), len(ops)]:
        if reading is not None:  # the glyphs shown since the last change of state
            _add(texts, reading, "".join(state.shown(shown, reading.given)
                                         for shown in range(read, index) if ops[shown] in _GLYPHS))
        if index == len(ops):
            break
        read = index + 1
        op, operands = ops[index], instructions[index].operands
        actual = ""  # the text an /ActualText opened here gives
        if op in MARK_BEGIN:
            mark, actual = _opened(instructions[index], op, marks[-1] if marks else outside)
            marks.append(mark)
        elif op == b"EMC" and marks:
            marks.pop()
        elif op == b"Tf":
            state.set_font(str(operands[0]))
        elif op in (b"BT", b"Tm"):
            state.begin_text(index, float(operands[5]) if op == b"Tm" else 0.0)
        if op in _LINE_BREAKS:
            state.break_line()
        reading = marks[-1] if marks and marks[-1].mcid in wanted else None
        if reading is not None:
            _add(texts, reading, actual + (state.shown(index, reading.given) if op in TEXT_SHOWING else ""))
    return texts


def marked_texts_in_bytes(pdf: pikepdf.Pdf, page: pikepdf.Page, data: bytes, read: Scanned,
                          wanted: Collection[int], font_codes: FontCodes) -> dict[int, str] | None:
    """`marked_texts` of a page read from its bytes (`data`, as `read` by `content_scan.scan`):
    only the text objects the wanted sequences are in, and the marked content around them, are
    parsed (`text_objects_of`), a small part of a page. The same texts as from the whole page's
    parse; None when they might not be (see `text_objects_of`; or a text object shows text before
    it sets its font, which would be the font set last before it): the page is then parsed."""
    part = text_objects_of(data, read, wanted)
    if part is None:
        return None
    instructions = pikepdf.parse_content_stream(pdf.make_stream(part))  # referred to by nothing: never saved
    ops = [str(instruction.operator).encode() for instruction in instructions]
    font_set = True
    for op in ops:
        if op == b"BT":
            font_set = False
        elif op == b"Tf":
            font_set = True
        elif op in TEXT_SHOWING and not font_set:
            return None
    return marked_texts(page, instructions, ops, wanted, font_codes)


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
