"""PDF/UA-1, page content: what a page draws that is no element of the document becomes /Artifact.

Chromium leaves outside any marked content what the page draws that is no element of the
document (the running head and the page numbers of the `@page` margin boxes, rules, borders,
backgrounds, box icons). A screen reader cannot tell it from text it has lost, so PDF/UA wants it
marked as /Artifact: each run of it is wrapped in `/Artifact BMC … EMC`. Content that is tagged (in
a sequence with an MCID) is never touched, so no text leaves the structure. Part of
`ebook.pdf.tagging`.

Where the marks go is decided on the instructions that open or close marked content, text
objects and paths, or paint (`Structure`), read either from its bytes (`mark_artifacts_in_bytes`,
`content_scan`, more than twice as quick) or, for a page the scan does not read, from pikepdf's
parse of the page (`mark_artifacts`, which its links' text is then read from too): the same
marks at the same places either way.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import pikepdf

from ebook.pdf.content_scan import Scanned, scan
from ebook.pdf.tagging_forms import tagged_forms

if TYPE_CHECKING:
    from pikepdf import ContentStreamInlineImage, ContentStreamInstruction

    Instruction = ContentStreamInstruction | ContentStreamInlineImage
    ObjGen = tuple[int, int]

T = TypeVar("T")

TEXT_SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})
_PATH_STARTS = frozenset({b"m", b"re"})
_PATH_PAINTING = frozenset({b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})
_PATH_ENDS = _PATH_PAINTING | {b"n"}  # "n" ends a path that only clips: it paints nothing
_PAINTING = frozenset({b"Do", b"sh", b"INLINE IMAGE"})
MARK_BEGIN = frozenset({b"BDC", b"BMC"})
# What paints, or opens or closes what an artifact must nest in; every other operator (most of
# a page: glyph positions, colours, graphics state) only goes along.
_STRUCTURE = TEXT_SHOWING | _PATH_STARTS | _PATH_ENDS | _PAINTING | MARK_BEGIN | {b"EMC", b"BT", b"ET"}

# What `wrap_untagged` adds, as `unparse_content_stream` writes each: one instruction a line.
_ADDED: dict[str, Instruction] = {
    "artifact": pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC")),
    "span": pikepdf.ContentStreamInstruction([pikepdf.Name.Span], pikepdf.Operator("BMC")),
    "end": pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")),
}
_ADDED_LINES: dict[str, bytes] = {key: pikepdf.unparse_content_stream([instruction]) for key, instruction in _ADDED.items()}


class PageContent(NamedTuple):
    """A content stream parsed once for every pass over it (`parse_page`)."""

    instructions: list[Instruction]
    ops: list[bytes]  # each instruction's operator
    # The stream as `unparse_content_stream` writes it, one line an instruction; None when an
    # instruction takes more than a line (an inline image's data).
    lines: list[bytes] | None


class _CollectorPauses:
    """The pauses of Python's cycle collector under way, in every thread (`collector_paused`).

    The first pause to begin notes whether the collector was on and turns it off; the last to end
    turns it on again if it was. A lock makes each of these one step: a pause that looked at the
    collector while another thread's pause was ending could otherwise find it off, turn it off
    after the other turned it on, and leave it off for good.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.under_way = 0
        self.was_on = False

    def begin(self) -> None:
        with self.lock:
            if self.under_way == 0:
                self.was_on = gc.isenabled()
                gc.disable()
            self.under_way += 1

    def end(self) -> None:
        with self.lock:
            self.under_way -= 1
            if self.under_way == 0 and self.was_on:
                gc.enable()


