"""The repository's automation (.github/): valid, hardened, and doing what contributors rely on.

Everything here runs offline: the JSON schemas ship with check-jsonschema, zizmor runs with
--offline, actionlint reads the files alone, and the rules in tests/workflow_rules.py read the
YAML. The workflows' logic is tested by evaluating their `if:` conditions step by step, by
running their build and summary scripts as the runner does, and by applying the problem matcher
to the output of real builds of broken fixture books.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import checks_needed
import new_chapter
import pytest
import yaml

from tests import workflow_rules as rules
from tests.helpers import FIXTURES, ROOT, build_fixture, build_pages
from tests.test_checks_fixtures import ONE_PROBLEM

GITHUB = ROOT / ".github"
WORKFLOW_FILES = sorted((GITHUB / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent
MATCHER_FILE = GITHUB / "book-problems.json"
SUMMARY_SCRIPT = GITHUB / "book-summary.py"
REPORT_HEADING = re.compile(r"The book has (\d+) problems? to fix:")


def tool(name: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], cwd=cwd, capture_output=True, text=True)


def workflow(name: str) -> rules.Workflow:
    return rules.load(GITHUB / "workflows" / name)


def step_named(job: dict[str, Any], uses_prefix: str) -> dict[str, Any]:
    found = [s for s in job["steps"] if str(s.get("uses", "")).startswith(uses_prefix + "@")]
    assert len(found) == 1, f"expected one {uses_prefix} step"
    return found[0]


def step_with_id(job: dict[str, Any], step_id: str) -> dict[str, Any]:
    (found,) = [s for s in job["steps"] if s.get("id") == step_id]
    return found


def matcher() -> dict[str, Any]:
    (entry,) = json.loads(MATCHER_FILE.read_text(encoding="utf-8"))["problemMatcher"]
    return entry


def annotations(output: str) -> list[dict[str, Any]]:
    """What GitHub makes of each output line, as the runner applies book-problems.json."""
    (pattern,) = matcher()["pattern"]
    regexp = re.compile(pattern["regexp"])
    found = []
    for line in output.splitlines():
        if m := regexp.match(line):
            found.append({key: m.group(pattern[key]) for key in ("file", "line", "column", "message")
                          if key in pattern} | {"text": line})
    return found


def test_the_three_workflows_exist() -> None:
    assert [p.name for p in WORKFLOW_FILES] == ["audit.yml", "ci.yml", "pages.yml"]


# --- Validators --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", [str(p.relative_to(ROOT)) for p in WORKFLOW_FILES]),
        ("custom.github-workflows-require-timeout", [str(p.relative_to(ROOT)) for p in WORKFLOW_FILES]),
        ("vendor.dependabot", [".github/dependabot.yml"]),
        ("vendor.github-issue-forms", [
            ".github/ISSUE_TEMPLATE/content-correction.yml",
            ".github/ISSUE_TEMPLATE/accessibility-barrier.yml",
        ]),
        ("vendor.github-issue-config", [".github/ISSUE_TEMPLATE/config.yml"]),
    ],
)
def test_files_match_githubs_json_schemas(schema: str, files: list[str]) -> None:
    result = tool("check-jsonschema", "--builtin-schema", schema, *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_offline() -> None:
    result = tool("zizmor", "--offline", "--persona", "regular", ".github/", ".github/dependabot.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout
    # It really read every file (a wrong path would also report no findings).
    for path in [*WORKFLOW_FILES, GITHUB / "dependabot.yml"]:
        assert f"completed {path.relative_to(ROOT)}" in result.stderr


needs_actionlint = pytest.mark.skipif(
    sys.platform != "linux", reason="actionlint is installed on Linux only (requirements.in)")


@needs_actionlint
def test_actionlint_finds_nothing() -> None:
    result = tool("actionlint", "-oneline", *(str(p.relative_to(ROOT)) for p in WORKFLOW_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


@needs_actionlint
def test_actionlint_reads_the_conditions_the_workflow_relies_on(tmp_path: Path) -> None:
    """A misspelt step id in a condition is not an error for GitHub (it reads ''): actionlint
    catches it, so the preview's condition cannot silently become always false."""
    broken = tmp_path / "ci.yml"
    text = (GITHUB / "workflows" / "ci.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("if: steps.book.outcome == 'success'", "if: steps.bok.outcome == 'success'"),
                      encoding="utf-8")
    result = tool("actionlint", "-oneline", str(broken), cwd=tmp_path)
    assert result.returncode == 1 and 'property "bok" is not defined' in result.stdout, result.stdout


# --- The project's hardening rules -----------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflow_follows_every_hardening_rule(path: Path) -> None:
    assert rules.problems(rules.load(path)) == []


def test_each_action_is_pinned_to_one_commit_everywhere() -> None:
    assert rules.consistency_problems([rules.load(p) for p in WORKFLOW_FILES]) == []


