"""The chapter checks' functions, called directly: source text in, problems (file:line: message) out."""

from __future__ import annotations

from dataclasses import replace

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ebook.checks import sample_text
from ebook.checks.book_wide import Context, check_book
from ebook.checks.problems import Source
from ebook.checks.run import CheckRun
from ebook.model.book import Book, page_slug
from ebook.model.settings import parse_settings
from tests.helpers import ROOT

CONFIG = load_config(str(ROOT / "mkdocs.yml"))
BOOK = Book(parse_settings(CONFIG, {}), title=CONFIG.site_name, description=CONFIG.site_description or "",
            site_url="")
CONTEXT = Context(book=BOOK, extensions=list(CONFIG.markdown_extensions),
                  extension_configs=dict(CONFIG.mdx_configs))
# A chapter must say who wrote it: one line of front matter, so the body starts on line 7.
FRONT = "---\ntitle: Listening\ndescription: How peers listen.\nattribution: {written_by: Sam Contributor}\n---\n\n"


def page(body: str, front: str = FRONT, src_uri: str = "chapters/listening.md", url: str = "chapters/listening/") -> Source:
    return Source(src_uri=src_uri, url=url, raw=(front + body).encode("utf-8"))


def problems(*sources: Source) -> list[str]:
    return [str(p) for p in check_book(list(sources), [], CONTEXT).problems]


@pytest.mark.book
def test_the_real_book_has_no_problems() -> None:
    sources = [Source(p.relative_to(ROOT / "docs").as_posix(), "", p.read_bytes())
               for p in sorted((ROOT / "docs").rglob("*.md"))]
    sources = [Source(s.src_uri, s.src_uri.removesuffix(".md").removesuffix("index") + "/", s.raw) for s in sources]
    assert check_book(sources, [], CONTEXT).problems == []


def test_a_clean_page_has_no_problems() -> None:
    assert problems(page("# Listening\n\n## Part\n\nText with [a named link](https://example.org/).\n")) == []


def test_a_download_link_by_a_path_the_build_does_not_write_is_told_on_its_line() -> None:
    whole_book = BOOK.download_path("book")
    body = f"# Listening\n\n[Whole book](./{whole_book}){{ data-download=\"./{whole_book}\" }}\n"
    (found,) = problems(page(body))
    assert found.startswith(f'docs/chapters/listening.md:9: data-download="./{whole_book}" names no file')
    assert problems(page(body.replace("./", ""))) == []


def test_a_line_inside_a_fenced_code_block_is_never_taken_for_the_real_thing() -> None:
    body = (
        "# Listening\n\n"
        "```markdown\n#### Not a heading\n!!! note\n```\n\n"
        "#### Skipped\n\n"
        "~~~\n!!! senario\n~~~\n\n"
        "!!! senario \"Example\"\n\n    Text.\n"
    )
    found = problems(page(body))
    assert found == [
        "docs/chapters/listening.md:14: heading 'Skipped' is level 4 but the heading before it is level 1, "
        "so level 2 is skipped: write it with ## (or add the missing level above it)",
        "docs/chapters/listening.md:20: unknown admonition type 'senario', which would show as a plain note: "
        "did you mean 'scenario'?",
    ]


def test_setext_headings_and_headings_in_raw_html_count() -> None:
    body = "Listening\n=========\n\nText.\n\nAgain\n=====\n\n<h4>Raw</h4>\n"
    found = problems(page(body))
    assert found[0].startswith("docs/chapters/listening.md:12: a second level-1 heading 'Again'")
    assert found[1].startswith("docs/chapters/listening.md:15: heading 'Raw' is level 4")


def test_collapsible_admonitions_are_checked_like_the_others() -> None:
    found = problems(page("# L\n\n??? warnig \"Careful\"\n\n    Text.\n\n???+ reflection\n\n    No prompts.\n"))
    assert [f.split(": ", 1)[0] for f in found] == ["docs/chapters/listening.md:9", "docs/chapters/listening.md:13"]
    assert "did you mean 'warning'?" in found[0] and "no prompts" in found[1]


def test_an_admonition_with_only_an_image_or_a_nested_box_has_a_body() -> None:
    body = "# L\n\n!!! note \"Picture\"\n\n    ![A circle](circle.png)\n\n!!! reflection\n\n    !!! tip\n\n        - A prompt\n"
    assert problems(page(body)) == []


