"""Named destinations within PDF's limit for a name: 127 bytes (PDF 1.7, Annex C).

Chromium names the destination of each heading after its id, which MkDocs makes from the page's
address and the heading's words: a long chapter title and a long heading give a name that some
readers refuse, and with it every link to that heading. A longer name keeps its beginning and
gains a digest of the whole, so names stay distinct and the same PDF comes out of the same input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pikepdf

NAME_MAX = 127
_DIGEST = 12  # hexadecimal digits of the whole name's SHA-256, after a hyphen


def shorten_destinations(pdf: pikepdf.Pdf) -> None:
    """Rename each destination whose name is too long, and point every link, action and bookmark
    that names it at its new name."""
    destinations = pdf.Root.get("/Dests")
    if not isinstance(destinations, pikepdf.Dictionary):
        return
    renamed = {key: short_name(key) for key in destinations.keys() if len(key.encode()) - 1 > NAME_MAX}
    if not renamed:
        return
    for old, new in renamed.items():
        destinations[new] = destinations[old]
        del destinations[old]
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            _rename_in(annotation, renamed)
    outlines = pdf.Root.get("/Outlines")
    if isinstance(outlines, pikepdf.Dictionary):
        _rename_outline(outlines.get("/First"), renamed)


def drop_destinations(pdf: pikepdf.Pdf, unwanted: Callable[[str], bool]) -> None:
    """Remove the named destinations whose names (without a name's slash) are unwanted, from the
    catalogue's /Dests (as Chromium writes them) and its name tree."""
    destinations = pdf.Root.get("/Dests")
    if isinstance(destinations, pikepdf.Dictionary):
        for key in [key for key in destinations.keys() if unwanted(key[1:])]:
            del destinations[key]
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
        tree = pikepdf.NameTree(names.Dests)
        for name in [name for name in tree.keys() if unwanted(str(name))]:
            del tree[name]


def short_name(key: str) -> str:
    """"/name" as a name of at most NAME_MAX bytes: its beginning and a digest of all of it."""
    name = key.removeprefix("/").encode()
    kept = name[:NAME_MAX - _DIGEST - 1].decode("utf-8", "ignore")
    return f"/{kept}-{hashlib.sha256(name).hexdigest()[:_DIGEST]}"


def _rename_in(item: pikepdf.Object, renamed: dict[str, str]) -> None:
    """A link annotation's or a bookmark's /Dest, or its GoTo action's /D."""
    if not isinstance(item, pikepdf.Dictionary):
        return
    for holder, key in ((item, "/Dest"), (item.get("/A"), "/D")):
        if isinstance(holder, pikepdf.Dictionary):
            target = holder.get(key)
            if isinstance(target, pikepdf.Name) and str(target) in renamed:
                holder[key] = pikepdf.Name(renamed[str(target)])


def _rename_outline(item: pikepdf.Object | None, renamed: dict[str, str]) -> None:
    while isinstance(item, pikepdf.Dictionary):
        _rename_in(item, renamed)
        _rename_outline(item.get("/First"), renamed)
        item = item.get("/Next")