def test_every_rule_catches_the_insecure_workflow() -> None:
    """The rules above can fail: each one reports what the insecure fixture does wrong."""
    bad = rules.load(FIXTURES / "workflows" / "insecure.yml")
    found = {rule.__name__: rule(bad) for rule in rules.RULES}
    assert found["pinning_problems"] == [
        "insecure.yml: job build, step 1: actions/checkout@v4 is not pinned to a full 40-character commit SHA",
        "insecure.yml: job build, step 2: actions/setup-python@a309ff8b426b58ec0e2a45f0f869d46889d02405 "
        "needs a '# vX.Y.Z' comment naming its release",
    ]
    assert found["permission_problems"] == [
        "insecure.yml: the top level must say 'permissions: {}'",
        "insecure.yml: job build: list the job's permissions as a mapping (found None)",
        "insecure.yml: job deploy: contents: write is only allowed on the Pages deploy job",
    ]
    assert found["checkout_problems"] == [
        "insecure.yml: job build, step 1: actions/checkout needs 'persist-credentials: false'"
    ]
    assert found["timeout_problems"] == [
        "insecure.yml: job build: set 'timeout-minutes' to at most 60 (found None)",
        "insecure.yml: job deploy: set 'timeout-minutes' to at most 60 (found 600)",
    ]
    assert [p.split("'")[1] for p in found["trigger_problems"]] == ["pull_request_target", "workflow_run"]
    assert found["run_expression_problems"] == [
        "insecure.yml: job build, step 3: ${{ github.event.pull_request.title }} inside 'run:'; "
        "pass it through 'env:'"
    ]
    assert found["concurrency_problems"] == ["insecure.yml: a deploying workflow needs a 'concurrency' group"]
    assert found["token_problems"] == [
        "insecure.yml: job build, step 4: a token is given to the repository's own code; "
        "use a pinned action, or a workflow of the base branch",
        "insecure.yml: job build, step 5: zizmorcore/zizmor-action holds a token after step 3 ran "
        "the repository's code; move it before, or into a job of its own",
        "insecure.yml: job deploy: a token in the job's 'env:' reaches every step",
    ]
    mixed = rules.Workflow(Path("other.yml"), "", {"jobs": {"a": {"steps": [
        {"uses": "actions/checkout@" + "0" * 40}]}}})
    assert rules.consistency_problems([rules.load(GITHUB / "workflows" / "ci.yml"), mixed])


def test_jobs_have_exactly_the_permissions_they_need() -> None:
    granted = {
        (path.name, job_id): job.get("permissions")
        for path in WORKFLOW_FILES
        for job_id, job in rules.load(path).jobs.items()
    }
    assert granted == {
        ("audit.yml", "zizmor"): {"contents": "read"},
        ("ci.yml", "check"): {"contents": "read"},
        ("pages.yml", "build"): {"contents": "read", "pages": "read"},
        ("pages.yml", "deploy"): {"pages": "write", "id-token": "write"},
    }


def test_only_pinned_actions_hold_a_token_and_before_any_repository_code() -> None:
    """No token reaches a program that the pull request installed."""
    held = {
        (path.name, job_id): [str(s.get("uses", "run")).partition("@")[0] for s in job["steps"] if rules.holds_token(s)]
        for path in WORKFLOW_FILES
        for job_id, job in rules.load(path).jobs.items()
    }
    assert held == {
        ("audit.yml", "zizmor"): ["actions/checkout", "zizmorcore/zizmor-action"],
        ("ci.yml", "check"): ["actions/checkout", "actions/setup-python"],
        ("pages.yml", "build"): ["actions/checkout", "actions/configure-pages", "actions/setup-python"],
        ("pages.yml", "deploy"): ["actions/deploy-pages"],
    }
    # Nothing in the pull request's checks runs zizmor online: that is audit.yml's action.
    for job in workflow("ci.yml").jobs.values():
        assert not [s for s in job["steps"] if "zizmor" in s.get("run", "")]


# --- The checks: build first, then the preview, then lint and tests ---------------------------


CHECK = workflow("ci.yml").jobs["check"]


