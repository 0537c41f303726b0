"""PDF/UA-1: every PDF of the book conforms (two validators, scripts/pdf_ua.py), and each fix of
hooks/ebook/pdf/tagging.py (and its tagging_*.py) does its part on small PDFs made here."""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from conformance import ace
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser
from pdf_ua import pdf_ua_failures, validators

from ebook.pdf import content_scan, tagging, tagging_content, tagging_forms, tagging_links
from tests.helpers import BOOK_BUILD_ENV, build_fixture, normalise
from tests.pdfs import artifact_texts, finished_pdf, full_page_texts, margin_texts
from tests.print_documents import METADATA

# --- The book's PDFs -------------------------------------------------------------------------


def downloaded_pdfs(site: Path) -> list[Path]:
    found = sorted((site / "downloads").rglob("*.pdf"))
    assert found, "no PDF under downloads/"
    return found


def test_every_pdf_conforms_to_pdf_ua_1(site: Path) -> None:
    failures = {pdf.relative_to(site).as_posix(): pdf_ua_failures(pdf) for pdf in downloaded_pdfs(site)}
    assert {name: found for name, found in failures.items() if found} == {}


def test_only_the_running_heads_and_page_numbers_are_artifacts(site: Path) -> None:
    """What the margins say is marked as no part of the document; everything else stays tagged.
    (The words of each page are compared: pdftotext orders a page's margins by themselves
    differently from the whole page.)"""
    for pdf in downloaded_pdfs(site):
        words = [[sorted(text.split()) for text in texts] for texts in (artifact_texts(pdf), margin_texts(pdf))]
        assert words[0] == words[1], pdf.name


def test_each_link_is_described_by_its_own_text(site: Path) -> None:
    """Each link's description is words of its page (pdftotext may set a contents entry's page
    number apart from its title, so the words are compared, not the phrase)."""
    def words(text: str) -> Counter[str]:
        return Counter(re.findall(r"\w+", text))

    for pdf in downloaded_pdfs(site):
        on_page = [words(text) for text in full_page_texts(pdf)]
        with pikepdf.open(pdf) as doc:
            for number, page in enumerate(doc.pages, start=1):
                for link in (a for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"):
                    described = normalise(str(link.get("/Contents", "")))
                    assert described and words(described) <= on_page[number - 1], (pdf.name, number, described)


# A page as the book's documents are: a language, a title, a heading, a paragraph with a link,
# and a running head and page number in the page's margins, which Chromium leaves untagged.
SMALL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A handout</title>
<style>@page { size: letter; margin: 22mm 20mm; @top-left { content: "The book" }
@bottom-right { content: "Page " counter(page) } }</style></head>
<body><h1>Trust</h1><p>Peer supporters listen first. See <a href="https://opentextbc.ca/peersupport/">the
original</a>.</p></body></html>"""


def test_the_validators_find_what_a_pdf_chromium_prints_breaks_and_nothing_once_it_is_finished(
        browser: Browser, tmp_path: Path) -> None:
    """The wrapper reports each validator's failures: the book's PDFs pass above because they
    conform, not because nothing is ever reported."""
    page = browser.new_page()
    try:
        page.set_content(SMALL_PAGE)
        printed = page.pdf(prefer_css_page_size=True, tagged=True)
    finally:
        page.close()
    unfinished, finished = tmp_path / "printed.pdf", tmp_path / "finished.pdf"
    unfinished.write_bytes(printed)
    finished.write_bytes(finished_pdf(printed, METADATA, epoch=0))
    found = pdf_ua_failures(unfinished)
    rules = {line.split(":")[0] for line in found}
    # Untagged margins, no PDF/UA identification, links without a description.
    assert {"page PDFUA1-CONTENT-TAGGING-001", "page PDFUA1-ID-PART-001",
            "page PDFUA1-LINK-CONTENTS-001"} <= rules, found
    assert any(line.startswith("pdfua ") for line in found), found
    assert pdf_ua_failures(finished) == []


def test_the_validators_name_themselves() -> None:
    assert set(validators()) == {"page", "pdfua"}
    assert all(version[0].isdigit() for version in validators().values())


# --- Forms drawn more than once: footnotes' and task lists' icons ----------------------------

# An icon painted through a mask, as the site's footnote back-references and task list boxes
# are: Chromium draws it as a form that draws its tagged form twice.
MASKED_ICON = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Ccircle cx='12' \
cy='12' r='11'/%3E%3C/svg%3E"
ICON_PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Before a conversation</title>
<style>.done::before {{ content: ""; display: inline-block; width: 1em; height: 1em; background-color: green;
mask-image: url("{MASKED_ICON}"); mask-size: contain; }}</style></head>
<body><h1>Before a conversation</h1><ul><li><span class="done"></span> Found a quiet place</li>
<li><span class="done"></span> Turned off notifications</li></ul></body></html>"""


def form_drawings(path: Path) -> tuple[Counter[tuple[int, int]], int]:
    """How often each form holding tagged content (an MCID) is drawn, on every page and inside
    every form, and how many of those drawings sit inside an /Artifact sequence."""
    drawn: Counter[tuple[int, int]] = Counter()
    in_artifacts = 0

    def visit(container: pikepdf.Object, in_artifact: bool) -> None:
        nonlocal in_artifacts
        named = container.get("/Resources", pikepdf.Dictionary()).get("/XObject", pikepdf.Dictionary())
        marks: list[bool] = []
        for instruction in pikepdf.parse_content_stream(container):
            op = str(instruction.operator)
            if op in ("BDC", "BMC"):
                marks.append(instruction.operands[0] == pikepdf.Name.Artifact)
            elif op == "EMC" and marks:
                marks.pop()
            elif op == "Do":
                form = named[str(instruction.operands[0])]
                if form.get("/Subtype") != pikepdf.Name.Form:
                    continue
                artifact = in_artifact or any(marks)
                if b"/MCID" in form.read_bytes():
                    drawn[form.objgen] += 1
                    in_artifacts += artifact
                visit(form, artifact)

    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            visit(page.obj, False)
    return drawn, in_artifacts


def test_a_tagged_form_chromium_draws_twice_is_drawn_once_and_the_page_looks_the_same(
        browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page()
    try:
        page.set_content(ICON_PAGE)
        printed = page.pdf(tagged=True)
    finally:
        page.close()
    unfinished, finished = tmp_path / "printed.pdf", tmp_path / "finished.pdf"
    unfinished.write_bytes(printed)
    finished.write_bytes(finished_pdf(printed, METADATA, epoch=0))
    # As printed: each icon's tagged form is drawn twice, which PDF/UA-1 forbids.
    drawn, _ = form_drawings(unfinished)
    assert sorted(drawn.values()) == [2, 2], drawn
    rule = "page PDFUA1-FORM-STRUCTURE-001"
    assert [line.split(":")[0] for line in pdf_ua_failures(unfinished)].count(rule) == 2
    # Finished: drawn once each, never inside an artifact; the second drawing is an artifact copy.
    drawn, in_artifacts = form_drawings(finished)
    assert sorted(drawn.values()) == [1, 1] and in_artifacts == 0
    assert pdf_ua_failures(finished) == []
    assert page_images(finished) == page_images(unfinished)
    assert full_page_texts(finished) == full_page_texts(unfinished)


def page_images(path: Path) -> list[bytes]:
    """Each page drawn by poppler (PNG)."""
    prefix = path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(path), str(prefix)], check=True, capture_output=True)
    return [image.read_bytes() for image in sorted(path.parent.glob(f"{prefix.name}-*.png"))]


