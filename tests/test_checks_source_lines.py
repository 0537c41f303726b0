"""hooks/ebook/checks/source_lines.py and boxes.py: the checks of a page's Markdown lines and boxes, called directly."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from types import SimpleNamespace

import markdown

import pytest
from mkdocs.config import load_config

from ebook.checks import boxes, source_lines as s
from ebook.checks.lines import Lines
from ebook.checks.book_wide import Context, check_book, check_sources, download_example, unwritten_download
from ebook.checks.problems import Problem, Source
from ebook.checks.run import CheckRun
from ebook.checks.sources import file_problem
from ebook.model.book import Book, download_kind, page_slug
from ebook.model.reflection import has_reflection_prompts
from ebook.model.settings import parse_settings
from tests.helpers import ROOT, make_fixture_project

BOX = '!!! scenario "Example: Jesse and Sam"'


@pytest.mark.parametrize("line", [
    BOX, '!!! note', '!!!note', '??? reflection "For Reflection"', '???+ tip "Open"', '    !!! consider "Another way"',
    '!!! scenario inline end "Title"', '!!! note ""',
])
def test_box_lines_python_markdown_reads_are_left_alone(line: str) -> None:
    assert boxes.box_line_problems([line, "", "    Text."], 1) == []


@pytest.mark.parametrize("line, fixed", [
    ("!!! scenario “Example: Jesse and Sam”", '!!! scenario "Example: Jesse and Sam"'),
    ("!!! scenario „Beispiel“", '!!! scenario "Beispiel"'),
    ("!!! consider 'Another way it could go'", '!!! consider "Another way it could go"'),
    ("??? reflection ‘For Reflection’", '??? reflection "For Reflection"'),
])
def test_a_title_in_other_quotes_is_found_with_the_line_written_right(line: str, fixed: str) -> None:
    ((number, message),) = boxes.box_line_problems(["Text.", "", line, "", "    Body."], 1)
    assert number == 3
    assert "not in straight double quotes" in message and message.endswith(f"e.g. {fixed}")


def test_an_apostrophe_inside_a_straight_quoted_title_is_fine() -> None:
    assert boxes.box_line_problems(['!!! scenario "Sam’s first visit"', "", "    Text."], 1) == []


@pytest.mark.parametrize("line", ["!!! Scenario: Jesse and Sam", "!!! scenario \"Unclosed", "???"])
def test_other_lines_that_start_like_a_box_are_found(line: str) -> None:
    ((number, message),) = boxes.box_line_problems([line], 1)
    assert number == 1 and "is not written as a box" in message


def test_box_lines_in_fenced_code_and_front_matter_are_not_read() -> None:
    lines = ["---", "title: “!!! x”", "---", "", "```markdown", "!!! scenario “Shown as code”", "```"]
    assert boxes.box_line_problems(lines, 4) == []


def test_a_paragraph_indented_less_than_its_box_is_found() -> None:
    lines = [BOX, "", "    In the box.", "", "   Three spaces: outside it.", "", "Not indented: after the box."]
    ((number, message),) = boxes.box_indent_problems(lines, 1)
    assert number == 5
    assert "indented by 3 spaces" in message and "indent it by 4 spaces" in message


def test_nested_boxes_and_lists_keep_their_own_indents() -> None:
    lines = [
        BOX, "", "    - a prompt", "", "      continued under the prompt", "",
        '    !!! note "Inside"', "", "        In the inner box.", "", "      Six spaces: meant for the inner box.",
    ]
    ((number, message),) = boxes.box_indent_problems(lines, 1)
    assert number == 11 and "indent it by 8 spaces" in message


def test_a_line_of_box_text_broken_in_two_by_hand_is_found() -> None:
    for second in ("where Sam is waiting.", "  where Sam is waiting.", "  - What would you say?"):
        ((number, message),) = boxes.box_indent_problems([BOX, "", "    Jesse sits down at the table", second], 1)
        assert number == 4 and "the box ends on the line above" in message and "indent it by 4 spaces" in message


def test_box_text_indented_twice_shows_as_code_unless_it_continues_a_list_item() -> None:
    ((number, message),) = boxes.box_indent_problems([BOX, "", "        Eight spaces."], 1)
    assert number == 3 and "shows as code" in message
    assert boxes.box_indent_problems([BOX, "", "    - A prompt", "", "        More about it."], 1) == []
    assert boxes.box_indent_problems([BOX, "", "    1. A prompt", "", "        More about it."], 1) == []


def test_a_box_put_away_in_a_comment_over_several_lines_is_not_read() -> None:
    """A comment shows nothing: its box is no box, and the line that ends it is no box's line."""
    for box in (BOX, "!!! Scenario “Not yet”"):
        lines = ["Text.", "", "<!--", box, "", "    Jesse sits down.", "    Sam waits.", "-->", "", "More text."]
        assert boxes.box_indent_problems(lines, 1) == [] and boxes.box_line_problems(lines, 1) == [], box
    # A comment not closed shows as text, and its box line is read.
    ((number, _),) = boxes.box_line_problems(["<!--", "!!! Scenario “Not yet”", "", "    Jesse sits down."], 1)
    assert number == 2
    # A comment at the margin ends the box, but shows nothing: with no more text, nothing is wrong.
    assert boxes.box_indent_problems([BOX, "", "    Jesse sits down", "<!-- to do:", "-->"], 1) == []


@pytest.mark.parametrize(("comment", "blamed"), [
    (["", "<!-- to do: a second", "example -->", ""], "the comment on line 5 is"),  # between two paragraphs
    (["", "<!-- to do -->"], "the comment on line 5 is"),  # set apart as if a blank line followed it
    (["<!-- to do:", "-->"], "the comment on line 4 is"),  # right below a line of the box's text
    (["", "<!-- to do -->", "", "  <!-- and this -->", ""], "the comments on lines 5 and 7 are"),  # both
])
def test_box_text_after_a_comment_less_indented_than_it_is_found_as_code(comment: list[str], blamed: str) -> None:
    """A note to other writers at the margin, among a box's paragraphs, ends the box."""
    lines = [BOX, "", "    Jesse sits down.", *comment, "    Sam waits."]
    ((number, message),) = boxes.box_indent_problems(lines, 1)
    assert number == len(lines) and f"but {blamed} indented by less, which ends the box" in message
    assert "lines by 4 spaces" in message and "this paragraph by" not in message
    # "No blank line inside" only where there is a comment over several lines.
    assert ("with no blank line inside" in message) == any("<!--" in line and "-->" not in line for line in comment)


def test_box_text_indented_twice_after_a_comment_is_told_to_be_indented_once_too() -> None:
    ((_, message),) = boxes.box_indent_problems([BOX, "", "    Text.", "<!-- c -->", "", "        More text."], 1)
    assert message.endswith("lines by 4 spaces, and this paragraph by 4 spaces too, like the box's other text")
    ((_, message),) = boxes.box_indent_problems([BOX, "", "    - A prompt", "<!-- c -->", "", "        More."], 1)
    assert "this paragraph by" not in message  # a list item's second paragraph


