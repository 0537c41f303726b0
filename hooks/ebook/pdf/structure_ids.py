"""Structure element IDs that are the same in every print of the same document.

Chromium names a table header's structure element after its DOM node (`/ID (node00000142)`),
and the node numbers change from one print of the same document to the next, so the same book
gave PDFs that differed by those bytes. Each ID is named again after the element's place in
the structure tree, in reading order, and what refers to it follows: the table cells' `/Headers`
and the tree's `/IDTree`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from collections.abc import Sequence


def stable_ids(pdf: pikepdf.Pdf, found: Sequence[pikepdf.Dictionary]) -> None:
    """Name the IDs of the `found` structure elements (the document's, in reading order) by
    their order, and point the headers and the ID tree at the new names."""
    root = pdf.Root.get("/StructTreeRoot")
    with_id = [element for element in found if "/ID" in element]
    if not isinstance(root, pikepdf.Dictionary) or not with_id:
        return
    renamed: dict[bytes, pikepdf.String] = {}
    for number, element in enumerate(with_id, start=1):
        new = pikepdf.String(f"node{number:08d}")  # Chromium's own form, in the tree's order
        renamed[bytes(element.ID)] = new
        element.ID = new
    for element in found:
        for attributes in _attribute_dicts(element.get("/A")):
            headers = attributes.get("/Headers")
            if isinstance(headers, pikepdf.Array):
                attributes.Headers = pikepdf.Array(
                    [renamed.get(bytes(h), h) if isinstance(h, pikepdf.String) else h for h in headers])
    ids = pikepdf.NameTree.new(pdf)
    for element in with_id:
        ids[str(element.ID)] = element
    root.IDTree = ids.obj


def _attribute_dicts(attributes: pikepdf.Object | None) -> list[pikepdf.Dictionary]:
    """An element's attribute objects: /A is one, or an array of them (with revision numbers)."""
    if isinstance(attributes, pikepdf.Dictionary):
        return [attributes]
    if isinstance(attributes, pikepdf.Array):
        return [a for a in attributes if isinstance(a, pikepdf.Dictionary)]
    return []