def test_a_form_drawn_again_inside_a_form_drawn_again_is_copied_all_the_way_down(tmp_path: Path) -> None:
    """The general case: a form that draws a tagged form twice, drawn twice on one page and once
    on another. Only the first drawing of each stays tagged; the rest draw artifact copies."""
    pdf = pikepdf.new()
    pages = [pdf.add_blank_page(page_size=(200, 200)) for _ in range(2)]
    icon = pdf.make_stream(b"/NonStruct <</MCID 0>> BDC 0 0 10 10 re f EMC",
                           Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10], StructParents=1)
    outer = pdf.make_stream(b"/Icon Do /Icon Do", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                            BBox=[0, 0, 10, 10], Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Icon=icon)))
    for page, content in zip(pages, (b"/Outer Do 1 0 0 1 20 0 cm /Outer Do", b"/Outer Do")):
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Outer=outer))
        page.Contents = pdf.make_stream(content)
    tagging_forms.separate_drawings(pdf)
    finished = tmp_path / "finished.pdf"
    pdf.save(finished)
    drawn, in_artifacts = form_drawings(finished)
    assert list(drawn.values()) == [1] and in_artifacts == 0
    with pikepdf.open(finished) as done:
        first_outer = done.pages[0].Resources.XObject.Outer
        # The first drawing keeps the icon's tags: its first drawing of it; its second is a copy.
        assert first_outer.read_bytes().split() == [b"/Icon", b"Do", b"/ArtifactForm1", b"Do"]
        copy = first_outer.Resources.XObject.ArtifactForm1
        assert "/StructParents" not in copy and copy.read_bytes().split()[:2] == [b"/Artifact", b"BMC"]
        assert b"/MCID" not in copy.read_bytes() and copy.BBox == [0, 0, 10, 10]
        # Later drawings of the outer form draw one copy of it, whose icons are copies too.
        assert done.pages[0].Contents.read_bytes().split()[-2:] == [b"/ArtifactForm1", b"Do"]
        assert done.pages[1].Contents.read_bytes().split() == [b"/ArtifactForm1", b"Do"]
        assert done.pages[0].Resources.XObject.ArtifactForm1.objgen == done.pages[1].Resources.XObject.ArtifactForm1.objgen


# --- Page content: untagged content becomes artifacts ----------------------------------------

_STREAMS = pikepdf.new()


def parse(content: bytes) -> list[pikepdf.ContentStreamInstruction]:
    return list(pikepdf.parse_content_stream(_STREAMS.make_stream(content)))


def wrapped(content: bytes) -> str:
    """The content as `wrap_untagged` leaves it, one operator a line."""
    return "\n".join(pikepdf.unparse_content_stream([i]).decode() for i in tagging_content.wrap_untagged(parse(content)))


def lines(content: str) -> str:
    return "\n".join(line.strip() for line in content.strip().splitlines())