def test_a_comment_after_a_box_indented_like_its_text_is_code_and_told() -> None:
    """After the box a comment at the margin ended, a comment indented by four spaces is no
    longer in a box: it shows as code, blamed on the one that ended the box."""
    lines = [BOX, "", "    Jesse sits down.", "", "<!-- to do -->", "", "    <!-- and a third -->"]
    ((number, message),) = boxes.box_indent_problems(lines, 1)
    assert number == 7 and "but the comment on line 5 is indented by less" in message


def test_a_comment_right_below_a_prompt_leaves_the_prompts_second_paragraph_in_it() -> None:
    lines = [BOX, "", "    - Can you recall a time?", "    <!-- to do: a second prompt -->", "",
             "        Take a minute to think about it."]
    assert boxes.box_indent_problems(lines, 1) == []


def test_a_prompt_right_below_a_commented_out_prompt_is_told_to_be_set_apart() -> None:
    """In a box, a comment on a line of its own after a blank line is a paragraph, which runs on
    over the list item right below it: the item shows as text."""
    prompts = [BOX, "", "    - Can you recall a time?", ""]
    for comment in (["    <!-- - A prompt for later? -->"], ["    <!--", "    - A prompt for later?", "    -->"]):
        ((number, message),) = boxes.box_indent_problems([*prompts, *comment, "    - What would you say?"], 1)
        assert number == 5 + len(comment) and "right below the comment on line 5, with no blank line" in message
        assert boxes.box_indent_problems([*prompts, *comment, "", "    - What would you say?"], 1) == []
    # Right below the prompt above, the comment is in its item: the next item is an item.
    assert boxes.box_indent_problems([*prompts[:3], "    <!-- later -->", "    - What would you say?"], 1) == []


def test_a_comment_tells_nothing_itself_unless_text_follows_it_on_its_line() -> None:
    lines = [BOX, "", "    Jesse sits down.", ""]
    assert boxes.box_indent_problems([*lines, "  <!-- to do -->", "  <!-- and this -->"], 1) == []
    assert boxes.box_indent_problems([*lines, "  <!-- to do", "  --> Sam waits."], 1) == []  # a paragraph at the margin
    ((number, message),) = boxes.box_indent_problems([BOX, "    Jesse sits down.", "<!-- to do --> Sam waits."], 1)
    assert number == 3 and "the box ends on the line above" in message


def test_box_text_after_a_comment_is_told_for_the_box_the_comment_ended() -> None:
    inner = [BOX, "", "    Text.", "", '    !!! note "Inside"', "", "        Inner.", "", "<!-- x -->", "", "        More."]
    ((number, message),) = boxes.box_indent_problems(inner, 1)
    assert number == 11 and "the comment on line 9" in message and "indent each of its lines by 8 spaces" in message
    ((number, message),) = boxes.box_indent_problems([BOX, "<!-- to do:", "-->", "    Jesse sits down."], 1)
    assert number == 4 and "the comment on line 2" in message


def test_a_comment_indented_like_the_box_text_keeps_the_box_unless_a_blank_line_splits_it() -> None:
    lines = [BOX, "", "    Jesse sits down.", ""]
    assert boxes.box_indent_problems([*lines, "    <!-- to do -->", "", "    Sam waits."], 1) == []
    assert boxes.box_indent_problems([*lines, "    <!-- to do: a second", "    example -->", "", "    Sam waits."], 1) == []
    ((number, message),) = boxes.box_indent_problems([*lines, "    <!-- to do: a second", "", "    example -->"], 1)
    assert number == 5 and "this comment has a blank line inside it, so in a box the comment's text shows" in message
    # Its lines are told once, on its first, with all it takes: not each as a paragraph.
    split = [*lines, "    <!-- to do: a second", "", "  example", "-->", "", "    Sam waits."]
    ((number, message),) = boxes.box_indent_problems(split, 1)
    assert number == 5 and "this comment goes on over line 7, which is indented by 2 spaces, less than" \
        in message and "indent each of its lines by 4 spaces, with no blank line inside it" in message
    # One never ended shows its "<!--", and the lines after it are read as they are.
    never_ended = [*lines, "    <!-- to do", "", "    Sam waits.", "", "  Outside?"]
    ((number, message),) = boxes.box_indent_problems(never_ended, 1)
    assert number == 9 and "falls outside the box" in message
    for less in (["example", "    -->"], ["example -->"]):
        ((number, message),) = boxes.box_indent_problems([*lines, "    <!-- to do: a second", *less], 1)
        assert number == 5 and "this comment goes on over line 6, which is indented by 0 spaces" in message \
            and "indent each of its lines by 4 spaces, or move it" in message
    # A paragraph between the comment and the text ends the box, and is to blame.
    after_a_paragraph = boxes.box_indent_problems([*lines, "<!-- to do -->", "Text.", "", "    Sam waits."], 1)
    assert not any("comment" in message for _, message in after_a_paragraph)


@pytest.mark.parametrize("comment", [
    ["\t<!--", "!!! Scenario “Next”", "\t-->"],  # a tab is four spaces: code, not a comment
    ["<!-- ended --!>", "!!! Scenario “Next”", "-->"],  # a comment ends at --!> too
])
def test_a_box_line_after_what_only_looks_like_a_comments_start_is_read(comment: list[str]) -> None:
    ((number, message),) = boxes.box_line_problems(["Text.", "", *comment], 1)
    assert number == 4 and "straight double quotes" in message


def test_a_box_line_off_the_four_space_steps_is_found() -> None:
    ((number, message),) = boxes.box_indent_problems(["Text.", "", "  " + BOX, "", "    Body."], 1)
    assert number == 3 and "not read as a box" in message


def rendered(lines: list[str]) -> str:
    """The lines as the book renders them (Python-Markdown with mkdocs.yml's extensions)."""
    return markdown.markdown("\n".join(lines), extensions=CONFIG.markdown_extensions,
                             extension_configs=CONFIG.mdx_configs)


INDENTED_BOX = ["    " + BOX, "", "        Jesse sits down.", "", "        Sam waits.", "", "     Five spaces."]


@pytest.mark.parametrize("above", [
    [],  # the page's first line
    ["Text.", ""],
    ["# A heading"],  # a heading is a block of its own: right below it is no paragraph's line
    ["- A list item", "", "Text after the list.", ""],
    ["- A list item", "<!-- a comment at the margin ends the list -->", ""],
    ["- A list item", "", "```", "code", "```", ""],  # so does a fenced block at the margin
    ["> A quote", ""],
    ["Text.", "", "    Some code.", ""],
])
def test_a_box_indented_outside_any_box_or_list_is_told_once_as_code(above: list[str]) -> None:
    lines = [*above, *INDENTED_BOX]
    html = rendered(lines)
    code = html.split("<pre><code>")[-1]
    assert "admonition" not in html and '!!! scenario "Example: Jesse and Sam"' in code and "Sam waits." in code
    ((number, message),) = boxes.box_indent_problems(lines, 1)
    assert number == len(above) + 1 and message == (
        "this box's first line is indented by 4 spaces, but no box or list item above holds it, so it and "
        "the box's text show as code: start it at the left margin, with its text four spaces in, or indent it "
        "under the box or list item it belongs in")
    # A box's first line further down in the same code block is not told again.
    assert boxes.box_indent_problems([*lines, "", '        !!! note "Inside"', "", "            Text."], 1) == \
        [(number, message)]


