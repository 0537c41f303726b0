"""PDF/UA-1, form XObjects: each drawing of a form that holds tagged content has a form of its own.

A form XObject's tagged content (marked content with an MCID) has one parent in the structure
tree, found from the form's /StructParents: the form may be drawn once. Chromium draws an icon
painted through a mask (a footnote's back-reference arrow, a task list item's box) as a form
that draws its tagged form twice, and PDF/UA-1 then finds the content in two places with one
parent (page-validation's PDFUA1-FORM-STRUCTURE-001).

`separate_drawings` gives every drawing after the first, of any such form, on any page or
inside any form, a copy of the form whose content is an /Artifact: the first drawing is the
element's content, the others paint the same again, and a screen reader must not meet it twice.
The copy draws the same, so the page looks the same. Forms it draws in turn are copied the same
way (tagged content never sits inside an artifact). `tagged_forms` tells the page's artifact
marking which forms hold tagged content, however deep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from pikepdf import ContentStreamInlineImage, ContentStreamInstruction

    Instruction = ContentStreamInstruction | ContentStreamInlineImage
    ObjGen = tuple[int, int]


def forms(container: pikepdf.Object) -> dict[str, pikepdf.Stream]:
    """The form XObjects a page or a form names in its resources, by name (/X10)."""
    resources = container.get("/Resources")
    named = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(named, pikepdf.Dictionary):
        return {}
    return {str(name): form for name, form in named.items()
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == pikepdf.Name.Form}


def holds_tags(form: pikepdf.Stream, known: dict[ObjGen, bool]) -> bool:
    """Whether a form's content, or that of a form it draws, is tagged (has an MCID)."""
    if form.objgen not in known:
        known[form.objgen] = False  # a form that draws itself is not followed round again
        known[form.objgen] = b"/MCID" in form.read_bytes() or any(
            holds_tags(inner, known) for inner in forms(form).values())
    return known[form.objgen]


def tagged_forms(container: pikepdf.Object, known: dict[ObjGen, bool] | None = None) -> set[str]:
    """The names of the forms a page or form draws whose content is tagged, however deep."""
    known = {} if known is None else known
    return {name for name, form in forms(container).items() if holds_tags(form, known)}


def separate_drawings(pdf: pikepdf.Pdf) -> None:
    """Every drawing of a tagged form after its first drawing in the document made to draw an
    artifact copy of it (one copy a form, shared by all its later drawings: it has no tags)."""
    known: dict[ObjGen, bool] = {}
    drawn: set[ObjGen] = set()
    copies: dict[ObjGen, pikepdf.Stream] = {}
    for page in pdf.pages:
        _separate(pdf, page.obj, known, drawn, copies)


def _separate(pdf: pikepdf.Pdf, container: pikepdf.Object, known: dict[ObjGen, bool],
              drawn: set[ObjGen], copies: dict[ObjGen, pikepdf.Stream]) -> None:
    """The drawings of tagged forms in a page or form drawn once: the first drawing of each form
    keeps it (and what it draws is looked at in turn), a later one draws its artifact copy."""
    named = forms(container)
    tagged = {name for name, form in named.items() if holds_tags(form, known)}
    if not tagged:
        return
    instructions: list[Instruction] = list(pikepdf.parse_content_stream(container))
    changed = False
    for index, instruction in enumerate(instructions):
        if str(instruction.operator) != "Do" or str(instruction.operands[0]) not in tagged:
            continue
        form = named[str(instruction.operands[0])]
        if form.objgen not in drawn:
            drawn.add(form.objgen)
            _separate(pdf, form, known, drawn, copies)
            continue
        name = _name_of(container.Resources.XObject, _artifact_copy(pdf, form, known, copies))
        instructions[index] = pikepdf.ContentStreamInstruction([pikepdf.Name(name)], pikepdf.Operator("Do"))
        changed = True
    if changed:
        content = pikepdf.unparse_content_stream(instructions)
        if isinstance(container, pikepdf.Stream):
            container.write(content)
        else:
            container.Contents = pdf.make_stream(content)


def _name_of(named: pikepdf.Object, form: pikepdf.Stream) -> str:
    """The form's name in a resources' XObject dictionary, added if it has none yet."""
    for name, value in named.items():
        if isinstance(value, pikepdf.Stream) and value.objgen == form.objgen:
            return str(name)
    number = 1
    while (name := f"/ArtifactForm{number}") in named:
        number += 1
    named[name] = form
    return name


def _artifact_copy(pdf: pikepdf.Pdf, form: pikepdf.Stream, known: dict[ObjGen, bool],
                   copies: dict[ObjGen, pikepdf.Stream]) -> pikepdf.Stream:
    """A form drawing the same as `form`, all of it an /Artifact: each tagged sequence becomes
    an artifact one, the tagged forms it draws their own artifact copies, and nothing points
    back at the structure tree."""
    if form.objgen in copies:
        return copies[form.objgen]
    instructions: list[Instruction] = [pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))]
    for instruction in pikepdf.parse_content_stream(form):
        operands = instruction.operands
        if str(instruction.operator) == "BDC" and len(operands) > 1 and isinstance(operands[1], pikepdf.Dictionary) \
                and "/MCID" in operands[1]:
            instruction = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
        instructions.append(instruction)
    instructions.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
    copy = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    copies[form.objgen] = copy
    known[copy.objgen] = False
    for key, value in form.items():
        if key not in ("/Length", "/Filter", "/DecodeParms", "/StructParents", "/Resources"):
            copy[key] = value
    if isinstance(form.get("/Resources"), pikepdf.Dictionary):
        copy.Resources = pikepdf.Dictionary({key: value for key, value in form.Resources.items()})
        inner = forms(form)
        if inner:  # its own XObject names, the tagged ones drawing copies (the form's own stay as they are)
            copy.Resources.XObject = pikepdf.Dictionary({
                key: _artifact_copy(pdf, inner[key], known, copies) if key in inner and holds_tags(inner[key], known)
                else value for key, value in form.Resources.XObject.items()})
    return copy