# A reflection box inside another: the worksheet and the journal take the prompts of the outermost
# reflection box's list only, so those of one inside it would not be asked on their own.
NESTED_REFLECTION = (
    "# L\n\n??? reflection \"For Reflection\"\n\n    - Can you recall a time?\n\n"
    "        ??? reflection \"Going further\"\n\n            - What did they do?\n\n    - How did it feel?\n"
)


def test_a_reflection_box_inside_another_is_refused_on_its_line() -> None:
    assert problems(page(NESTED_REFLECTION)) == [
        "docs/chapters/listening.md:13: this reflection box is inside the reflection box on line 9, so the "
        "worksheet and the answer boxes would not ask its prompts on their own: move it out, below the end of "
        "that box and not indented under it, or write its prompts as items of that box's list"
    ]


def test_a_reflection_box_anywhere_inside_another_is_refused_each_naming_the_outermost() -> None:
    body = (
        "# L\n\n!!! reflection \"A\"\n\n    - One?\n\n    !!! reflection \"B\"\n\n        - Two?\n\n"
        "        ???+ reflection \"C\"\n\n            - Three?\n"
    )
    found = problems(page(body))
    assert [f.split(": ", 1)[0] for f in found] == ["docs/chapters/listening.md:13", "docs/chapters/listening.md:17"]
    assert all("inside the reflection box on line 9" in f for f in found)


def test_an_attribute_written_twice_counts_as_browsers_count_it_the_first() -> None:
    body = ('# L\n\n!!! reflection "A"\n\n    - One? <details class="reflection" class="note"><summary>B</summary>'
            '<ul><li>Two?</li></ul></details>\n')
    (found,) = problems(page(body))
    assert found.startswith("docs/chapters/listening.md:11: this reflection box is inside the reflection box on line 9")


def test_reflection_boxes_one_after_another_or_in_and_around_other_boxes_are_not_nested() -> None:
    after = NESTED_REFLECTION.replace("        ??? reflection", "??? reflection").replace("            - What", "    - What")
    around = "# L\n\n!!! reflection \"A\"\n\n    - One?\n\n    !!! tip\n\n        Text.\n"
    inside_a_tip = "# L\n\n!!! tip\n\n    Text.\n\n    !!! reflection \"A\"\n\n        - One?\n"
    for body in (after, around, inside_a_tip):
        assert problems(page(body)) == [], body


# A nested pair of reflection boxes, after something that only shows a box line: the body starts
# on line 7, and the pair's lines are counted from the end.
NESTED_PAIR = "!!! reflection \"A\"\n\n    - One?\n\n    !!! reflection \"B\"\n\n        - Two?\n"


@pytest.mark.parametrize("before", [
    "<!--\n!!! reflection \"Old\"\n\n    - Old?\n-->\n",  # a comment, over several lines
    "<!-- !!! reflection \"Old\" -->\n",
    "An example of a box:\n\n    !!! reflection \"Old\"\n\n        - Old?\n",  # an indented code block
    "An example:\n\n```markdown\n!!! reflection \"Old\"\n```\n",
    "Text `<!--` and a comment <!--\nhidden\n-->.\n",  # a comment inside a line: nothing hidden
])
def test_a_box_line_in_a_comment_or_code_is_never_taken_for_a_boxs_line(before: str) -> None:
    body = f"# L\n\n{before}\n{NESTED_PAIR}"
    outer = 7 + body.count("\n") - NESTED_PAIR.count("\n")
    found = [f for f in problems(page(body)) if "inside the reflection box" in f]
    assert [f.split(": this")[0] for f in found] == [f"docs/chapters/listening.md:{outer + 4}"], found
    assert f"inside the reflection box on line {outer}," in found[0]


@pytest.mark.parametrize("before", [
    "<!--\n#### Old heading\n-->\n",  # a comment, over several lines
    "An example of a heading:\n\n    #### Old heading\n",  # an indented code block
    "<!-- to do --> #### Old heading\n",  # text after a comment, not right after it: a paragraph
    "<!-- to do:\n--> #### Old heading\n",
])
def test_a_heading_in_a_comment_or_code_is_never_taken_for_a_headings_line(before: str) -> None:
    body = f"# L\n\n{before}\nText.\n\n#### Skipped\n"
    found = [f for f in problems(page(body)) if "is skipped" in f]
    assert [f.split(": heading")[0] for f in found] == [f"docs/chapters/listening.md:{6 + body.count(chr(10))}"], found