@pytest.mark.parametrize("above", [
    ["- A list item", ""],
    ["1. A list item", "", "    Its second paragraph.", ""],
    ["- A list item", "```", "code", "```", ""],  # a fenced block right below the item is in it
    ["Term", ": Its definition", ""],
    ["Text[^1].", "", "[^1]: A footnote.", ""],
    ["Text.", "", "* * *", "- A list item right below a rule", ""],
])
def test_a_box_indented_under_a_list_item_a_definition_or_a_footnote_is_theirs(above: list[str]) -> None:
    """Theirs until a paragraph at the margin: a box indented after it is code."""
    lines = [*above, *INDENTED_BOX[:5], "", "Text at the margin.", "", *INDENTED_BOX[:3]]
    html = rendered(lines)
    assert html.count('class="admonition scenario"') == 1 and "<pre><code>!!! scenario" in html
    assert boxes.box_indent_problems(lines, 1) == [(len(lines) - 2, (
        "this box's first line is indented by 4 spaces, but no box or list item above holds it, so it and "
        "the box's text show as code: start it at the left margin, with its text four spaces in, or indent it "
        "under the box or list item it belongs in"))]


def test_a_box_indented_right_below_a_line_of_text_is_told_as_text() -> None:
    lines = ["Text.", *INDENTED_BOX]
    html = rendered(lines)
    assert "admonition" not in html and '<p>Text.\n    !!! scenario "Example: Jesse and Sam"</p>' in html
    ((number, message),) = boxes.box_indent_problems(lines, 1)
    assert number == 2 and message.startswith(
        "this box's first line is indented by 4 spaces right below a line of text, so it shows as text in "
        "that line's paragraph and the box's text as code: put a blank line above it")


def fence_ends_box(fence: int, spaces: int, shows: str) -> str:
    which = "this paragraph" if shows == "as code" else "this line"
    return (f"{which} is indented by {spaces} spaces like the box's text, but the fenced code block on line {fence} "
            f"is indented by less, which ends the box, so this shows {shows}: indent each of the code block's "
            f"lines (its ``` lines too) by {spaces} spaces, or move it below the box")


def test_box_text_after_a_fenced_block_at_the_margin_is_told_and_a_block_after_the_box_is_not() -> None:
    after_the_box = [BOX, "", "    Jesse sits down.", "", "```", "code", "```", "", "Text.", ""]
    in_the_box = [BOX, "", "    Jesse sits down.", "", "```", "code", "```", "", "    Sam waits.", "",
                  '    !!! note "Inside"', "", "        Shown as code too.", "", "Text."]
    lines = after_the_box + in_the_box
    html = rendered(lines)
    assert html.count('class="admonition scenario"') == 2 and "<p>Text.</p>" in html
    code = html.split("<pre><code>")[-1]
    assert "Sam waits." in code and "Shown as code too." in code
    assert boxes.box_indent_problems(lines, 1) == [(19, fence_ends_box(15, 4, "as code"))]


def test_box_text_right_below_a_fenced_block_at_the_margin_is_told_as_text() -> None:
    lines = [BOX, "", "    Jesse sits down.", "~~~", "code", "~~~", "    Sam waits."]
    html = rendered(lines)
    assert "Jesse sits down." in html.split("</div>")[0] and "Sam waits.</p>" in html.split("</div>")[-1]
    ((number, message),) = boxes.box_indent_problems(lines, 1)
    assert number == 7 and message == fence_ends_box(4, 4, "as text after the code block").replace("```", "~~~")


def test_a_fenced_block_less_indented_than_an_inner_box_ends_that_box_only() -> None:
    lines = [BOX, "", '    !!! note "Inside"', "", "        Inner.", "", "    ```", "    code", "    ```", "",
             "        More.", "", "    Outer."]
    html = rendered(lines)
    assert "<pre><code>More." in html and html.rindex("Outer.") < html.rindex("</div>")  # still in the outer box
    assert boxes.box_indent_problems(lines, 1) == [(11, fence_ends_box(7, 8, "as code"))]


@pytest.mark.parametrize("not_one, heading", [
    (" ## Not one", "## A heading"), ("   ## Not one", "> ## A heading"),  # 1 to 3 spaces: a paragraph
    (">  ## Not one", "  > ## A heading"),  # a quote takes one space off after its '>', and no more
])
def test_a_heading_is_found_only_where_python_markdown_reads_one(not_one: str, heading: str) -> None:
    """Findings about headings (a level skipped, a second title) are placed on the heading's line."""
    text = ["# Title", "", not_one, "", heading, "", "## Next"]
    html = rendered(text)
    assert "## Not one" in html and html.count("<h2") == 2
    found = Lines("\n".join(text), 1)
    assert (found.find_heading(2), found.find_heading(2)) == (5, 7)


def test_a_heading_in_a_box_is_found_at_its_four_spaces_only() -> None:
    text = ["# Title", "", BOX, "", "     ## Not one: five spaces", "", "    ## In the box", "", "## Next"]
    html = rendered(text)
    assert "<p>## Not one: five spaces</p>" in html and '<h2 id="in-the-box">' in html
    found = Lines("\n".join(text), 1)
    assert (found.find_heading(2), found.find_heading(2)) == (7, 9)


# --- Non-breaking spaces at a line's start, as a word processor pastes them ------------------

NBSP = "\u00a0"
NBSP_SPACES = "non-breaking spaces (often pasted from a word processor)"


def pasted(what: str, outcome: str, fix: str, one: bool = False) -> str:
    return (f"this line starts with {what}, which {'does' if one else 'do'} not count as indentation, "
            f"so {outcome}: {fix}")


def flat(html: str) -> str:
    """The rendered page with each run of space characters one space: as it reads."""
    return re.sub(r"\s+", " ", html)


def as_told(lines: list[str], findings: list[tuple[int, str]]) -> list[str]:
    """The lines with each told line's start fixed as its message says."""
    fixed = list(lines)
    for number, message in reversed(findings):
        spaces = re.search(r"indented by (\d+) spaces", message)
        fixed[number - 1] = " " * (int(spaces.group(1)) if spaces else s.indent_width(lines[number - 1])) \
            + lines[number - 1].lstrip()
        if message.endswith("and put a blank line above it"):
            fixed.insert(number - 1, "")
    return fixed