def test_checks_run_on_pull_requests_main_and_weekly() -> None:
    ci = workflow("ci.yml")
    assert set(ci.triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert ci.triggers["push"] == {"branches": ["main"]}
    (cron,) = [entry["cron"] for entry in ci.triggers["schedule"]]
    minute, hour, day_of_month, month, day_of_week = cron.split()
    assert (day_of_month, month) == ("*", "*") and day_of_week.isdigit()  # once a week


def makes_that_run(tests: str) -> list[tuple[int, str]]:
    """(step index, command) of each `make` the check job runs when the decision is `tests`."""
    steps = CHECK["steps"]
    outcomes = rules.run_job(CHECK, outputs={"changes": {"tests": tests}})
    return [(steps.index(s), line.strip()) for s in steps for line in s.get("run", "").splitlines()
            if line.strip().startswith("make ") and outcomes[s.get("id") or s["name"]] == "success"]


@pytest.mark.parametrize(("tests", "test_step"), [("full", "test"), ("content", "test-content")])
def test_the_book_is_built_first_then_uploaded_then_linted_and_tested(tests: str, test_step: str) -> None:
    steps = CHECK["steps"]
    assert step_named(CHECK, "actions/setup-python")["with"] == {"python-version-file": ".python-version"}
    makes = makes_that_run(tests)
    assert [command for _, command in makes] == [
        "make setup",
        'make book 2>&1 | tee "$RUNNER_TEMP/book.log"',
        "make lint",
        # Short pytest output: the Makefile passes PYTEST_ARGS to pytest.
        f"make {test_step} PYTEST_ARGS=-q",
    ]
    order = [index for index, _ in makes]
    upload = steps.index(step_named(CHECK, "actions/upload-artifact"))
    decide = steps.index(step_with_id(CHECK, "changes"))
    assert decide < order[0] < order[1] < upload < order[2] < order[3]
    assert [steps[i].get("id") for i in order] == ["setup", "book", "lint", test_step]

    preview = steps[upload]
    assert preview["with"]["path"] == "site/"
    assert preview["with"]["name"].startswith("book-preview-")
    assert "format('pr-{0}', github.event.pull_request.number)" in preview["with"]["name"]
    assert preview["with"]["if-no-files-found"] == "error"


STEPS_FOLLOWED = ("setup", "book", "summary", "preview", "lint", "test")


def check_outcomes(*failing: str, tests: str = "full") -> dict[str, str]:
    """The outcomes of the job's main steps; `test` is the step of the tests the decision chose."""
    chosen = {"full": "test", "content": "test-content"}[tests]
    outcomes = rules.run_job(CHECK, {chosen if name == "test" else name for name in failing},
                             {"changes": {"tests": tests}})
    return {key: outcomes[chosen if key == "test" else key] for key in STEPS_FOLLOWED}


@pytest.mark.parametrize("tests", ["full", "content"])
@pytest.mark.parametrize(
    ("failing", "expected"),
    [
        ((), dict(setup="success", book="success", summary="skipped", preview="success", lint="success", test="success")),
        # A chapter with a problem: its report in the summary, no preview, and lint and tests still run.
        (("book",), dict(setup="success", book="failure", summary="success", preview="skipped", lint="success", test="success")),
        # Lint or tests failing keep the preview and each other's results.
        (("lint",), dict(setup="success", book="success", summary="skipped", preview="success", lint="failure", test="success")),
        (("test",), dict(setup="success", book="success", summary="skipped", preview="success", lint="success", test="failure")),
        (("book", "lint"), dict(setup="success", book="failure", summary="success", preview="skipped", lint="failure", test="success")),
        # Without the packages nothing can run.
        (("setup",), dict(setup="failure", book="skipped", summary="skipped", preview="skipped", lint="skipped", test="skipped")),
    ],
    ids=["all-pass", "book-fails", "lint-fails", "tests-fail", "book-and-lint-fail", "setup-fails"],
)
def test_each_step_runs_when_the_steps_before_it_allow(
        failing: tuple[str, ...], expected: dict[str, str], tests: str) -> None:
    """The job's `if:` conditions, evaluated as GitHub does for each way the job can go, on
    either path: the content tests or the whole suite."""
    assert check_outcomes(*failing, tests=tests) == expected


def test_the_condition_reader_follows_githubs_rules() -> None:
    """The reader behind the test above: a step without a status function needs every earlier
    step to have succeeded; `!cancelled()` runs after a failure; an unknown step reads ''."""
    job = {"steps": [
        {"id": "a", "run": "x"},
        {"id": "plain", "run": "x"},
        {"id": "after", "if": "${{ !cancelled() }}", "run": "x"},
        {"id": "only-if-a-failed", "if": "failure() && steps.a.outcome == 'FAILURE'", "run": "x"},
        {"id": "typo", "if": "${{ !cancelled() && steps.nope.outcome == 'success' }}", "run": "x"},
        {"id": "either", "if": "${{ always() && (steps.a.outcome != 'success' || steps.plain.outcome == 'skipped') }}", "run": "x"},
    ]}
    assert rules.run_job(job, {"a"}) == {
        "a": "failure", "plain": "skipped", "after": "success", "only-if-a-failed": "success",
        "typo": "skipped", "either": "success"}
    assert rules.run_job(job) == {
        "a": "success", "plain": "success", "after": "success", "only-if-a-failed": "skipped",
        "typo": "skipped", "either": "skipped"}
    with pytest.raises(ValueError):
        rules.run_job({"steps": [{"if": "contains(github.ref, 'main')", "run": "x"}]})
    # An output is read from the step that set it; a step that did not run set none.
    reads = {"steps": [{"id": "a", "run": "x"}, {"id": "b", "if": "steps.a.outputs.tests == 'full'", "run": "x"},
                       {"id": "c", "if": "${{ !cancelled() && steps.a.outputs.tests != 'content' }}", "run": "x"}]}
    assert rules.run_job(reads, outputs={"a": {"tests": "full"}}) == {"a": "success", "b": "success", "c": "success"}
    assert rules.run_job(reads, outputs={"a": {"tests": "content"}}) == {"a": "success", "b": "skipped", "c": "skipped"}
    assert rules.run_job(reads, {"a"}, {"a": {"tests": "content"}})["c"] == "skipped"


# --- The tests a change needs: the content path or the whole suite ----------------------------


@pytest.mark.parametrize("changed", [
    ["docs/chapters/connection-disconnection-reconnection.md"],
    ["docs/index.md", "docs/chapters/a-new-chapter.md", "docs/images/circle.png", "docs/images/map.JPG", "docs/favicon.ico"],
    [],  # nothing to check but the book itself
])
def test_a_change_of_pages_and_images_alone_takes_the_content_path(changed: list[str]) -> None:
    assert checks_needed.tests_needed(changed)[0] == "content"


@pytest.mark.parametrize("path", [
    # The generator, its templates, its tests, its settings and dependencies, its automation.
    "hooks/book.py", "hooks/ebook/site/pages.py", "tests/test_site.py",
    "tests/fixtures/check-duplicate-title/docs/index.md", "overrides/print/base.html", "templates/chapter.md",
    "requirements.txt", "requirements.in", "package.json", "package-lock.json", "Makefile",
    "mkdocs.yml",  # unless only its nav: changed (below)
    ".github/workflows/ci.yml", ".github/book-problems.json", "scripts/checks_needed.py",
    "CONTRIBUTING.md",  # its table of messages is held to the code by tests
    # The reading site's own code, served from docs/, and what is neither a page nor an image.
    "docs/stylesheets/extra.css", "docs/javascripts/journal.js", "docs/fonts/literata/literata.css",
    "docs/robots.txt", "docs/images/map.svg", "docs.md", "documents/a.md",  # (the build refuses SVG)
])
def test_any_other_file_takes_the_whole_suite_even_beside_pages(path: str) -> None:
    assert checks_needed.tests_needed([path])[0] == "full"
    assert checks_needed.tests_needed(["docs/index.md", path, "docs/images/a.png"])[0] == "full"


# The book's configuration with a nav: of its own, so that these tests hold whatever chapters
# the book has.
FIXED_NAV = """nav:
  - Home: index.md
  - Chapters:
      - chapters/index.md
      - chapters/listening.md
  - About this book: about.md
"""
CONFIG_TEXT, _navs = re.subn(r"^nav:[^\n]*\n(?:(?:[ #][^\n]*)?\n)*", FIXED_NAV + "\n",
                             (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.M)
assert _navs == 1
NAV_LINE = "      - chapters/listening.md\n"


def with_nav_line(config: str, line: str) -> str:
    """The configuration with a line added under the first chapter in `nav:`."""
    return config.replace(NAV_LINE, NAV_LINE + line, 1)


def with_setting(config: str, old: str, new: str) -> str:
    assert old in config
    return config.replace(old, new, 1)


@pytest.mark.parametrize("changed", [
    new_chapter.add_to_nav(CONFIG_TEXT, "chapters/active-listening.md").text,  # as `make chapter` adds it
    CONFIG_TEXT.replace("      - chapters/index.md\n", "      - chapters/index.md\n      - chapters/first.md\n"),
    with_nav_line(CONFIG_TEXT, "      - Écoute active: chapters/ecoute-active.md  # a comment\n"),
    with_nav_line(CONFIG_TEXT, """      - "Listening: a \\"practice\\"": chapters/listening-2.md\n"""),
    with_nav_line(CONFIG_TEXT, "      - 'It''s 9:30, C# time': 'chapters/late.md'\n"),
    with_nav_line(CONFIG_TEXT, "      - Q&A, and more: chapters/qa.md\n\n"),
    CONFIG_TEXT.replace(NAV_LINE, ""),  # a chapter taken out
    CONFIG_TEXT.replace("\n", "\r\n"),  # line ends as Windows writes them
])
def test_a_change_of_the_nav_alone_is_a_change_of_the_book(changed: str) -> None:
    assert changed != CONFIG_TEXT
    assert checks_needed.nav_only_changed(CONFIG_TEXT, changed)
    assert checks_needed.nav_only_changed(changed, CONFIG_TEXT)


@pytest.mark.parametrize("changed", [
    with_setting(CONFIG_TEXT, "site_name:", "site_name: Another book #"),  # a setting
    with_setting(with_nav_line(CONFIG_TEXT, "      - chapters/new.md\n"), "strict: true", "strict: false"),  # both
    with_nav_line(CONFIG_TEXT, "      - !!python/name:os.system\n"),  # a tag: YAML would run it
    with_nav_line(CONFIG_TEXT, "      - &pages chapters/new.md\n"),  # an anchor
    with_nav_line(CONFIG_TEXT, "      - New: !ENV [CHAPTER, chapters/new.md]\n"),
    with_nav_line(CONFIG_TEXT, "      - New: |\n          chapters/new.md\n"),  # a block scalar
    with_nav_line(CONFIG_TEXT, "      - {New: chapters/new.md}\n"),  # flow style
    with_nav_line(CONFIG_TEXT, "      - chapters/new.md#not-a-comment\n"),
    with_nav_line(CONFIG_TEXT, "      - chapters/new.md\n") + "nav:\n  - index.md\n",  # a second nav:
    CONFIG_TEXT.replace("\nnav:", "\nnav: []\nnavigation:"),
    # The book's shape: a section renamed or added, which tests of the whole suite read.
    CONFIG_TEXT.replace("  - Chapters:\n", "  - Lessons:\n"),
    with_nav_line(CONFIG_TEXT, "      - Q&A, and more:\n          - chapters/qa.md\n"),
    # A line break YAML keeps inside a setting's text, where Python would split a line.
    with_setting(with_nav_line(CONFIG_TEXT, "      - chapters/new.md\n"), "site_description: ", "site_description: \u2028"),
])
def test_any_other_change_of_the_configuration_takes_the_whole_suite(changed: str) -> None:
    assert changed != CONFIG_TEXT
    assert not checks_needed.nav_only_changed(CONFIG_TEXT, changed)


def test_mkdocs_yml_beside_pages_is_content_only_when_its_nav_alone_changed() -> None:
    changed = ["mkdocs.yml", "docs/chapters/active-listening.md", "docs/images/a.png"]
    tests, reason = checks_needed.tests_needed(changed, nav_only=True)
    assert tests == "content" and "at most its nav" in reason
    tests, reason = checks_needed.tests_needed(changed, nav_only=False)
    assert tests == "full" and "(mkdocs.yml)" in reason


def test_the_decision_says_which_files_need_the_whole_suite() -> None:
    tests, reason = checks_needed.tests_needed(["docs/a.md", *(f"hooks/m{n}.py" for n in range(7)), "Makefile"])
    assert tests == "full"
    assert "Makefile, hooks/m0.py, hooks/m1.py, hooks/m2.py, hooks/m3.py and 3 more" in reason
    assert "docs/a.md" not in reason
    assert "make test-content" in checks_needed.tests_needed(["docs/a.md"])[1]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=repo,
                          capture_output=True, text=True, check=True).stdout


# What each pull request changes, file by file.
PULL_REQUESTS = {
    "pages": {"docs/index.md": "changed\n"},
    "code": {"hooks/book.py": "changed\n"},
    "chapter": {"docs/chapters/active-listening.md": "# Active listening\n",
                "mkdocs.yml": with_nav_line(CONFIG_TEXT, "      - chapters/active-listening.md\n")},
    "settings": {"docs/chapters/active-listening.md": "# Active listening\n",
                 "mkdocs.yml": with_nav_line(CONFIG_TEXT, "      - chapters/active-listening.md\n")
                 .replace("strict: true", "strict: false")},
}


@pytest.fixture(scope="module")
def pull_request_checkouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """For each change, a checkout as the workflow makes it (fetch-depth: 2) of the merge commit
    GitHub makes for a pull request, after main moved on with a change to the generator."""
    origin = tmp_path_factory.mktemp("origin")
    git(origin, "init", "-q", "-b", "main")
    for name, text in {"docs/index.md": "# Home\n", "hooks/book.py": "x = 1\n", "mkdocs.yml": CONFIG_TEXT}.items():
        (origin / name).parent.mkdir(parents=True, exist_ok=True)
        (origin / name).write_text(text, encoding="utf-8")
    (origin / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "checks_needed.py", origin / "scripts")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "base")
    checkouts = {}
    for change, files in PULL_REQUESTS.items():
        git(origin, "checkout", "-q", "-b", change, "main")
        for path, text in files.items():
            (origin / path).parent.mkdir(parents=True, exist_ok=True)
            (origin / path).write_text(text, encoding="utf-8")
        git(origin, "add", ".")
        git(origin, "commit", "-q", "-m", change)
    git(origin, "checkout", "-q", "main")
    (origin / "hooks" / "other.py").write_text("y = 2\n", encoding="utf-8")  # main moves on
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "main moves on")
    for change in PULL_REQUESTS:
        git(origin, "checkout", "-q", "--detach", "main")
        git(origin, "merge", "-q", "--no-ff", "-m", f"Merge {change} into main", change)
        git(origin, "update-ref", f"refs/pull/{change}/merge", "HEAD")
        checkout = tmp_path_factory.mktemp(change)
        git(checkout, "init", "-q")
        git(checkout, "fetch", "-q", "--depth=2", f"file://{origin}", f"refs/pull/{change}/merge")
        git(checkout, "checkout", "-q", "FETCH_HEAD")
        checkouts[change] = checkout
    return checkouts


