"""The PDF hook's functions, called directly: settings, print documents, page numbers, metadata."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import markdown
import pikepdf
import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

from ebook.model.credits import LICENCES
from ebook.model.settings import parse_book_settings, parse_pdf_settings
from ebook.site import attribution as a
from ebook.pdf import export as p
from ebook.pdf import files as pdf_files
from tests.helpers import ROOT, make_fixture_project, normalise
from tests.pdfs import bookmarks, full_page_texts, link_annotations, margin_texts, named_destinations


# --- Settings and environment ----------------------------------------------------------------


def test_pdf_settings_default_to_us_letter() -> None:
    settings = parse_pdf_settings(None)
    assert settings.paper == "letter"
    assert settings.writing_lines >= 6


def test_a4_is_a_setting() -> None:
    assert parse_pdf_settings({"paper": "A4"}).paper == "A4"
    assert parse_pdf_settings({"paper": "a4"}).paper == "A4"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"paper": "legal"}, "mkdocs.yml: extra.pdf.paper: 'legal' is not a paper size we print: use letter or a4."),
        ({"writing_lines": 3}, "mkdocs.yml: extra.pdf.writing_lines: 3: give a number of ruled lines from 6 to 40."),
        ({"chapters_per_print": 0}, "mkdocs.yml: extra.pdf.chapters_per_print: 0: give how many chapters' handouts to print in one go, from 1 to 100."),
        ({"keywords": "peer support"}, "mkdocs.yml: extra.pdf.keywords: expected a list"),
        ({"papr": "a4"}, "mkdocs.yml: extra.pdf: unknown field papr; allowed: chapters_per_print, keywords, paper, writing_lines."),
        (["letter"], "mkdocs.yml: extra.pdf: expected a mapping"),
    ],
)
def test_bad_pdf_settings_stop_the_build_naming_the_field(raw: object, message: str) -> None:
    with pytest.raises(PluginError) as error:
        parse_pdf_settings(raw)
    assert message in str(error.value)


def test_browser_from_book_browser_first() -> None:
    assert p.find_browser({"BOOK_BROWSER": "/usr/bin/chromium"}) == "/usr/bin/chromium"


def test_headless_shell_is_chosen_before_the_full_browser(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Both on PATH, the full browser's name first in the folder: the headless shell still wins.
    for name in ("chromium", "chromium-headless-shell"):
        program = tmp_path / name
        program.write_text("#!/bin/sh\n", encoding="utf-8")
        program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert p.find_browser({}, paths=()) == str(tmp_path / "chromium-headless-shell")
    (tmp_path / "chromium-headless-shell").unlink()
    assert p.find_browser({}, paths=()) == str(tmp_path / "chromium")


def test_unknown_book_browser_is_an_error() -> None:
    with pytest.raises(PluginError, match="BOOK_BROWSER='/no/such/chrome': no such program"):
        p.find_browser({"BOOK_BROWSER": "/no/such/chrome"})


def test_no_browser_gives_the_install_command() -> None:
    with pytest.raises(PluginError) as error:
        p.find_browser({}, names=("no-such-browser-here",), paths=("/no/such/chromium",))
    assert "sudo apt-get install chromium" in str(error.value)
    assert "BOOK_BROWSER" in str(error.value) and "BOOK_EXPORTS=0" in str(error.value)


def test_chromium_reaches_only_the_local_server() -> None:
    args = p.chromium_args()
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in args
    assert {"--disable-background-networking", "--disable-component-update", "--no-first-run"} <= set(args)
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)


# --- Print documents -------------------------------------------------------------------------


def fragment(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def test_collapsed_details_print_open() -> None:
    page = fragment('<details class="note"><summary>More</summary><p>Hidden</p></details>')
    p.clean_content(page, base_url="")
    assert page.find("details").has_attr("open")


def test_chrome_is_left_out_of_print() -> None:
    page = fragment(
        '<nav class="book-downloads"><a data-download="downloads/x.pdf">Download PDF</a></nav>'
        '<a class="md-content__button" href="edit">Edit</a>'
        '<h2 id="a">Title<a class="headerlink" href="#a">¶</a></h2><script>alert(1)</script>'
    )
    p.clean_content(page, base_url="")
    assert str(page) == '<h2 id="a">Title</h2>'


def test_links_to_other_pages_point_online_or_become_text() -> None:
    markup = ('<p><a href="../about/">About</a> <a href="#here">here</a> '
              '<a href="https://example.org/">out</a> <a href="mailto:a@example.org">mail</a></p>')
    online = fragment(markup)
    p.clean_content(online, base_url="https://books.example.org/peer/chapters/x/")
    assert [a["href"] for a in online.find_all("a")] == [
        "https://books.example.org/peer/chapters/about/", "#here", "https://example.org/", "mailto:a@example.org"]
    offline = fragment(markup)
    p.clean_content(offline, base_url="")
    assert [a["href"] for a in offline.find_all("a")] == ["#here", "https://example.org/", "mailto:a@example.org"]
    assert offline.get_text().startswith("About here")


def test_online_folder_of_a_document() -> None:
    assert p.online_folder("https://b.example.org/book", "chapters/x/x.handout.print.html") == \
        "https://b.example.org/book/chapters/x/"
    assert p.online_folder("", "chapters/x/x.handout.print.html") == ""


def test_reflection_prompts_are_the_items_of_the_reflection_list() -> None:
    listed = fragment('<div class="admonition reflection"><p class="admonition-title">For Reflection</p>'
                      "<ul><li>One <em>thing</em>?<ul><li>a hint</li></ul></li><li>Two?</li></ul></div>")
    assert p.reflection_prompts(listed) == ["One <em>thing</em>?<ul><li>a hint</li></ul>", "Two?"]
    collapsed = fragment('<details class="reflection"><summary>Think</summary><ol><li>Why?</li></ol></details>')
    assert p.reflection_prompts(collapsed) == ["Why?"]
    assert p.reflection_prompts(fragment('<div class="admonition note"><ul><li>No</li></ul></div>')) == []


@pytest.mark.parametrize("html", [
    '<div class="admonition reflection"><p class="admonition-title">R</p><ul><li>Why?</li></ul></div>',
    '<details class="reflection"><summary>Think</summary><ol><li>Why?</li></ol></details>',
    '<div class="admonition note"><ul><li>No</li></ul></div>',
    '<div class="admonition reflection"><p>No list</p></div>',
    '<div class="reflection"><ul><li>Not an admonition</li></ul></div>',
    '<div class="admonition reflection"><div><ul><li>Nested too deep</li></ul></div></div>',
    '<p>The word reflection alone</p>',
])
def test_whether_a_chapter_has_prompts_agrees_with_its_prompts(html: str) -> None:
    # The chapter page decides whether to link a worksheet; the worksheet takes the prompts.
    assert p.has_reflection_prompts(html) == bool(p.reflection_prompts(BeautifulSoup(html, "html.parser")))


def markdown_with_prompt_finder(config_file: Path = ROOT / "mkdocs.yml"):
    """Python-Markdown as the book's build runs it, with the PDF hook's ReflectionPrompts."""
    config = load_config(str(config_file))
    finder = p.ReflectionPrompts()
    md = markdown.Markdown(extensions=[*config.markdown_extensions, finder],
                           extension_configs=config.mdx_configs)
    return md, finder


REFLECTION = "!!! reflection\n\n    - Can you recall a time?\n    - What helped?\n"


@pytest.mark.parametrize(("source", "tree_answers"), [
    (REFLECTION, True),
    ("??? reflection \"Think\"\n\n    1. Why?\n", True),
    ("!!! note\n\n    - Not a reflection\n", True),
    ("!!! reflection\n\n    Only a paragraph.\n", True),
    ("!!! reflection\n\n    > - Quoted, not the box's own list\n", True),
    ("Some text about reflection.\n\n- A list\n", True),
    ("Text\n{ .admonition .reflection }\n", True),
    ('<div class="admonition reflection"><ul><li>Raw</li></ul></div>\n', False),
    ('<div class="admonition reflection" markdown>\n\n- In HTML, as Markdown\n\n</div>\n', False),
    ("!!! reflection\n\n    <ul><li>Raw inside</li></ul>\n", False),
])
def test_the_prompts_found_in_the_markdown_tree_are_those_of_the_html(source: str, tree_answers: bool) -> None:
    """The build asks the tree first; its answer must be the HTML's, and a page with raw HTML,
    which the tree does not hold, is left to the HTML."""
    md, finder = markdown_with_prompt_finder()
    html = md.convert(source)
    found = finder.take()
    assert (found is not None) == tree_answers
    if found is not None:
        assert found == p.has_reflection_prompts(html)
    assert finder.take() is None  # given once: the next page cannot get this page's answer


@pytest.mark.book
def test_every_page_of_the_book_gets_the_same_answer_from_its_tree() -> None:
    md, finder = markdown_with_prompt_finder()
    answers = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        body, _ = get_data(page.read_text(encoding="utf-8"))  # as MkDocs parts it from its front matter
        html = md.reset().convert(body)
        answers[page.name] = (finder.take(), p.has_reflection_prompts(html))
    assert answers["connection-disconnection-reconnection.md"] == (True, True)
    assert all(found == html for found, html in answers.values() if found is not None)


PRINT_PAGE = """<html><body><div id="print-site-page">
<section class="print-page"><div id="print-page-toc"><h1>Contents</h1></div></section>
<section class="print-page" id="index"><h1 id="index-home">Home<a class="headerlink" href="#index-home">¶</a></h1>
<p>Welcome. <a href="#part-one">Part one</a></p></section>
<section class="print-page md-section" id="section-2"><h1>Part one<a class="headerlink" href="#section-2"></a></h1>
<section class="print-page" id="part-one"><h1 id="part-one-part-one">Part one</h1><h2 id="part-one-why">Why</h2></section>
</section>
<section class="print-page md-section" id="section-3"><h1>Appendices</h1>
<section class="print-page" id="notes"><h1 id="notes-notes">Notes</h1><details><summary>s</summary>x</details></section>
</section>
</div></body></html>"""


def test_book_parts_follow_the_print_page() -> None:
    parts = p.book_parts(BeautifulSoup(PRINT_PAGE, "lxml"), base_url="")
    # print-site's own contents are dropped; a section titled like its first page is not repeated.
    assert [(part.id, part.title) for part in parts] == [
        ("index", "Home"), ("part-one", "Part one"), ("section-3", "Appendices"), ("notes", "Notes")]
    assert parts[1].toc == p.TocEntry("part-one-part-one", "Part one", (p.TocEntry("part-one-why", "Why"),))
    assert parts[2].toc.id == "section-3-title" and 'id="section-3-title"' in parts[2].html
    assert "headerlink" not in "".join(part.html for part in parts)
    assert "<details open" in parts[3].html


def test_print_page_without_print_site_is_a_clear_error() -> None:
    with pytest.raises(PluginError, match="no #print-site-page"):
        p.book_parts(BeautifulSoup("<html><body><p>No print page</p></body></html>", "lxml"), base_url="")


def test_css_strings_cannot_break_out_of_the_style_element() -> None:
    value = p.css_string('Quotes "here" </style><script>x</script> \\ & more')
    assert value.startswith('"') and value.endswith('"')
    inner = value[1:-1]
    assert '"' not in inner and "<" not in inner and ">" not in inner and "&" not in inner
    assert "\\5c " in inner  # the backslash, escaped


def test_toc_page_numbers_are_filled_in_their_slots() -> None:
    html = ('<span class="book-toc__page" data-toc-target="a-b"></span>'
            '<span class="book-toc__page" data-toc-target="c">7</span>')
    assert p.toc_targets(html) == ["a-b", "c"]
    assert p.fill_toc_pages(html, {"a-b": 3, "c": 12}) == (
        '<span class="book-toc__page" data-toc-target="a-b">3</span>'
        '<span class="book-toc__page" data-toc-target="c">12</span>')


def print_setup(paper: str = "letter", site_url: str = "") -> p.PrintSetup:
    book = parse_book_settings({
        "title": "Original", "author": "Jenn Cusick", "source_url": "https://opentextbc.ca/peersupport/",
        "license": "CC-BY-4.0", "changes": "Headings added."})
    info = p.BookInfo(title='The "Book" & <More>', author="Jenn Cusick", description="About.",
                      slug="the-book", site_url=site_url, edition="Edition of 1 May 2025", settings=book)
    return p.PrintSetup(book=info, settings=parse_pdf_settings({"paper": paper, "writing_lines": 7}),
                        body={"dir": "ltr", "data-md-color-scheme": "default"},
                        templates=p.template_environment(ROOT / "overrides" / "print"))


CHAPTER = p.ChapterSource(
    src_uri="chapters/trust.md", slug="trust", title='Trust </style> "here"', url="chapters/trust/",
    html_file=Path("unused"), description="A chapter.", author="Jenn Cusick",
    licence=LICENCES["CC-BY-4.0"], credit="adapted from the original", has_prompts=True)
CHAPTER_PAGE = """<html><head><link rel="stylesheet" href="../../assets/main.css">
<link rel="stylesheet" href="../../css/print-site.css"></head><body><article class="md-content__inner md-typeset">
<nav class="book-downloads"><a data-download="downloads/x.pdf">Download PDF</a></nav>
<h1 id="trust">Trust</h1><p>See <a href="../../about/">about</a>.</p>
<div class="admonition reflection"><p class="admonition-title">For Reflection</p><ul><li>Why &amp; how?</li><li>When?</li></ul></div>
<div class="book-attribution"><p>Credit.</p></div></article></body></html>"""


def test_handout_is_the_chapter_alone_with_escaped_titles() -> None:
    handout = p.handout_document(CHAPTER_PAGE, CHAPTER, print_setup(paper="a4", site_url="https://b.example.org/"))
    assert handout.path == "downloads/handouts/trust.pdf"
    assert handout.foot == "https://b.example.org/chapters/trust/"
    # Addresses from the site's root: the collection it is printed in is served from elsewhere.
    assert handout.stylesheets == ("/assets/main.css",)
    body = handout.body
    assert "Download PDF" not in body
    assert '<a href="https://b.example.org/about/">about</a>' in body
    assert body.index("Why &amp; how?") < body.index("Credit.")
    assert handout.metadata.title == 'Handout: Trust </style> "here"'
    assert "CC BY 4.0" in handout.metadata.rights and handout.metadata.licence_url.endswith("/by/4.0/")
    assert handout.headings == ["Trust"]

    doc = p.collection_document([handout], print_setup(paper="a4"), name="handouts-1")
    head, body = doc.html.split("<body", 1)
    assert "size: A4;" in head
    assert '<link rel="stylesheet" href="/assets/main.css">' in head and "print-site" not in head
    style = head.split("<style>", 1)[1].split("</style>", 1)[0]  # the title cannot end it early
    assert "</style" not in style and "Trust \\3c /style\\3e  \\22 here\\22 " in style
    assert "https://b.example.org/chapters/trust/" in style
    assert 'dir="ltr"' in body and 'style="page: part-1"' in body
    assert doc.parts == (handout,) and doc.metadata is None


def test_chapters_printed_together_keep_their_own_ids_and_links() -> None:
    page = CHAPTER_PAGE.replace('<p>See', '<p id="see">See <a href="#trust">top</a>, <label for="x">x</label>'
                                '<img src="../images/tree.png" srcset="../images/tree.png 1x, ../images/tree@2.png 2x" alt="A tree">')
    handout = p.handout_document(page, CHAPTER, print_setup())
    article = BeautifulSoup(handout.body, "html.parser")
    assert article.find("h1")["id"] == "trust--trust"
    assert article.find(id="trust--see").find("a", href="#trust--trust").get_text() == "top"
    assert article.find("label")["for"] == "trust--x"
    image = article.find("img")
    assert image["src"] == "/chapters/images/tree.png"
    assert image["srcset"] == "/chapters/images/tree.png 1x, /chapters/images/tree@2.png 2x"


def test_worksheet_has_prompts_lines_and_credit() -> None:
    doc = p.worksheet_document(CHAPTER_PAGE, CHAPTER, print_setup())
    assert doc is not None and doc.path == "downloads/worksheets/trust-reflection.pdf"
    body = BeautifulSoup(doc.body, "html.parser")
    prompts = body.select(".book-worksheet__prompts > li")
    assert [normalise(li.select_one(".book-worksheet__prompt").get_text()) for li in prompts] == ["Why & how?", "When?"]
    assert all(len(li.select(".book-worksheet__line")) == 7 for li in prompts)
    assert body.select_one("article").find_all(recursive=False)[-1].get_text() == "Credit."
    no_prompts = CHAPTER_PAGE.replace("admonition reflection", "admonition note")
    assert p.worksheet_document(no_prompts, CHAPTER, print_setup()) is None


def test_each_chapters_number_of_pages_is_filled_in_its_slot() -> None:
    html = ('content: "Page " counter(part-1) " of " /* pages of part 1 */ "";\n'
            'content: "Page " counter(part-2) " of " /* pages of part 2 */ "9";')
    assert p.fill_page_totals(html, [3, 2]) == (
        'content: "Page " counter(part-1) " of " /* pages of part 1 */ "3";\n'
        'content: "Page " counter(part-2) " of " /* pages of part 2 */ "2";')


# --- Finishing -------------------------------------------------------------------------------


def blank_pdf(outline: list[str] = ()) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/CreationDate"] = "D:20200101000000Z"
    with pdf.open_outline() as o:
        o.root.extend(pikepdf.OutlineItem(title, 0) for title in outline)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


METADATA = p.PdfMetadata(title="Handout: A chapter", author="Jenn Cusick", subject="About it",
                         keywords=("peer support", "training"), language="en",
                         rights="Licensed under CC BY 4.0: https://creativecommons.org/licenses/by/4.0/",
                         licence_url="https://creativecommons.org/licenses/by/4.0/")


def test_finalise_writes_info_xmp_and_licence() -> None:
    data = pdf_files.finalise_pdf(blank_pdf(), METADATA, epoch=1700000000)
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


def test_finalise_is_reproducible_with_source_date_epoch() -> None:
    first = pdf_files.finalise_pdf(blank_pdf(), METADATA, epoch=1700000000)
    again = pdf_files.finalise_pdf(blank_pdf(), METADATA, epoch=1700000000)
    other = pdf_files.finalise_pdf(blank_pdf(), METADATA, epoch=1700000001)
    assert first == again
    assert first != other
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert len(pdf.trailer.ID) == 2  # a file identifier, derived from the content


def test_bookmarks_get_their_headings_spaces_back() -> None:
    data = pdf_files.finalise_pdf(blank_pdf(["Connection, Disconnection &Reconnection", "Why"]), METADATA,
                          epoch=0, headings=["Contents", "Connection, Disconnection & Reconnection", "Why"])
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Connection, Disconnection & Reconnection", "Why"]


def test_document_headings_in_order() -> None:
    assert p.document_headings("<h1>A <em>b</em></h1><p>x</p><h2>C\n d</h2>") == ["A b", "C d"]


# --- Printing --------------------------------------------------------------------------------


def test_render_documents_prints_with_the_system_browser(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("h1 { color: rgb(1, 2, 3); }")
    html = ('<!doctype html><html lang="en"><head><title>T</title><link rel="stylesheet" href="../style.css">'
            '<style>@page { size: A4; margin: 20mm }</style></head><body><h1 id="t">Hello</h1>'
            '<img src="https://example.org/x.png" alt=""></body></html>')
    doc = p.PrintDocument(path="downloads/t.pdf", url_path="sub/t.print.html", html=html, metadata=METADATA)
    again = p.dataclasses.replace(doc, path="downloads/u.pdf", url_path="sub/u.print.html")
    # In its own thread: the browser tests' session-wide Playwright (sync API) may hold an event
    # loop in this one, which MkDocs never does.
    with ThreadPoolExecutor(1) as worker:
        rendered, second = worker.submit(p.render_documents, [doc, again], tmp_path,
                                         p.find_browser(os.environ), workers=1).result()
    # What each PDF was made from, for the cache: the stylesheet, even when the browser's own
    # cache answered for the second document.
    assert rendered.loaded == second.loaded == ("style.css",)
    assert rendered.data.startswith(b"%PDF")
    with pikepdf.open(io.BytesIO(rendered.data)) as pdf:
        assert len(pdf.pages) == 1
        assert float(pdf.pages[0].mediabox[2]) == pytest.approx(595.3, abs=1)  # A4 from the CSS
    assert not list(tmp_path.rglob("*.print.html"))  # nothing written into the site


def _chapter(slug: str, title: str, paragraphs: int) -> tuple[p.ChapterSource, str]:
    chapter = p.dataclasses.replace(CHAPTER, src_uri=f"chapters/{slug}.md", slug=slug, title=title,
                                    url=f"chapters/{slug}/")
    text = " ".join(["Peer supporters listen first and speak second."] * 12)
    page = CHAPTER_PAGE.replace('<h1 id="trust">Trust</h1>', f'<h1 id="top">{title}</h1>'
                                '<p><a href="#last">To the reflection</a></p>'
                                + f"<p>{text}</p>" * paragraphs + '<h2 id="last">Last</h2>')
    return chapter, page


def test_chapters_printed_together_split_into_tagged_pdfs_of_their_own(tmp_path: Path) -> None:
    setup = print_setup()
    chapters = [_chapter("short", "A short chapter", 1), _chapter("long", "A long chapter", 14)]
    parts = [p.handout_document(page, chapter, setup) for chapter, page in chapters]
    collection = p.collection_document(parts, setup, name="handouts-1")
    with ThreadPoolExecutor(1) as worker:  # see test_render_documents_prints_with_the_system_browser
        (rendered,) = worker.submit(p.render_documents, [collection], tmp_path, p.find_browser(os.environ)).result()
    short, long = pdf_files.split_collection(rendered.data, 2)
    for data, (chapter, _), other in ((short, chapters[0], "A long chapter"), (long, chapters[1], "A short chapter")):
        path = tmp_path / f"{chapter.slug}.pdf"
        path.write_bytes(pdf_files.finalise_pdf(data, parts[0].metadata, epoch=0))
        # Chromium's loose objects packed into compressed object streams: a smaller download.
        assert path.read_bytes().startswith(b"%PDF-1.5") and b"/ObjStm" in path.read_bytes()
        assert b"/ObjStm" not in data and path.stat().st_size < len(data)  # metadata added, and yet
        subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
        margins = margin_texts(path)
        assert [f"Page {n} of {len(margins)}" in text for n, text in enumerate(margins, 1)] == [True] * len(margins)
        assert all(chapter.title in text for text in margins)
        text = "".join(full_page_texts(path))
        assert chapter.title in text and other not in text
        assert [b.title for b in bookmarks(path)] == [chapter.title]
        with pikepdf.open(path) as pdf:
            own_pages = {page.objgen for page in pdf.pages}
            tree = pdf.Root.StructTreeRoot
            elements = list(pdf_files._elements(tree.K))
            assert {str(e.S) for e in elements} >= {"/Document", "/Art", "/H1", "/H2", "/P", "/Link"}
            # Every tagged element is on this PDF's own pages, and every page finds its tags.
            assert {e.Pg.objgen for e in elements if "/Pg" in e} <= own_pages
            parents = pikepdf.NumberTree(tree.ParentTree)
            assert all(int(page.obj.StructParents) in parents for page in pdf.pages)
            # The link to a heading of the chapter lands on this PDF's page for it.
            (link,) = [t for _, kind, t in link_annotations(path) if kind == "dest"]
            assert link in named_destinations(path)
    assert pdf_files.page_count(long) > pdf_files.page_count(short) >= 1


def test_a_build_without_downloads_never_loads_the_printing_libraries(tmp_path: Path) -> None:
    # `make serve` rebuilds on every save: BeautifulSoup (with soupsieve), Playwright and pikepdf
    # cost a tenth of a second or more to import, asyncio more than a hundredth, and only the
    # making of the PDFs needs them.
    config = make_fixture_project("check-clean", tmp_path)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mkdocs", "build", "--strict", "-f", str(config),
         "-d", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "BOOK_EXPORTS": "0"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "mkdocs.structure.pages" in imported  # the list is the build's own
    printing = {"bs4", "soupsieve", "playwright", "pikepdf", "asyncio"}
    assert not {name for name in imported if name.split(".")[0] in printing}


def test_the_last_builds_numbers_are_written_in_first_only_when_they_cover_the_whole_document() -> None:
    slot = '<span class="book-toc__page" data-toc-target="{}">0</span>'
    book = p.PrintDocument(path="downloads/b.pdf", url_path="b.print.html", metadata=METADATA, toc=True,
                           html=slot.format("why") + slot.format("how"))
    guessed = p.with_last_numbers(lambda: book, {"why": 3, "how": 5, "a-heading-since-removed": 9})
    assert guessed.last_numbers == {"why": 3, "how": 5}
    assert p.with_numbers(guessed, guessed.last_numbers) == slot.format("why").replace(">0<", ">3<") + \
        slot.format("how").replace(">0<", ">5<")
    # A heading new since the last build: nothing to go on, so the first printing measures.
    assert p.with_last_numbers(lambda: book, {"why": 3}).last_numbers is None
    assert p.with_last_numbers(lambda: book, {}).last_numbers is None
