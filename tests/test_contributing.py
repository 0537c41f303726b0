"""The contributors' and developers' documents stay true to what they describe: the workflows,
the Makefile, the template, the credit fields, and every message of the chapter checks.

CONTRIBUTING.md is for educators, README.md for anyone arriving, DEVELOPMENT.md for maintainers.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import yaml
from markdown.extensions.toc import slugify

from ebook.model.credits import LICENCES, PAGE_FIELDS, WORK_KEYS
from tests.helpers import ROOT

import new_chapter  # noqa: E402

GUIDE = ROOT / "CONTRIBUTING.md"
TEXT = GUIDE.read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
DEVELOPMENT = (ROOT / "DEVELOPMENT.md").read_text(encoding="utf-8")
CODE_BLOCK = re.compile(r"^ *```.*?^ *```", re.S | re.M)


def headings(text: str) -> list[str]:
    return re.findall(r"^#{2,4} (.+)$", CODE_BLOCK.sub("", text), re.M)


def prose(text: str) -> str:
    """A document's prose, without its examples (code blocks and `inline code`)."""
    return re.sub(r"`[^`\n]*`", "", CODE_BLOCK.sub("", text))


def squashed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def section(text: str, heading: str) -> str:
    """From the heading to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(f"\n{heading}\n")
    following = re.compile(rf"^#{{1,{len(level)}}} ", re.M)
    end = next((m.start() for m in following.finditer(text, start + len(heading) + 2)
                if not _in_code_block(text, m.start())), len(text))
    return text[start:end]


def _in_code_block(text: str, position: int) -> bool:
    return any(m.start() < position < m.end() for m in CODE_BLOCK.finditer(text))


HEADINGS = headings(TEXT)
CI = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
(CI_JOB,) = CI["jobs"].values()
REQUIRED_CHECK = f"{CI['name']} / {CI_JOB['name']}"


# --- README ------------------------------------------------------------------------------------


def test_readme_starts_with_the_book_its_credit_and_the_two_commands() -> None:
    intro = README[:README.index("```")]
    for credit in ("Post-Secondary Peer Support Training Curriculum", "Jenn Cusick", "BCcampus",
                   "2022", "CC BY 4.0"):
        assert credit in intro, credit
    first_block = CODE_BLOCK.search(README).group(0)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:-1]]
    assert commands == ["make book", "make test"]  # .ci/run runs the README's test command


def test_readme_gives_preview_contribute_and_licences_first_then_the_developers_document() -> None:
    assert headings(README)[:3] == ["Preview while you write", "Contribute", "Licences"]
    for target in ("CONTRIBUTING.md", "DEVELOPMENT.md", "LICENSE-CONTENT.md", "LICENSE"):
        assert f"]({target})" in README, target
    assert README.index("](DEVELOPMENT.md)") > README.index("## Licences")
    assert "make serve" in section(README, "## Preview while you write")
    assert "make chapter" in section(README, "## Contribute")


def test_the_make_chapter_examples_name_the_file_make_chapter_creates() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\nchapter:"):].split("\n\n")[0]
    for variable in ("TITLE", "AUTHOR", "SLUG"):
        assert f"{variable}=$(call shell_quote,{variable})" in recipe, variable
    for document in (README, TEXT):
        for title, created in re.findall(
                r'make chapter TITLE="([^"]+)" AUTHOR="[^"]+"`?\s.*?(docs/chapters/[\w-]+\.md)',
                document, re.S):
            assert created == f"docs/chapters/{new_chapter.slugify(title)}.md"
    assert "SLUG=" in TEXT
    # The example's author is a name, not the template's placeholder, which the checks refuse.
    author = new_chapter.template_author((ROOT / "templates" / "chapter.md").read_text(encoding="utf-8"))
    assert f'AUTHOR="{author}"' not in README + TEXT


# --- Links -------------------------------------------------------------------------------------


def test_links_in_the_documents_reach_a_file_and_a_heading() -> None:
    documents = {"CONTRIBUTING.md": TEXT, "README.md": README, "DEVELOPMENT.md": DEVELOPMENT}
    anchors = {name: {slugify(h, "-") for h in headings(text)} for name, text in documents.items()}
    count = 0
    for name, text in documents.items():
        for target in re.findall(r"\]\(([^)\s]+)\)", prose(text)):
            count += 1
            if target.startswith("https://"):
                continue
            path, _, anchor = target.partition("#")
            assert (ROOT / (path or name)).exists(), (name, target)
            if anchor:
                assert anchor in anchors[path or name], (name, target)
    assert count > 20
    for target in ("templates/chapter.md", "mkdocs.yml", ".codespell-words", ".pymarkdown.json"):
        assert (ROOT / target).exists(), target
    assert "Chapter checks" in HEADINGS


def test_sections_the_checks_messages_name_exist_in_the_guide() -> None:
    """A message that says 'see "X" in CONTRIBUTING.md' sends the contributor to a heading."""
    named = set()
    for path in (ROOT / "hooks").rglob("*.py"):
        named |= set(re.findall(r'\\?"([^"\\]+)\\?" in CONTRIBUTING\.md', path.read_text(encoding="utf-8")))
    assert named
    for heading in named:
        assert heading in HEADINGS, heading


# --- The checks on GitHub ----------------------------------------------------------------------


def _step_running(command: str) -> dict:
    (step,) = [s for s in CI_JOB["steps"]
               if any(line.split() == command.split() or line.startswith(f"{command} ")
                      for line in s.get("run", "").splitlines())]
    return step


def test_guide_names_the_checks_as_contributors_see_them_on_github() -> None:
    assert f"**{REQUIRED_CHECK}**" in squashed(TEXT)
    steps = [_step_running(command) for command in ("make book", "make lint", "make test")]
    order = [CI_JOB["steps"].index(step) for step in steps]
    assert order == sorted(order)  # build, lint, test
    # Each step has its section, in the order the workflow runs them.
    assert [HEADINGS.index(step["name"]) for step in steps] == sorted(HEADINGS.index(s["name"]) for s in steps)
    upload = next(s for s in CI_JOB["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"].startswith("book-preview-") and "`book-preview-pr-`" in TEXT
    assert upload["with"]["retention-days"] == 14 and "keep it for two weeks" in TEXT


def test_guide_says_the_preview_comes_whenever_the_book_builds() -> None:
    steps = CI_JOB["steps"]
    book, lint, test = (_step_running(c) for c in ("make book", "make lint", "make test"))
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert steps.index(book) < steps.index(upload) < steps.index(lint) < steps.index(test)
    assert upload["if"] == f"steps.{book['id']}.outcome == 'success'"
    for step in (lint, test):  # they run whatever happened before them
        assert "!cancelled()" in step["if"]
    link = next(s for s in steps if s.get("env", {}).get("PREVIEW_URL"))
    assert "The book built with no problems" in link["run"]
    checks = squashed(section(TEXT, "## The checks"))
    assert "**build**" in checks and "**upload**" in checks and "**lint**" in checks and "**test**" in checks
    assert "even if lint or tests fail afterwards" in checks
    assert '"The book built with no problems"' in squashed(section(TEXT, "## Preview your change"))
    # The annotations and the summary the guide promises.
    assert "book-problems.json" in book["run"] and "annotation" in checks and "**Summary**" in checks
    summary = next(s for s in steps if "book-summary.py" in s.get("run", ""))
    assert "GITHUB_STEP_SUMMARY" in summary["run"]


def test_guide_tells_a_first_time_contributor_that_the_checks_wait_for_approval() -> None:
    first = squashed(section(TEXT, "### Your first pull request waits for a maintainer"))
    assert "approve" in first and "**This is normal**" in first
    events = CI[True] if True in CI else CI["on"]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in events and "pull_request_target" not in events


def test_guide_says_what_a_maintainer_sets_up_once() -> None:
    setup = squashed(section(TEXT, "### What to set up once, on GitHub"))
    pages = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert "actions/deploy-pages@" in pages and "**Source** to **GitHub Actions**" in setup
    assert "**Settings → Actions → General**" in setup and "**Workflow permissions**" in setup
    assert "**Require approval for first-time contributors**" in setup
    assert f"require **{REQUIRED_CHECK}**" in setup and f"**{CI_JOB['name']}**" in setup
    audit = yaml.safe_load((ROOT / ".github" / "workflows" / "audit.yml").read_text(encoding="utf-8"))
    # The audit runs only when .github/ changes: a required check that never starts blocks merges.
    events = audit[True] if True in audit else audit["on"]
    assert events["pull_request"]["paths"] == [".github/**"]
    assert f"Never require the **{audit['name']}** workflow's check" in setup


# --- Adding a chapter --------------------------------------------------------------------------


def test_guide_adds_the_chapter_and_its_nav_line_in_the_same_pull_request() -> None:
    adding = squashed(section(TEXT, "## Add a new chapter"))
    assert "**in the same pull request**" in adding
    browser = section(TEXT, "### In your browser")
    steps = re.findall(r"^\d+\. \*\*(.+?)\*\*", browser, re.M)
    create = next(i for i, s in enumerate(steps) if "Create the chapter's file" in s)
    nav = next(i for i, s in enumerate(steps) if "nav:" in s)
    pull_request = next(i for i, s in enumerate(steps) if s.startswith("Open the pull request"))
    assert create < nav < pull_request
    # The guide's nav: example is the real one, with the new chapter added last.
    example = yaml.safe_load(next(b for b in re.findall(r"```yaml\n(.*?)```", browser, re.S)))
    real = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n")[1]
                          .split("\n\n")[0].join(["nav:\n", "\n"]).replace("!ENV", ""))
    example_chapters = example["nav"][1]["Chapters"]
    real_chapters = next(item["Chapters"] for item in real["nav"] if isinstance(item, dict) and "Chapters" in item)
    # In any order the book's chapters are in: the example's are the book's own, the chapters'
    # page first.
    assert example["nav"][0] == real["nav"][0]
    assert example_chapters[0] == real_chapters[0] and set(example_chapters[1:-1]) <= set(real_chapters)
    assert example_chapters[-1] == "chapters/active-listening.md"  # the new one, last
    terminal = squashed(section(TEXT, "### With a terminal: `make chapter`"))
    assert "git add docs/chapters/active-listening.md mkdocs.yml" in terminal
    # The checks of a change to pages, as `make chapter`'s next steps say too; not `make test`.
    assert "`make serve`" in terminal and "`make check-content`" in terminal and "`make test`" not in terminal


def test_guide_leaves_the_chapter_lists_to_the_build() -> None:
    from ebook.site.chapter_list import MARKER

    adding = section(TEXT, "## Add a new chapter")
    assert f"`{MARKER}`" in adding and "You do not edit the lists of chapters" in adding
    for page in ("docs/index.md", "docs/chapters/index.md"):
        assert MARKER in (ROOT / page).read_text(encoding="utf-8").splitlines(), page
        assert page not in adding  # no step asks a contributor to edit them
    assert f"`{MARKER}`" in DEVELOPMENT


def test_guide_says_the_checks_refuse_the_templates_sample_text() -> None:
    writing = squashed(section(TEXT, "### Write the chapter"))
    assert "description" in writing and "every sample sentence" in writing
    assert "**The checks stop the build while any of the template's sample text is left**" in writing


def test_image_rule_has_one_correct_example_that_resolves() -> None:
    example = "![Alt text describing the image](../images/file-name.png)"
    assert example in TEXT
    target = PurePosixPath("docs/chapters") / "../images/file-name.png"
    assert re.sub(r"[^/]+/\.\./", "", str(target)) == "docs/images/file-name.png"
    # The build's own hint for a missing image gives the same path.
    assert "../images/file-name.png" in (PACKAGE / "checks" / "mkdocs_warnings.py").read_text(encoding="utf-8")
    # Every image a good example shows is in docs/images/, reached from a chapter.
    for block in CODE_BLOCK.findall(TEXT):
        good = re.split(r"Bad", block)[0]
        for src in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", good):
            assert src.startswith("../images/"), src


def test_the_images_folder_the_guide_names_is_there_to_upload_into() -> None:
    """GitHub's upload page reaches only a folder the repository has: docs/images/ holds a file
    that keeps it there, which MkDocs leaves out of the book."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    images = squashed(section(TEXT, "## How a chapter is written"))
    assert "`docs/images/`" in images and "click **Add file**, then **Upload files**" in images
    folder = ROOT / "docs" / "images"
    kept = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    assert kept, "docs/images/ is not in the repository, so a contributor cannot upload into it"
    files = {f.src_uri: f for f in get_files(load_config(str(ROOT / "mkdocs.yml")))}
    placeholder = files["images/.gitkeep"]
    assert placeholder.inclusion.is_excluded()