_PAUSES = _CollectorPauses()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a page's parsed content is in use.

    pikepdf's instructions are objects the collector tracks, though they hold no cycles and
    are freed as soon as the page is done; a page's thousands of them would set it off every
    few hundred, and each time it looked at them again, and now and then at every object of the
    build. The PDFs are finished in threads of their own: the collector stays off until every
    thread's pause is over, and is then as it was before the first (`_CollectorPauses`).
    """
    _PAUSES.begin()
    try:
        yield
    finally:
        _PAUSES.end()


def parse_page(page: pikepdf.Page | pikepdf.Object) -> PageContent:
    """A page's (or form's) content stream, the name of each operator in it, and its lines.

    The operators are read from the unparsed lines (the last word of each), which the artifact
    marking writes back with its additions: cheaper than asking each instruction for its
    operator and unparsing the whole stream again.
    """
    instructions = pikepdf.parse_content_stream(page)
    lines = pikepdf.unparse_content_stream(instructions).split(b"\n")
    if instructions and len(lines) == len(instructions):
        return PageContent(instructions, [line.rpartition(b" ")[2] for line in lines], lines)
    return PageContent(instructions, [str(i.operator).encode() for i in instructions], None)


def _is_tagged_or_artifact(instruction: Instruction, op: bytes) -> bool:
    """A marked-content start that already says what its content is: tagged (it has an MCID,
    which the structure tree points at) or an artifact. A property list named in the page's
    resources rather than written inline counts as tagged, so its content is left alone."""
    operands = instruction.operands
    if operands and operands[0] == pikepdf.Name.Artifact:
        return True
    if op != b"BDC" or len(operands) < 2:
        return False
    properties = operands[1]
    return not isinstance(properties, pikepdf.Dictionary) or "/MCID" in properties


class Structure(NamedTuple):
    """The instructions of a stream that artifact marking looks at (`_STRUCTURE`), in order,
    whether read from pikepdf's parse (`_parsed_structure`) or from the bytes
    (`content_scan.scan`): each one's operator, whether a BDC or BMC says what its content is
    (`_is_tagged_or_artifact`), and the name a Do draws."""

    ops: Sequence[bytes]
    covers: Sequence[bool]
    names: Sequence[str | None]


# Where an addition goes: before a structure instruction, after it, or at the end of the stream.
BEFORE, AFTER, END = 0, 1, 2
Addition = tuple[int, int, str]  # (the structure instruction's index, where, the key in _ADDED)


def _parsed_structure(content: PageContent) -> tuple[Structure, list[int]]:
    """The structure of a parsed stream, and each structure instruction's index in it."""
    indices = [index for index, op in enumerate(content.ops) if op in _STRUCTURE]
    ops = [content.ops[index] for index in indices]
    instructions = content.instructions
    covers = [op in MARK_BEGIN and _is_tagged_or_artifact(instructions[index], op) for index, op in zip(indices, ops)]
    names = [str(instructions[index].operands[0]) if op == b"Do" else None for index, op in zip(indices, ops)]
    return Structure(ops, covers, names), indices


def _tagged_parts(structure: Structure, tagged_forms: Collection[str]) -> tuple[set[int], set[int]]:
    """Which marked-content sequences and text objects hold tagged content or an artifact, and
    which of them paint anything (each by the index of its BDC, BMC or BT). A form XObject whose
    own content is tagged counts as tagged content where it is drawn."""
    holding: set[int] = set()
    painting: set[int] = set()
    open_parts: list[int] = []
    for index, op in enumerate(structure.ops):
        if op in MARK_BEGIN or op == b"BT":
            open_parts.append(index)
        if (op in MARK_BEGIN and structure.covers[index]) or \
                (op == b"Do" and structure.names[index] in tagged_forms):
            holding.update(open_parts, [index])
        elif op in (b"EMC", b"ET"):
            if open_parts:
                open_parts.pop()
        elif (op in TEXT_SHOWING or op in _PATH_PAINTING or op in _PAINTING) and open_parts \
                and open_parts[-1] not in painting:
            painting.update(open_parts)  # the parts around a part that paints paint too
    return holding, painting


def _additions(structure: Structure, tagged_forms: Collection[str]) -> list[Addition]:
    """What `wrap_untagged` adds, in the order it is found: (the structure instruction it goes
    before or after, or the end of the stream; the key of what, in _ADDED). Text shown again with
    no other structure instruction between changes nothing: a reading may give only the first
    (`content_scan`)."""
    ops = structure.ops
    holding, painting = _tagged_parts(structure, tagged_forms)
    added: list[Addition] = []
    stack: list[bool] = []  # each open marked-content sequence: does it cover its content?
    covering = 0  # how many of them do
    open_at: int | None = None  # the depth of marked content the open artifact started at
    open_in_text = in_text = False
    path_start: int | None = None  # the index of the path being built's first instruction

    for index, op in enumerate(ops):
        if op in TEXT_SHOWING and (open_at is not None or covering or not in_text):
            continue  # the bulk of a page's painting, quickly
        if open_at is not None and (
                index in holding
                or (op == b"EMC" and len(stack) == open_at)
                or (op == b"ET" and open_in_text)):
            added.append((index, BEFORE, "end"))
            open_at = None
        if open_at is None and not covering and index not in holding:
            start = None
            if op in _PATH_PAINTING and path_start is not None:
                start = path_start
            elif op in _PAINTING or op in TEXT_SHOWING or index in painting:
                start = index
            if start is not None:
                added.append((start, BEFORE, "artifact"))
                open_at, open_in_text = len(stack), in_text
        if op in MARK_BEGIN:
            stack.append(structure.covers[index])
            covering += stack[-1]
        elif op == b"EMC" and stack:
            covering -= stack.pop()
        elif op in (b"BT", b"ET"):
            in_text = op == b"BT"
        elif op == b"Do" and index in holding and not stack:
            # A form whose own content is tagged, drawn outside any marked content: the drawing
            # goes in a sequence that means nothing (tools that do not look inside forms ask it).
            added += [(index, BEFORE, "span"), (index, AFTER, "end")]
        elif op in _PATH_STARTS and path_start is None:
            path_start = index
        elif op in _PATH_ENDS:
            path_start = None
    if open_at is not None:
        added.append((len(ops), END, "end"))
    return added


