"""`make lint`: the Markdown and spelling checks every pull request must pass.

Lint must never contradict the build: what the build needs (four-space indents in boxes and
nested lists) lints clean, and a front matter the build rejects is left to the chapter checks.
The tests run the real `make lint`, or the script it runs (scripts/lint.py) from a folder of
made-up pages, with the project's settings; the pages are written here, not taken from the book.
`make lint` also checks the generator's code: tests/test_code_lint.py tests that part.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from tests.helpers import ROOT

import lint  # noqa: E402

# A correct chapter, as the build wants it: front matter, one-line paragraphs (one long), boxes
# whose bodies are indented four spaces, lists nested by four spaces under bullets and numbers
# and inside boxes, a box right after a list, and a fenced block beside the indented boxes.
CORRECT = """\
---
title: "Écoute active : les bases d’une présence attentive"
description: What active listening asks of a peer supporter, with an example and prompts.
attribution:
  written_by: Alex Martin
---

# Écoute active : les bases d’une présence attentive

Listening is the first thing a peer supporter offers, and it is harder than it looks, because the urge to fix, to reassure or to share a story of one’s own arrives long before the other person has finished speaking, and each of those urges, however kind, moves the conversation away from them.

What the reader will learn:

- what listening looks like
    - with the body
    - with the voice
- why it matters

## Steps

1. Notice.
    - What is said?
    - What is not?
2. Respond.

!!! scenario "Example: at the drop-in centre"

    Sam comes in. Jesse listens:

    - Jesse nods.
        - Sam keeps talking.
    - Jesse asks one open question.

    Then they talk.

- a list right before a box
!!! consider "Another way it could go"

    - Jesse interrupts.

!!! reflection "For Reflection"
    - When were you last listened to like this?
    - What did the other person do?

## Notes for facilitators

```text
A fenced block, next to the indented boxes.
```
"""

# Front matter that is not valid YAML, each in its own way; the chapter checks report them.
BROKEN_FRONT_MATTER = {
    "colon in a plain title": "---\ntitle: Active listening: the basics\ndescription: D.\n---\n",
    "unclosed quote": '---\ntitle: "Active listening\ndescription: D.\n---\n',
    "tab indent": "---\ntitle: T\n\tdescription: D.\n---\n",
    "template notes left in, one field broken": (
        "---\n# A note from the template.\ntitle: T: t\ndescription: >-\n  Words.\n"
        "attribution:\n  # adapted_from:\n  #   source_url: https://example.org/x\n"
        "  written_by: Alex\n---\n"
    ),
}
MISREAD_RULES = ("MD003", "MD022", "MD023", "MD025", "MD034", "MD041")

# Raw HTML a contributor may write (CONTRIBUTING.md, "Raw HTML"): the build keeps it, so lint must.
ALLOWED_HTML = """\
The <abbr title="World Health Organization">WHO</abbr> says so.<br>
Press <kbd>Ctrl</kbd> and <kbd>C</kbd>; water is H<sub>2</sub>O, <mark>remember</mark>.

<details>
<summary>A longer example</summary>

Sam comes back the next day.

</details>