def test_guide_shows_lints_one_line_when_all_is_well(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("# A page\n\nSome text.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "lint.py"), "--code", "page.md"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # The example counts N files: a number would go stale with every file the book gains.
    assert "1 file and" in result.stdout
    assert result.stdout.strip().replace("1 file", "N files") in TEXT.splitlines(), result.stdout
    assert not re.search(r"^Lint: \d+ files? ", TEXT, re.M)
    assert re.search(r"`docs/chapters/[\w-]+\.md:\d+:\d+: MD\d{3}: ", TEXT)


def lint_table_rules() -> set[str]:
    """The rules the guide's table of Markdown lint messages explains."""
    table = section(TEXT, "### Lint the pages (Markdown and spelling)")
    return {rule for row in table.splitlines() if row.startswith("| MD")
            for rule in re.findall(r"MD\d{3}", row.split(" | ")[0])}


# Mistakes a contributor makes, each with what lint reports (a page of its own each).
LINT_MISTAKES = {
    "an element the build refuses": ("# A page\n\n<iframe src=\"https://example.org/\"></iframe>\n", "MD033"),
    "a tab in place of four spaces in a box": ("# A page\n\n!!! note \"A box\"\n\n\tIts text.\n", "MD010"),
}


def test_the_lint_table_explains_what_lint_reports_for_common_mistakes(tmp_path: Path) -> None:
    for name, (text, _) in LINT_MISTAKES.items():
        (tmp_path / f"{re.sub(r'[^a-z]+', '-', name)}.md").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "lint.py"), "."],
                            cwd=tmp_path, capture_output=True, text=True)
    reported = set(re.findall(r":\d+:\d+: (MD\d{3}):", result.stdout))
    assert reported == {rule for _, rule in LINT_MISTAKES.values()}, result.stdout
    assert reported <= lint_table_rules(), result.stdout