def test_running_head_rule_and_page_number_become_artifacts_and_tagged_text_stays() -> None:
    # As Chromium prints a page: margin boxes first, then the body, its tagged sequence crossing q/Q.
    content = b"""q BT /F1 9 Tf 1 0 0 -1 72 40 Tm (Head) Tj ET Q
    q 72 80 400 600 re W n q 0 0 0 rg 72 90 400 1 re f
    /P <</MCID 0>> BDC BT /F1 12 Tf 1 0 0 -1 72 120 Tm (Body) Tj ET Q EMC
    BT /F1 9 Tf 1 0 0 -1 500 760 Tm (Page 1 of 2) Tj ET"""
    assert wrapped(content) == lines("""
        q
        /Artifact BMC
        BT
        /F1 9 Tf
        1 0 0 -1 72 40 Tm
        (Head) Tj
        ET
        Q
        q
        72 80 400 600 re
        W
        n
        q
        0 0 0 rg
        72 90 400 1 re
        f
        EMC
        /P << /MCID 0 >> BDC
        BT
        /F1 12 Tf
        1 0 0 -1 72 120 Tm
        (Body) Tj
        ET
        Q
        EMC
        /Artifact BMC
        BT
        /F1 9 Tf
        1 0 0 -1 500 760 Tm
        (Page 1 of 2) Tj
        ET
        EMC
    """)


def test_untagged_text_beside_tagged_text_is_marked_inside_their_text_object() -> None:
    content = b"BT (a) Tj /Span <</MCID 3>> BDC (b) Tj EMC /Span <</ActualText (fl)>> BDC (c) Tj EMC ET"
    assert wrapped(content) == lines("""
        BT
        /Artifact BMC
        (a) Tj
        EMC
        /Span << /MCID 3 >> BDC
        (b) Tj
        EMC
        /Artifact BMC
        /Span << /ActualText (fl) >> BDC
        (c) Tj
        EMC
        EMC
        ET
    """)


def test_tagged_content_artifacts_and_clipping_are_left_as_they_are() -> None:
    content = b"""/P <</MCID 0>> BDC q 0 0 10 10 re f /Im1 Do Q EMC
    /Artifact BMC 0 0 1 1 re f EMC q 0 0 100 100 re W n Q"""
    assert wrapped(content) == "\n".join(pikepdf.unparse_content_stream([i]).decode() for i in parse(content))


# Pieces of content Chromium (or any printer) might write, tagged or not, to be put together.
PIECES = [
    b"/P <</MCID 0>> BDC BT (tagged) Tj ET EMC",
    b"BT /F1 9 Tf (untagged) Tj ET",
    b"BT ET",
    b"q 0 0 0 rg 0 0 100 1 re f Q",
    b"0 0 m 10 10 l S",
    b"q 0 0 100 100 re W n",
    b"Q",
    b"q 10 0 0 10 0 0 cm /Im1 Do Q",
    b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q",
    b"/Sh1 sh",
    b"BT (u) Tj /Span <</MCID 1>> BDC (t) Tj EMC (u) Tj ET",
    b"BT /Span <</ActualText (fl)>> BDC (fl) Tj EMC ET",
    b"/Artifact BMC 0 0 1 1 re f EMC",
    b"/Artifact <</Type /Pagination>> BDC BT (1) Tj ET EMC",
    b"q /P <</MCID 2>> BDC BT (crossing q/Q) Tj ET Q EMC",
    b"/Tagged /Named BDC BT (properties named in the resources) Tj ET EMC",
    b"BT /P <</MCID 4>> BDC (tagged) Tj EMC /Span <</ActualText (x> Tj] TJ) /Alt /MCID3>> BDC (t) Tj EMC ET",
]
PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}


def contents() -> st.SearchStrategy[bytes]:
    """Content streams made of the pieces, some of them inside neutral marked content."""
    piece = st.sampled_from(PIECES)
    group = st.lists(piece, max_size=4).map(lambda inner: b"/Span <</Lang (en)>> BDC " + b" ".join(inner) + b" EMC")
    return st.lists(piece | group, max_size=12).map(b"\n".join)


def covered(instructions: list[pikepdf.ContentStreamInstruction]) -> list[str]:
    """What is wrong with the marked content: painting outside tagged or artifact content,
    marked content unbalanced or across a text object's end, tagged content in an artifact,
    marked content inside a path."""
    problems: list[str] = []
    stack: list[str] = []  # "tagged", "artifact" or "" for each open sequence
    text_depth: list[bool] = []  # each open sequence: was it opened inside a text object?
    in_text = in_path = False
    for instruction in instructions:
        op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            properties = instruction.operands[-1]
            kind = "artifact" if instruction.operands[0] == "/Artifact" else "tagged" if op == "BDC" and (
                not isinstance(properties, pikepdf.Dictionary) or "/MCID" in properties) else ""
            if kind == "tagged" and "artifact" in stack:
                problems.append("tagged content inside an artifact")
            stack.append(kind)
            text_depth.append(in_text)
        if op in ("BDC", "BMC", "EMC") and in_path:
            problems.append(f"{op} inside a path")
        if op == "EMC":
            if not stack or text_depth.pop() != in_text:
                problems.append("EMC unbalanced or across a text object")
            stack.pop() if stack else None
        elif op in ("BT", "ET"):
            in_text = op == "BT"
        elif op in ("m", "re"):
            in_path = True
        elif op in PAINTING and not ({"tagged", "artifact"} & set(stack)):
            problems.append(f"{op} neither tagged nor an artifact")
        if op in PAINTING or op == "n":
            in_path = False
    return problems + (["marked content left open"] if stack else [])