<div class="example" markdown>
A paragraph in a <span lang="fr">boîte</span>. <!-- a note for the editors -->
</div>
"""
# Elements the build refuses (hooks/ebook/checks/html_allowlist.py): lint reports them too.
REFUSED_HTML = ("iframe", "script", "style", "textarea", "svg", "form", "object")


def run_make_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    args = ["make", "--no-print-directory", "-s", "lint"]
    if paths:
        args.append("LINT_PATHS=" + " ".join(str(p) for p in paths))
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def run_lint_in(folder: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """scripts/lint.py, as `make lint` runs it, from `folder` (paths are shown relative to it)."""
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "lint.py"), *paths],
                          cwd=folder, capture_output=True, text=True)


def digests(*folders: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_chapter(folder: Path, text: str, name: str = "new-chapter.md") -> Path:
    path = folder / "docs" / "chapters" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def rules_in(output: str) -> set[str]:
    return set(re.findall(r":\d+:\d+: (MD\d{3}):", output))


@pytest.mark.book
def test_lint_passes_on_the_repository_in_one_line_and_changes_nothing() -> None:
    before = digests(ROOT / "docs", ROOT / "templates")
    result = run_make_lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"Lint: \d+ files and the generator's code checked, no problems\.\n", result.stdout), \
        result.stdout
    assert result.stderr == ""
    assert digests(ROOT / "docs", ROOT / "templates") == before


def test_correct_chapter_with_lists_in_boxes_and_four_space_indents_lints_clean(tmp_path: Path) -> None:
    write_chapter(tmp_path, CORRECT)
    result = run_lint_in(tmp_path, "docs")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (result.stdout, result.stderr) == ("Lint: 1 file checked, no problems.\n", "")
    assert max(len(line) for line in CORRECT.splitlines()) > 250  # a one-line paragraph


def test_a_page_saved_with_a_byte_order_mark_and_windows_line_ends_lints_as_the_build_reads_it(tmp_path: Path) -> None:
    write_chapter(tmp_path, CORRECT)
    chapter = next((tmp_path / "docs").rglob("*.md"))
    chapter.write_bytes(b"\xef\xbb\xbf" + chapter.read_bytes().replace(b"\n", b"\r\n"))
    result = run_lint_in(tmp_path, "docs")
    assert (result.stdout, result.stderr) == ("Lint: 1 file checked, no problems.\n", ""), result.stdout


def test_a_page_that_is_not_utf8_is_left_to_the_chapter_checks_without_a_crash(tmp_path: Path) -> None:
    write_chapter(tmp_path, CORRECT)
    chapter = next((tmp_path / "docs").rglob("*.md"))
    chapter.write_bytes(chapter.read_text(encoding="utf-8").replace("Listening", "Écoute").encode("latin-1", "replace"))
    result = run_lint_in(tmp_path, "docs")
    assert "Traceback" not in result.stderr, result.stderr


def test_the_four_space_indents_are_what_the_build_needs() -> None:
    """What the clean lint above accepts is what Python-Markdown nests: with two spaces it would not."""
    body = CORRECT.split("\n---\n", 1)[1]
    html = markdown.markdown(body, extensions=["admonition", "attr_list", "md_in_html", "pymdownx.superfences"])
    soup = BeautifulSoup(html, "html.parser")
    assert [li.find(string=True).strip() for li in soup.select("li:has(> ul)")] == [
        "what listening looks like", "Notice.", "Jesse nods."]
    assert len(soup.select("div.admonition li")) == 6
    # Two spaces, as MD007 would have it, flatten the list.
    two_spaces = markdown.markdown("- what listening looks like\n  - with the body\n")
    assert two_spaces.count("<ul>") == 1 and two_spaces.count("<li>") == 2


@pytest.mark.parametrize("case", BROKEN_FRONT_MATTER)
def test_broken_front_matter_is_left_to_the_chapter_checks(tmp_path: Path, case: str) -> None:
    front = BROKEN_FRONT_MATTER[case]
    with pytest.raises(yaml.YAMLError):  # broken indeed
        yaml.safe_load(front.strip("-\n"))
    text = front + "\n# Title\n\nSome text.\n\n##Heading\n"
    chapter = write_chapter(tmp_path, text)
    # Read as it is, pymarkdown takes such a front matter for Markdown headings.
    from pymarkdown.api import PyMarkdownApi
    raw = PyMarkdownApi().configuration_file_path(str(lint.PYMARKDOWN_CONFIG)).scan_string(text)
    assert {f.rule_id.upper() for f in raw.scan_failures} & set(MISREAD_RULES), case
    result = run_lint_in(tmp_path, "docs")
    assert not rules_in(result.stdout) & set(MISREAD_RULES), result.stdout
    # The page's own mistake is still reported, on its line in the file.
    line = line_of(chapter, "##Heading")
    assert result.stdout == (
        f"docs/chapters/new-chapter.md:{line}:1: MD018: No space present after the hash character "
        "on a possible Atx Heading. (no-missing-space-atx)\n"), result.stdout
    assert result.returncode == 1


def test_unclosed_or_missing_front_matter_gets_no_first_line_heading_complaint(tmp_path: Path) -> None:
    write_chapter(tmp_path, "---\ntitle: T\ndescription: D.\n\n# Title\n\nText.\n", "unclosed.md")
    write_chapter(tmp_path, "Some text first.\n\n# Title\n", "no-front-matter.md")
    result = run_lint_in(tmp_path, "docs")
    assert (result.returncode, result.stdout) == (0, "Lint: 2 files checked, no problems.\n")


def test_front_matter_stand_in_keeps_every_line_number() -> None:
    for front in [*BROKEN_FRONT_MATTER.values(), "---\n\n---\n", "---\ntitle: T\n...\n"]:
        text = front + "\n# Title\n\n##Heading\n"
        masked = lint.mask_front_matter(text)
        assert masked.count("\n") == text.count("\n")
        assert masked.endswith("\n# Title\n\n##Heading\n")
        assert isinstance(yaml.safe_load(masked.split("---\n")[1]), dict)  # valid: taken as front matter
    assert lint.mask_front_matter("# No front matter\n") == "# No front matter\n"


@pytest.mark.parametrize(
    ("mistake", "replace", "with_", "rule"),
    [
        ("no space after the hash signs", "## Steps", "##Steps", "MD018"),
        ("a heading level skipped", "## Steps", "#### Steps", "MD001"),
        ("a second top-level heading", "## Steps", "# Steps", "MD025"),
        ("an indented heading, which Python-Markdown does not take for one",
         "What the reader will learn:", "  ## What the reader will learn", "MD023"),
        ("an image without alt text", "Then they talk.\n",
         "Then they talk.\n\n![](../images/circuit.png)\n", "MD045"),
    ],
)
def test_markdown_error_is_reported_with_relative_path_line_and_rule(
    tmp_path: Path, mistake: str, replace: str, with_: str, rule: str
) -> None:
    assert CORRECT.count(replace) == 1
    chapter = write_chapter(tmp_path, CORRECT.replace(replace, with_))
    before = digests(tmp_path)
    result = run_lint_in(tmp_path, "docs")
    assert result.returncode == 1, mistake
    line = line_of(chapter, with_.strip().splitlines()[-1])
    assert re.match(rf"docs/chapters/new-chapter\.md:{line}:\d+: {rule}: ", result.stdout), result.stdout
    assert result.stderr == (
        "Lint: 1 file checked, 1 problem (file:line above); CONTRIBUTING.md explains each check.\n")
    assert digests(tmp_path) == before  # lint reports; it never edits


def test_misspelling_is_reported_with_relative_path_and_fix(tmp_path: Path) -> None:
    chapter = write_chapter(tmp_path, CORRECT.replace("Sam comes in.", "Sam comes in, recieving a smile."))
    before = digests(tmp_path)
    result = run_lint_in(tmp_path, "docs")
    assert result.returncode == 1
    line = line_of(chapter, "recieving")
    assert result.stdout == f"docs/chapters/new-chapter.md:{line}: recieving ==> receiving\n"
    assert "CONTRIBUTING.md" in result.stderr
    assert digests(tmp_path) == before


def test_make_lint_on_files_outside_the_repository(tmp_path: Path) -> None:
    """`make lint LINT_PATHS=…` takes any files; those outside the repository keep their path."""
    chapter = write_chapter(tmp_path, CORRECT.replace("## Steps", "##Steps"))
    result = run_make_lint(chapter, ROOT / "templates")
    assert result.returncode != 0
    assert f"{chapter}:{line_of(chapter, '##Steps')}:1: MD018:" in result.stdout
    assert "templates/" not in result.stdout  # the template lints clean
    assert re.fullmatch(r"Lint: \d+ files and the generator's code checked, 1 problem \(file:line above\); "
                        r"CONTRIBUTING\.md explains each check\.", result.stderr.splitlines()[0])


def test_raw_html_the_build_allows_lints_clean(tmp_path: Path) -> None:
    """<abbr>, <br>, <kbd>, <details>…: allowed by the build, so lint does not turn them red."""
    from ebook.checks.html_allowlist import refusals

    rendered = markdown.markdown(ALLOWED_HTML, extensions=["md_in_html"])
    assert "<abbr" in rendered and "<details>" in rendered and refusals(rendered) == []  # the build keeps it
    write_chapter(tmp_path, CORRECT.replace("## Steps\n\n", "## Steps\n\n" + ALLOWED_HTML + "\n"))
    result = run_lint_in(tmp_path, "docs")
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "Lint: 1 file checked, no problems.\n", ""), result.stdout + result.stderr


def test_lint_allows_exactly_the_html_elements_the_build_allows(tmp_path: Path) -> None:
    """MD033 takes its list from the build's allowlist: every element on it lints clean, in
    lower or upper case, and elements the build refuses are reported, each on its line."""
    from ebook.checks.html_allowlist import ALLOWED_ELEMENTS

    allowed = sorted(ALLOWED_ELEMENTS)
    assert {"abbr", "br", "kbd", "details", "summary"} <= set(allowed)
    paragraphs = [f"Some <{e}>text</{e}> here." for e in allowed] + [f"Some <{e.upper()}>text." for e in allowed]
    refused = [f"Some <{e}>text</{e}> here." for e in REFUSED_HTML]
    chapter = write_chapter(tmp_path, "# Title\n\n" + "\n\n".join(paragraphs + refused) + "\n")
    result = run_lint_in(tmp_path, "docs")
    assert result.stdout == "".join(
        f"docs/chapters/new-chapter.md:{line_of(chapter, f'<{e}>')}:6: MD033: Inline HTML [Element: {e}] "
        "(no-inline-html)\n" for e in REFUSED_HTML), result.stdout
    assert result.returncode == 1


def test_html_element_names_count_in_any_case_as_in_the_build(tmp_path: Path) -> None:
    """HTML names are case-insensitive, in the build too: `<Kbd>`, `<ABBR>`, `<kbD>` lint clean,
    and `<IFrame>`, `<Script>` are reported on their lines, named as written. A tab (before an
    attribute, in a closing tag, or indenting a list item's paragraph) changes neither."""
    from ebook.checks.html_allowlist import ALLOWED_ELEMENTS, refusals

    def mixed(name: str) -> str:  # `Kbd`, `Details`; `kbD` for the closing tag
        return name[:1].upper() + name[1:]

    allowed = sorted(ALLOWED_ELEMENTS)
    paragraphs = [f"Some <{mixed(e)}>text</{mixed(e).swapcase()}> here." for e in allowed] + [
        'Press <Kbd>Ctrl</KBD> and <Abbr title="World Health Organization">WHO</aBBR>.',
        "<Details>\n<Summary>A longer example</SUMMARY>\n\nSam comes back.\n\n</DETAILS>",
    ]
    tabbed = "- Keys\n\n\tPress <Kbd\ttitle=\"key\">Ctrl</kBD\t> and <Abbr>WHO</ABBR>, tab-indented."
    refused = ["Some <IFrame></IFRAME> here.", "Some <Script>x</sCRIPT> here.",
               *(f"Some <{mixed(e)}>text</{mixed(e)}> here." for e in REFUSED_HTML if e != "iframe")]
    refused_tabbed = '- Frame\n\n\tSee <IFrame\tsrc="page.html"></iFrame\t>, tab-indented.'
    body = "\n\n".join(paragraphs + [tabbed])
    assert refusals(markdown.markdown(body, extensions=["md_in_html"])) == []  # the build keeps it
    for html in refused:
        assert refusals(markdown.markdown(html)), html  # the build refuses each

    chapter = write_chapter(tmp_path, "# Title\n\n" + "\n\n".join([body, *refused, refused_tabbed]) + "\n")
    result = run_lint_in(tmp_path, "docs")
    reported = [line for line in result.stdout.splitlines() if ": MD033: " in line]
    expected = [f"docs/chapters/new-chapter.md:{line_of(chapter, html)}:6: MD033: Inline HTML "
                f"[Element: {html.split('<')[1].split('>')[0]}] (no-inline-html)" for html in refused]
    expected.append(f"docs/chapters/new-chapter.md:{line_of(chapter, 'See <IFrame')}:9: MD033: Inline HTML "
                    "[Element: IFrame] (no-inline-html)")
    assert reported == expected, result.stdout
    assert rules_in(result.stdout) == {"MD033", "MD010"}  # and the hard tabs, as for any tab
    assert result.returncode == 1