def test_guide_says_one_thing_about_raw_html_and_lists_the_elements_the_build_allows() -> None:
    from ebook.checks.html_allowlist import ALLOWED_ELEMENTS

    assert "No HTML" not in TEXT
    writing = squashed(section(TEXT, "## How a chapter is written"))
    assert "**No scripts, and HTML only where" in writing and "[Raw HTML](#raw-html)" in writing
    for example in re.findall(r"`<(\w+)>`", writing):
        assert example in ALLOWED_ELEMENTS, example
    raw = squashed(section(TEXT, "### Raw HTML"))
    listed = raw[raw.index("**Elements:**"):raw.index("No `<script>`")]
    names = set(re.findall(r"`([a-z][a-z0-9]*)`", listed))
    assert "`h1`–`h6`" in listed
    assert names | {f"h{n}" for n in range(2, 6)} == ALLOWED_ELEMENTS


def test_guide_lists_every_attribution_field_and_licence_the_build_accepts() -> None:
    credit = TEXT[TEXT.index("## Credit adapted material"):TEXT.index("## Preview your change")]
    for field in PAGE_FIELDS | WORK_KEYS:
        assert f"{field}:" in credit or f"`{field}`" in credit, field
    assert re.findall(r"`(CC[-A-Z0-9.]+)`", credit) == list(LICENCES)