@pytest.mark.parametrize("start, what", [
    (NBSP * 4, NBSP_SPACES),
    ("\u2007" * 4, NBSP_SPACES),  # figure spaces
    ("\u202f" * 4, NBSP_SPACES),  # narrow no-break spaces
    ("  " + NBSP * 2, NBSP_SPACES),  # not "indented by 2 spaces": it looks indented by four
    ("\u3000" * 2, "full-width spaces (as a Chinese, Japanese or Korean keyboard types them)"),
    ("\u2003" * 4, "special spaces (U+2003, often pasted from a word processor)"),  # em spaces
    (NBSP + "\t", "a non-breaking space (often pasted from a word processor)"),
])
@pytest.mark.parametrize("blank", [[], [""]])
def test_box_text_indented_with_non_breaking_spaces_is_told_as_text_after_the_box(
        start: str, what: str, blank: list[str]) -> None:
    lines = [BOX, *blank, start + "They sit down.", "", "    They wait."]
    html = rendered(lines)
    assert "They sit" not in html.split("</div>")[0] and "<pre><code>They wait." in html  # not as it looks
    one = what.startswith("a ")
    found = boxes.box_indent_problems(lines, 1)
    assert found == [(len(blank) + 2, pasted(what, "the box above ends before it, and it shows as text after the box",
                                             f"replace {'it' if one else 'them'} with ordinary spaces, so that the "
                                             "line is indented by 4 spaces", one))]
    assert boxes.box_line_problems(lines, 1) == []
    fixed = as_told(lines, found)
    assert "They sit down." in rendered(fixed).split("</div>")[0] and "They wait." in rendered(fixed).split("</div>")[0]
    assert boxes.box_indent_problems(fixed, 1) == []


@pytest.mark.parametrize("lines, told, fix", [
    (["- A list item", NBSP * 4 + BOX, "", "        They sit down."], 2, "replace them with ordinary spaces, "
     "so that the line is indented by 4 spaces, and put a blank line above it"),
    (["- A list item", "", NBSP * 4 + BOX, "", "        They sit down."], 3, "replace them with ordinary spaces, "
     "so that the line is indented by 4 spaces"),
    (["Text.", "", NBSP * 4 + BOX, "", "    They sit down."], 3,  # not "shows as code": as text
     "take them out, so that the line starts at the left margin"),
    (["- A list item", NBSP * 4 + "- An item in it"], 2, "replace them with ordinary spaces, so that the line is "
     "indented by 4 spaces"),
    (["Text.", "", NBSP * 2 + "- A list item", "- Another"], 3, "take them out, so that the line starts at the left "
     "margin"),
    (["Text.", "", NBSP * 2 + "# A heading"], 3, "take them out, so that the line starts at the left margin"),
    ([BOX, "", NBSP * 4 + "- A prompt", NBSP * 4 + "- Another"], 3,  # each of them
     "replace them with ordinary spaces, so that the line is indented by 4 spaces"),
])
def test_a_box_or_a_list_item_after_non_breaking_spaces_is_told_as_text(lines: list[str], told: int,
                                                                         fix: str) -> None:
    written = lines[told - 1].lstrip()  # its '!!!', '-' or '#' shows, as text
    assert written in rendered(lines) and rendered(lines).count("admonition-title") == lines.count(BOX)
    found = boxes.box_indent_problems(lines, 1)
    assert found[0] == (told, pasted(NBSP_SPACES, "it shows as text", fix))
    assert all(message == found[0][1] for _, message in found)
    fixed = as_told(lines, found)
    assert boxes.box_indent_problems(fixed, 1) == [] and boxes.box_line_problems(fixed, 1) == []
    html = rendered(fixed)
    assert written not in html and "!!!" not in html and html.count("admonition-title") == sum(BOX in x for x in lines)


def test_each_paragraph_pasted_into_a_box_is_told_and_one_after_the_box_is_not() -> None:
    lines = [BOX, "", NBSP * 4 + "They sit down.", "", NBSP * 4 + "They wait.", "", "After the box.", "",
             NBSP * 4 + "Text after the box, as it shows."]
    message = pasted(NBSP_SPACES, "the box above ends before it, and it shows as text after the box",
                     "replace them with ordinary spaces, so that the line is indented by 4 spaces")
    assert boxes.box_indent_problems(lines, 1) == [(3, message), (5, message)]
    assert "<p>Text after the box, as it shows.</p>" in rendered(lines)


def test_a_comment_after_non_breaking_spaces_ends_the_box() -> None:
    lines = [BOX, "", "    They sit down.", "", NBSP * 4 + "<!-- a note for later -->", "", "    They wait."]
    html = rendered(lines)
    assert "<pre><code>They wait." in html and "They wait." not in html.split("</div>")[0]
    found = boxes.box_indent_problems(lines, 1)
    assert found == [(5, pasted(NBSP_SPACES, "the box above ends before it",
                                "replace them with ordinary spaces, so that the line is indented by 4 spaces"))]
    assert "They wait." in rendered(as_told(lines, found)).split("</div>")[0]


def test_a_fence_after_non_breaking_spaces_is_text_and_the_next_one_opens_a_code_block() -> None:
    lines = [NBSP + "```", "", "```", "!!! scenario “Shown as code”", "```", "", "Text."]
    html = rendered(lines)
    assert "<p>```</p>" in html and "!!! scenario “Shown as code”" in html.split("<code>")[1] and "<p>Text.</p>" in html
    assert s.fenced_lines(lines) == {2, 3, 4}
    assert boxes.box_line_problems(lines, 1) == []
    assert boxes.box_indent_problems(lines, 1) == [(1, pasted(
        "a non-breaking space (often pasted from a word processor)", "it shows as text",
        "take it out, so that the line starts at the left margin", one=True))]


def test_non_breaking_spaces_that_change_nothing_are_left_alone() -> None:
    """Each renders as it would with ordinary spaces (the same words, in the same places)."""
    cases = [
        ["It costs 10\u00a0% more.", "", BOX, "", "    It costs 10\u00a0% more:", "    10\u00a0%."],
        [NBSP + "Text at the margin: Python-Markdown leaves it out."],
        [BOX, "", "    " + NBSP + "Text in the box, one space further in."],
        ["- A list item", NBSP * 4 + "going on with it."],
        [BOX, "", "    They sit down.", NBSP, "    They wait."],  # a line of them is blank
        ["Text.", NBSP + "- not a list right below a line of text, with a space either"],
        [NBSP + "#1 is no heading, with a space either."],
    ]
    for lines in cases:
        typed = [line.replace(NBSP, " ") for line in lines]
        assert flat(rendered(lines)) == flat(rendered(typed)), lines
        assert boxes.box_indent_problems(lines, 1) == [] and boxes.box_line_problems(lines, 1) == [], lines
    # Nor where they keep a line from showing as code, which it would look to be.
    lines = [BOX, "", "    They sit down.", "", "    " + NBSP * 4 + "Still in the box, not code."]
    assert "<p>Still in the box, not code.</p>" in rendered(lines).split("</div>")[0]
    assert boxes.box_indent_problems(lines, 1) == []


def test_indentation_is_spaces_and_tabs_only() -> None:
    assert [s.indent_width(line) for line in ("    Text.", "\tText.", "  \tText.", NBSP * 4 + "Text.",
                                              "  " + NBSP * 2 + "Text.", "\u3000Text.")] == [4, 4, 4, 0, 2, 0]


def test_a_box_line_after_non_breaking_spaces_is_no_box_to_place_findings_on() -> None:
    text = ["# Title", "", "- A list item", "", NBSP * 4 + BOX, "", '!!! note "Empty"']
    assert rendered(text).count("admonition-title") == 1
    assert Lines("\n".join(text), 1).find_admonition() == 7


