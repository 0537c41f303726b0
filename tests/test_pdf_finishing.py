"""PDF files: finishing (metadata, licence, reproducible bytes, bookmarks) and splitting a printed
collection into a tagged PDF per chapter."""

from __future__ import annotations

import io
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
from pdf_ua import pdf_ua_failures

from ebook.pdf import finishing, tagging
from ebook.pdf.browser import render_documents
from ebook.pdf.chapter_documents import collection_document, handout_document
from tests.pdfs import bookmarks, finished_pdf, full_page_texts, link_annotations, margin_texts, named_destinations
from tests.print_documents import METADATA, chapter_with_paragraphs, print_setup, system_browser


def blank_pdf(outline: list[str] = ()) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/CreationDate"] = "D:20200101000000Z"
    with pdf.open_outline() as o:
        o.root.extend(pikepdf.OutlineItem(title, 0) for title in outline)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def page_images(path: Path, prefix: Path) -> list[bytes]:
    """Each page drawn by poppler (PNG)."""
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(prefix)], check=True, capture_output=True)
    return [image.read_bytes() for image in sorted(prefix.parent.glob(f"{prefix.name}-*.png"))]


def test_finalise_writes_info_xmp_and_licence() -> None:
    data = finished_pdf(blank_pdf(), METADATA, epoch=1700000000)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.docinfo.Title) == "Handout: A chapter"
        assert str(pdf.docinfo.Author) == "Jenn Cusick"
        assert str(pdf.docinfo.Keywords) == "peer support, training"
        assert str(pdf.docinfo.CreationDate) == "D:20231114221320+00'00'"
        assert str(pdf.Root.Lang) == "en"
        xmp = pdf.open_metadata()
        assert xmp["xmpRights:WebStatement"] == "https://creativecommons.org/licenses/by/4.0/"
        assert xmp["dc:rights"] == METADATA.rights
        assert xmp["dc:subject"] == {"peer support", "training"}
        assert xmp["xmp:CreateDate"].startswith("2023-11-14T22:13:20")
        assert xmp["pdfuaid:part"] == "1"  # PDF/UA-1, which tagging.py makes it


def test_finalise_is_reproducible_with_source_date_epoch() -> None:
    first = finished_pdf(blank_pdf(), METADATA, epoch=1700000000)
    again = finished_pdf(blank_pdf(), METADATA, epoch=1700000000)
    other = finished_pdf(blank_pdf(), METADATA, epoch=1700000001)
    assert first == again
    assert first != other
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert len(pdf.trailer.ID) == 2  # a file identifier, derived from the content


def test_bookmarks_get_their_headings_spaces_back() -> None:
    data = finished_pdf(blank_pdf(["Connection, Disconnection &Reconnection", "Why"]), METADATA,
                                  epoch=0, headings=["Contents", "Connection, Disconnection & Reconnection", "Why"])
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Connection, Disconnection & Reconnection", "Why"]


