"""The Makefile's verbs set up only what each needs: a preview is Python and make alone.

Read with `make -n` (what make would run, nothing run); scripts/system-deps.sh run on a PATH
where none of the programs exist, as a non-root user (so it only says what is missing); and the
preview's build run with nothing on PATH but the virtual environment.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

TEST_TOOLS = ["qpdf", "poppler-utils", "default-jre-headless", "nodejs", "npm"]


def dry_run(*args: str) -> str:
    # -W: as if the Python and Node requirements had just changed, so every set-up shows too.
    result = subprocess.run(["make", "--no-print-directory", "-n", "-W", "requirements.txt",
                             "-W", "package-lock.json", *args],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_serve_installs_the_python_requirements_and_nothing_else() -> None:
    commands = dry_run("serve")
    assert "pip install" in commands and "-m ebook.preview" in commands
    for other in ("system-deps", "npm", "apt", "chromium", "java"):
        assert other not in commands, commands


def test_book_asks_only_for_what_printing_needs() -> None:
    commands = dry_run("book")
    assert "bash scripts/system-deps.sh --book" in commands
    assert "npm" not in commands


def test_test_installs_the_whole_tool_chain_and_passes_pytest_args() -> None:
    commands = dry_run("test", "PYTEST_ARGS=-q -x")
    assert "bash scripts/system-deps.sh\n" in commands and "npm ci" in commands
    assert "-m pytest -q -x\n" in commands


def test_audit_sets_up_the_checkers_builds_the_book_then_writes_the_report() -> None:
    commands = dry_run("audit").splitlines()
    assert "bash scripts/system-deps.sh" in commands  # every checker's program, not only the book's
    (npm,) = [line for line in commands if "npm ci" in line]
    assert npm.startswith("PUPPETEER_SKIP_DOWNLOAD=1 ")  # Ace's Puppeteer downloads no browser
    build = commands.index("BOOK_EXPORTS=1 .venv/bin/python scripts/build_site.py site")
    assert commands[build + 1:] == [".venv/bin/python scripts/audit.py site"]


def test_help_lists_every_verb_a_person_types() -> None:
    result = subprocess.run(["make", "--no-print-directory", "-s", "help"], cwd=ROOT,
                            capture_output=True, text=True)
    verbs = [line.split()[1].rstrip(":") for line in result.stdout.splitlines()]
    for verb in ("book", "serve", "test", "lint", "chapter", "audit"):
        assert verb in verbs, result.stdout


@pytest.mark.parametrize(("mode", "expected"), [
    ("--book", ["chromium", "fonts-dejavu-core"]),
    ("", ["chromium", "fonts-dejavu-core", *TEST_TOOLS]),
])
def test_system_deps_asks_for_the_test_tools_only_for_the_tests(tmp_path: Path, mode: str,
                                                                expected: list[str]) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    (empty / "id").write_text("#!/bin/sh\necho 1000\n", encoding="utf-8")  # not root: never installs
    (empty / "id").chmod(0o755)
    bash = shutil.which("bash")
    assert bash
    result = subprocess.run([bash, str(ROOT / "scripts" / "system-deps.sh"), *filter(None, [mode])],
                            env={"PATH": str(empty), "HOME": str(tmp_path)}, capture_output=True, text=True)
    assert result.returncode == 1
    (line,) = [line for line in result.stderr.splitlines() if "apt-get install" in line]
    assert sorted(line.split("apt-get install ", 1)[1].split()) == sorted(expected)


def test_the_preview_builds_with_python_alone(tmp_path: Path) -> None:
    """What `make serve` builds, with nothing on PATH but the virtual environment: no browser,
    git, Java or Node."""
    venv_bin = Path(sys.executable).parent
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True,
        env={"PATH": str(venv_bin), "HOME": str(tmp_path), "BOOK_EXPORTS": "0",
             "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