# --- Every message of the chapter checks, in the table -----------------------------------------

# The modules whose messages a contributor reads in the chapter checks' report.
# The package under hooks/ that holds the generator's logic.
PACKAGE = ROOT / "hooks" / "ebook"
CHECK_MODULES = (*(path.relative_to(PACKAGE).as_posix() for path in sorted((PACKAGE / "checks").glob("*.py"))),
                 "model/credits.py", "model/glyphs.py")
# Text in those modules that has the shape of a message but is none: not a problem a page can have.
NOT_MESSAGES = {
    "---\ntitle": "the example of a front matter that a message shows",
    "extra.book": "mkdocs.yml's book settings: a maintainer's mistake, stopping the build at once",
    "extra.book.chapter_template": "the same, for the template's path",
    "use one of": "a part of the admonition message's fix, not a message",
    "text-align": "the one style attribute pages may hold (html_allowlist.ALIGNMENTS)",
    "You may {}{} under the terms of that licence": "the copyright page's words on what the edition's licence allows (Licence.reuse_text)",
    "Original work": "the credit every printed page carries at its foot (Credits.page_credit_lines)",
    "put a value that contains '": "a part of the front matter messages' fix (front_matter._QUOTE_VALUES), not a message",
}


def message_templates() -> list[tuple[str, int, str]]:
    """Every message the checks can print, as (module, line, text), the parts that vary as {}.

    A message is a string with a colon and a space between what is wrong and how to fix it;
    docstrings, regular expressions and HTML are left out.
    """
    found = []
    for module in CHECK_MODULES:
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        skip: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                    and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))  # a docstring
            if isinstance(node, ast.JoinedStr):
                skip |= {id(part) for part in ast.walk(node) if part is not node}
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr):
                text = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
            else:
                continue
            if ": " in text and "(?" not in text and "</" not in text and re.search(r"[a-z]{3}", text):
                found.append((module, node.lineno, text))
    return found