def test_a_heading_right_after_a_comment_is_a_heading() -> None:
    body = "# L\n\n<!-- to do:\n-->#### Skipped\n\nText.\n\n#### Not told\n"
    found = [f for f in problems(page(body)) if "is skipped" in f]
    assert [f.split(": heading")[0] for f in found] == ["docs/chapters/listening.md:10"], found


def test_a_box_in_a_list_or_after_a_box_is_read_where_it_is() -> None:
    # Indented after a list item or a box: in it, not code.
    body = f"# L\n\n- An item.\n\n    {NESTED_PAIR.replace(chr(10), chr(10) + '    ')}"
    found = [f for f in problems(page(body)) if "inside the reflection box" in f]
    assert [f.split(": this")[0] for f in found] == ["docs/chapters/listening.md:15"], found
    assert "inside the reflection box on line 11," in found[0]


def test_a_raw_html_box_whose_class_is_on_the_next_line_is_told_on_its_own_line() -> None:
    body = "# L\n\n<div\n  class=\"admonition warnig\">\n<p>Careful.</p>\n</div>\n\n!!! senario\n\n    Text.\n"
    found = [f.split(", which")[0] for f in problems(page(body))]
    assert found == ["docs/chapters/listening.md:9: unknown admonition type 'warnig'",
                     "docs/chapters/listening.md:14: unknown admonition type 'senario'"]


@pytest.mark.parametrize(
    ("markup", "words"),
    [
        ("<SCRIPT>alert(1)</SCRIPT>", "<script> runs script"),
        ("<svg><script>alert(1)</script></svg>", "<script> runs script"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "javascript: address"),
        ('<a href=" JavaScript:alert(1)">x</a>', "javascript: address"),
        ('<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>', "onerror= on <img> runs script"),
        ('<img alt="x" src="x.png" OnError="alert(1)">', "onerror= on <img> runs script"),
        ('<img alt="x" src="//cdn.example.org/a.png">', "loads a file from another site"),
        ('<video poster="https://cdn.example.org/p.png"></video>', "<video> loads its media"),
        ('<meta http-equiv="refresh" content="0;url=https://example.org">', "<meta> can redirect"),
        ('<link rel="stylesheet" href="https://cdn.example.org/x.css">', "<link> loads files"),
        ('<base href="https://example.org/">', "<base> changes where every link"),
    ],
)
def test_unsafe_html_in_any_disguise_is_found(markup: str, words: str) -> None:
    found = problems(page(f"# L\n\nText.\n\n{markup}\n"))
    assert any(f.startswith("docs/chapters/listening.md:11: ") and words in f for f in found), found


def test_a_markdown_link_with_a_javascript_address_is_unsafe_too() -> None:
    found = problems(page("# L\n\n[A link](javascript:alert(1))\n"))
    assert found and "javascript: address" in found[0]


def test_raw_html_links_are_resolved_from_the_built_pages_address() -> None:
    one = page("# One\n\n## First part\n\n<a href='../two/#second-part'>ok</a> <a href='../two/#nope'>bad</a>\n"
               "<a href='../../'>home</a> <a href='two.md'>md</a> <a href='/chapters/two/'>abs</a>\n"
               "<img alt='A circle' src='../../images/circle.png'> <a href='#first-part'>self</a>\n"
               "<a data-download=\"downloads/handouts/one.pdf\" href='../../downloads/handouts/one.pdf'>Handout</a>\n",
               src_uri="chapters/one.md", url="chapters/one/")
    two = page("# Two\n\n## Second part\n", front=FRONT.replace("Listening", "Two"), src_uri="chapters/two.md", url="chapters/two/")
    home = page("# Home\n", front=FRONT.replace("Listening", "Home"), src_uri="index.md", url="./")
    image = Source("images/circle.png", "images/circle.png", b"")
    report = check_book([one, two, home], [image], CONTEXT)
    found = {(p.line, p.message.split(", which")[0].split(" starts")[0].split(" points")[0]) for p in report.problems}
    assert found == {
        (11, "the raw HTML link '../two/#nope'"),
        (12, "the raw HTML link 'two.md'"),
        (12, "the raw HTML link '/chapters/two/'"),
    }, report.problems
    messages = " ".join(p.message for p in report.problems)
    assert "anchor '#nope', which docs/chapters/two.md does not have" in messages
    assert "points at a Markdown file" in messages and "starts with '/'" in messages


