"""The repository's automation (.github/): valid, hardened, and doing what contributors rely on.

Everything here runs offline: the JSON schemas ship with check-jsonschema, zizmor runs with
--offline, and the rules in tests/workflow_rules.py read the YAML.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import workflow_rules as rules
from tests.helpers import FIXTURES, ROOT

GITHUB = ROOT / ".github"
WORKFLOW_FILES = sorted((GITHUB / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent


def tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / name), *args], cwd=ROOT, capture_output=True, text=True)


def workflow(name: str) -> rules.Workflow:
    return rules.load(GITHUB / "workflows" / name)


def step_named(job: dict[str, Any], uses_prefix: str) -> dict[str, Any]:
    found = [s for s in job["steps"] if str(s.get("uses", "")).startswith(uses_prefix + "@")]
    assert len(found) == 1, f"expected one {uses_prefix} step"
    return found[0]


def test_the_two_workflows_exist() -> None:
    assert [p.name for p in WORKFLOW_FILES] == ["ci.yml", "pages.yml"]


# --- Validators --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", [".github/workflows/ci.yml", ".github/workflows/pages.yml"]),
        ("custom.github-workflows-require-timeout", [".github/workflows/ci.yml", ".github/workflows/pages.yml"]),
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
    for name in ("workflows/ci.yml", "workflows/pages.yml", "dependabot.yml"):
        assert f"completed .github/{name}" in result.stderr


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
        ("ci.yml", "check"): {"contents": "read"},
        ("pages.yml", "build"): {"contents": "read", "pages": "read"},
        ("pages.yml", "deploy"): {"pages": "write", "id-token": "write"},
    }


# --- What the workflows do ---------------------------------------------------------------------


def test_checks_run_on_pull_requests_main_and_weekly() -> None:
    ci = workflow("ci.yml")
    assert set(ci.triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert ci.triggers["push"] == {"branches": ["main"]}
    (cron,) = [entry["cron"] for entry in ci.triggers["schedule"]]
    minute, hour, day_of_month, month, day_of_week = cron.split()
    assert (day_of_month, month) == ("*", "*") and day_of_week.isdigit()  # once a week


def test_checks_lint_test_build_and_upload_the_preview() -> None:
    job = workflow("ci.yml").jobs["check"]
    setup_python = step_named(job, "actions/setup-python")
    assert setup_python["with"] == {"python-version-file": ".python-version"}
    commands = [s["run"].strip() for s in job["steps"] if "run" in s and s["run"].strip().startswith("make")]
    assert commands == ["make setup", "make lint", "make test", "make book"]
    # Online, zizmor also checks that each pinned commit is the release its comment names.
    (audit,) = [s for s in job["steps"] if "zizmor" in s.get("run", "")]
    assert "--offline" not in audit["run"] and audit["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert job["steps"].index(audit) < job["steps"].index(next(s for s in job["steps"] if s.get("run") == "make lint"))
    upload = step_named(job, "actions/upload-artifact")
    assert job["steps"].index(upload) == len(job["steps"]) - 1
    assert upload["with"]["path"] == "site/"
    assert upload["with"]["name"].startswith("book-preview-")
    assert "format('pr-{0}', github.event.pull_request.number)" in upload["with"]["name"]
    assert upload["with"]["if-no-files-found"] == "error"


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

    checks = preparation(workflow("ci.yml").jobs["check"])
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
    book = next(s for s in build["steps"] if s.get("run", "").strip() == "make book")
    assert build["steps"].index(configure) < build["steps"].index(book)
    assert book["env"]["SITE_URL"] == "${{ steps.%s.outputs.base_url }}/" % configure["id"]
    assert book["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert book["env"]["EDIT_URI"] == "edit/main/docs/"
    assert step_named(build, "actions/upload-pages-artifact")["with"] == {"path": "site/"}

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