def _placed(added: Sequence[Addition], position: Callable[[int, int], int]) -> list[tuple[int, str]]:
    """The additions by where they go in the stream (`position(index, where)`), in order: an
    artifact that starts with its path goes before it, after whatever was added there before (a
    sort keeps the order of equal keys)."""
    return sorted(((position(index, where), key) for index, where, key in added), key=lambda placed: placed[0])


def _parsed_additions(content: PageContent, tagged_forms: Collection[str]) -> list[tuple[int, str]]:
    """The additions to a parsed stream, by the index of the instruction each goes before."""
    structure, indices = _parsed_structure(content)

    def position(index: int, where: int) -> int:
        return len(content.instructions) if where == END else indices[index] + (where == AFTER)

    return _placed(_additions(structure, tagged_forms), position)


def _spliced(items: Sequence[T], added: Sequence[tuple[int, str]], new: Mapping[str, T]) -> list[T]:
    out: list[T] = []
    done = 0
    for index, key in added:
        out += items[done:index]
        out.append(new[key])
        done = index
    out += items[done:]
    return out


def wrap_untagged(instructions: Sequence[Instruction], ops: Sequence[bytes] | None = None,
                  tagged_forms: Collection[str] = ()) -> list[Instruction]:
    """The content stream with each run of untagged content inside `/Artifact BMC … EMC`.

    A run starts at the first thing it paints: a path from its first point, an image, a form, a
    shading, a text object or a marked-content sequence (say, an /ActualText span) from its
    start, or text shown in a text object that also holds tagged text. It ends before the next
    tagged content (or artifact), at the end of the marked content it started in, or with the
    text object it started in: marked content nests in marked content and in text objects,
    never across them, and never starts inside a path. Graphics state (q/Q) nests apart from
    it: Chromium's own sequences cross it too. `ops` are the operators' names (`parse_page`);
    `tagged_forms` names the form XObjects whose own content is tagged: never made artifacts,
    and drawn inside a `/Span BMC … EMC` that says nothing when no marked content is open.
    """
    ops = [str(instruction.operator).encode() for instruction in instructions] if ops is None else ops
    content = PageContent(list(instructions), list(ops), None)
    return _spliced(instructions, _parsed_additions(content, tagged_forms), _ADDED)


def mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, content: PageContent,
                   forms: dict[ObjGen, bool] | None = None) -> None:
    """A page's untagged content marked as /Artifact (`wrap_untagged`), from its `parse_page`. A
    form counts as tagged when its own content or that of a form it draws is (`tagged_forms`,
    `forms` keeping the answer for each form from one page to the next). The new stream is the
    page's unparsed lines with the additions between them."""
    added = _parsed_additions(content, tagged_forms(page.obj, forms))
    if not added:
        return
    if content.lines is not None:
        data = b"\n".join(_spliced(content.lines, added, _ADDED_LINES))
    else:
        data = pikepdf.unparse_content_stream(_spliced(content.instructions, added, _ADDED))
    page.obj.Contents = compressed_stream(pdf, data)


def compressed_stream(pdf: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    """A page's new content, compressed now rather than when the PDF is saved: a long book's
    pages are held compressed while the rest of it is finished (about 25 MiB less at 548
    pages). At zlib's default level, as the save compresses a stream; it keeps one already
    compressed as it is."""
    return pdf.make_stream(zlib.compress(data), Filter=pikepdf.Name.FlateDecode)


def page_bytes(page: pikepdf.Page) -> bytes:
    """A page's content, its streams one after the other (a page may have several)."""
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        return contents.read_bytes()
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents if isinstance(part, pikepdf.Stream))
    return b""


def mark_artifacts_in_bytes(pdf: pikepdf.Pdf, page: pikepdf.Page, forms: dict[ObjGen, bool] | None = None,
                            read: tuple[bytes, Scanned] | None = None) -> None:
    """`mark_artifacts` read from the page's bytes (`content_scan`) rather than parsed, the marks
    written between them; a page the scan does not read is parsed (`parse_page`). The same marks
    at the same places either way. `read`: the page's bytes and their scan, when already read."""
    if read is None:
        data = page_bytes(page)
        scanned = scan(data)
    else:
        data, scanned = read
    if scanned is None:
        with collector_paused():
            mark_artifacts(pdf, page, parse_page(page), forms)
        return
    structure = Structure(scanned.ops, scanned.covers, scanned.names)

    def position(index: int, where: int) -> int:
        return len(data) if where == END else scanned.starts[index] if where == BEFORE else scanned.ends[index]

    added = _placed(_additions(structure, tagged_forms(page.obj, forms)), position)
    if not added:
        return
    parts, done = [], 0
    for place, key in added:
        parts += [data[done:place], b"\n", _ADDED_LINES[key], b"\n"]
        done = place
    parts.append(data[done:])
    page.obj.Contents = compressed_stream(pdf, b"".join(parts))
