"""The markup corrections of hooks/a11y.py and the settings of hooks/repository.py, without MkDocs."""

from __future__ import annotations

import re

import pytest
from mkdocs.exceptions import PluginError

from ebook.site import a11y

from ebook.site import repository

SEARCH = '<div class="md-search" data-md-component="search" role="dialog">'
ARTICLE = '<article class="md-content__inner md-typeset">'


def page(skip: str = "", toc: str = "", search: str = SEARCH, article: str = ARTICLE) -> str:
    return (
        "<html><head></head><body>"
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'
        f'<div data-md-component="skip">{skip}</div>{search}</div>{toc}{article}<h1>T</h1></article>'
        "</body></html>"
    )


def test_search_dialog_gets_a_name() -> None:
    fixed = a11y.fix_page(page(), where="x.md")
    assert 'role="dialog" aria-label="Search">' in fixed


def test_missing_material_markup_stops_the_build_naming_the_page() -> None:
    with pytest.raises(PluginError, match=r"docs/x\.md: Material's search dialog markup changed"):
        a11y.fix_page(page(search='<div role="dialog">'), where="docs/x.md")


def test_checkboxes_lose_autocomplete_but_text_inputs_keep_it() -> None:
    html = '<input type="checkbox" id="a" autocomplete="off"><input type="text" autocomplete="off">'
    assert a11y.drop_checkbox_autocomplete(html) == '<input type="checkbox" id="a"><input type="text" autocomplete="off">'


def test_a_page_without_a_table_of_contents_gets_a_skip_link_to_its_content() -> None:
    fixed = a11y.fix_page(page(), where="x.md")
    assert '<a href="#book-content" class="md-skip">Skip to content</a>' in fixed
    assert '<article class="md-content__inner md-typeset" id="book-content" tabindex="-1">' in fixed


def test_materials_own_skip_link_is_kept() -> None:
    own = '<a href="#intro" class="md-skip">Skip to content</a>'
    fixed = a11y.fix_page(page(skip=own), where="x.md")
    assert own in fixed and "book-content" not in fixed


def test_corrections_are_idempotent() -> None:
    once = a11y.fix_page(page(toc='<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">'), where="x.md")
    assert a11y.fix_page(once, where="x.md") == once


def test_lone_toc_checkbox_is_named_and_lone_toc_label_unbound() -> None:
    lone_input = '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">'
    assert 'id="__toc" aria-label="Table of contents"' in a11y.label_toc_toggle(lone_input)
    paired = lone_input + '<label class="md-nav__title" for="__toc">Table of contents</label>'
    assert a11y.label_toc_toggle(paired) == paired
    lone_label = '<label class="md-nav__title" for="__toc">Table of contents</label>'
    assert a11y.label_toc_toggle(lone_label) == '<label class="md-nav__title">Table of contents</label>'


def test_print_page_attributes_and_styles_become_valid_html() -> None:
    html = page().replace(
        "</article>",
        '<section class="print-page" id="a" heading-number="1">x</section></article>'
        "<style>.print-site-enumerate-headings #a h1:before { content: '1' }</style>",
    )
    fixed = a11y.fix_print_page(html)
    assert 'data-heading-number="1"' in fixed and " heading-number=" not in fixed
    head, body = fixed.split("</head>")
    assert "print-site-enumerate-headings" in head and "<style>" not in body


def test_edit_links_only_with_a_repository() -> None:
    assert repository.edit_uri(None, "edit/main/docs/") is None
    assert repository.edit_uri("", "edit/main/docs/") is None
    assert repository.edit_uri("https://git.example.org/book", "edit/main/docs/") == "edit/main/docs/"



# print-site 2.9's markup for a navigation section "Chapters" whose index page opens with the
# same title, and Material's table of contents of the print page (as built, spaces aside).
SECTION = """<section class='print-page md-section' id='section-2' heading-number='2'>
                        <h1>{title}<a class='headerlink' href='#section-2' title='Permanent link'></a>
                        </h1>
                    <section class="print-page" id="chapters" heading-number="2.1"><h1 id="chapters-chapters">Chapters<a class="headerlink" href="#chapters-chapters" title="Link to this section">&para;</a></h1>
<p>The chapters in reading order.</p></section><section class="print-page" id="chapters-one" heading-number="2.2"><h1 id="chapters-one-one">One &amp; two</h1></section></section>"""
TOC_ENTRY = """<li class="md-nav__item"><a href="#{id}" class="md-nav__link">
    <span class="md-ellipsis">
        {title}
    </span>
  </a>
</li>"""
TOC = """<nav class="md-nav md-nav--secondary" aria-label="Table of contents"><ul class="md-nav__list" data-md-component="toc">
<li class="md-nav__item">
  <a href="#section-2" class="md-nav__link">
    <span class="md-ellipsis">
        {title}
    </span>
  </a>
    <nav class="md-nav" aria-label="{title}">
      <ul class="md-nav__list">
          {entries}
      </ul>
    </nav>
</li></ul></nav>"""


def print_page(title: str = "Chapters", chapters: bool = True) -> str:
    entries = TOC_ENTRY.format(id="chapters", title="Chapters")
    if chapters:
        entries += TOC_ENTRY.format(id="chapters-one", title="One &amp; two")
    body = TOC.format(title=title, entries=entries) + '<div id="print-site-page">' + SECTION.format(title=title) + "</div>"
    return page().replace("<h1>T</h1>", body)


def test_a_sections_title_is_said_once_when_its_index_page_says_it() -> None:
    fixed = a11y.fix_print_page(print_page())
    content = fixed[fixed.index('id="print-site-page"'):]
    assert re.findall(r"<h1\b[^>]*>([^<]*)", content) == ["Chapters", "One &amp; two"]
    assert "<section class='print-page md-section' id='section-2'" in content  # where its entry leads
    toc = fixed[fixed.index("md-nav--secondary"):fixed.index('id="print-site-page"')]
    assert 'href="#section-2"' in toc and 'href="#chapters-one"' in toc and 'href="#chapters"' not in toc
    assert a11y.fix_print_page(fixed) == fixed


def test_a_section_whose_first_page_has_another_title_keeps_its_own() -> None:
    html = print_page(title="Part one")
    fixed = a11y.fix_print_page(html)
    assert "<h1>Part one<a class='headerlink'" in fixed and 'href="#chapters" class="md-nav__link"' in fixed


def test_a_section_of_its_index_page_alone_keeps_no_empty_list_in_the_contents() -> None:
    fixed = a11y.fix_print_page(print_page(chapters=False))
    toc = fixed.split('id="print-site-page"')[0]
    assert 'aria-label="Chapters">' not in toc and 'href="#section-2"' in toc


def test_headings_compare_as_they_read() -> None:
    assert a11y.heading_words(' Connection &amp; care<a class="headerlink" href="#x">&para;</a>\n') == "Connection & care"


def test_changed_print_site_section_markup_stops_the_build() -> None:
    html = print_page().replace("<h1>Chapters<a class='headerlink'", "<h2>Chapters<a class='headerlink'")
    with pytest.raises(PluginError, match="print-site's section markup changed"):
        a11y.fix_print_page(html)
