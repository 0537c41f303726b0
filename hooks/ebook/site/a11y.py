"""Accessibility: correct the markup Material for MkDocs 9.8 gets wrong, on every built page.

Each correction below names the upstream problem it works around. They run on the finished
HTML of every page and of the 404 page (`fix_page`), and of print-site's print page
(`fix_print_page`), each handed to them by hooks/a11y.py. Each looks for Material's exact
markup; when that markup is missing where a correction needs it, the build stops with a message
naming the page, so a theme upgrade cannot silently undo a fix. Colours, focus rings and motion
are fixed in `docs/stylesheets/a11y.css`; the footer's new-tab link in `overrides/partials/`.
"""

from __future__ import annotations

import html as html_text
import re

from mkdocs.exceptions import PluginError

from ebook.site import task_lists

CONTENT_ID = "book-content"
SKIP_TEXT = "Skip to content"
SEARCH_NAME = "Search"
TOC_NAME = "Table of contents"


# --- Corrections to every page ---------------------------------------------------------------


def fix_page(html: str, *, where: str) -> str:
    """Every correction a page built with Material needs; running it twice changes nothing."""
    html = name_search_dialog(html, where=where)
    html = drop_checkbox_autocomplete(html)
    html = label_toc_toggle(html)
    html = ensure_skip_link(html, where=where)
    return html


def name_search_dialog(html: str, *, where: str) -> str:
    """Material's search dialog has role="dialog" and no accessible name (axe: aria-dialog-name)."""
    before = '<div class="md-search" data-md-component="search" role="dialog">'
    after = f'<div class="md-search" data-md-component="search" role="dialog" aria-label="{SEARCH_NAME}">'
    # Looked for in this order because Material writes the dialog near the top of the page:
    # finding it stops the search there, where looking for what is absent reads the whole page.
    if before in html:
        return html.replace(before, after, 1)
    if after in html:
        return html
    raise PluginError(f"{where}: Material's search dialog markup changed; update hooks/ebook/site/a11y.py.")


# Material writes its checkboxes and search dialog at the top of <body>, before this (base.html).
_CONTAINER = '<div class="md-container" data-md-component="container">'
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')


def drop_checkbox_autocomplete(html: str) -> str:
    """Material puts autocomplete="off" on its drawer and search checkboxes; HTML allows it only on
    text-like inputs (Nu HTML Checker error). Firefox may now restore an open drawer on "Back"."""
    # Only the top of the page, before Material's container, is searched: the same regular
    # expression over the whole page (about 100 KB) took most of this hook's time.
    end = html.find(_CONTAINER)
    end = len(html) if end == -1 else end
    top = _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html[:end])
    return top + html[end:] if len(top) != end else html


def label_toc_toggle(html: str) -> str:
    """Material renders the `#__toc` checkbox on pages whose table of contents is empty, with no
    label, and a `<label for="__toc">` on pages without the checkbox (the print page): name the
    lone checkbox, and unbind the lone label (Nu HTML Checker: `for` must name a form control)."""
    has_input = 'id="__toc"' in html
    has_label = 'for="__toc"' in html
    if has_input and not has_label:
        html = re.sub(
            r'(<input\b[^>]*\bid="__toc")(?![^>]*aria-label)', rf'\1 aria-label="{TOC_NAME}"', html, count=1
        )
    elif has_label and not has_input:
        html = html.replace(' for="__toc"', "")
    return html


_SKIP_OPEN = '<div data-md-component="skip">'
_SKIP_BLOCK = re.compile(re.escape(_SKIP_OPEN) + r"\s*</div>")
_ARTICLE = '<article class="md-content__inner md-typeset">'


def ensure_skip_link(html: str, *, where: str) -> str:
    """Material renders "Skip to content" only when the page's table of contents has an entry
    (base.html: `{% if page.toc | first is defined %}`): add one to the content when it is missing."""
    # Found with str.find first: a regular expression searching the page for a block that is
    # not there reads all of it.
    at = html.find(_SKIP_OPEN)
    if at == -1 or not _SKIP_BLOCK.match(html, at):
        return html  # Material's own link, or ours from an earlier run
    if _ARTICLE not in html:
        raise PluginError(f"{where}: Material's content markup changed; update hooks/ebook/site/a11y.py.")
    link = f'<div data-md-component="skip"><a href="#{CONTENT_ID}" class="md-skip">{SKIP_TEXT}</a></div>'
    html = _SKIP_BLOCK.sub(link, html, count=1)
    return html.replace(_ARTICLE, f'<article class="md-content__inner md-typeset" id="{CONTENT_ID}" tabindex="-1">', 1)