WRITTEN = {"downloads/book.pdf", "downloads/handouts/listening.pdf"}  # the paths a build writes


@pytest.mark.parametrize("path", ["./downloads/book.pdf", "../downloads/book.pdf", "/downloads/book.pdf",
                                  "downloads/book.pdf#page=2", "downloads/book.pdf?v=1", "downloads/books.pdf"])
def test_a_download_link_by_a_path_the_build_does_not_write_is_found(path: str) -> None:
    page = ["# Downloads", "", f'- [Whole book]({path}){{ .book-download data-download="{path}" }}',
            f'<a href="{path}" data-download="{path}">Whole book</a>']
    found = s.download_attribute_problems(page, 1, WRITTEN.__contains__, example="downloads/book.pdf")
    assert [number for number, _ in found] == [3, 4]
    assert found[0][1] == (f'data-download="{path}" names no file the build writes: give the file\'s path from '
                           "the site's root exactly as the build writes it, e.g. "
                           'data-download="downloads/book.pdf" (no ./ or ../, nothing after the file name)')


@pytest.mark.parametrize("written", ["data-download='downloads/handouts/listening.pdf'",
                                     "data-download=downloads/handouts/listening.pdf",
                                     'data-download = "downloads/handouts/listening.pdf"',
                                     'DATA-DOWNLOAD="downloads/handouts/listening.pdf"'])
def test_a_download_attribute_not_written_as_the_build_reads_it_is_found(written: str) -> None:
    # The build completes only data-download="…": another form left the link without its file's
    # type and size, and its file unchecked.
    page = [f"[Handout](downloads/handouts/listening.pdf){{ {written} }}",
            f'<a href="downloads/handouts/listening.pdf" {written}>Handout</a>']
    found = s.download_attribute_problems(page, 1, WRITTEN.__contains__, example="downloads/book.pdf")
    assert found == [(number, f"{written} is not read by the build: write the attribute as "
                              'data-download="downloads/handouts/listening.pdf", the path in double quotes with '
                              "nothing around the =") for number in (1, 2)]


@pytest.mark.parametrize("written", ["data-download='./downloads/book.pdf'", "data-download=downloads/book.pdf#page=2"])
def test_a_download_attribute_written_another_way_with_a_wrong_path_is_told_both(written: str) -> None:
    [(_, message)] = s.download_attribute_problems([f"<a href='x' {written}>Book</a>"], 1, WRITTEN.__contains__,
                                                   example="downloads/book.pdf")
    assert message == (f"{written} is not read by the build: write the attribute as "
                       "data-download=\"downloads/book.pdf\" (the file's path from the site's root, as the build "
                       "writes it, with no ./ or ../ and nothing after the file name), the path in double quotes with "
                       "nothing around the =")


def test_download_links_by_the_paths_the_build_writes_and_code_are_left_alone() -> None:
    page = ['[Handout](downloads/handouts/listening.pdf){ data-download="downloads/handouts/listening.pdf" }',
            "```html", '<a data-download="./not/read.pdf">shown as code</a>', "```",
            "A link to a download says `data-download='./shown.pdf'` or ``data-download=shown.pdf``.",
            '<div data-downloads-list></div> <a x-data-download=other.pdf>',
            '<!-- <a data-download="./hidden.pdf">not yet</a> -->',
            "<!--", 'A link for later: <a data-download="./hidden/over/lines.pdf">not yet</a>', "-->"]
    assert s.download_attribute_problems(page, 1, WRITTEN.__contains__, example="downloads/book.pdf") == []


# --- A download of a chapter the book does not have, or of a format it does not offer ---------

CONFIG = load_config(str(ROOT / "mkdocs.yml"))
BOOK = Book(parse_settings(CONFIG, {}), title=CONFIG.site_name, description=CONFIG.site_description or "",
            site_url="")
CHAPTERS = ("listening", "connection")  # the slugs of the book's chapters in this build


def downloads_of(book: Book, *pages: str, chapters: tuple[str, ...] = CHAPTERS) -> list[tuple[int, str]]:
    return s.download_attribute_problems(
        list(pages), 1, lambda path: download_kind(path, book=book.slug) is not None,
        example=lambda path: download_example(path, book, chapters),
        unwritten=lambda path: unwritten_download(path, book, chapters))


def missing_chapter(path: str, suggested: str) -> str:
    return (f'data-download="{path}" names a chapter the book does not have: write e.g. '
            f'data-download="{suggested}" (a chapter\'s downloads are named after its file in docs/chapters/, '
            "without .md), or remove this link")


@pytest.mark.parametrize("path, suggested", [
    ("downloads/handouts/listenin.pdf", "downloads/handouts/listening.pdf"),  # a typo
    ("downloads/handouts/Listening.pdf", "downloads/handouts/listening.pdf"),  # capitals: not the file written
    ("downloads/worksheets/conection-reflection.pdf", "downloads/worksheets/connection-reflection.pdf"),
    ("downloads/handouts/active-listening-skills.pdf", "downloads/handouts/listening.pdf"),  # renamed: the closest
    ("downloads/handouts/budgets.pdf", "downloads/handouts/listening.pdf"),  # nothing close: an example
])
def test_a_download_of_a_chapter_the_book_does_not_have_is_told_with_the_closest_chapter(path: str,
                                                                                       suggested: str) -> None:
    page = [f'<a href="../../{path}" data-download="{path}">Handout</a>', "",
            f'[Handout](../../{path}){{ data-download="{path}" }}']
    assert downloads_of(BOOK, *page) == [(1, missing_chapter(path, suggested)), (3, missing_chapter(path, suggested))]


@pytest.mark.parametrize("slug, file", [
    ("listening", "listening"), ("Listening", "listening"),  # capitals: a name the book refuses
    ("Active Listening", "active-listening"), ("Active%20Listening", "active-listening"),  # a space, or its code
    ("%C3%89coute", "ecoute"), ("Caf%C3%A9", "cafe"), ("listen%69ng", "listening"),  # percent-encoding decoded
    ("Слушание", "chapter-name"), ("%D0%A1%D0%BB%D1%83%D1%88%D0%B0%D0%BD%D0%B8%D0%B5", "chapter-name"),
    ("index", "chapter-name"), ("~~", "chapter-name"),  # an index page is not a chapter
])
def test_a_download_of_a_chapter_in_a_book_with_none_yet_says_to_write_it_by_a_name_the_book_accepts(
        slug: str, file: str) -> None:
    path = f"downloads/handouts/{slug}.pdf"
    [(_, message)] = downloads_of(BOOK, f'<a data-download="{path}">Handout</a>', chapters=())
    assert message == (f'data-download="{path}" names a chapter the book does not have: '
                       f"write the chapter first, as docs/chapters/{file}.md, or remove this link")
    assert not file_problem(f"chapters/{file}.md", None, "docs", (), "mkdocs.yml")  # the name the book accepts
    # A chapter, whose slug the name is: its handout is the one its link would name.
    assert BOOK.is_chapter(f"chapters/{file}.md") and page_slug(f"chapters/{file}.md") == file


