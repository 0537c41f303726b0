"""ebook/checks/sample_text.py: the chapter template's sample text left in a page."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from ebook.checks import sample_text as s


TEMPLATE = """---
# A note: put your name below.
title: Your Chapter Title
description: >-
  One or two sentences on what the chapter covers.
attribution:
  written_by: Your Name
---

# Your Chapter Title

A short introduction: what the reader will learn in this chapter, and why it
matters to a peer supporter.

!!! reflection "For Reflection"

    - A first question for the reader to think about?
    - A second question?
"""


def test_placeholders_are_the_templates_fields_and_its_sentences_but_not_its_titles() -> None:
    texts = [p.text for p in s.template_placeholders(TEMPLATE)]
    assert texts == [
        "Your Chapter Title", "One or two sentences on what the chapter covers.", "Your Name", "A short introduction:",
        "what the reader will learn in this chapter, and why it matters to a peer supporter.",
        "A first question for the reader to think about?", "A second question?",
    ]


def test_sample_text_left_in_is_found_on_every_line_it_starts() -> None:
    page = TEMPLATE.replace("Your Name", "Robin Example").split("\n")
    found = s.placeholder_problems(page, s.template_placeholders(TEMPLATE))
    assert [number for number, _ in found] == [3, 5, 10, 12, 17, 18]
    assert all("template's sample text" in message for _, message in found)
    assert found[0][1].endswith("give the chapter's own title")


def test_pieces_on_one_line_are_one_finding_and_a_name_asks_for_a_name() -> None:
    page = ["Your Name wrote: One or two sentences on what the chapter covers."]
    ((number, message),) = s.placeholder_problems(page, s.template_placeholders(TEMPLATE))
    assert number == 1 and '"One or two sentences' in message and '"Your Name"' in message
    assert "write one or two sentences about this chapter; put the name of whoever wrote the chapter" in message


def test_own_words_and_notes_in_other_case_are_not_sample_text() -> None:
    page = ["---", "# Put your name below.", "title: Listening", "---", "", "# Listening", "",
            "!!! reflection \"For Reflection\"", "", "    - What would you say?"]
    assert s.placeholder_problems(page, s.template_placeholders(TEMPLATE)) == []


OTHER_WORDS = ["Your", "Name", "A", "second", "question?", "---", "#", "title:", "what", "the", "reader", "will",
               "learn", "’s", "it's", "\t"]


@st.composite
def pages_with_sample_text(draw: st.DrawFn) -> list[str]:
    """Pages holding whole pieces of the template's sample text among other words, cut into
    lines anywhere: a piece may start on one line and end on another, or end the page."""
    pieces = [p.text for p in s.template_placeholders(TEMPLATE)]
    words: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        words += draw(st.lists(st.sampled_from(OTHER_WORDS), max_size=4))
        words += draw(st.sampled_from(pieces)).split()
    words += draw(st.lists(st.sampled_from(OTHER_WORDS), max_size=3))
    cuts = sorted(draw(st.sets(st.integers(1, len(words) - 1), max_size=6)) if len(words) > 1 else set())
    return [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)])]


@given(st.one_of(pages_with_sample_text(),
                 st.lists(st.lists(st.sampled_from(OTHER_WORDS), max_size=8).map(" ".join), max_size=10)))
@example(["Some words.", "A first question for the reader to think about?"])  # on the page's last line
@example(["A first question for the", "reader to think about?"])  # across two lines
@example(["---", "# A second question?", "title: Listening", "---", "A second question?"])  # a note, then the text
def test_screening_a_page_for_sample_text_never_hides_a_finding(page: list[str]) -> None:
    placeholders = s.template_placeholders(TEMPLATE)
    assert s.placeholder_problems(page, placeholders) == \
        s.placeholder_findings(page, placeholders, s._front_matter_notes(page))


def test_the_templates_sample_credit_counts_once_uncommented_but_not_as_a_note() -> None:
    template = TEMPLATE.replace("attribution:\n", "attribution:\n  # adapted_from:\n  #   title: Title of the Original Work\n")
    placeholders = s.template_placeholders(template)
    kept_as_note = template.replace("Your Name", "Robin").replace("Your Chapter Title", "Mine").split("\n")
    assert not any("Title of the Original" in m for _, m in s.placeholder_problems(kept_as_note, placeholders))
    used = ["---", "attribution:", "  adapted_from:", "    title: Title of the Original Work", "---"]
    ((number, message),) = s.placeholder_problems(used, placeholders)
    assert number == 4 and message.endswith("give the original work's own details")


def test_a_short_prompt_and_half_a_description_are_sample_text_too() -> None:
    page = ["---", "description: One or two sentences on what the chapter covers.", "---", "", "    - A second question?"]
    assert [n for n, _ in s.placeholder_problems(page, s.template_placeholders(TEMPLATE))] == [2, 5]


def test_sample_text_with_emphasis_written_in_underscores_is_found() -> None:
    page = ["A first question for _the_ reader to __think__ about?"]
    assert [n for n, _ in s.placeholder_problems(page, s.template_placeholders(TEMPLATE))] == [1]