@settings(max_examples=300, deadline=None)
@given(content=contents())
def test_whatever_the_content_all_of_it_ends_tagged_or_artifact_and_nothing_moves(content: bytes) -> None:
    original = parse(content)
    untagged = covered(original)
    assert all(problem.endswith("neither tagged nor an artifact") for problem in untagged)
    result = tagging_content.wrap_untagged(original)
    assert covered(result) == []
    # Nothing was moved, dropped or changed: artifact marks were added, and only where needed.
    kept = {id(instruction) for instruction in original}
    assert [i for i in result if id(i) in kept] == original
    added = [pikepdf.unparse_content_stream([i]) for i in result if id(i) not in kept]
    assert set(added) <= {b"/Artifact BMC", b"EMC"}
    assert (added == []) == (untagged == [])
    again = tagging_content.wrap_untagged(result)
    assert pikepdf.unparse_content_stream(again) == pikepdf.unparse_content_stream(result)


@settings(max_examples=200, deadline=None)
@given(content=contents())
def test_a_page_gets_the_bytes_of_its_content_wrapped_or_is_left_as_it_is(content: bytes) -> None:
    # The page's stream is written from its own unparsed lines with the marks between them (a page
    # with an inline image, whose data spans lines, is unparsed again): the same bytes either way.
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.obj.Contents = pdf.make_stream(content)
    original = parse(content)
    result = tagging_content.wrap_untagged(original)
    tagging_content.mark_artifacts(pdf, page, tagging_content.parse_page(page))
    expected = content if len(result) == len(original) else pikepdf.unparse_content_stream(result)
    assert page.obj.Contents.read_bytes() == expected



# --- Page content read from its bytes (content_scan) -----------------------------------------


def shown_in_hex(content: bytes) -> bytes:
    """The content with each string it shows in hex, as Chromium writes glyph codes (a literal
    string is read only inside a property list)."""
    return re.sub(rb"\(([^()]*)\) Tj", lambda found: b"<" + found.group(1).hex().encode() + b"> Tj", content)


def marked_both_ways(content: bytes) -> tuple[list[bytes], list[bytes]]:
    """The page's instructions once its artifacts are marked from its bytes, and from its parse."""
    marked = []
    for from_bytes in (True, False):
        pdf = pikepdf.new()
        page = pdf.add_blank_page()
        page.obj.Contents = pdf.make_stream(content)
        if from_bytes:
            tagging_content.mark_artifacts_in_bytes(pdf, page)
        else:
            tagging_content.mark_artifacts(pdf, page, tagging_content.parse_page(page))
        marked.append([pikepdf.unparse_content_stream([i]) for i in pikepdf.parse_content_stream(page)])
    return marked[0], marked[1]


@settings(max_examples=300, deadline=None)
@given(content=contents())
def test_a_page_read_from_its_bytes_gets_the_marks_its_parse_gets(content: bytes) -> None:
    content = b"q\n" + shown_in_hex(content) + b"\nQ"  # as Chromium's pages begin and end
    from_bytes, parsed = marked_both_ways(content)
    assert from_bytes == parsed
    # Read from the bytes unless it holds an inline image (then parsed, as the scan says).
    assert (content_scan.scan(content) is None) == (b" BI " in content)


# Streams the scan leaves to the parser, each with the reason, and the marks the page gets anyway.
UNREAD_STREAMS = {
    "a string shown as a literal": b"q BT (Head) Tj ET Q",
    "a comment": b"q % a comment\n0 0 1 1 re f Q",
    "an inline image": b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q",
    "a hex string with spaces": b"q BT <00 0B> Tj ET Q",
    "an escaped name": b"q /Im#201 Do Q",
    "a nested property list": b"q /Span <</A <</B 1>> >> BDC 0 0 1 1 re f EMC Q",
    "a string in a string": b"q /Span <</ActualText (a (b) c)>> BDC BT <01> Tj ET EMC Q",
    "an operator first": b"BT <01> Tj ET",
    "a quote operator": b"q BT <01> ' ET Q",
    "a string outside a property list, after an escaped parenthesis in one":
        b"q /Span <</Alt (\\()>> BDC EMC BT /P <</MCID 0>> BDC <01> Tj EMC [(x> Tj)] TJ ET Q",
    "a NUL between tokens": b"q 0 0 1 1 re\x00f Q",
    "a vertical tab between tokens": b"q /X1\x0bDo Q",
    "an MCID that is no number": b"q /Span <</MCID null>> BDC 0 0 1 1 re f EMC Q",
    "an array in a property list": b"q /Span <</K [/MCID 1]>> BDC 0 0 m 1 1 l S EMC Q",
    "a name that is not ASCII": b"q /F\xc3\xa9 Do Q",
    "an operand too many": b"q 5 0 0 1 1 re f Q",
    "a name before a drawing's name": b"q /BTsh /Fm0 Do Q",
    "a name before a sequence's tag": b"q /Artifact /Span BMC 0 0 1 1 re f EMC Q",
    "an operator touching the operand before it": b"q /P <</MCID 0>> BDC BT <61> Tj ET <62>EMC 0 0 1 1 re f Q",
    "an array left open": b"q [ /P <</MCID 0>> BDC BT <61> Tj ET EMC 0 0 1 1 re f Q",
    "an array closed before it opens": b"q ] 0 0 1 1 re f [ Q",
}


@pytest.mark.parametrize("content", UNREAD_STREAMS.values(), ids=UNREAD_STREAMS.keys())
def test_what_the_scan_does_not_read_is_parsed_and_marked_the_same(content: bytes) -> None:
    assert content_scan.scan(content) is None
    from_bytes, parsed = marked_both_ways(content)
    assert from_bytes == parsed