# --- Corrections to print-site's print page --------------------------------------------------

_HEADING_NUMBER = re.compile(r'(<section\b[^>]*?\s)heading-number=')
_BODY_STYLE = re.compile(r"<style>(?:(?!</style>).)*?print-site-enumerate-headings.*?</style>", re.S)


def fix_print_page(html: str) -> str:
    """print-site writes attributes and elements HTML does not allow (Nu HTML Checker errors),
    and the same heading twice in a row (`undouble_section_titles`); its task lists are named too."""
    html = fix_page(html, where="the print page")
    html = undouble_section_titles(html)
    # print-site copies each page's content before the hooks' on_page_content names its tasks.
    html = task_lists.label_task_lists(html)
    # `heading-number` is not an HTML attribute: custom data goes in `data-*` (nothing reads it).
    html = _HEADING_NUMBER.sub(r"\1data-heading-number=", html)
    # Its heading-numbering rules sit in a <style> inside <body>; HTML allows them in <head> only.
    styles = _BODY_STYLE.findall(html)
    if styles:
        html = _BODY_STYLE.sub("", html)
        html = html.replace("</head>", "".join(styles) + "</head>", 1)
    return html


# print-site 2.9 writes each navigation section as a <section> with the section's title as an h1,
# then the section's pages, each a <section> starting with its own h1.
_NAV_SECTION = re.compile(r"<section class='print-page md-section' id='(?P<id>[^']+)'[^>]*>\s*")
_SECTION_TITLE = re.compile(r"<h1>(?P<title>.*?)<a class='headerlink' href='#(?P<id>[^']+)' "
                            r"title='Permanent link'></a>\s*</h1>\s*", re.S)
_FIRST_PAGE = re.compile(r'<section class="print-page" id="(?P<id>[^"]+)"[^>]*>\s*<h1\b[^>]*>(?P<title>.*?)</h1>', re.S)
_HEADERLINK = re.compile(r"<a\b[^>]*\bclass=[\"']headerlink[\"'][^>]*>.*?</a>", re.S)
_TAG = re.compile(r"<[^>]*>")


def heading_words(heading_html: str) -> str:
    """What a heading reads as: its text, without its permalink, tags or extra spaces."""
    return " ".join(html_text.unescape(_TAG.sub("", _HEADERLINK.sub("", heading_html))).split())


def undouble_section_titles(html: str) -> str:
    """print-site titles a navigation section with an h1 even when the section's first page is
    its index page, which opens with the same h1 (Material's `navigation.indexes`): the print
    page read "Chapters", "Chapters", and its table of contents "Chapters › Chapters". The
    section's own title goes, and so does the page's entry under it in the table of contents;
    the section keeps its id, where its entry still leads. The book's PDF already prints such a
    title once (ebook/pdf/book_document.py reads the section's first h1, now the page's)."""
    kept: list[str] = []
    undoubled: list[tuple[str, str]] = []  # (the section's id, its first page's id)
    at = 0
    for section in _NAV_SECTION.finditer(html):
        title = _SECTION_TITLE.match(html, section.end())
        if title is None:
            if _FIRST_PAGE.match(html, section.end()):
                continue  # undoubled by an earlier run
            raise PluginError("the print page: print-site's section markup changed; update "
                              "hooks/ebook/site/a11y.py (undouble_section_titles).")
        first = _FIRST_PAGE.match(html, title.end())
        if title["id"] != section["id"] or first is None \
                or heading_words(first["title"]) != heading_words(title["title"]):
            continue
        kept += [html[at:section.end()]]
        at = title.end()
        undoubled.append((section["id"], first["id"]))
    html = "".join(kept) + html[at:]
    for section_id, page_id in undoubled:
        html = _without_toc_entry(html, section_id, page_id)
    return html


_EMPTY_TOC_LIST = re.compile(r'<nav class="md-nav" aria-label="[^"]*">\s*<ul class="md-nav__list">\s*</ul>\s*</nav>')


def _without_toc_entry(html: str, section_id: str, page_id: str) -> str:
    """Material's table of contents without the page's entry, the first under its section's."""
    entry = re.compile(
        rf'(<a href="#{re.escape(section_id)}" class="md-nav__link">(?:(?!</li>).)*?<ul class="md-nav__list">)\s*'
        rf'<li class="md-nav__item">\s*<a href="#{re.escape(page_id)}" class="md-nav__link">'
        r"(?:(?!</li>|<nav\b).)*?</a>\s*</li>", re.S)
    html = entry.sub(r"\1", html, count=1)
    return _EMPTY_TOC_LIST.sub("", html)