@pytest.mark.parametrize("path, suggested", [
    ("downloads/handouts/caf%C3%A9.pdf", "downloads/handouts/cafe.pdf"),
    ("downloads/handouts/Caf%C3%A9.pdf", "downloads/handouts/cafe.pdf"),
    ("downloads/worksheets/%C3%A9coute-reflection.pdf", "downloads/worksheets/ecoute-reflection.pdf"),
])
def test_a_download_of_a_chapter_by_its_percent_encoded_name_is_told_with_that_chapter(
        path: str, suggested: str) -> None:
    # The build writes each chapter's downloads by its slug, and a link finds them by that path only.
    chapters = ("listening", "cafe", "ecoute")
    assert downloads_of(BOOK, f'<a data-download="{path}">Handout</a>', chapters=chapters) == [
        (1, missing_chapter(path, suggested))]


@pytest.mark.parametrize("path, plain", [
    ("downloads/handouts/listen%69ng.pdf", "downloads/handouts/listening.pdf"),
    ("downloads/handouts/connection-disconnection-reconnection-%30%30%33.pdf",
     "downloads/handouts/connection-disconnection-reconnection-003.pdf"),
    ("downloads/worksheets/%6Cistening-reflection.pdf", "downloads/worksheets/listening-reflection.pdf"),
])
def test_a_download_of_a_chapter_the_book_has_written_with_percent_codes_is_told_to_be_written_plainly(
        path: str, plain: str) -> None:
    # The build looks a link's download up by its path as written, so it would stop after printing
    # ("no such file was built"): the chapter exists, and only the %-codes are wrong.
    chapters = ("listening", "connection-disconnection-reconnection-003")
    assert downloads_of(BOOK, f'<a data-download="{path}">Handout</a>', chapters=chapters) == [(1, (
        f'data-download="{path}" writes the chapter\'s name with %-codes, which the build does not decode, '
        f'so it finds no such file: write it without them, as data-download="{plain}"'))]
    assert downloads_of(BOOK, f'<a data-download="{plain}">Handout</a>', chapters=chapters) == []


@pytest.mark.parametrize("path, suggested, chapters", [
    ("./downloads/handouts/caf%C3%A9.pdf", "downloads/handouts/cafe.pdf", ("listening", "cafe")),
    ("downloads/handouts/%C3%A9coute.pdf#page=2", "downloads/handouts/ecoute.pdf", ("listening", "ecoute")),
    ("downloads/worksheets/listening%2Dreflection.pdf", "downloads/worksheets/listening-reflection.pdf", ()),
    ("downloads/handouts/Caf%C3%A9", "downloads/handouts/cafe.pdf", ()),  # none yet: the name to write it by
])
def test_a_percent_encoded_path_among_a_chapters_downloads_is_given_its_chapters_download(
        path: str, suggested: str, chapters: tuple[str, ...]) -> None:
    assert downloads_of(BOOK, f'<a data-download="{path}">Download</a>', chapters=chapters) == [(1, no_file(path, suggested))]


def no_file(path: str, suggested: str) -> str:
    return (f'data-download="{path}" names no file the build writes: give the file\'s path from the site\'s root '
            f'exactly as the build writes it, e.g. data-download="{suggested}" (no ./ or ../, nothing after the '
            "file name)")


@pytest.mark.parametrize("path, suggested, chapters", [
    ("downloads/worksheets/listening.pdf", "downloads/worksheets/listening-reflection.pdf", CHAPTERS),
    ("downloads/handouts/part-one/listening.pdf", "downloads/handouts/listening.pdf", CHAPTERS),
    ("./downloads/handouts/conection.pdf", "downloads/handouts/connection.pdf", CHAPTERS),
    ("downloads/handouts/listening.pdf#page=2", "downloads/handouts/listening.pdf", CHAPTERS),
    ("downloads/worksheets/connection-reflection", "downloads/worksheets/connection-reflection.pdf", CHAPTERS),
    ("downloads/worksheets/Listening.pdf", "downloads/worksheets/listening-reflection.pdf", ()),  # none yet
    ("downloads/handouts/", "downloads/handouts/listening.pdf", CHAPTERS),  # no name: the first chapter
    (f"{BOOK.download_path('book')}#page=2", BOOK.download_path("book"), CHAPTERS),  # the whole book's
    ("downloads/listening.pdf", BOOK.download_path("book"), CHAPTERS),
])
def test_a_path_among_a_chapters_downloads_that_is_none_is_given_that_kinds_example(
        path: str, suggested: str, chapters: tuple[str, ...]) -> None:
    assert downloads_of(BOOK, f'<a data-download="{path}">Download</a>', chapters=chapters) == [(1, no_file(path, suggested))]
    [(_, message)] = downloads_of(BOOK, f"<a data-download='{path}'>Download</a>", chapters=chapters)
    assert f'write the attribute as data-download="{suggested}" (the file' in message


def test_the_book_checks_give_the_example_of_a_chapters_download_by_its_kind() -> None:
    page = chapter("connection", '<a data-download="downloads/worksheets/listening.pdf">Worksheet</a>')
    assert check_sources([chapter("listening"), page], BOOK).problems == [Problem(
        "docs/chapters/connection.md", 9,
        no_file("downloads/worksheets/listening.pdf", "downloads/worksheets/listening-reflection.pdf"))]


def test_a_download_of_a_format_the_book_does_not_offer_says_where_the_formats_are_set() -> None:
    epub_only = dataclasses.replace(BOOK, settings=dataclasses.replace(BOOK.settings, formats=("epub",)))
    not_pdf = "the book does not offer the PDFs (extra.downloads in mkdocs.yml): add pdf there, or remove this link"
    page = [f'<a data-download="{BOOK.download_path("book")}">Book</a>',
            '<a data-download="downloads/handouts/listening.pdf">Handout</a>',
            '<a data-download="downloads/handouts/listenin.pdf">Handout</a>',  # no PDFs at all: the format alone
            f'<a data-download="{BOOK.download_path("offline")}">Offline</a>',
            f'<a data-download="{BOOK.download_path("epub")}">E-book</a>']
    assert downloads_of(epub_only, *page) == [
        (1, not_pdf), (2, not_pdf), (3, not_pdf),
        (4, "the book does not offer the offline edition (extra.downloads in mkdocs.yml): add offline there, "
            "or remove this link")]


def test_a_download_attribute_written_another_way_for_a_chapter_the_book_lacks_is_told_both() -> None:
    path = "downloads/handouts/listenin.pdf"
    found = downloads_of(BOOK, f"<a data-download='{path}'>Handout</a>")
    assert [message.split(":")[0] for _, message in found] == [
        f"data-download='{path}' is not read by the build", f'data-download="{path}" names a chapter the book does not have']


LINKING = "---\ntitle: {title}\ndescription: A chapter.\nattribution: {{written_by: Sam}}\n---\n\n# {title}\n\n{body}\n"


def chapter(slug: str, body: str = "Text.") -> Source:
    text = LINKING.format(title=slug.title(), body=body)
    return Source(src_uri=f"chapters/{slug}.md", url=f"chapters/{slug}/", raw=text.encode("utf-8"))


