"""Print documents made from built pages: content cleaned for print, the book's parts, handouts,
worksheets and the collections they are printed in."""

from __future__ import annotations

import dataclasses

import pytest
from bs4 import BeautifulSoup, Tag
from lxml import html as lxml_html
from mkdocs.exceptions import PluginError

from ebook.model.settings import parse_pdf_settings
from ebook.pdf.book_document import TocEntry, book_parts
from ebook.pdf.chapter_documents import collection_document, handout_document, worksheet_document
from ebook.pdf.content import chapter_address, clean_content, online_folder, own_ids, root_relative, stylesheets
from ebook.pdf.documents import css_string, document_headings
from ebook.pdf.reflection import worksheet_prompts
from tests.helpers import normalise
from tests.print_documents import CHAPTER, CHAPTER_PAGE, print_setup


def fragment(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def test_collapsed_details_print_open() -> None:
    page = fragment('<details class="note"><summary>More</summary><p>Hidden</p></details>')
    clean_content(page, base_url="")
    assert page.find("details").has_attr("open")


@pytest.mark.parametrize(("markup", "printed"), [
    ('<nav class="book-downloads"><a data-download="downloads/x.pdf">Download PDF</a></nav>'
     '<a class="md-content__button" href="edit">Edit</a>'
     '<h2 id="a">Title<a class="headerlink" href="#a">¶</a></h2><script>alert(1)</script>',
     '<h2 id="a">Title</h2>'),
    # Every other kind, some inside another; a permalink is a link: other elements of its class stay.
    ('<div class="md-feedback"><form><noscript>No script</noscript><script>x()</script></form></div>'
     '<aside class="md-source-file">Last updated</aside><p data-journal-note="">Kept here</p>'
     '<p>Text <span class="headerlink">¶</span></p><div class="md-typeset book-downloads">x</div>',
     '<p>Text <span class="headerlink">¶</span></p>'),
], ids=["downloads-edit-permalink-script", "feedback-form-source-journal-nested"])
def test_chrome_is_left_out_of_print(markup: str, printed: str) -> None:
    page = fragment(markup)
    clean_content(page, base_url="")
    assert str(page) == printed


def test_a_page_prints_with_its_own_stylesheets_however_their_link_names_them() -> None:
    page = BeautifulSoup(
        '<html><head><link rel="Stylesheet" href="a.css"><link rel="preload stylesheet" href="b.css">'
        '<link rel="icon" href="c.png"><link rel="stylesheet" href="css/print-site.css"></head>'
        '<body><link rel="stylesheet" href="d.css"></body></html>', "lxml")
    # Link types are read without regard to case (HTML); print-site's screen styles stay out.
    assert stylesheets(page) == ("a.css", "b.css")


def test_links_to_other_pages_point_online_or_become_text() -> None:
    markup = ('<p><a href="../about/">About</a> <a href="#here">here</a> '
              '<a href="https://example.org/">out</a> <a href="mailto:a@example.org">mail</a></p>')
    online = fragment(markup)
    clean_content(online, base_url="https://books.example.org/peer/chapters/x/")
    assert [a["href"] for a in online.find_all("a")] == [
        "https://books.example.org/peer/chapters/about/", "#here", "https://example.org/", "mailto:a@example.org"]
    offline = fragment(markup)
    clean_content(offline, base_url="")
    assert [a["href"] for a in offline.find_all("a")] == ["#here", "https://example.org/", "mailto:a@example.org"]
    assert offline.get_text().startswith("About here")


def test_online_folder_of_a_document() -> None:
    assert online_folder("https://b.example.org/book", "chapters/x/x.handout.print.html") == \
        "https://b.example.org/book/chapters/x/"
    assert online_folder("", "chapters/x/x.handout.print.html") == ""


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
    parts = book_parts(BeautifulSoup(PRINT_PAGE, "lxml"), base_url="")
    # print-site's own contents are dropped; a section titled like its first page is not repeated.
    assert [(part.id, part.title) for part in parts] == [
        ("index", "Home"), ("part-one", "Part one"), ("section-3", "Appendices"), ("notes", "Notes")]
    assert parts[1].toc == TocEntry("part-one-part-one", "Part one", (TocEntry("part-one-why", "Why"),))
    assert parts[2].toc.id == "section-3-title" and 'id="section-3-title"' in parts[2].html
    assert "headerlink" not in "".join(part.html for part in parts)
    assert "<details open" in parts[3].html


def test_a_sections_page_that_lists_its_one_other_page_is_left_out() -> None:
    """The chapters' page of a book of one chapter: a list of one."""
    def book(*chapters: str) -> list[str]:
        items = "".join(f'<li><a href="#chapters-{c}">{c}</a>: about {c}.</li>' for c in chapters)
        pages = "".join(f'<section class="print-page" id="chapters-{c}"><h1>{c}</h1></section>' for c in chapters)
        section = ('<section class="print-page md-section" id="section-9"><h1>Chapters</h1>'
                   f'<section class="print-page" id="chapters"><h1>Chapters</h1><ol>{items}</ol></section>'
                   f'{pages}</section>')
        page = PRINT_PAGE.replace("</div></body>", section + "</div></body>")
        return [part.title for part in book_parts(BeautifulSoup(page, "lxml"), base_url="")][4:]
    assert book("One") == ["One"]
    # A list of several chapters tells of each: it is kept (and runs on into the first chapter).
    assert book("One", "Two") == ["Chapters", "One", "Two"]


def test_print_page_without_print_site_is_a_clear_error() -> None:
    with pytest.raises(PluginError, match="no #print-site-page"):
        book_parts(BeautifulSoup("<html><body><p>No print page</p></body></html>", "lxml"), base_url="")


def test_css_strings_cannot_break_out_of_the_style_element() -> None:
    value = css_string('Quotes "here" </style><script>x</script> \\ & more')
    assert value.startswith('"') and value.endswith('"')
    inner = value[1:-1]
    assert '"' not in inner and "<" not in inner and ">" not in inner and "&" not in inner
    assert "\\5c " in inner  # the backslash, escaped


def test_handout_is_the_chapter_alone_with_escaped_titles() -> None:
    handout = handout_document(CHAPTER_PAGE, CHAPTER, print_setup(paper="a4", site_url="https://b.example.org/"))
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

    doc = collection_document([handout], print_setup(paper="a4"), name="handouts-1")
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
    handout = handout_document(page, CHAPTER, print_setup())
    article = BeautifulSoup(handout.body, "html.parser")
    assert article.find("h1")["id"] == "trust--trust"
    assert article.find(id="trust--see").find("a", href="#trust--trust").get_text() == "top"
    assert article.find("label")["for"] == "trust--x"
    image = article.find("img")
    assert image["src"] == "/chapters/images/tree.png"
    assert image["srcset"] == "/chapters/images/tree.png 1x, /chapters/images/tree@2.png 2x"


def lines_of_each_prompt(body: BeautifulSoup) -> list[int]:
    """The ruled lines after each prompt: the last prompt's run on after the list, with the credit."""
    counts = [len(li.select(".book-worksheet__line")) for li in body.select(".book-worksheet__prompts > li")]
    counts[-1] += len(body.select(".book-worksheet__end .book-worksheet__line"))
    return counts


def test_worksheet_has_prompts_lines_and_credit() -> None:
    doc = worksheet_document(CHAPTER_PAGE, CHAPTER, print_setup())
    assert doc is not None and doc.path == "downloads/worksheets/trust-reflection.pdf"
    body = BeautifulSoup(doc.body, "html.parser")
    prompts = body.select(".book-worksheet__prompts > li")
    assert [normalise(li.select_one(".book-worksheet__prompt").get_text()) for li in prompts] == ["Why & how?", "When?"]
    assert lines_of_each_prompt(body) == [7, 7]  # 7 for every prompt
    # The last prompt's last lines are kept with the credit, in one box after the list.
    end = body.select_one(".book-worksheet__prompts ~ .book-worksheet__end")
    assert end.select(".book-worksheet__line") and end.select_one(".book-attribution")
    # Given per question, the room grows with the questions: "Why & how?" asks one, as "When?".
    room = {"per_question": 3, "fewest": 2, "most": 9}
    setup = dataclasses.replace(print_setup(), settings=parse_pdf_settings({"writing_lines": room}))
    two = CHAPTER_PAGE.replace("Why &amp; how?", "Why? And how?")
    grown = worksheet_document(two, CHAPTER, setup)
    assert grown is not None
    body = BeautifulSoup(grown.body, "html.parser")
    assert lines_of_each_prompt(body) == [6, 3]
    # Its credit is the chapter's, but says what the worksheet changed: not the page's boxes.
    credit = normalise(body.select_one("article").find_all(recursive=False)[-1].get_text(" "))
    assert "Original work: Original by Jenn Cusick" in credit and "Sam Lee" in credit
    assert "The prompts alone." in credit and "Boxes added." not in credit and "Credit." not in credit
    no_prompts = CHAPTER_PAGE.replace("admonition reflection", "admonition note")
    assert worksheet_document(no_prompts, CHAPTER, print_setup()) is None


# Prompts with what cleaning for print changes: links within the page, to other pages and out,
# notes, images, a nested list, a long prompt, chrome, a collapsed box.
TRICKY_PROMPTS = """<h2 id="why">Why</h2><p>Text.<sup id="fnref:a"><a class="footnote-ref" href="#fn:a">1</a></sup></p>
<div class="admonition reflection"><p class="admonition-title">For Reflection</p><ol>
<li>See <a href="#why">why</a>, <a href="../other/">another page</a> and <a href="https://example.org/">out</a>.</li>
<li>A note?<sup id="fnref:b"><a class="footnote-ref" href="#fn:b">2</a></sup> <img src="../../images/a.png" alt="A"
 srcset="../../images/a.png 1x, ../../images/a@2x.png 2x"> <abbr title="Peer support">PS</abbr></li>
<li>Steps:<ul><li id="one">one <a class="headerlink" href="#one">¶</a></li><li>two <script>x()</script></li></ul></li>
<li>""" + "Where were you, and who else was in the room? " * 20 + """</li></ol></div>
<details class="reflection"><summary>More</summary><ul><li><details><summary>Hint</summary><p>h</p></details>Why?</li></ul></details>
<div class="footnote"><ol><li id="fn:a">A.</li><li id="fn:b">B.</li></ol></div>"""


@pytest.mark.parametrize("site_url", ["https://b.example.org/", ""])
def test_the_prompts_cleaned_alone_are_those_of_the_whole_article_cleaned(site_url: str) -> None:
    """Cleaning only the prompts gives what cleaning the whole article and taking its prompts
    gives: every change cleaning makes is to an element and what it holds."""
    base = chapter_address(site_url, CHAPTER.url)

    def ready(found: Tag) -> None:
        clean_content(found, base_url=base)
        own_ids(found, prefix=f"{CHAPTER.slug}--")
        root_relative(found, page_url=CHAPTER.url)

    article_html = f'<article class="md-content__inner">{TRICKY_PROMPTS}</article>'
    whole = BeautifulSoup(article_html, "lxml").article
    ready(whole)
    expected = []
    for item in whole.select(":is(.admonition, details).reflection > :is(ul, ol) > li"):
        for mark in item.select("sup:has(> a.footnote-ref)"):
            mark.decompose()
        expected.append(item.decode_contents().strip())
    found = worksheet_prompts(lxml_html.fromstring(article_html), ready)
    assert len(found) == 5 and found == expected


def test_a_prompts_link_to_the_rest_of_its_chapter_leads_to_the_chapter_online_or_is_text() -> None:
    """The worksheet has the prompts alone: a link to a section of the chapter would lead nowhere
    on it. A link to what the worksheet has, and to other pages, stays as on the handout."""
    page = CHAPTER_PAGE.replace("<li>When?</li>", '<li id="item">When? <span id="last">See</span> <a href="#trust">'
                                'the start</a>, <a href="#last">this</a>, <a href="#item">it</a> and '
                                '<a href="../../about/">about</a>.</li>')
    hrefs = {}
    for site_url in ("https://b.example.org/", ""):
        worksheet = worksheet_document(page, CHAPTER, print_setup(site_url=site_url))
        assert worksheet is not None
        prompt = BeautifulSoup(worksheet.body, "html.parser").select(".book-worksheet__prompt")[-1]
        hrefs[site_url] = [a["href"] for a in prompt.find_all("a")]
        assert normalise(prompt.get_text()) == "When? See the start, this, it and about."
    assert hrefs == {"https://b.example.org/": ["https://b.example.org/chapters/trust/#trust", "#trust--last",
                                                 "https://b.example.org/chapters/trust/#item",
                                                 "https://b.example.org/about/"],
                     "": ["#trust--last"]}


def test_a_paragraph_or_prompt_too_long_to_move_whole_to_the_next_page_is_marked_to_run_on() -> None:
    """print.css moves a paragraph or list item whole to the next page, leaving its height empty
    on the page before: a long one (a fifth of a page or more) runs on from where there is room.
    In a worksheet, a long prompt runs on too, its last lines kept with its first ruled lines."""
    long = " ".join(["Where were you, and who else was in the room?"] * 20)
    page = fragment(f"<p>Short.</p><p>{long}</p><ul><li>{long}</li><li>Short?</li></ul>")
    clean_content(page, base_url="")
    assert [bool(block.get("class")) for block in page.find_all(["p", "li"])] == [False, True, True, False]
    asked = CHAPTER_PAGE.replace("<li>When?</li>", f"<li>{long}</li>")
    worksheet = worksheet_document(asked, CHAPTER, print_setup())
    assert worksheet is not None
    prompts = BeautifulSoup(worksheet.body, "html.parser").select(".book-worksheet__prompts > li")
    short, whole = (li.find(class_="book-worksheet__prompt") for li in prompts)
    assert short.parent.get("class") == ["book-worksheet__kept"]  # moves whole with its first lines
    assert "book-worksheet__prompt--long" in whole["class"] and whole.parent.name == "li"
    assert whole.find_next_sibling(class_="book-worksheet__kept").select(".book-worksheet__line")


def test_a_worksheet_has_a_place_for_the_name_and_the_date_in_its_text() -> None:
    """Below its title, where a screen reader reads it (the running head has it from page 2 on)."""
    worksheet = worksheet_document(CHAPTER_PAGE, CHAPTER, print_setup())
    assert worksheet is not None
    article = BeautifulSoup(worksheet.body, "html.parser").article
    place = article.select_one("h1 ~ .book-worksheet__name")
    assert normalise(place.get_text(" ")) == "Name Date"
    assert len(place.select(".book-worksheet__blank")) == 2
    assert place.find_next_sibling("ol")  # before the prompts


def test_document_headings_in_order() -> None:
    assert document_headings("<h1>A <em>b</em></h1><p>x</p><h2>C\n d</h2>") == ["A b", "C d"]


def test_a_long_title_is_shortened_at_a_word_in_the_running_head_only() -> None:
    from ebook.pdf.documents import running_head
    assert running_head("Connection, Disconnection & Reconnection") == "Connection, Disconnection & Reconnection"
    long = ("Peer Support Across Campus: Listening, Referral and Follow-up in Colleges, Universities "
            "and Institutes")
    assert running_head(long) == "Peer Support Across Campus: Listening, Referral and…"
    assert running_head("x" * 90) == "x" * 59 + "…"
    # Cut where a word ends, and no "&" or "and"-sign left hanging before the ellipsis.
    assert running_head("Connection, Disconnection & Reconnection in Residence Life", 40) == "Connection, Disconnection…"
