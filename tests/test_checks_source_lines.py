"""hooks/ebook/checks/source_lines.py: the checks of a page's Markdown lines, called directly."""

from __future__ import annotations

import pytest

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
            '<!-- <a data-download="./hidden.pdf">not yet</a> -->']
    assert s.download_attribute_problems(page, 1, WRITTEN.__contains__, example="downloads/book.pdf") == []
