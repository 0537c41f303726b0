"""PDF/UA-1, page content: what a page draws that is no element of the document becomes /Artifact.

Chromium leaves outside any marked content what the page draws that is no element of the
document (the running head and the page numbers of the `@page` margin boxes, rules, borders,
backgrounds, box icons). A screen reader cannot tell it from text it has lost, so PDF/UA wants it
marked as /Artifact: each run of it is wrapped in `/Artifact BMC … EMC`. Content that is tagged (in
a sequence with an MCID) is never touched, so no text leaves the structure. Part of
`ebook.pdf.tagging`.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import pikepdf

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


def _tagged_parts(instructions: Sequence[Instruction], ops: Sequence[bytes], structure: Sequence[int],
                  tagged_forms: Collection[str]) -> tuple[set[int], set[int]]:
    """Which marked-content sequences and text objects hold tagged content or an artifact, and
    which of them paint anything (each by the index of its BDC, BMC or BT). A form XObject whose
    own content is tagged counts as tagged content where it is drawn. `structure` are the
    indices of the operators in _STRUCTURE: the others change nothing here."""
    holding: set[int] = set()
    painting: set[int] = set()
    open_parts: list[int] = []
    for index in structure:
        op = ops[index]
        if op in MARK_BEGIN or op == b"BT":
            open_parts.append(index)
        if (op in MARK_BEGIN and _is_tagged_or_artifact(instructions[index], op)) or \
                (op == b"Do" and str(instructions[index].operands[0]) in tagged_forms):
            holding.update(open_parts, [index])
        elif op in (b"EMC", b"ET"):
            if open_parts:
                open_parts.pop()
        elif (op in TEXT_SHOWING or op in _PATH_PAINTING or op in _PAINTING) and open_parts \
                and open_parts[-1] not in painting:
            painting.update(open_parts)  # the parts around a part that paints paint too
    return holding, painting


def _additions(instructions: Sequence[Instruction], ops: Sequence[bytes],
               tagged_forms: Collection[str]) -> list[tuple[int, str]]:
    """What `wrap_untagged` adds, in order: (the index of the instruction it goes before, the
    key of what, in _ADDED)."""
    structure = [index for index, op in enumerate(ops) if op in _STRUCTURE]
    holding, painting = _tagged_parts(instructions, ops, structure, tagged_forms)
    added: list[tuple[int, str]] = []
    stack: list[bool] = []  # each open marked-content sequence: does it cover its content?
    covering = 0  # how many of them do
    open_at: int | None = None  # the depth of marked content the open artifact started at
    open_in_text = in_text = False
    path_start: int | None = None  # the index of the path being built's first instruction

    for index in structure:
        op = ops[index]
        if op in TEXT_SHOWING and (open_at is not None or covering or not in_text):
            continue  # the bulk of a page's painting, quickly
        if open_at is not None and (
                index in holding
                or (op == b"EMC" and len(stack) == open_at)
                or (op == b"ET" and open_in_text)):
            added.append((index, "end"))
            open_at = None
        if open_at is None and not covering and index not in holding:
            start = None
            if op in _PATH_PAINTING and path_start is not None:
                start = path_start
            elif op in _PAINTING or op in TEXT_SHOWING or index in painting:
                start = index
            if start is not None:
                added.append((start, "artifact"))
                open_at, open_in_text = len(stack), in_text
        if op in MARK_BEGIN:
            stack.append(_is_tagged_or_artifact(instructions[index], op))
            covering += stack[-1]
        elif op == b"EMC" and stack:
            covering -= stack.pop()
        elif op in (b"BT", b"ET"):
            in_text = op == b"BT"
        elif op == b"Do" and index in holding and not stack:
            # A form whose own content is tagged, drawn outside any marked content: the drawing
            # goes in a sequence that means nothing (tools that do not look inside forms ask it).
            added += [(index, "span"), (index + 1, "end")]
        elif op in _PATH_STARTS and path_start is None:
            path_start = index
        elif op in _PATH_ENDS:
            path_start = None
    if open_at is not None:
        added.append((len(instructions), "end"))
    # An artifact that starts with its path goes before it, after whatever was added there
    # before (a sort keeps the order of equal keys).
    added.sort(key=lambda addition: addition[0])
    return added


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
    return _spliced(instructions, _additions(instructions, ops, tagged_forms), _ADDED)


def mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, content: PageContent,
                   forms: dict[ObjGen, bool] | None = None) -> None:
    """A page's untagged content marked as /Artifact (`wrap_untagged`), from its `parse_page`. A
    form counts as tagged when its own content or that of a form it draws is (`tagged_forms`,
    `forms` keeping the answer for each form from one page to the next). The new stream is the
    page's unparsed lines with the additions between them."""
    added = _additions(content.instructions, content.ops, tagged_forms(page.obj, forms))
    if not added:
        return
    if content.lines is not None:
        data = b"\n".join(_spliced(content.lines, added, _ADDED_LINES))
    else:
        data = pikepdf.unparse_content_stream(_spliced(content.instructions, added, _ADDED))
    page.obj.Contents = pdf.make_stream(data)
