"""A chapter's reflection prompts: the worksheet's items, and whether a chapter has any, from its
Markdown tree or its HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import markdown
import pytest
from bs4 import BeautifulSoup
from lxml import html as lxml_html
from mkdocs.config import load_config
from markupsafe import Markup
from mkdocs.utils.meta import get_data

from ebook.pdf.content import own_ids
from ebook.model.reflection import has_reflection_prompts
from ebook.pdf.reflection import ReflectionPrompts, kept_whole, questions, worksheet_prompts
from tests.helpers import ROOT

if TYPE_CHECKING:
    from bs4 import Tag


def fragment(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def prompts(markup: str, ready: Callable[[Tag], None] = lambda prompts: None) -> list[Markup]:
    return worksheet_prompts(lxml_html.fromstring(markup), ready)


def test_reflection_prompts_are_the_items_of_the_reflection_list() -> None:
    listed = ('<div class="admonition reflection"><p class="admonition-title">For Reflection</p>'
              "<ul><li>One <em>thing</em>?<ul><li>a hint</li></ul></li><li>Two?</li></ul></div>")
    assert prompts(listed) == ["One <em>thing</em>?<ul><li>a hint</li></ul>", "Two?"]
    assert prompts('<details class="reflection"><summary>Think</summary><ol><li>Why?</li></ol></details>') == ["Why?"]
    assert prompts('<div class="admonition note"><ul><li>No</li></ul></div>') == []


NESTED_IN_A_PROMPT = ('<details class="reflection"><summary>R</summary><ul><li>What did you notice?'
                      '<details class="reflection"><summary>More</summary><ul><li>And then?</li></ul></details>'
                      '</li><li>Two?</li></ul></details>')
NESTED_IN_THE_BODY = ('<div class="admonition reflection"><p class="admonition-title">R</p>'
                      '<div class="admonition reflection"><ul><li>Inner?</li></ul></div></div>')


def test_a_reflection_box_inside_another_is_not_asked_again_on_its_own() -> None:
    # The chapter checks refuse it; should one get past them, no prompt is asked twice.
    assert prompts(NESTED_IN_A_PROMPT) == [
        'What did you notice?<details class="reflection"><summary>More</summary><ul><li>And then?</li></ul></details>',
        "Two?"]
    assert prompts(NESTED_IN_THE_BODY) == []


def test_a_prompt_is_made_ready_for_print_on_its_own() -> None:
    page = ('<article><h1 id="top">Title</h1><div class="admonition reflection"><ul><li>'
            '<a href="#top">Back</a> to <a href="../other/">another</a>?</li></ul></div></article>')
    assert prompts(page, lambda found: own_ids(found, prefix="listening--")) == [
        '<a href="#listening--top">Back</a> to <a href="../other/">another</a>?']


def test_a_prompts_note_marks_stay_on_the_page_but_not_on_the_worksheet_which_has_no_notes() -> None:
    page = ('<div class="admonition reflection"><ul><li>When did you feel heard?<sup id="fnref:1">'
            '<a class="footnote-ref" href="#fn:1">1</a></sup> <sup>Why</sup>?</li></ul></div>')
    assert prompts(page) == ["When did you feel heard? <sup>Why</sup>?"]
    # Also once the chapter's ids are its own, as in a collection of worksheets.
    assert prompts(page, lambda found: own_ids(found, prefix="listening--")) == ["When did you feel heard? <sup>Why</sup>?"]
    assert fragment(page).select('sup[id="fnref:1"]')  # the chapter's own page keeps its mark


@pytest.mark.parametrize(("prompt", "asked"), [
    ("Can you recall a time? If so, how did it feel?", 2),
    ("Describe a time you listened.", 1),  # an instruction asks for one answer
    ('Why? See <a href="https://example.org/?q=x">this</a>.', 1),  # only the words count
    ("Quand vous êtes-vous senti écouté ? Qu’est-ce que l’autre faisait ?", 2),
    ("لماذا؟ وكيف؟", 2),
])
def test_a_prompt_asks_as_many_questions_as_it_has_question_marks(prompt: str, asked: int) -> None:
    assert questions(Markup(prompt)) == asked


def test_a_prompt_is_kept_whole_unless_it_is_long() -> None:
    """A prompt of a few lines moves whole to the next page; one of a fifth of a page or more
    runs on from where the page has room (markup does not count, only the words)."""
    question = "Where were you, and who else was in the room? "
    assert kept_whole(Markup(question * 3))
    assert kept_whole(Markup(f'<a href="https://example.org/{"x" * 900}">{question}</a>'))
    assert not kept_whole(Markup(question * 20))


@pytest.mark.parametrize("html", [
    '<div class="admonition reflection"><p class="admonition-title">R</p><ul><li>Why?</li></ul></div>',
    '<details class="reflection"><summary>Think</summary><ol><li>Why?</li></ol></details>',
    '<div class="admonition note"><ul><li>No</li></ul></div>',
    '<div class="admonition reflection"><p>No list</p></div>',
    '<div class="reflection"><ul><li>Not an admonition</li></ul></div>',
    '<div class="admonition reflection"><div><ul><li>Nested too deep</li></ul></div></div>',
    '<p>The word reflection alone</p>',
    NESTED_IN_A_PROMPT,
    NESTED_IN_THE_BODY,
])
def test_whether_a_chapter_has_prompts_agrees_with_its_prompts(html: str) -> None:
    # The chapter page decides whether to link a worksheet; the worksheet takes the prompts.
    assert has_reflection_prompts(html) == bool(prompts(html))


def markdown_with_prompt_finder(config_file: Path = ROOT / "mkdocs.yml"):
    """Python-Markdown as the book's build runs it, with the PDF hook's ReflectionPrompts."""
    config = load_config(str(config_file))
    finder = ReflectionPrompts()
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
    ("!!! reflection\n\n    - Why?\n\n        !!! reflection\n\n            - Inside a prompt?\n", True),
    ("!!! reflection\n\n    !!! reflection\n\n        - Only the inner box has a list?\n", True),
])
def test_the_prompts_found_in_the_markdown_tree_are_those_of_the_html(source: str, tree_answers: bool) -> None:
    """The build asks the tree first; its answer must be the HTML's, and a page with raw HTML,
    which the tree does not hold, is left to the HTML."""
    md, finder = markdown_with_prompt_finder()
    html = md.convert(source)
    found = finder.take()
    assert (found is not None) == tree_answers
    if found is not None:
        assert found == has_reflection_prompts(html)
    assert finder.take() is None  # given once: the next page cannot get this page's answer


@pytest.mark.book
def test_every_page_of_the_book_gets_the_same_answer_from_its_tree() -> None:
    md, finder = markdown_with_prompt_finder()
    answers = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        body, _ = get_data(page.read_text(encoding="utf-8"))  # as MkDocs parts it from its front matter
        html = md.reset().convert(body)
        answers[page.name] = (finder.take(), has_reflection_prompts(html))
    assert answers["connection-disconnection-reconnection.md"] == (True, True)
    assert all(found == html for found, html in answers.values() if found is not None)