@pytest.mark.parametrize(("change", "event", "expected"), [
    ("pages", "pull_request", "content"),
    ("code", "pull_request", "full"),
    ("chapter", "pull_request", "content"),  # a new page and its line in nav:
    ("settings", "pull_request", "full"),
    ("pages", "push", "full"),  # main, the weekly run and a run by hand run the whole suite
    ("pages", "schedule", "full"),
])
def test_the_decision_step_reads_what_the_merge_changes(
        pull_request_checkouts: dict[str, Path], tmp_path: Path, change: str, event: str, expected: str) -> None:
    """The step's script, run as the runner runs it in a shallow checkout of a pull request's
    merge commit: the change's own files decide, not those main gained meanwhile."""
    step = step_with_id(CHECK, "changes")
    assert step["env"] == {"EVENT": "${{ github.event_name }}"}
    assert step_named(CHECK, "actions/checkout")["with"]["fetch-depth"] == 2
    output = tmp_path / "output"
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "python").symlink_to(sys.executable)
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=pull_request_checkouts[change],
                            capture_output=True, text=True,
                            env={**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}",
                                 "EVENT": event, "GITHUB_OUTPUT": str(output)})
    assert result.returncode == 0, result.stderr
    assert output.read_text(encoding="utf-8") == f"tests={expected}\n"
    assert ("hooks/book.py" in result.stderr) == (change == "code" and event == "pull_request")
    assert ("changed (mkdocs.yml)" in result.stderr) == (change == "settings" and event == "pull_request")
    assert "hooks/other.py" not in result.stderr


