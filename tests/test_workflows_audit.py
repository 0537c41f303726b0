"""The publishing workflow audits the book it publishes: `make audit-site` runs on the site the
build step made, without building it again, and the site it uploads carries the accessibility report. Read from
the YAML, offline, with the rules of tests/workflow_rules.py (tests/test_github.py runs zizmor,
actionlint and GitHub's schemas on every workflow, this one included).
"""

from __future__ import annotations

import subprocess
from typing import Any

from tests import workflow_rules as rules
from tests.helpers import ROOT

PAGES = rules.load(ROOT / ".github" / "workflows" / "pages.yml")
BUILD = PAGES.jobs["build"]


def step(step_id: str) -> dict[str, Any]:
    (found,) = [s for s in BUILD["steps"] if s.get("id") == step_id]
    return found


def test_the_published_site_is_audited_after_it_is_built_and_before_it_is_uploaded() -> None:
    order = [s.get("id") or s.get("uses", "").split("@")[0] for s in BUILD["steps"]]
    assert order.index("book") < order.index("audit") < order.index("actions/upload-pages-artifact")
    assert step("book")["run"].count("make book") == 1
    audit = step("audit")
    # The site the build step made, audited as it is: the book is built once.
    assert audit["run"].strip() == "make audit-site"
    assert "env" not in audit  # no addresses: nothing is built with them
    commands = subprocess.run(["make", "--no-print-directory", "-n", "audit-site"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.splitlines()
    assert commands[-1] == ".venv/bin/python scripts/audit.py site"
    assert not [line for line in commands if "build_site.py" in line or "mkdocs" in line], commands


def test_nothing_is_uploaded_when_the_audit_cannot_run() -> None:
    upload = next(s for s in BUILD["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert rules.run_job(BUILD, {"audit"})[upload["name"]] == "skipped"
    assert rules.run_job(BUILD, {"book"})["audit"] == "skipped"
    assert rules.run_job(BUILD)["audit"] == "success"


def test_the_audit_is_given_no_token_and_no_write_access() -> None:
    assert not rules.TOKEN_EXPRESSION.search(str(step("audit")))
    assert BUILD["permissions"] == {"contents": "read", "pages": "read"}
    assert PAGES.triggers["push"] == {"branches": ["main"]}