def handout_link(slug: str) -> str:
    return f'<a href="../../downloads/handouts/{slug}.pdf" data-download="downloads/handouts/{slug}.pdf">Handout</a>'


def test_the_book_checks_know_this_builds_chapters_from_its_pages_and_tell_every_missing_one() -> None:
    """The chapters are the pages in docs/chapters/ (`Book.is_chapter`), known before the
    navigation is: a chapter added in the same change counts, one renamed no longer does."""
    pages = [chapter("listening", handout_link("connection")),  # a chapter written in the same change
             chapter("connection", handout_link("listening") + "\n\n" + handout_link("reflecting")
                     + "\n\n" + PROMPTS),  # its worksheet, which the home page links to, is printed
             Source("index.md", "./", ("---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n\n"
                                       + handout_link("listnening").replace("../../", "") + "\n\n"
                                       + "\n".join(f'<a data-download="{path}">File</a>' for path in (
                                           *(BOOK.download_path(kind) for kind in ("book", "epub", "offline")),
                                           BOOK.download_path("worksheet", "connection")))).encode("utf-8"))]
    expected = [
        Problem("docs/chapters/connection.md", 11, missing_chapter("downloads/handouts/reflecting.pdf",
                                                                   "downloads/handouts/listening.pdf")),
        Problem("docs/index.md", 8, missing_chapter("downloads/handouts/listnening.pdf",
                                                    "downloads/handouts/listening.pdf"))]
    assert check_sources(pages, BOOK).problems == expected
    assert check_book(pages, [], CONTEXT).problems == expected  # the rendered pages too: the worksheet is made
    assert check_sources(pages[1:], BOOK).problems[0].message == missing_chapter(
        "downloads/handouts/listening.pdf", "downloads/handouts/connection.pdf")  # listening.md removed


def test_the_book_checks_judge_the_links_by_the_chapters_they_are_given() -> None:
    # CheckRun.pre_build passes the chapters it keeps for the preview's rebuild of one page.
    pages = [chapter("connection", handout_link("listening"))]
    assert check_sources(pages, BOOK, chapters=("connection", "listening")).problems == []
    assert check_sources(pages, BOOK).problems[0].message == missing_chapter(
        "downloads/handouts/listening.pdf", "downloads/handouts/connection.pdf")


# --- A link to the worksheet of a chapter without reflection prompts, which has none ----------

CONTEXT = Context(book=BOOK, extensions=list(CONFIG.markdown_extensions), extension_configs=dict(CONFIG.mdx_configs))
PROMPTS = '!!! reflection "For Reflection"\n\n    - What did you hear?\n    - What did you say?'


def worksheet_link(slug: str, prefix: str = "../../") -> str:
    path = BOOK.download_path("worksheet", slug)
    return f'<a href="{prefix}{path}" data-download="{path}">Worksheet</a>'


def no_worksheet(slug: str) -> str:
    return (f'data-download="{BOOK.download_path("worksheet", slug)}": the chapter docs/chapters/{slug}.md has no '
            "reflection prompts, so it has no worksheet: add a reflection box with a list of prompts to it (see "
            "CONTRIBUTING.md), or link to its handout instead")


def test_a_link_to_the_worksheet_of_a_chapter_without_prompts_is_told_on_its_line() -> None:
    home = Source("index.md", "./", ("---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n\n"
                                     + worksheet_link("listening", "") + "\n").encode("utf-8"))
    pages = [chapter("listening"), chapter("connection", worksheet_link("listening")), home]
    assert check_sources(pages, BOOK).problems == []  # only its rendering tells whether it has prompts
    assert check_book(pages, [], CONTEXT).problems == [
        Problem("docs/chapters/connection.md", 9, no_worksheet("listening")), Problem("docs/index.md", 8, no_worksheet("listening"))]
    # A chapter with prompts has a worksheet: any page links to it, another chapter or itself.
    pages[0] = chapter("listening", PROMPTS + "\n\n" + worksheet_link("listening"))
    assert check_book(pages, [], CONTEXT).problems == []


@pytest.mark.parametrize("body", [
    "!!! note \"Think\"\n\n    - A list in another box.",  # not the reflection's box
    "- What did you hear?\n\n!!! reflection \"For Reflection\"\n\n    Text, no list.",  # no list in the box
    '<div class="admonition reflection" markdown="1">\n<p>Text, no list.</p>\n</div>',  # raw HTML: read from its HTML
])
def test_a_chapter_has_no_worksheet_unless_its_reflection_box_has_a_list_as_the_pdfs_read_it(body: str) -> None:
    pages = [chapter("listening", body), chapter("connection", worksheet_link("listening"))]
    assert Problem("docs/chapters/connection.md", 9, no_worksheet("listening")) in check_book(pages, [], CONTEXT).problems
    html = CONTEXT.renderer.render(body)[0]
    assert not has_reflection_prompts(html)  # the PDFs' own rule: no worksheet printed


def test_a_chapter_in_raw_html_with_prompts_has_its_worksheet() -> None:
    body = '<details class="reflection"><summary>For Reflection</summary>\n<ul><li>What did you hear?</li></ul>\n</details>'
    pages = [chapter("listening", body), chapter("connection", worksheet_link("listening"))]
    assert not any("no reflection prompts" in p.message for p in check_book(pages, [], CONTEXT).problems)
    assert has_reflection_prompts(CONTEXT.renderer.render(body)[0])


def test_the_previews_rebuild_of_one_page_checks_it_against_the_chapters_of_the_last_whole_build(
        tmp_path: Path) -> None:
    config = load_config(str(make_fixture_project("check-download-missing-chapter", tmp_path)))
    book = Book(parse_settings(config, {}), title=config.site_name, description="", site_url="")
    run = CheckRun(config, book, serving=True)
    try:
        run.pre_build(config)  # the home page links to the handout of 'listenin': listed, the preview goes on
        assert [(p.path, p.line) for p in run.problems()] == [("docs/index.md", 10)]
        home = (Path(config.docs_dir) / "index.md").read_text(encoding="utf-8")
        assert run.replace_page(Source("index.md", "./", home.replace("listenin.", "listening.").encode("utf-8")))
        assert run.problems() == []
        assert run.replace_page(Source("index.md", "./", home.replace("listenin.", "reflecting.").encode("utf-8")))
        [problem] = run.problems()
        assert problem.message == missing_chapter("downloads/handouts/reflecting.pdf",
                                                  "downloads/handouts/listening.pdf")
    finally:
        run.close()