def test_a_checkout_without_the_merges_parent_stops_the_decision_saying_why(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "only one commit")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "checks_needed.py")], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode != 0 and result.stdout == ""
    assert "fetch-depth: 2" in result.stderr


@pytest.mark.parametrize(("tests", "chosen", "other"), [("content", "test-content", "test"), ("full", "test", "test-content")])
def test_the_check_always_reports_and_fails_unless_the_chosen_tests_pass(tests: str, chosen: str, other: str) -> None:
    """One job, named as the required check, started by every pull request (no `paths:` filter
    that would leave it waiting): it runs the tests it chose, and fails when they fail."""
    ci = workflow("ci.yml")
    assert ci.triggers["pull_request"] is None
    assert list(ci.jobs) == ["check"] and CHECK["name"] == "Build, lint and test the book"
    assert "if" not in CHECK and "needs" not in CHECK
    decided = {"changes": {"tests": tests}}
    passed = rules.run_job(CHECK, outputs=decided)
    assert (passed[chosen], passed[other], rules.job_result(passed)) == ("success", "skipped", "success")
    failed = rules.run_job(CHECK, {chosen}, decided)
    assert rules.job_result(failed) == "failure"
    # Without a decision no tests run, and the check fails rather than passing untested.
    undecided = rules.run_job(CHECK, {"changes"})
    assert undecided["test"] == undecided["test-content"] == "skipped"
    assert rules.job_result(undecided) == "failure"