def test_the_scan_reads_operators_by_their_place_not_their_letters() -> None:
    """Letters of a name, a hex string or a property list's string are no operators; a property
    list may touch its BDC; a path begins at its first point, text shown at its string."""
    content = (b"q /Fs 9 Tf 1 0 0 1 0 0 cm\n/P <</MCID 0>>BDC BT /F1 9 Tf <00BF0B> Tj ET EMC\n"
               b"/Span <</ActualText (f S n)>> BDC 10 20 m 30 40 l S EMC\n"
               b"BT [<0B> -120 <0F>] TJ ET /Sh1 sh /X1 Do Q")
    read = content_scan.scan(content)
    assert read is not None
    assert read.ops == [b"BDC", b"BT", b"Tj", b"ET", b"EMC", b"BDC", b"m", b"S", b"EMC",
                        b"BT", b"TJ", b"ET", b"sh", b"Do"]
    begun = [content[start:end] for start, end in zip(read.starts, read.ends)]
    assert begun[0] == b"/P <</MCID 0>>BDC" and read.covers[0] and not read.covers[5]
    assert begun[2] == b"<00BF0B> Tj" and begun[6] == b"10 20 m" and begun[10] == b"[<0B> -120 <0F>] TJ"
    assert read.names[-2:] == ["/Sh1", "/X1"]
    assert read.mcids[0] == 0 and read.mcids[5] is None


def test_a_sequence_whose_properties_are_named_has_no_mcid_of_its_own_whatever_its_name() -> None:
    # Its properties are in the page's resources: the name is only a name.
    read = content_scan.scan(b"q /Span /MCID5 BDC BT /F1 9 Tf <61> Tj ET EMC Q")
    assert read is not None and read.mcids[0] is None and read.covers[0]


@pytest.fixture(scope="module")
def printed_book(site: Path, browser: Browser) -> bytes:
    """The book's print page (headings, lists, links, boxes and their icons, ligatures) as
    Chromium prints it, tagged."""
    page = browser.new_page()
    try:
        page.emulate_media(media="print")  # as the build's tabs load what they print
        page.goto((site / "print_page" / "index.html").as_uri())
        return page.pdf(prefer_css_page_size=True, tagged=True, print_background=True)
    finally:
        page.close()


def test_every_page_chromium_prints_is_read_from_its_bytes_with_the_marks_its_parse_gets(printed_book: bytes) -> None:
    with pikepdf.open(io.BytesIO(printed_book)) as pdf:
        streams = [tagging_content.page_bytes(each) for each in pdf.pages]
    assert len(streams) > 1
    for number, content in enumerate(streams, start=1):
        assert content_scan.scan(content) is not None, number
        from_bytes, parsed = marked_both_ways(content)
        assert from_bytes == parsed, number


def texts_both_ways(pdf: pikepdf.Pdf, page: pikepdf.Page, wanted: set[int]) -> tuple[dict[int, str] | None, dict[int, str]]:
    """The text of the page's `wanted` sequences read from its text objects' bytes (None when
    that reading leaves it to the parse), and from the whole page's parse."""
    data = tagging_content.page_bytes(page)
    read = content_scan.scan(data)
    assert read is not None
    from_bytes = tagging_links.marked_texts_in_bytes(pdf, page, data, read, wanted, {})
    content = tagging_content.parse_page(page)
    return from_bytes, tagging_links.marked_texts(page, content.instructions, content.ops, wanted, {})


def test_the_text_of_every_sequence_chromium_prints_is_read_from_its_text_objects_as_from_the_whole_page(
        printed_book: bytes) -> None:
    """Every tagged sequence on every page, links or not: the same text, spaces where lines
    start included, from a parse of its text objects alone."""
    with pikepdf.open(io.BytesIO(printed_book)) as pdf:
        read = 0
        for number, page in enumerate(pdf.pages, start=1):
            wanted = {int(found) for found in re.findall(rb"/MCID (\d+)", tagging_content.page_bytes(page))}
            from_bytes, parsed = texts_both_ways(pdf, page, wanted)
            assert from_bytes == parsed, number
            read += sum(bool(text.strip()) for text in parsed.values())
        assert read > 0  # words, not only spaces


def text_objects() -> st.SearchStrategy[bytes]:
    """Text objects as Chromium writes them (a font and a place first, then runs of glyphs, moves
    and tagged or /ActualText sequences), between drawings and sequences around them."""
    glyphs = st.text("abc fi", min_size=1, max_size=3).map(lambda text: b"<" + text.encode().hex().encode() + b"> Tj")
    move = st.sampled_from([b"12 0 Td", b"0 14 Td", b"-3 14 TD", b"[<61> -20 <62>] TJ"])
    marked = st.tuples(st.sampled_from([b"/Span <</MCID %d>> BDC", b"/Link <</MCID %d>> BDC"]),
                       st.integers(0, 4), st.lists(glyphs | move, max_size=3)).map(
        lambda found: found[0] % found[1] + b" " + b" ".join(found[2]) + b" EMC")
    actual = st.lists(glyphs, max_size=2).map(lambda inner: b"/Span <</ActualText (fl)>> BDC " + b" ".join(inner) + b" EMC")
    text = st.tuples(st.integers(0, 2), st.lists(glyphs | move | marked | actual, max_size=6)).map(
        lambda found: b"BT /F1 9 Tf 1 0 0 -1 72 %d Tm " % (100 + 20 * found[0]) + b" ".join(found[1]) + b" ET")
    around = st.sampled_from([b"q 0 0 1 1 re f Q", b"/Artifact BMC 0 0 1 1 re f EMC", b"BT /F1 9 Tf <7a> Tj ET"])
    wrapped = st.tuples(st.integers(0, 4), text).map(lambda found: b"/P <</MCID %d>> BDC " % found[0] + found[1] + b" EMC")
    return st.lists(text | wrapped | around, min_size=1, max_size=6).map(lambda parts: b"q\n" + b"\n".join(parts) + b"\nQ")


