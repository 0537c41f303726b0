"""PDF/UA-1, page content: what a page draws that is no element of the document becomes /Artifact.

Chromium leaves outside any marked content what the page draws that is no element of the
document (the running head and the page numbers of the `@page` margin boxes, rules, borders,
backgrounds, box icons). A screen reader cannot tell it from text it has lost, so PDF/UA wants it
marked as /Artifact: each run of it is wrapped in `/Artifact BMC … EMC`. Content that is tagged (in
a sequence with an MCID) is never touched, so no text leaves the structure. Part of
`ebook.pdf.tagging`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import pikepdf

from ebook.pdf.tagging_forms import tagged_forms

if TYPE_CHECKING:
    from pikepdf import ContentStreamInlineImage, ContentStreamInstruction

    Instruction = ContentStreamInstruction | ContentStreamInlineImage

TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
_PATH_STARTS = frozenset({"m", "re"})
_PATH_PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
_PATH_ENDS = _PATH_PAINTING | {"n"}  # "n" ends a path that only clips: it paints nothing
_PAINTING = frozenset({"Do", "sh", "INLINE IMAGE"})
MARK_BEGIN = frozenset({"BDC", "BMC"})
# What paints, or opens or closes what an artifact must nest in; every other operator (most of
# a page: glyph positions, colours, graphics state) only goes along.
_STRUCTURE = TEXT_SHOWING | _PATH_STARTS | _PATH_ENDS | _PAINTING | MARK_BEGIN | {"EMC", "BT", "ET"}


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
        if op in MARK_BEGIN or op == "BT":
            open_parts.append(index)
        if (op in MARK_BEGIN and _is_tagged_or_artifact(instructions[index], op)) or \
                (op == "Do" and str(instructions[index].operands[0]) in tagged_forms):
            holding.update(open_parts, [index])
        elif op in ("EMC", "ET"):
            if open_parts:
                open_parts.pop()
        elif (op in TEXT_SHOWING or op in _PATH_PAINTING or op in _PAINTING) and open_parts \
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
    `tagged_forms` names the form XObjects whose own content is tagged: never made artifacts,
    and drawn inside a `/Span BMC … EMC` that says nothing when no marked content is open.
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
        if op not in _STRUCTURE or (op in TEXT_SHOWING and (open_at is not None or covering or not in_text)):
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
            elif op in _PAINTING or op in TEXT_SHOWING or index in painting:
                begin(len(out))
        if op in MARK_BEGIN:
            stack.append(_is_tagged_or_artifact(instruction, op))
            covering += stack[-1]
        elif op == "EMC" and stack:
            covering -= stack.pop()
        elif op in ("BT", "ET"):
            in_text = op == "BT"
        elif op == "Do" and index in holding and not stack:
            # A form whose own content is tagged, drawn outside any marked content: the drawing
            # goes in a sequence that means nothing (tools that do not look inside forms ask it).
            out += [pikepdf.ContentStreamInstruction([pikepdf.Name.Span], pikepdf.Operator("BMC")), instruction,
                    pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))]
            continue
        elif op in _PATH_STARTS and path_start is None:
            path_start = len(out)
        elif op in _PATH_ENDS:
            path_start = None
        out.append(instruction)
    if open_at is not None:
        end()
    return out


def mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, instructions: list[Instruction], ops: list[str]) -> None:
    """A page's untagged content marked as /Artifact (`wrap_untagged`), from its `parse_page`. A
    form counts as tagged when its own content or that of a form it draws is (`tagged_forms`)."""
    wrapped = wrap_untagged(instructions, ops, tagged_forms(page.obj))
    if len(wrapped) != len(instructions):
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(wrapped))
