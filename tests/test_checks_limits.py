"""The chapter checks' resource limits: no page, however written, makes them (or the build) hang,
run out of memory or stop with a traceback.

How "linear" is measured, without a wall-clock budget: the checks' CPU time on each 1 MB
adversarial page is compared with Python-Markdown's own CPU time, measured in the same process
just before, converting 1 MB of ordinary chapter text with the book's extensions. Both are
timed on the same machine at the same moment, so a slow or busy machine slows both. The budget
is ten times the ordinary rendering: the checks of an ordinary page cost about one rendering
(they render it), while anything quadratic costs thousands of times more at 1 MB (1 MB of '['
would take Python-Markdown itself more than a day), so the margin holds on a noisy shared
machine and still catches any super-linear step.

Inputs Python-Markdown itself cannot read in reasonable time (open brackets, deep nesting) must
be refused from the source before anything renders them, each with its file and line.
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import markdown
import pytest

from ebook.checks.book_wide import check_book
from ebook.checks.front_matter import check_front_matter
from ebook.checks.problems import Problem
from ebook.checks.scanner import Scan, scan_html
from tests.helpers import CHAPTER_MD, build_pages
from tests.test_checks_unit import BOOK, CONTEXT, page

SIZE = 1_000_000
BUDGET = 10  # times Python-Markdown's own time on an ordinary page of the same size


def cpu_time(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


@pytest.fixture(scope="module")
def ordinary_rendering() -> float:
    """Python-Markdown's CPU time for 1 MB of the real chapter's text (the quickest of three)."""
    body = CHAPTER_MD.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    text = (body * (SIZE // len(body) + 1))[:SIZE]
    md = markdown.Markdown(extensions=CONTEXT.extensions, extension_configs=CONTEXT.extension_configs)
    return min(cpu_time(lambda: md.reset().convert(text)) for _ in range(3))


ONE_LINE = {
    "'on": "'on" * (SIZE // 3),
    "<a ": "<a " * (SIZE // 3),
    "a word": "w" * SIZE,
    "[": "[" * SIZE,
    "*": "*" * SIZE,
    "_": "_" * SIZE,
    "backtick": "`" * SIZE,
    "<!--": "<!--" * (SIZE // 4),
    "&#": "&#" * (SIZE // 2),
    "![": "![" * (SIZE // 2),
    "[a](": "[a](" * (SIZE // 4),
    "<http://": "<http://" * (SIZE // 8),
    "- ": "- " * (SIZE // 2),
    "> ": "> " * (SIZE // 2),
}
# Thousands of findings on a long page, each placed on its own line of the source.
FILLER = "Peer supporters listen first and speak second.\n\n" * 15_000
MANY_FINDINGS = {
    "images without alt text": FILLER + "\n\n".join(f"![](../images/pic.png?v={i})" for i in range(3000)),
    "links saying 'here'": FILLER + "\n\n".join(f"[here](../page-{i}/)" for i in range(3000)),
    "ids of the theme's own": FILLER + "\n\n".join(f'<p id="__x{i}">x</p>' for i in range(3000)),
}
# Each with the line where it goes deeper than 50 levels (the body starts on line 7).
NESTED = {
    "lists": ("\n".join("    " * i + "- item" for i in range(300)), 57),
    "numbered lists": ("\n".join("    " * i + "1. item" for i in range(300)), 57),
    "quotes": ("\n".join("> " * i + "text" for i in range(1, 301)), 57),
    "boxes": ("\n\n".join("    " * i + "!!! note" for i in range(300)) + "\n\n" + "    " * 300 + "text", 109),
    "emphasis": ("**" * 5000 + "x" + "**" * 5000, 7),
    "raw HTML": ("<div>" * 5000 + "x" + "</div>" * 5000, 7),
    "raw HTML read as Markdown": ('<div markdown="1">\n' * 600 + "x\n" + "</div>\n" * 600, 57),
}


@pytest.mark.parametrize("name", [*ONE_LINE, *NESTED, *MANY_FINDINGS])
def test_a_huge_or_deep_page_is_checked_in_linear_time(name: str, ordinary_rendering: float) -> None:
    body = ONE_LINE.get(name) or MANY_FINDINGS.get(name) or NESTED[name][0]
    found: list[Problem] = []
    spent = cpu_time(lambda: found.extend(check_book([page(body + "\n")], [], CONTEXT).problems))
    assert spent <= BUDGET * ordinary_rendering, (name, spent, ordinary_rendering)
    if name in NESTED:  # deeper than Python-Markdown can read: refused, on the line it goes too deep
        (problem,) = found
        assert "nested more than 50 levels deep here" in problem.message
        assert problem.line == NESTED[name][1]
    if name in MANY_FINDINGS:  # each placed on its own line, in order
        lines = [p.line for p in found]
        assert len(lines) >= 3000 and lines == sorted(lines) and len(set(lines)) >= 3000, lines[:20]


def test_reflection_boxes_inside_others_are_scanned_in_linear_time() -> None:
    """Each box inside another is told with the outer box's line, found as the box opens, not by
    searching every box before it: 1 MB of such pairs (11,000) costs the scan of its HTML a few
    times html.parser's own reading of it (searching took 15 times as much, growing with the
    square of the number of boxes)."""
    pair = '<div class="admonition reflection"><div class="admonition reflection"><p>B</p></div></div>\n'
    text = pair * (SIZE // len(pair))

    def read() -> None:
        parser = HTMLParser()
        parser.feed(text)
        parser.close()

    reading = min(cpu_time(read) for _ in range(3))
    found: list[Scan] = []
    spent = min(cpu_time(lambda: found.append(scan_html(text))) for _ in range(2))
    assert spent <= 10 * reading, (spent, reading)  # the module's budget: searching took 15 to 22 times
    boxes = found[0].admonitions
    assert [box.inside_reflection for box in boxes[:4]] == [None, 0, None, 2]


@pytest.mark.parametrize("name", ["[", "![", "[a](", "<http://", "<a "])
def test_open_brackets_that_would_take_python_markdown_minutes_are_refused(name: str) -> None:
    (problem, *_) = [p for p in check_book([page("Intro.\n\n" + ONE_LINE[name] + "\n")], [], CONTEXT).problems
                     if "that the build would take minutes to read it" in p.message]
    assert problem.line == 9
    assert "close each one" in problem.message


def test_ordinary_brackets_links_and_nesting_stay_within_the_limits() -> None:
    """What a chapter may well have: many links, '<' in prose, lists and boxes a few levels deep."""
    links = " ".join(f"[link {i}](page-{i}.md) and x < y, (a [b] c)" for i in range(2000))
    nested = "\n".join("    " * i + "- item" for i in range(8))
    box = "!!! note \"Nested\"\n\n    !!! tip\n\n        **Bold _and_ italic** text.\n"
    sources = [page(f"# Title\n\n{links}\n\n{nested}\n\n{box}\n\n" + "<div><p>x</p>" * 40 + "</div>" * 40 + "\n")]
    found = [p for p in check_book(sources, [], CONTEXT).problems
             if "nested more than" in p.message or "would take minutes" in p.message]
    assert found == []


BOMB = "\n".join(["title: Listening", "description: How peers listen.", "a: &a [x, x, x, x, x, x, x, x, x]"]
                 + [f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]"
                    for a, b in zip("abcdefg", "bcdefgh")]) + "\n"


@pytest.mark.parametrize(("front", "line", "words"), [
    (BOMB, 4, "uses a YAML anchor ('&name') or alias ('*name')"),
    ("title: Listening\ndescription: &d How peers listen.\n", 3, "uses a YAML anchor"),
    ("title: Listening\ndescription: How peers listen.\nattribution: {written_by: !person Sam}\n", 4,
     "uses the YAML tag '!person', which MkDocs cannot read"),
    ("title: Listening\ndescription: " + "[" * 300 + "]" * 300 + "\n", 3, "nested more than 10 levels deep here"),
    ("title: Listening\ndescription: How peers listen.\n" + "".join("  " * i + f"k{i}:\n" for i in range(30)), 14,
     "nested more than 10 levels deep here"),
    ("title: Listening\ndescription: " + "d" * SIZE + "\n", 2, "the front matter is 1,000,031 characters long"),
])
def test_front_matter_that_yaml_would_blow_up_is_refused_before_it_is_built(front: str, line: int, words: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [(p.line, words in p.message) for p in found] == [(line, True)], found


def test_an_alias_bomb_costs_no_more_than_its_nine_lines(ordinary_rendering: float) -> None:
    """Nine lines that stand for 9**8 values: refused from the parser's events, nothing expanded."""
    source = page("# Listening\n", front=f"---\n{BOMB}---\n\n")
    found: list[Problem] = []
    spent = cpu_time(lambda: found.extend(check_book([source], [], CONTEXT).problems))
    assert [str(p).split(": write")[0] for p in found] == [
        "docs/chapters/listening.md:4: the front matter uses a YAML anchor ('&name') or alias ('*name'), "
        "which repeats another value and can make the build run out of memory"]
    assert spent <= ordinary_rendering / 100