@settings(max_examples=300, deadline=None)
@given(content=text_objects(), wanted=st.sets(st.integers(0, 4)))
def test_a_sequences_text_read_from_its_text_objects_is_its_text_read_from_the_whole_page(
        content: bytes, wanted: set[int]) -> None:
    pdf = tagged_pdf()
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(content)
    from_bytes, parsed = texts_both_ways(pdf, page, wanted)
    assert from_bytes == parsed


# Pages whose text objects alone do not say what their text reads: the whole page is parsed.
TEXT_LEFT_TO_THE_PARSE = {
    "a line broken by T*": b"BT /F1 9 Tf /Span <</MCID 0>> BDC <61> Tj T* <62> Tj EMC ET",
    "text shown outside a text object": b"/F1 9 Tf /Span <</MCID 0>> BDC <61> Tj EMC",
    "a text object begun in another": b"BT /F1 9 Tf BT /Span <</MCID 0>> BDC <61> Tj EMC ET ET",
    "a text object that shows text in the font set before it":
        b"BT /F1 9 Tf <61> Tj ET BT /Span <</MCID 0>> BDC <62> Tj EMC ET",
}


@pytest.mark.parametrize("content", TEXT_LEFT_TO_THE_PARSE.values(), ids=TEXT_LEFT_TO_THE_PARSE.keys())
def test_text_its_text_objects_alone_do_not_give_is_left_to_the_parse(content: bytes) -> None:
    pdf = tagged_pdf()
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(b"q " + content + b" Q")  # as Chromium's pages begin and end
    from_bytes, parsed = texts_both_ways(pdf, page, {0})
    assert from_bytes is None and parsed[0].strip()


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
def test_pages_read_in_many_threads_at_once_leave_the_cycle_collector_as_it_was(enabled: bool) -> None:
    """The PDFs are finished in threads at once, each pausing Python's cycle collector while it
    reads a page: however the pauses overlap, and whether or not a page fails, the collector is
    off inside every pause and, once all are over, on again only if it was on before."""
    rounds, threads, pauses = 25, 4, 200
    was, switching = gc.isenabled(), sys.getswitchinterval()
    inside: list[bool] = []  # whether the collector was on during a pause, for each pause
    after: list[bool] = []  # whether it was on once a round's pauses were over, for each round

    def pause_again_and_again(thread: int, start: threading.Barrier) -> None:
        start.wait()
        for turn in range(pauses):
            with contextlib.suppress(ValueError), tagging_content.collector_paused():
                if turn % 2:
                    time.sleep(0)  # another thread's turn, in the middle of this pause
                inside.append(gc.isenabled())
                if (thread + turn) % 3 == 0:
                    raise ValueError("a page that could not be read")

    sys.setswitchinterval(1e-6)  # the threads take turns as often as they can: the pauses overlap
    try:
        with ThreadPoolExecutor(threads) as pool:
            for _ in range(rounds):
                (gc.enable if enabled else gc.disable)()
                start = threading.Barrier(threads)
                list(pool.map(pause_again_and_again, range(threads), [start] * threads))
                after.append(gc.isenabled())
    finally:
        sys.setswitchinterval(switching)
        (gc.enable if was else gc.disable)()
    assert after == [enabled] * rounds
    assert len(inside) == rounds * threads * pauses and not any(inside)

# --- The structure tree, the links and the metadata, on a PDF made here ----------------------

PAGE_CONTENT = b"""BT /F1 9 Tf 72 760 Td (Running head) Tj ET
/P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (A paragraph.) Tj ET EMC
/Lbl <</MCID 1>> BDC BT /F1 12 Tf 72 680 Td (1.) Tj ET EMC
/NonStruct <</MCID 2>> BDC BT /F1 12 Tf 90 680 Td (First item) Tj ET EMC
/Lbl <</MCID 3>> BDC BT /F1 12 Tf 72 660 Td (2.) Tj ET EMC
/P <</MCID 4>> BDC BT /F1 12 Tf 90 660 Td (Second item,) Tj ET EMC
/NonStruct <</MCID 5>> BDC BT /F1 12 Tf 90 640 Td (its second line) Tj ET EMC
/Lbl <</MCID 6>> BDC BT /F1 12 Tf 72 620 Td (3.) Tj ET EMC
/NonStruct <</MCID 7>> BDC BT /F1 12 Tf 90 620 Td (Third item) Tj ET EMC
/NonStruct <</MCID 8>> BDC BT /F1 12 Tf 1 0 0 1 72 600 Tm (See the ) Tj /Span <</ActualText (fi)>> BDC (\\177) Tj EMC
[(rst ) -20 (book,)] TJ ET BT /F1 12 Tf 1 0 0 1 72 586 Tm (wrapped) Tj ET EMC
BT /F1 9 Tf 500 40 Td (Page 1 of 2) Tj ET"""