def test_not_utf8_names_the_line_and_column() -> None:
    raw = FRONT.encode() + b"# L\n\nCaf\xe9\n"
    found = problems(Source("index.md", "./", raw))
    assert found == ["docs/index.md:9: the file is not valid UTF-8 text (byte 0xE9 at column 4): save the file "
                     "with the UTF-8 encoding in your editor and check the characters on that line"]


def test_a_byte_order_mark_and_windows_line_ends_are_fine() -> None:
    raw = ("\ufeff" + FRONT + "# L\n\n## Part\n").replace("\n", "\r\n").encode("utf-8")
    assert problems(Source("index.md", "./", raw)) == []


def test_a_page_without_front_matter_is_told_how_to_start() -> None:
    found = problems(Source("index.md", "./", b"# Home\n\nText.\n"))
    assert found[0].startswith("docs/index.md:1: the page has no front matter")
    assert "title: The page's title" in found[0]


def test_a_front_matter_never_closed_is_told_where_to_close_it_not_to_start_one() -> None:
    """Followed literally, "start the file with" front matter would put a second one above the
    first, whose fields the page would then show as text: the fix is the closing line."""
    front = "---\ntitle: Listening\ndescription: How peers listen.\nattribution: {written_by: Sam Contributor}\n"
    found = problems(page("# Listening\n\nText.\n", front=front))
    assert found == ["docs/chapters/listening.md:4: the front matter that starts on line 1 is never closed: "
                     "add a line of three dashes (---) after its last field (line 4)"], found
    assert problems(page("# Listening\n\nText.\n", front=front + "---\n\n")) == []


def test_a_chapter_without_front_matter_is_shown_the_templates_front_matter_to_fill_in() -> None:
    """The example says who wrote the chapter, as a chapter must (a page's example does not).
    Kept as the message shows it, its every word is the chapter template's sample text, which
    the checks tell, on its line; filled in, nothing is left to fix."""
    body = "# Listening\n\nText.\n"
    (told,) = problems(page(body, front=""))
    assert told.startswith("docs/chapters/listening.md:1: the page has no front matter")
    example = told.split("start the file with\n", 1)[1]
    assert "attribution:\n  written_by: " in example
    template = (ROOT / "templates" / "chapter.md").read_text(encoding="utf-8")
    context = replace(CONTEXT, placeholders=sample_text.template_placeholders(template))

    def found(front: str) -> list[str]:
        return [str(p) for p in check_book([page(body, front=front + "\n\n")], [], context).problems]

    samples = {2: "Your Chapter Title", 3: "One or two sentences on what the chapter covers.", 5: "Your Name"}
    kept = found(example)
    assert len(kept) == len(samples), kept
    for (line, words), message in zip(samples.items(), kept):
        assert message.startswith(f"docs/chapters/listening.md:{line}: the chapter template's sample text"), message
        assert words.split(".")[0] in message, message
    filled = example
    for words, own in zip(samples.values(), ("Listening", "How peers listen.", "Sam Contributor")):
        filled = filled.replace(words, own)
    assert found(filled) == []


def test_the_last_guard_stops_unsafe_html_that_reached_the_rendered_page() -> None:
    """Whatever produced it, a page's content with script in it is never written."""
    run = CheckRun(CONFIG, BOOK, serving=False)
    file = File("chapters/listening.md", str(ROOT / "docs"), str(ROOT / "site"), True)
    guarded = Page("Listening", file, CONFIG)
    assert run.page_content("<p>Fine.</p>", guarded, CONFIG) == "<p>Fine.</p>"
    run.env(CONFIG, Files([]))
    # Found in on_page_content, it stops the build in on_env: every page converted, none written.
    run.page_content("<p>Fine.</p><script>alert(1)</script>", guarded, CONFIG)
    with pytest.raises(PluginError, match=r"docs/chapters/listening\.md:\d+: the raw HTML element <script> runs script"):
        run.env(CONFIG, Files([]))


def test_page_slugs_are_file_names_or_folder_names_for_index_pages() -> None:
    assert page_slug("chapters/connection.md") == "connection"
    assert page_slug("chapters/index.md") == "chapters"
    assert page_slug("index.md") == ""
    found = problems(page("# A\n", src_uri="chapters.md", url="chapters/"),
                     page("# B\n", front=FRONT.replace("Listening", "B"), src_uri="chapters/index.md", url="chapters/"))
    assert found and "slug 'chapters' is also the slug of docs/chapters.md" in found[0]