def test_the_real_build_stops_on_each_page_over_a_limit_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    """MkDocs parses front matter and renders pages after the checks: the checks must stop the
    build first, or MkDocs would hang on the bomb or recurse to a RecursionError."""
    front = "---\ntitle: {0}\ndescription: A page.\nattribution: {{written_by: Sam}}\n---\n\n# {0}\n\n"
    pages = {
        "index.md": "---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n",
        "chapters/bomb.md": f"---\n{BOMB.replace('Listening', 'Bomb')}attribution: {{written_by: Sam}}\n---\n\n# Bomb\n",
        "chapters/lists.md": front.format("Lists") + NESTED["lists"][0] + "\n",
        "chapters/html.md": front.format("Html") + NESTED["raw HTML"][0] + "\n",
        "chapters/brackets.md": front.format("Brackets") + "[" * SIZE + "\n",
    }
    result, site = build_pages(pages, tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    reported = re.findall(r"^(docs/\S+):(\d+): (.+)$", result.stderr, re.M)
    assert [(path, int(line)) for path, line, _ in reported] == [
        ("docs/chapters/bomb.md", 4), ("docs/chapters/brackets.md", 9),
        ("docs/chapters/html.md", 9), ("docs/chapters/lists.md", 59)], result.stderr
    assert not (site / "chapters").exists()


def test_unsafe_file_names_stop_the_build_naming_the_file(tmp_path: Path) -> None:
    front = "---\ntitle: {0}\ndescription: A page.\nattribution: {{written_by: Sam}}\n---\n\n# {0}\n"
    long_name = "a" * 241 + ".md"
    pages = {"index.md": "---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n",
             f"chapters/{long_name}": front.format("Long"),
             "chapters/what?.md": front.format("Question"), "chapters/one#two.md": front.format("Hash")}
    result, _ = build_pages(pages, tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    for name in (long_name, "what?.md", "one#two.md"):
        assert f"docs/chapters/{name}:1: the name '{name}' has capitals, spaces or other signs, or is too long" \
            in result.stderr
