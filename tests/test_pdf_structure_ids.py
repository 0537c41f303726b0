"""ebook/pdf/structure_ids.py: the same document printed twice gives the same structure IDs,
whatever numbers Chromium gave its table headers' nodes."""

from __future__ import annotations

import io

import pikepdf

from ebook.pdf import tagging
from ebook.pdf.finishing import finish_printed
from ebook.pdf.structure_ids import stable_ids
from ebook.pdf.tagging import elements
from tests.print_documents import METADATA


def printed_table(first_node: int) -> pikepdf.Pdf:
    """A tagged table of two header cells and a data cell naming them, as Chromium writes it:
    header IDs after their DOM nodes, numbered from `first_node`, and an ID tree of them."""
    pdf = pikepdf.new()
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    names = [f"node{first_node + n:08d}" for n in (1, 0)]  # Chromium's numbers, not in reading order
    headers = [pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.TH,
                                                    ID=pikepdf.String(name))) for name in names]
    cell = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.TD,
        A=pikepdf.Array([pikepdf.Dictionary(O=pikepdf.Name.Table,
                                            Headers=pikepdf.Array([pikepdf.String(n) for n in names]))])))
    table = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Table,
                                                 K=pikepdf.Array([*headers, cell])))
    root.K = pikepdf.Array([table])
    ids = pikepdf.NameTree.new(pdf)
    for name, header in sorted(zip(names, headers)):
        ids[name] = header
    root.IDTree = ids.obj
    pdf.Root.StructTreeRoot = root
    return pdf


def finished(pdf: pikepdf.Pdf) -> bytes:
    stable_ids(pdf, list(elements(pdf)))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def test_two_prints_numbered_differently_give_the_same_file() -> None:
    assert finished(printed_table(142)) == finished(printed_table(7301))


def test_ids_follow_the_reading_order_and_the_headers_and_id_tree_follow_them() -> None:
    pdf = printed_table(142)
    stable_ids(pdf, list(elements(pdf)))
    first, second, cell = pdf.Root.StructTreeRoot.K[0].K
    assert (str(first.ID), str(second.ID)) == ("id-00000001", "id-00000002")
    # The cell names the headers in reading order, whose node numbers run backwards: it still does.
    assert [str(h) for h in cell.A[0].Headers] == ["id-00000001", "id-00000002"]
    ids = pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree)
    assert ids["id-00000001"].objgen == first.objgen and ids["id-00000002"].objgen == second.objgen
    assert len(list(ids.keys())) == 2


def test_a_document_without_ids_is_left_as_it_is() -> None:
    pdf = pikepdf.new()
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot,
        K=pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P))])))
    stable_ids(pdf, list(elements(pdf)))
    assert "/IDTree" not in pdf.Root.StructTreeRoot


def headers_and_ids(pdf: pikepdf.Pdf) -> tuple[list[str], list[str]]:
    first, second, cell = pdf.Root.StructTreeRoot.K[0].K
    return [str(first.ID), str(second.ID)], [str(h) for h in cell.A[0].Headers]


def test_a_header_naming_no_element_or_a_shared_id_never_points_a_cell_elsewhere() -> None:
    pdf = printed_table(142)
    first, second, cell = pdf.Root.StructTreeRoot.K[0].K
    second.ID = first.ID  # two elements with one ID
    cell.A[0].Headers = pikepdf.Array([first.ID, pikepdf.String("node00000002"), pikepdf.String("node00009999")])
    stable_ids(pdf, list(elements(pdf)))
    ids, headers = headers_and_ids(pdf)
    assert ids == ["id-00000001", "id-00000002"]
    # The shared ID stays the first element's; the names no element has get names of their own,
    # none of them an element's.
    assert headers == ["id-00000001", "id-00000003", "id-00000004"]


def saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_the_book_is_labelled_and_finished_with_the_ids_renamed() -> None:
    # Where the PDFs meet pikepdf first: the book's page labels, and the finishing of every PDF.
    pdf = printed_table(142)
    pdf.add_blank_page()
    ((data, _),) = finish_printed(saved(pdf), [(METADATA, [])], collection=False, front_pages=1, epoch=0)
    labelled = pikepdf.open(io.BytesIO(data))
    assert "/PageLabels" in labelled.Root
    assert headers_and_ids(labelled) == (["id-00000001", "id-00000002"], ["id-00000001", "id-00000002"])
    finished_pdf = printed_table(7301)
    tagging.make_accessible(finished_pdf)
    assert headers_and_ids(finished_pdf)[0] == ["id-00000001", "id-00000002"]