def test_the_content_path_runs_the_verbs_of_make_check_content() -> None:
    """What contributors are told to run (`make check-content`) is what the pull request runs."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (prerequisites,) = re.findall(r"^check-content:(.*)$", makefile, re.M)
    verbs = [command.split()[1] for _, command in makes_that_run("content")]
    assert verbs[0] == "setup"
    assert verbs[1:] == prerequisites.split() == ["book", "lint", "test-content"]
    assert "`make check-content`" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


# --- The build step, run as the runner runs it -------------------------------------------------


def run_step(script: str, tmp_path: Path, make_output: str, make_status: int) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run a step's script as GitHub's default shell does (`bash -e`), with a `make` that prints
    `make_output` on stderr and exits with `make_status`; returns the result and $RUNNER_TEMP."""
    fake_bin, runner_temp = tmp_path / "bin", tmp_path / "runner-temp"
    fake_bin.mkdir(parents=True)
    runner_temp.mkdir(exist_ok=True)
    (tmp_path / "make-output.txt").write_text(make_output, encoding="utf-8")
    make = fake_bin / "make"
    make.write_text(f"#!/bin/sh\ncat '{tmp_path / 'make-output.txt'}' >&2\nexit {make_status}\n", encoding="utf-8")
    make.chmod(make.stat().st_mode | stat.S_IEXEC)
    (fake_bin / "python").symlink_to(sys.executable)
    script_file = tmp_path / "step.sh"
    script_file.write_text(script, encoding="utf-8")
    env = {**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}", "GITHUB_WORKSPACE": str(ROOT),
           "RUNNER_TEMP": str(runner_temp), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    result = subprocess.run(["bash", "-e", str(script_file)], cwd=ROOT, env=env, capture_output=True, text=True)
    return result, runner_temp


