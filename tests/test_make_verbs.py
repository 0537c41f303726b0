"""The Makefile's verbs set up only what each needs: a preview is Python and make alone.

Read with `make -n` (what make would run, nothing run); scripts/system-deps.sh run on a PATH
where none of the programs exist, as a non-root user (so it only says what is missing); and the
preview's build run with nothing on PATH but the virtual environment.
"""

from __future__ import annotations

import shlex
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


def test_check_content_builds_lints_then_runs_the_content_tests() -> None:
    commands = dry_run("check-content").splitlines()
    build = commands.index("BOOK_EXPORTS=1 .venv/bin/python scripts/build_site.py site")
    lint = commands.index(".venv/bin/python scripts/lint.py --code docs templates")
    (tests,) = [line for line in commands if "-m pytest" in line]
    assert build < lint < commands.index(tests) == len(commands) - 1
    assert "npm ci" in "\n".join(commands)  # the checkers the content tests run (Nu, Ace)


def test_the_content_tests_are_the_real_books_without_the_browser_but_axe_and_other_hosts() -> None:
    """What `make test-content` selects: read from pytest's own collection."""
    (command,) = [line for line in dry_run("test-content", "PYTEST_ARGS=-q").splitlines() if "-m pytest" in line]
    assert command.startswith(".venv/bin/python -m pytest -m book -k ") and command.endswith(" -q")
    selection = shlex.split(command)[3:-1]
    result = subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "--collect-only",
                             "-q", *selection], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    chosen = {line.split("[")[0] for line in result.stdout.splitlines() if "::" in line}
    every_book_test = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "--collect-only", "-q", "-m",
         "book and not browser"], cwd=ROOT, capture_output=True, text=True).stdout
    assert {line.split("[")[0] for line in every_book_test.splitlines() if "::" in line} < chosen
    for test in ("tests/test_site.py::test_every_sentence_of_the_source_is_in_the_chapter_word_for_word",
                 "tests/test_print_build.py::test_every_source_sentence_is_in_the_book_pdf",
                 "tests/test_html_valid.py::test_every_built_page_is_valid_html",
                 "tests/test_browser.py::test_axe_finds_no_violation",
                 "tests/test_browser.py::test_a_page_load_asks_no_other_host_for_anything"):
        assert test in chosen, test
    assert not [test for test in chosen if test.startswith(("tests/test_reading_type.py", "tests/test_grow_book.py"))]
    assert not [test for test in chosen if not test.startswith("tests/test_browser.py")
                and "browser" in test.split("::")[0]]


def test_help_lists_every_verb_a_person_types() -> None:
    result = subprocess.run(["make", "--no-print-directory", "-s", "help"], cwd=ROOT,
                            capture_output=True, text=True)
    verbs = [line.split()[1].rstrip(":") for line in result.stdout.splitlines()]
    for verb in ("book", "serve", "test", "test-content", "check-content", "lint", "chapter", "audit"):
        assert verb in verbs, result.stdout


@pytest.mark.parametrize(("mode", "expected"), [
    ("--book", ["chromium", "fontconfig", "fonts-dejavu-core"]),
    ("", ["chromium", "fontconfig", "fonts-dejavu-core", *TEST_TOOLS]),
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