def test_the_previews_rebuild_of_one_page_tells_a_worksheet_link_against_the_chapters_last_rendering(
        tmp_path: Path) -> None:
    config = load_config(str(make_fixture_project("check-worksheet-without-prompts", tmp_path)))
    book = Book(parse_settings(config, {}), title=config.site_name, description="", site_url="")
    docs = Path(config.docs_dir)
    pages = {"index.md": "./", "chapters/listening.md": "chapters/listening/"}
    run = CheckRun(config, book, serving=True)

    def render(src_uri: str, text: str) -> None:  # as MkDocs renders a page, for the rendered checks
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
        md.convert(text.split("---\n", 2)[2])
        run.page_content("", SimpleNamespace(file=SimpleNamespace(src_uri=src_uri, url=pages[src_uri])), config)

    try:
        run.pre_build(config)
        for src_uri in pages:
            render(src_uri, (docs / src_uri).read_text(encoding="utf-8"))
        # The home page links to the worksheet of listening, which has no prompts.
        assert [(p.path, p.line, p.message) for p in run.problems()] == [
            ("docs/index.md", 10, no_worksheet("listening"))]
        # Rebuilt alone, the chapter gets prompts: the home page's link, not rebuilt, is fine now.
        listening = (docs / "chapters/listening.md").read_text(encoding="utf-8") + "\n" + PROMPTS + "\n"
        assert run.replace_page(Source("chapters/listening.md", pages["chapters/listening.md"], listening.encode()))
        render("chapters/listening.md", listening)
        assert run.problems() == []
        # The home page, rebuilt alone, links to it again from another line: still fine; the
        # chapter loses its prompts again: told on the home page's new line.
        home = (docs / "index.md").read_text(encoding="utf-8").replace("Text.\n", "Text.\n\nMore text.\n")
        assert run.replace_page(Source("index.md", "./", home.encode()))
        render("index.md", home)
        assert run.problems() == []
        plain = (docs / "chapters/listening.md").read_text(encoding="utf-8")
        assert run.replace_page(Source("chapters/listening.md", pages["chapters/listening.md"], plain.encode()))
        render("chapters/listening.md", plain)
        assert [(p.path, p.line) for p in run.problems()] == [("docs/index.md", 12)]
    finally:
        run.close()


def _rendered(*lines: str) -> str:
    extensions = load_config(str(ROOT / "mkdocs.yml")).markdown_extensions  # the book's own
    return markdown.markdown("\n".join(lines), extensions=[e for e in extensions if isinstance(e, str)])


@pytest.mark.parametrize("after", ["\u00a0", " \u00a0", "\u202f\u00a0 ", " \ufeff"])
@pytest.mark.parametrize("blank", [[""], []])
def test_a_box_line_ending_with_a_non_breaking_space_is_told_with_the_line_written_right(after: str, blank: list[str]) -> None:
    line = f"{BOX}{after}"
    assert "admonition" not in _rendered(line, *blank, "    Text.")  # why it is told
    ((number, message),) = boxes.box_line_problems(["Text.", "", line, *blank, "    Text."], 1)
    assert number == 3
    assert "ends with" in message and "space" in message and message.endswith(BOX)
    assert "admonition" in _rendered(BOX, *blank, "    Text.")  # the line as the message writes it


def _render(body: str) -> str:
    return _rendered(body)


@pytest.mark.parametrize("above, line, fixed", [
    ([], "1) Listen to what the student says.", ["1. Listen to what the student says."]),
    (["Steps:"], "1) Listen.", ["", "1. Listen."]),  # a list needs a blank line after a paragraph
    (["## Steps"], "12) Reflect.", ["12. Reflect."]),
    (["1. Listen."], "  2) Reflect.", ["  2. Reflect."]),
    ([], "2)\u00a0Reflect.", ["2. Reflect."]),  # as a word processor spaces it
    (["> Steps:"], "> 3) In a quote.", [">", "> 3. In a quote."]),
    (["!!! note", ""], "    1) In a box.", ["    1. In a box."]),
    (["> Steps:", ">"], "> 1) After a quote's blank line.", ["> 1. After a quote's blank line."]),
    ([], "1) [Listen](#listen) first.", ["1. [Listen](#listen) first."]),  # words in markup
    ([], "2) `Reflect` on it.", ["2. `Reflect` on it."]),
    ([], "3) <em>Respond</em> to it.", ["3. <em>Respond</em> to it."]),
])
def test_a_numbered_item_written_with_a_parenthesis_is_told_with_both_fixes(above: list[str], line: str, fixed: list[str]) -> None:
    assert "<ol>" not in _rendered(*above, line).split("</ol>")[-1]  # why it is told: no list from it
    ((number, message),) = s.parenthesis_item_problems(["Text.", "", *above, line], 1, _render)
    assert number == 3 + len(above)
    n = line.strip(" >").split(")")[0]
    item = fixed[-1].strip(" >")
    assert f"starts with '{n})'" in message and f"e.g. {item}" in message and f"'{n}\\)'" in message
    assert ("with a blank line above the list" in message) is (fixed[0].strip(" >") == "")
    assert "<li>" in _rendered(*above, *fixed).split("</ol>")[-2]  # the fix makes a list item
    kept = line.replace(")", "\\)", 1)
    assert f"{n})" in _rendered(*above, kept) and "\\" not in _rendered(*above, kept)  # the other fix


@pytest.mark.parametrize("text, example", [
    ("Notice how you feel when a request is made of you by a friend.", "1. Notice how you feel when a request is…"),
    ("Notice how you feel when a request is\u00a0made.", "1. Notice how you feel when a request…"),  # one unit
    ("Notice how you feel when a request isn't made.", "1. Notice how you feel when a request isn't…"),  # whole
    ("Noticehowyoufeelwhenarequestismadeofyoubyafriend.", "1. Noticehowyoufeelwhenarequestismadeofyoub…"),
    ("Notice how you feel when a request is xy\u00a0made.", "1. Notice how you feel when a request is…"),
    ("Notice\thow\tyou\tfeel\twhen\ta\trequest\tis\tmade of you.", "1. Notice\thow\tyou\tfeel\twhen\ta\trequest\tis…"),
])
def test_a_long_items_example_ends_after_a_whole_word(text: str, example: str) -> None:
    ((_, message),) = s.parenthesis_item_problems(["Text.", "", f"1) {text}"], 1, _render)
    assert f"e.g. {example}," in message


def test_lines_starting_with_a_parenthesis_that_show_as_meant_are_not_told() -> None:
    lines = ["Text.", "", "    1) indented code", "", "## Example", "    1) code after a heading", "",
             "```", "1) fenced", "```", "<!--", "1) in a comment", "-->", "", "1. A list.", "",
             "1\\) kept as text", "", "Rogers (", "1951) found it.", "", "- An item.", "",
             "        1) code in the item", "", "<div>", "", "1) raw HTML", "", "</div>", "",
             "| Step | What |", "|---|---|", "1) Listen | to the student", "",
             "There are two cases:", "", "the three steps are", "1) a sentence going on", "",
             "What a student might type:", "", "    1) Listen", "", "Say that you will listen, then,",
             "1) listen to what the student says."]
    html = _rendered(*lines)
    for shown in ("1) indented code", "1) code after a heading", "1) code in the item", "1951) found it.",
                  "1) raw HTML", "1) Listen</td>", "1) a sentence going on", "<code>1) Listen\n</code>"):
        assert shown in html, shown
    assert s.parenthesis_item_problems(lines, 1, _render) == []


def test_the_page_is_rendered_for_this_check_only_when_a_line_starts_like_an_item() -> None:
    def render(body: str) -> str:
        raise AssertionError("rendered")

    assert s.parenthesis_item_problems(["Text.", "", "1. A list.", "", "(1) Not one."], 1, render) == []
