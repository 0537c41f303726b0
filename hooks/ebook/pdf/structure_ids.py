"""Structure element IDs that are the same in every print of the same document.

Chromium names a table header's structure element after its DOM node (`/ID (node00000142)`),
and the node numbers change from one print of the same document to the next, so the same book
gave PDFs that differed by those bytes. Each ID is named again after its place in the structure
tree, in reading order, and what refers to it follows: the table cells' `/Headers` and the
tree's `/IDTree`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from collections.abc import Sequence

PREFIX = "id-"  # never Chromium's "node…": a new name is never taken for an old one


def stable_ids(pdf: pikepdf.Pdf, found: Sequence[pikepdf.Dictionary]) -> None:
    """Name the IDs of the `found` structure elements (the document's, in reading order) by
    their order, and point the headers and the ID tree at the new names.

    Two elements with one ID each get a name of their own, the headers keeping to the first; a
    header naming an ID no element has is named by its order too, after the elements', so that
    it too says the same in every print."""
    root = pdf.Root.get("/StructTreeRoot")
    with_id = [element for element in found if "/ID" in element]
    if not isinstance(root, pikepdf.Dictionary) or not with_id:
        return
    numbers = itertools.count(1)
    names: dict[bytes, pikepdf.String] = {}  # each ID as printed: the new name headers follow

    def fresh() -> pikepdf.String:
        return pikepdf.String(f"{PREFIX}{next(numbers):08d}")

    def name_of(old: bytes) -> pikepdf.String:
        if old not in names:
            names[old] = fresh()
        return names[old]

    for element in with_id:
        new = fresh()
        names.setdefault(bytes(element.ID), new)  # an ID met again keeps to its first element
        element.ID = new
    for element in found:
        for attributes in attribute_dicts(element.get("/A")):
            headers = attributes.get("/Headers")
            if isinstance(headers, pikepdf.Array):
                attributes.Headers = pikepdf.Array(
                    [name_of(bytes(h)) if isinstance(h, pikepdf.String) else h for h in headers])
    ids = pikepdf.NameTree.new(pdf)
    for element in with_id:
        ids[str(element.ID)] = element
    root.IDTree = ids.obj


def attribute_dicts(attributes: pikepdf.Object | None) -> list[pikepdf.Dictionary]:
    """An element's attribute objects: /A is one, or an array of them (with revision numbers)."""
    if isinstance(attributes, pikepdf.Dictionary):
        return [attributes]
    if isinstance(attributes, pikepdf.Array):
        return [a for a in attributes if isinstance(a, pikepdf.Dictionary)]
    return []