def what_is_wrong(template: str) -> str:
    """A message's first part, before the fix: e.g. "image '{}' has no alt text"."""
    text = re.sub(r"^(?:\{\}[.:]?)+ ?", "", template)  # where the problem is, e.g. "{file}: "
    cuts = [m.start() for m in re.finditer(": ", text) if m.start() >= 6]  # not "nav: lists"
    return (text[:cuts[0]] if cuts else text).rstrip(".")


def as_pattern(wrong: str) -> re.Pattern[str]:
    return re.compile(".+?".join(re.escape(part) for part in wrong.split("{}")))


def table_rows() -> list[str]:
    """The first cell of each row of the guide's tables of messages."""
    table = section(TEXT, "### Every message and its fix")
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return [squashed(row.split(" | ")[0].removeprefix("| ")) for row in rows]


def test_the_table_names_every_check_of_the_chapter_checks() -> None:
    """A new check without a row in the table fails here: its message is found in the code."""
    templates = message_templates()
    assert len(templates) > 40
    rows = table_rows()
    missing = []
    for module, line, template in templates:
        wrong = what_is_wrong(template)
        if wrong in NOT_MESSAGES or not re.search(r"[a-z]{3}", wrong.replace("{}", "")):
            continue
        if not any(as_pattern(wrong).search(row) for row in rows):
            missing.append(f"hooks/ebook/{module}:{line}: {wrong}")
    assert not missing, "CONTRIBUTING.md's table of messages lacks:\n" + "\n".join(missing)


def test_every_row_of_the_table_is_a_message_the_checks_print() -> None:
    patterns = [as_pattern(what_is_wrong(t)) for _, _, t in message_templates()
                if what_is_wrong(t) not in NOT_MESSAGES and len(what_is_wrong(t)) > 20]
    rows = table_rows()
    assert len(rows) > 40
    for row in rows:
        assert any(p.search(row) for p in patterns), row


def test_the_table_follows_the_fixture_of_every_rule() -> None:
    """Each rule's fixture book (tests/fixtures/check-*) prints a message the table explains."""
    from tests.test_checks_fixtures import ONE_PROBLEM

    rows = table_rows()
    for case, (_, _, words) in ONE_PROBLEM.items():
        # The fixture's own quoted text (a file name, a title) stands for any.
        parts = re.split(r"'[^']*'|\"[^\"]*\"", words[0])
        pattern = re.compile(".+?".join(re.escape(part) for part in parts))
        assert any(pattern.search(row) for row in rows), (case, words[0])


# --- DEVELOPMENT.md ----------------------------------------------------------------------------


def test_development_names_every_hook_every_verb_and_every_variable() -> None:
    organised = section(DEVELOPMENT, "### The package and its hooks")
    for path in sorted((ROOT / "hooks").glob("*.py")):
        assert f"| `{path.name}` |" in organised, path.name
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    verbs = re.findall(r"^## (\w+):", makefile, re.M)
    assert "book" in verbs and "chapter" in verbs
    for verb in verbs:
        assert f"`make {verb}`" in DEVELOPMENT, verb
    variables = set(re.findall(r"!ENV \[(\w+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8")))
    for path in (ROOT / "hooks").rglob("*.py"):
        variables |= set(re.findall(r'"((?:BOOK|SOURCE_DATE)_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    assert {"SITE_URL", "BOOK_EXPORTS", "SOURCE_DATE_EPOCH"} <= variables
    for variable in variables:
        assert f"`{variable}`" in DEVELOPMENT, variable


def test_development_describes_the_two_kinds_of_tests_and_the_marker() -> None:
    pytest_ini = (ROOT / "pytest.ini").read_text(encoding="utf-8")
    assert re.search(r"^\s+book: ", pytest_ini, re.M)
    tests = squashed(section(DEVELOPMENT, "## Tests"))
    assert "`book`" in tests and "`tests/test_grow_book.py`" in tests and "make test PYTEST_ARGS=-q" in tests
    assert "`tests/conftest.py`" in tests
