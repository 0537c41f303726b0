"""hooks/ebook/checks/source_lines.py: the checks of a page's Markdown lines, called directly."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ebook.checks import source_lines as s

BOX = '!!! scenario "Example: Jesse and Sam"'


@pytest.mark.parametrize("line", [
    BOX, '!!! note', '!!!note', '??? reflection "For Reflection"', '???+ tip "Open"', '    !!! consider "Another way"',
    '!!! scenario inline end "Title"', '!!! note ""',
])
def test_box_lines_python_markdown_reads_are_left_alone(line: str) -> None:
    assert s.box_line_problems([line, "", "    Text."], 1) == []


@pytest.mark.parametrize("line, fixed", [
    ("!!! scenario “Example: Jesse and Sam”", '!!! scenario "Example: Jesse and Sam"'),
    ("!!! scenario „Beispiel“", '!!! scenario "Beispiel"'),
    ("!!! consider 'Another way it could go'", '!!! consider "Another way it could go"'),
    ("??? reflection ‘For Reflection’", '??? reflection "For Reflection"'),
])
def test_a_title_in_other_quotes_is_found_with_the_line_written_right(line: str, fixed: str) -> None:
    ((number, message),) = s.box_line_problems(["Text.", "", line, "", "    Body."], 1)
    assert number == 3
    assert "not in straight double quotes" in message and message.endswith(f"e.g. {fixed}")


def test_an_apostrophe_inside_a_straight_quoted_title_is_fine() -> None:
    assert s.box_line_problems(['!!! scenario "Sam’s first visit"', "", "    Text."], 1) == []


@pytest.mark.parametrize("line", ["!!! Scenario: Jesse and Sam", "!!! scenario \"Unclosed", "???"])
def test_other_lines_that_start_like_a_box_are_found(line: str) -> None:
    ((number, message),) = s.box_line_problems([line], 1)
    assert number == 1 and "is not written as a box" in message


def test_box_lines_in_fenced_code_and_front_matter_are_not_read() -> None:
    lines = ["---", "title: “!!! x”", "---", "", "```markdown", "!!! scenario “Shown as code”", "```"]
    assert s.box_line_problems(lines, 4) == []


def test_a_paragraph_indented_less_than_its_box_is_found() -> None:
    lines = [BOX, "", "    In the box.", "", "   Three spaces: outside it.", "", "Not indented: after the box."]
    ((number, message),) = s.box_indent_problems(lines, 1)
    assert number == 5
    assert "indented by 3 spaces" in message and "indent it by 4 spaces" in message


def test_nested_boxes_and_lists_keep_their_own_indents() -> None:
    lines = [
        BOX, "", "    - a prompt", "", "      continued under the prompt", "",
        '    !!! note "Inside"', "", "        In the inner box.", "", "      Six spaces: meant for the inner box.",
    ]
    ((number, message),) = s.box_indent_problems(lines, 1)
    assert number == 11 and "indent it by 8 spaces" in message


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



def test_a_line_of_box_text_broken_in_two_by_hand_is_found() -> None:
    for second in ("where Sam is waiting.", "  where Sam is waiting.", "  - What would you say?"):
        ((number, message),) = s.box_indent_problems([BOX, "", "    Jesse sits down at the table", second], 1)
        assert number == 4 and "the box ends on the line above" in message and "indent it by 4 spaces" in message


def test_box_text_indented_twice_shows_as_code_unless_it_continues_a_list_item() -> None:
    ((number, message),) = s.box_indent_problems([BOX, "", "        Eight spaces."], 1)
    assert number == 3 and "shows as code" in message
    assert s.box_indent_problems([BOX, "", "    - A prompt", "", "        More about it."], 1) == []
    assert s.box_indent_problems([BOX, "", "    1. A prompt", "", "        More about it."], 1) == []


def test_a_box_line_off_the_four_space_steps_is_found() -> None:
    ((number, message),) = s.box_indent_problems(["Text.", "", "  " + BOX, "", "    Body."], 1)
    assert number == 3 and "not read as a box" in message


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