@pytest.fixture(scope="module")
def broken_book_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What a real build of a book with eleven problems in four files prints."""
    result, _ = build_fixture("check-several-problems", tmp_path_factory.mktemp("several"))
    assert result.returncode != 0
    return result.stdout + result.stderr


@pytest.mark.parametrize("workflow_file, job_id", [("ci.yml", "check"), ("pages.yml", "build")])
def test_the_build_step_keeps_makes_status_and_registers_the_matcher(
        workflow_file: str, job_id: str, tmp_path: Path, broken_book_output: str) -> None:
    script = step_with_id(workflow(workflow_file).jobs[job_id], "book")["run"]

    failed, runner_temp = run_step(script, tmp_path / "fails", broken_book_output, 2)
    # `| tee` alone would report tee's success: the build's failure must stop the job.
    assert failed.returncode != 0
    assert (runner_temp / "book.log").read_text(encoding="utf-8") == broken_book_output
    # The log is also the step's output, which the matcher reads.
    assert broken_book_output in failed.stdout
    (registered,) = re.findall(r"^::add-matcher::(.+)$", failed.stdout, re.M)
    assert Path(registered) == MATCHER_FILE

    passed, _ = run_step(script, tmp_path / "passes", "INFO    -  Documentation built\n", 0)
    assert passed.returncode == 0, passed.stderr


@pytest.mark.parametrize("workflow_file, job_id", [("ci.yml", "check"), ("pages.yml", "build")])
def test_a_failed_build_lists_every_problem_in_the_job_summary(
        workflow_file: str, job_id: str, tmp_path: Path, broken_book_output: str) -> None:
    job = workflow(workflow_file).jobs[job_id]
    summary_step = step_with_id(job, "summary")
    assert "book-summary.py" in summary_step["run"]
    assert summary_step["if"] == "failure() && steps.book.outcome == 'failure'"
    (tmp_path / "runner-temp").mkdir()
    (tmp_path / "runner-temp" / "book.log").write_text(broken_book_output, encoding="utf-8")
    result, _ = run_step(summary_step["run"], tmp_path, "", 0)
    assert result.returncode == 0, result.stderr
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")

    count = int(REPORT_HEADING.search(broken_book_output).group(1))
    found = annotations(broken_book_output)
    assert count == len(found) > 1
    body = summary.split("<pre>\n", 1)[1].split("\n</pre>", 1)[0]
    # The report, word for word, as `make book` prints it (escaped so that none of it renders).
    assert html.unescape(body).splitlines() == [f"The book has {count} problems to fix:", *(a["text"] for a in found)]
    assert "<iframe>" not in summary and "&lt;iframe&gt;" in summary


def test_a_build_that_stops_without_a_report_shows_its_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "book.log"
    log.write_text("".join(f"INFO    -  line {n}\n" for n in range(100)) + "ERROR   -  Config value 'nav': <broken>\n",
                   encoding="utf-8")
    result = subprocess.run([sys.executable, str(SUMMARY_SCRIPT), str(log)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "The book did not build" in result.stdout
    assert "line 61\n" in result.stdout and "line 60\n" not in result.stdout
    assert "Config value 'nav': &lt;broken&gt;" in result.stdout


def test_the_preview_is_linked_in_the_summary_and_tests_stop_reading_book_problems() -> None:
    link = next(s for s in CHECK["steps"] if "steps.preview.outputs.artifact-url" in str(s.get("env")))
    assert link["if"] == "steps.preview.outcome == 'success'" and "$PREVIEW_URL" in link["run"]
    # Test output quotes fixture books' problems; they must not annotate this book's files.
    for step_id in ("test", "test-content"):
        test_run = step_with_id(CHECK, step_id)["run"]
        assert test_run.splitlines()[0] == f"echo \"::remove-matcher owner={matcher()['owner']}::\""


# --- The problem matcher -----------------------------------------------------------------------


def test_the_matcher_is_one_pattern_with_file_line_and_message() -> None:
    entry = matcher()
    assert entry["owner"] == "book-problems" and entry["severity"] == "error"
    (pattern,) = entry["pattern"]
    groups = [pattern[k] for k in ("file", "line", "column", "message")]
    assert sorted(groups) == list(range(1, re.compile(pattern["regexp"]).groups + 1))


def test_the_matcher_uses_only_regex_syntax_that_javascript_and_dotnet_read_alike() -> None:
    (pattern,) = matcher()["pattern"]
    regexp = pattern["regexp"]
    assert regexp.startswith("^") and regexp.endswith("$")
    for construct in ("(?P", "(?<", "(?i", "(?#", "(?>", "\\A", "\\Z", "\\z", "[[:", "*+", "++", "?+", "\\h"):
        assert construct not in regexp, construct


def test_the_matcher_turns_the_chapter_checks_report_into_annotations(broken_book_output: str) -> None:
    """A real broken book: every reported problem becomes one annotation, on a line that exists."""
    count = int(REPORT_HEADING.search(broken_book_output).group(1))
    found = annotations(broken_book_output)
    assert len(found) == count
    docs = FIXTURES / "check-several-problems"
    for a in found:
        assert a["file"].startswith("docs/") and a["column"] is None
        # The fixture project is the fixture's docs/ with the real configuration around it.
        assert 1 <= int(a["line"]) <= len((docs / a["file"]).read_bytes().splitlines()), a
        # Same words as locally: the annotation is the printed line, without the place.
        assert a["text"] == f"{a['file']}:{a['line']}: {a['message']}"
        assert ": " in a["message"], a  # what is wrong: how to fix it
    assert len({a["file"] for a in found}) == 4


@pytest.mark.parametrize("case", ["check-front-matter-unparsable", "check-duplicate-title", "check-not-utf8"])
def test_the_matcher_places_each_problem_where_the_checks_say(case: str, tmp_path: Path) -> None:
    """Messages holding colons, quotes and other files' names still give the right place."""
    result, _ = build_fixture(case, tmp_path)
    (found,) = annotations(result.stdout + result.stderr)
    file, line, words = ONE_PROBLEM[case]
    assert (found["file"], int(found["line"])) == (file, line)
    assert all(word in found["message"] for word in words)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # The form the Markdown linter prints: a column after the line.
        ("docs/chapters/x.md:12:3: MD007: list indentation", ("docs/chapters/x.md", "12", "3", "MD007: list indentation")),
        # A message that quotes another place keeps the first one.
        ("docs/a.md:4: the same as docs/b.md:9: rename one", ("docs/a.md", "4", None, "the same as docs/b.md:9: rename one")),
        ("mkdocs.yml:40: a navigation title holds markup: remove it", ("mkdocs.yml", "40", None, "a navigation title holds markup: remove it")),
        ("INFO    -  docs/a.md:4: not at the start of the line", None),
        ("docs/a.md: no line number", None),
    ],
)
def test_the_matcher_reads_file_line_column_and_message(line: str, expected: tuple[str, ...] | None) -> None:
    found = annotations(line)
    assert ((found[0]["file"], found[0]["line"], found[0]["column"], found[0]["message"]) if found else None) == expected


def test_javascript_reads_the_matcher_as_python_does(broken_book_output: str) -> None:
    """The runner applies the pattern with another regex engine: compare with JavaScript's."""
    (pattern,) = matcher()["pattern"]
    lines = broken_book_output.splitlines() + [
        "docs/x.md:12:3: MD007: list indentation", "docs/x.md:12 no colon", "  docs/x.md:1: indented",
        "mkdocs.yml:40: a navigation title", "site/x.html:3: not a source file"]
    script = ("const [regexp, lines] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const re = new RegExp(regexp);"
              "console.log(JSON.stringify(lines.map(l => { const m = l.match(re); return m && m.slice(1).map(g => g ?? null); })));")
    result = subprocess.run(["node", "-e", script], input=json.dumps([pattern["regexp"], lines]),
                            capture_output=True, text=True, check=True)
    regexp = re.compile(pattern["regexp"])
    python = [list(m.groups()) if (m := regexp.match(line)) else None for line in lines]
    assert json.loads(result.stdout) == python
    assert sum(m is not None for m in python) == int(REPORT_HEADING.search(broken_book_output).group(1)) + 2


