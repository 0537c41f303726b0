"""A chapter's reflection prompts: the items of the list in its reflection box.

A chapter with prompts gets a worksheet, and its page links to it, so whether it has any is asked
of every chapter in every build: from the tree Python-Markdown builds when it can
(`ReflectionPrompts`), else from the page's HTML (`has_reflection_prompts`), by the rule the
chapter checks share (ebook/model/reflection.py). The worksheet takes
the prompts themselves (`worksheet_prompts`), room to write after each in proportion to the
questions it asks (`questions`), and whether it is short enough to keep whole (`kept_whole`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lxml import html as lxml_html
from markupsafe import Markup

from ebook.model import page_tree
from ebook.model.reflection import prompt_items, tree_has_prompts
from ebook.pdf.content import long_block

if TYPE_CHECKING:
    import markdown
    from bs4 import Tag

def worksheet_prompts(content: lxml_html.HtmlElement, ready: Callable[[Tag], None]) -> list[Markup]:
    """The prompts in `content` (a chapter's article) as the worksheet prints them: read into one
    list, made ready for print by `ready` (in place), each without its notes' marks, whose notes
    the worksheet does not print (the handout does)."""
    items = prompt_items(content)
    if not items:
        return []
    from bs4 import BeautifulSoup  # imported here: a build without PDFs never loads it

    listed = "".join(lxml_html.tostring(item, encoding="unicode", with_tail=False) for item in items)
    prompts = BeautifulSoup(f"<ul>{listed}</ul>", "lxml").ul
    assert prompts is not None
    ready(prompts)
    for mark in prompts.find_all("sup"):  # a note's mark: its link's id is the chapter's own by now
        if not mark.decomposed and mark.find("a", class_="footnote-ref", recursive=False) is not None:
            mark.decompose()
    return [Markup(item.decode_contents().strip()) for item in prompts.find_all("li", recursive=False)]


# Question marks of the scripts the book may be written in (Latin, Greek, Arabic, CJK).
_QUESTION_MARKS = re.compile("[?\u037e\u061f\uff1f]")


def questions(prompt: Markup) -> int:
    """How many questions a prompt asks: its text's question marks (a prompt without one, an
    instruction such as "Describe…", asks one)."""
    return max(1, len(_QUESTION_MARKS.findall(prompt.striptags())))


def kept_whole(prompt: Markup) -> bool:
    """Whether a prompt is short enough to move whole to the next page with its first lines
    (a longer one runs on from where the page has room, as a chapter's long paragraph does)."""
    return not long_block(prompt.striptags())


class ReflectionPrompts(page_tree.PageTreeReader["bool | None"]):
    """Answers `has_reflection_prompts` for each page from the tree Python-Markdown builds, so
    that the page's HTML is not parsed again (about a third of a millisecond a chapter).

    Only for a page without raw HTML: its HTML's elements are then exactly the tree's. Raw HTML
    is kept aside by Python-Markdown and pasted into the HTML later, so a page with any gets no
    answer (None) and its HTML is parsed. A test compares the answers on every page of the book.
    """

    name = "book_pdf_reflection_prompts"

    def read(self, md: markdown.Markdown, root: Any) -> bool | None:
        return None if page_tree.holds_stashed_html(md) else tree_has_prompts(root)