def test_chapters_printed_together_split_into_tagged_pdfs_of_their_own(tmp_path: Path) -> None:
    setup = print_setup()
    chapters = [chapter_with_paragraphs("short", "A short chapter", 1),
                chapter_with_paragraphs("long", "A long chapter", 14)]
    parts = [handout_document(page, chapter, setup) for chapter, page in chapters]
    collection = collection_document(parts, setup, name="handouts-1")
    # In its own thread: see test_render_documents_prints_with_the_system_browser (test_pdf_browser.py).
    with ThreadPoolExecutor(1) as worker:
        (rendered,) = worker.submit(render_documents, [collection], tmp_path, system_browser()).result()
    # Finished as the build finishes a collection: split apart, each chapter finished in memory.
    finished = finishing.finish_printed(rendered.data, [(part.metadata, part.headings) for part in parts],
                                        collection=True, front_pages=0, epoch=0)
    with pikepdf.open(io.BytesIO(rendered.data)) as collection_pdf:  # the chapters before finishing
        short, long = (saved(part) for part in finishing.split_collection(collection_pdf, 2))
    for (done, pages), data, (chapter, _), other in zip(finished, (short, long), chapters,
                                                        ("A long chapter", "A short chapter")):
        path, printed = tmp_path / f"{chapter.slug}.pdf", tmp_path / f"{chapter.slug}-printed.pdf"
        path.write_bytes(done)
        printed.write_bytes(data)
        # Each chapter's PDF conforms to PDF/UA-1, and what finishing added for it (artifacts, tags,
        # descriptions) changes nothing a reader sees or a tool extracts.
        assert pdf_ua_failures(path) == []
        assert full_page_texts(path) == full_page_texts(printed)
        images = [page_images(pdf, tmp_path / f"{pdf.stem}-page") for pdf in (path, printed)]
        assert images[0] == images[1]
        # Chromium's loose objects packed into compressed object streams: a smaller download.
        assert path.read_bytes().startswith(b"%PDF-1.5") and b"/ObjStm" in path.read_bytes()
        assert b"/ObjStm" not in data and path.stat().st_size < len(data)  # metadata added, and yet
        subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
        margins = margin_texts(path)
        assert pages == len(margins)
        assert [f"Page {n} of {len(margins)}" in text for n, text in enumerate(margins, 1)] == [True] * len(margins)
        assert all(chapter.title in text for text in margins)
        text = "".join(full_page_texts(path))
        assert chapter.title in text and other not in text
        assert [b.title for b in bookmarks(path)] == [chapter.title]
        with pikepdf.open(path) as pdf:
            own_pages = {page.objgen for page in pdf.pages}
            tree = pdf.Root.StructTreeRoot
            elements = list(tagging.elements_below(tree.K))
            assert {str(e.S) for e in elements} >= {"/Document", "/Art", "/H1", "/H2", "/P", "/Link"}
            # Every tagged element is on this PDF's own pages, and every page finds its tags.
            assert {e.Pg.objgen for e in elements if "/Pg" in e} <= own_pages
            parents = pikepdf.NumberTree(tree.ParentTree)
            assert all(int(page.obj.StructParents) in parents for page in pdf.pages)
            # The link to a heading of the chapter lands on this PDF's page for it.
            (link,) = [t for _, kind, t in link_annotations(path) if kind == "dest"]
            assert link in named_destinations(path)
    assert finishing.page_count(long) > finishing.page_count(short) >= 1


def test_a_destination_name_too_long_for_pdf_is_shortened_and_everything_naming_it_follows() -> None:
    from ebook.pdf.destinations import NAME_MAX, shorten_destinations

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    long_a, long_b = "chapters-" + "a" * 130 + "-first", "chapters-" + "a" * 130 + "-second"
    view = pikepdf.Array([page, pikepdf.Name.XYZ, 0, 700, 0])
    pdf.Root.Dests = pikepdf.Dictionary({f"/{long_a}": view, f"/{long_b}": view, "/short": view})
    page.Annots = pdf.make_indirect(pikepdf.Array([
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Dest=pikepdf.Name(f"/{long_a}")),
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                           A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Name(f"/{long_b}"))),
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Dest=pikepdf.Name("/short")),
    ]))
    shorten_destinations(pdf)
    names = [str(key) for key in pdf.Root.Dests.keys()]
    assert len(names) == 3 and "/short" in names
    assert all(len(name.encode()) - 1 <= NAME_MAX for name in names)
    first, second, short = page.Annots
    assert str(first.Dest) in names and str(second.A.D) in names and str(short.Dest) == "/short"
    assert str(first.Dest) != str(second.A.D) and str(first.Dest).startswith("/chapters-aaa")


def test_the_destinations_made_only_to_measure_are_dropped_from_both_places_a_pdf_names_them(tmp_path: Path) -> None:
    from ebook.pdf.destinations import drop_destinations
    from ebook.pdf.documents import made_to_measure

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    pdf.Root.Dests = pikepdf.Dictionary({"/kept": [page, pikepdf.Name.XYZ, 0, 0, 0],
                                         "/book-print-mark-1": [page, pikepdf.Name.XYZ, 0, 0, 0]})
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.NameTree.new(pdf).obj)
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    for name in ("also-kept", "trust--book-print-mark-2-box"):
        tree[name] = pikepdf.Array([page, pikepdf.Name.XYZ, 0, 0, 0])
    drop_destinations(pdf, made_to_measure)
    pdf.save(tmp_path / "dropped.pdf")
    assert set(named_destinations(tmp_path / "dropped.pdf")) == {"kept", "also-kept"}