def test_mkdocs_own_warnings_in_the_report_become_annotations_too(tmp_path: Path) -> None:
    """A link to a missing page and a missing image, reported by MkDocs itself."""
    result, _ = build_pages({"index.md": "---\ntitle: Home\ndescription: A home page for a test.\n---\n\n"
                                         "# Home\n\nRead [the missing page](missing.md).\n\n"
                                         "![A circle](images/none.png)\n"}, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    heading = REPORT_HEADING.search(output)
    assert heading is not None, output
    found = annotations(output)
    assert len(found) == int(heading.group(1))
    assert sorted((a["file"], a["line"]) for a in found) == [("docs/index.md", "10"), ("docs/index.md", "8")]


def test_spelling_findings_become_annotations_too(tmp_path: Path) -> None:
    """The matcher stays registered for `make lint`, whose checkers print the same form."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "x.md").write_text("# Title\n\nThis is teh text.\n", encoding="utf-8")
    result = tool("codespell", "docs", cwd=tmp_path)
    assert [(a["file"], a["line"], a["message"]) for a in annotations(result.stdout)] == [
        ("docs/x.md", "3", "teh ==> the")]


# --- The online audit --------------------------------------------------------------------------


def test_the_online_audit_runs_apart_from_the_checks() -> None:
    audit = workflow("audit.yml")
    triggers = audit.triggers
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    # A chapter never waits for it: only changes to .github/ start it.
    assert triggers["pull_request"] == {"paths": [".github/**"]}
    assert triggers["push"] == {"branches": ["main"], "paths": [".github/**"]}
    (job,) = audit.jobs.values()
    # Nothing of the pull request's is installed or run in this job: actions only.
    assert all("run" not in s and not s["uses"].startswith("./") for s in job["steps"])
    zizmor = step_named(job, "zizmorcore/zizmor-action")
    assert zizmor["with"]["token"] == "${{ github.token }}"
    assert zizmor["with"]["inputs"] == ".github/ .github/dependabot.yml"
    assert zizmor["with"]["advanced-security"] is False
    assert zizmor["with"].get("online-audits", True) is True
    # The same zizmor as the offline test's (requirements.in): when Dependabot updates one, this
    # test says to update the other.
    (pin,) = re.findall(r"^zizmor==(\S+)", (ROOT / "requirements.in").read_text(encoding="utf-8"), re.M)
    assert str(zizmor["with"]["version"]) == pin


# --- Installing and the published site --------------------------------------------------------


def test_install_checks_every_package_against_its_hash() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs and all("--require-hashes" in line for line in installs), installs
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pins = [line for line in requirements.splitlines() if line and not line[0].isspace() and not line.startswith("#")]
    assert pins and all("==" in line and line.endswith("\\") for line in pins)


def test_browser_and_system_programs_come_from_the_runner_or_apt() -> None:
    def preparation(job: dict[str, Any]) -> list[dict[str, Any]]:
        return [s for s in job["steps"] if "BOOK_BROWSER" in s.get("run", "")]

    checks = preparation(CHECK)
    scripts = "\n".join(s["run"] for s in checks)
    assert 'echo "BOOK_BROWSER=$path" >> "$GITHUB_ENV"' in scripts
    assert "sudo --preserve-env=BOOK_BROWSER bash scripts/system-deps.sh" in scripts
    # The published site is built with the same browser and programs as the checked one.
    assert preparation(workflow("pages.yml").jobs["build"]) == checks


def test_pages_builds_with_read_access_then_deploys_in_its_own_job() -> None:
    pages = workflow("pages.yml")
    assert set(pages.triggers) == {"push", "workflow_dispatch"}
    assert pages.triggers["push"] == {"branches": ["main"]}
    assert pages.data["concurrency"] == {"group": "pages", "cancel-in-progress": False}

    build = pages.jobs["build"]
    configure = step_named(build, "actions/configure-pages")
    book = step_with_id(build, "book")
    assert build["steps"].index(configure) < build["steps"].index(book)
    # The same build step as the checks' (the same matcher, log and status), with the addresses.
    assert book["run"] == step_with_id(CHECK, "book")["run"]
    assert book["env"]["SITE_URL"] == "${{ steps.%s.outputs.base_url }}/" % configure["id"]
    assert book["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert book["env"]["EDIT_URI"] == "edit/main/docs/"
    upload = step_named(build, "actions/upload-pages-artifact")
    assert upload["with"] == {"path": "site/"}
    assert rules.run_job(build, {"book"})[upload["name"]] == "skipped"

    deploy = pages.jobs["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert step_named(deploy, "actions/deploy-pages")["id"] == "deployment"


# --- Dependabot and the contributors' templates ------------------------------------------------


def test_dependabot_groups_pip_and_actions_updates_monthly() -> None:
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"pip", "github-actions"}
    for update in updates.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] == "monthly"
        (group,) = update["groups"].values()
        assert group["patterns"] == ["*"]
        assert update["cooldown"]["default-days"] >= 7


def test_pull_request_template_has_the_chapter_checklist() -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    boxes = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(boxes) >= 3
    for topic in ("preview", "attribution:", "alt text"):
        assert any(topic in box for box in boxes), topic


@pytest.mark.parametrize(
    ("file", "name", "label"),
    [("content-correction.yml", "Content correction", "content"),
     ("accessibility-barrier.yml", "Accessibility barrier", "accessibility")],
)
def test_issue_forms_ask_for_the_page_and_the_problem(file: str, name: str, label: str) -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / file).read_text(encoding="utf-8"))
    assert form["name"] == name and form["labels"] == [label]
    required = [f["attributes"]["label"] for f in form["body"] if f.get("validations", {}).get("required")]
    assert len(required) >= 3, required