def tagged_pdf() -> pikepdf.Pdf:
    """A page as Chromium tags one: a paragraph, a list (items of every shape), a link in an
    Em, and a running head and a page number left untagged; and a second page to link to."""
    pdf = pikepdf.new()
    page, second = (pdf.add_blank_page(page_size=(612, 792)) for _ in range(2))
    # Its codes are ASCII, the ligature's (0x7F) drawn in an /ActualText span, as Chromium does.
    to_unicode = pdf.make_stream(b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
        1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <20> <7E> <0020> endbfrange
        1 beginbfchar <7F> <FB01> endbfchar endcmap end end""")
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
                              Encoding=pikepdf.Name.WinAnsiEncoding, ToUnicode=to_unicode)
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pdf.make_indirect(font)))
    page.Contents = pdf.make_stream(PAGE_CONTENT)
    page.obj.StructParents = 0

    def element(kind: str, kids: object, **more: object) -> pikepdf.Dictionary:
        made = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(f"/{kind}"),
                                                    Pg=page.obj, **more))
        made.K = kids if isinstance(kids, int) else pikepdf.Array(kids)
        for kid in made.K if isinstance(made.K, pikepdf.Array) else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid.P = made
        return made

    def link(rect: list[int], **target: object) -> pikepdf.Dictionary:
        return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                    Rect=rect, **target))

    uri = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://opentextbc.ca/peersupport/"))
    tagged_link = link([72, 595, 200, 612], A=uri, StructParent=1)
    annotations = [tagged_link, link([0, 0, 10, 10], A=uri), link([0, 0, 10, 10], Dest=[second.obj, pikepdf.Name.Fit]),
                   link([0, 0, 10, 10], Dest=pikepdf.Name("/second")),
                   link([0, 0, 10, 10], A=uri, Contents=pikepdf.String("Said already"))]
    page.obj.Annots = pikepdf.Array(annotations)
    pdf.Root.Dests = pikepdf.Dictionary(second=pikepdf.Array([second.obj, pikepdf.Name.Fit]))

    items = [element("LI", [element("Lbl", 1), element("NonStruct", 2)]),
             element("LI", [element("Lbl", 3), element("P", 4), element("NonStruct", 5)]),
             element("LI", [element("Lbl", 6), 7])]
    link_element = element("Link", [8, pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=tagged_link, Pg=page.obj)])
    body = element("Document", [element("P", 0), element("L", items), element("Em", [link_element]),
                                element("Strong", [])])
    marked = [body.K[0], items[0].K[0], items[0].K[1], items[1].K[0], items[1].K[1], items[1].K[2],
              items[2].K[0], items[2], link_element]
    parents = pikepdf.NumberTree.new(pdf)
    parents[0] = pdf.make_indirect(pikepdf.Array(marked))
    parents[1] = link_element
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot, K=body, ParentTree=parents.obj, ParentTreeNextKey=2,
        RoleMap=pikepdf.Dictionary(Strong=pikepdf.Name.Span)))
    body.P = pdf.Root.StructTreeRoot
    return pdf


def reading_order(pdf: pikepdf.Pdf) -> list[int]:
    """The MCIDs in the order the structure tree reads them."""
    found: list[int] = []

    def visit(node: object) -> None:
        if isinstance(node, int):
            found.append(node)
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                visit(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            visit(node.get("/K"))

    visit(pdf.Root.StructTreeRoot.K)
    return found


def test_each_list_item_holds_its_label_and_a_body_in_the_same_order() -> None:
    pdf = tagged_pdf()
    items = list(pdf.Root.StructTreeRoot.K.K[1].K)
    plain = items[0].K[1]
    tagging.list_bodies(pdf)
    assert reading_order(pdf) == list(range(9))
    assert [[str(kid.S) for kid in item.K] for item in items] == [["/Lbl", "/LBody"]] * 3
    # A bare grouping element becomes the body; anything else is wrapped in a new one.
    assert items[0].K[1].objgen == plain.objgen
    assert [str(kid.S) for kid in items[1].K[1].K] == ["/P", "/NonStruct"]
    assert all(kid.P.objgen == items[1].K[1].objgen for kid in items[1].K[1].K)
    # Marked content moved into a new body is found from its page as the body's.
    third = items[2].K[1]
    assert list(third.K) == [7] and third.P.objgen == items[2].objgen
    assert pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)[0][7].objgen == third.objgen


def test_a_structure_tree_leading_back_up_to_an_element_is_read_once_and_finished() -> None:
    """A malformed tree whose element has an element above it among its kids: each element is
    read once, in reading order, and the PDF is finished all the same."""
    pdf = tagged_pdf()
    order = [str(element.S) for element in tagging.elements(pdf)]
    body = pdf.Root.StructTreeRoot.K
    body.K[3].K = pikepdf.Array([body, body.K[1]])  # the Strong holds the Document and the list again
    assert [str(element.S) for element in itertools.islice(tagging.elements(pdf), 100)] == order
    tagging.make_accessible(pdf)
    assert [str(kid.S) for kid in body.K[1].K[0].K] == ["/Lbl", "/LBody"]


def test_types_pdf_1_7_does_not_define_are_role_mapped() -> None:
    pdf = tagged_pdf()
    tagging.map_roles(pdf)
    assert dict(pdf.Root.StructTreeRoot.RoleMap.items()) == {"/Em": "/Span", "/Strong": "/Span"}


def test_links_are_described_by_their_text_else_their_address_or_page() -> None:
    pdf = tagged_pdf()
    tagging.make_accessible(pdf)
    assert [str(a.Contents) for a in pdf.pages[0].Annots] == [
        "See the first book, wrapped", "https://opentextbc.ca/peersupport/", "Go to page 2", "Go to page 2",
        "Said already"]


def test_a_links_words_are_read_on_the_lines_where_text_outside_it_moved() -> None:
    # As Chromium prints a paragraph: one text object, each run placed by a move (Td), the link's
    # runs in sequences of their own; the move to the next line is outside the link.
    pdf = tagged_pdf()
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(b"""BT /F1 12 Tf 1 0 0 -1 72 100 Tm
        /P <</MCID 0>> BDC 0 0 Td (Read ) Tj EMC
        /Link <</MCID 1>> BDC 30 0 Td (the) Tj 0 14 Td (book) Tj EMC
        /P <</MCID 2>> BDC 0 14 Td (on the next line at ) Tj EMC
        /Link <</MCID 3>> BDC 60 0 Td (this address) Tj EMC ET""")
    content = tagging_content.parse_page(page)
    texts = tagging_links.marked_texts(page, content.instructions, content.ops, {1, 3}, {})
    # A new line starts a new word: inside the link, and from one link's words to the next.
    assert texts == {1: "the book", 3: " this address"}


def test_a_link_without_words_names_the_page_it_goes_to_by_its_printed_number() -> None:
    """The front matter numbered i, ii, …, the chapters from 1 (/PageLabels): a link to the second
    page goes to the page printed "1", as the viewer and the contents say, not the second."""
    pdf = tagged_pdf()
    pdf.Root.PageLabels = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array([
        0, pikepdf.Dictionary(S=pikepdf.Name.r), 1, pikepdf.Dictionary(S=pikepdf.Name.D)])))
    tagging.make_accessible(pdf)
    assert [str(a.Contents) for a in pdf.pages[0].Annots][2:4] == ["Go to page 1", "Go to page 1"]


def test_finished_pdf_says_it_is_pdf_ua_and_shows_its_title() -> None:
    saved = io.BytesIO()
    tagged_pdf().save(saved)
    with pikepdf.open(io.BytesIO(finished_pdf(saved.getvalue(), METADATA, epoch=0))) as pdf:
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.Root.MarkInfo.Marked is True


def test_finishing_marks_the_margins_as_artifacts_and_loses_no_text(tmp_path: Path) -> None:
    saved = io.BytesIO()
    tagged_pdf().save(saved)
    before, after = tmp_path / "printed.pdf", tmp_path / "finished.pdf"
    before.write_bytes(saved.getvalue())
    after.write_bytes(finished_pdf(saved.getvalue(), METADATA, epoch=0))
    assert artifact_texts(before) == ["", ""]
    assert artifact_texts(after) == ["Running head Page 1 of 2", ""]
    assert full_page_texts(after) == full_page_texts(before)


def test_a_figure_grouping_an_image_and_its_caption_becomes_a_grouping() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()

    def element(kind: str, kids: object, **more: object) -> pikepdf.Dictionary:
        return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(f"/{kind}"),
                                                    K=kids, **more))

    image = element("Figure", 0, Alt=pikepdf.String("A blue circle"))
    captioned = element("Figure", pikepdf.Array([image, element("Caption", 1)]))
    described = element("Figure", pikepdf.Array([element("P", 2)]), Alt=pikepdf.String("A chart of the week"))
    undescribed_image = element("Figure", 3)  # the validators must still see it
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot,
        K=element("Document", pikepdf.Array([captioned, described, undescribed_image]))))
    tagging.group_figures(pdf)
    assert [str(e.S) for e in (captioned, image, described, undescribed_image)] == [
        "/Div", "/Figure", "/Figure", "/Figure"]


# --- A contributor's chapter with footnotes and task lists: every download conforms -----------
# (tests/fixtures/footnotes-tasks, built once here for its PDFs and its EPUB.)


@pytest.fixture(scope="module")
def contributed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result, site = build_fixture("footnotes-tasks", tmp_path_factory.mktemp("footnotes-tasks"), env=BOOK_BUILD_ENV)
    assert result.returncode == 0, result.stderr
    return site


def test_footnotes_and_task_lists_leave_every_pdf_conforming(contributed: Path) -> None:
    pdfs = downloaded_pdfs(contributed)
    assert {pdf.relative_to(contributed / "downloads").as_posix() for pdf in pdfs} >= {
        "handouts/checklists.pdf", "worksheets/checklists-reflection.pdf"}
    failures = {pdf.name: pdf_ua_failures(pdf) for pdf in pdfs}
    assert {name: found for name, found in failures.items() if found} == {}
    # The icons that broke it are there: tagged forms that Chromium drew twice, now drawn once.
    handout = contributed / "downloads" / "handouts" / "checklists.pdf"
    drawn, in_artifacts = form_drawings(handout)
    # Each task's box (five) and each footnote's back-references, if the print shows them.
    assert len(drawn) >= 5 and set(drawn.values()) == {1} and in_artifacts == 0
    text = normalise(" ".join(full_page_texts(handout)))
    assert "Found a quiet place to talk" in text and "Practise with a friend before a first session." in text


def test_footnotes_and_task_lists_leave_the_epub_without_an_ace_violation(contributed: Path) -> None:
    (epub,) = (contributed / "downloads").glob("*.epub")
    result = ace(epub)
    assert result.violations == (), "\n".join(map(str, result.violations))
    assert "text/chapters/checklists.xhtml" in result.details["documents"]
