"""`make lint`: the Markdown and spelling checks every pull request must pass.

Each test runs the real `make lint` (pymarkdown and codespell with the project's settings) on the
repository or on a chapter written to a temporary folder.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.helpers import CHAPTER_MD, ROOT

TEMPLATE = ROOT / "templates" / "chapter.md"


def run_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    args = ["make", "--no-print-directory", "-s", "lint"]
    if paths:
        args.append("LINT_PATHS=" + " ".join(str(p) for p in paths))
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def digests(*folders: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_chapter(folder: Path, text: str) -> Path:
    path = folder / "docs" / "chapters" / "new-chapter.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_lint_passes_on_the_repository_and_changes_nothing() -> None:
    before = digests(ROOT / "docs", ROOT / "templates")
    result = run_lint()
    assert result.returncode == 0, result.stdout + result.stderr
    # Both checks ran, on the pages and on the chapter template.
    assert "Markdown check (pymarkdown" in result.stdout
    assert "Spelling check (codespell" in result.stdout
    assert result.stdout.count(": docs templates") == 2
    assert digests(ROOT / "docs", ROOT / "templates") == before


def test_lint_accepts_front_matter_admonitions_and_one_line_paragraphs(tmp_path: Path) -> None:
    """What the book's chapters are made of must pass: a check that fails them is useless."""
    chapter = write_chapter(
        tmp_path,
        CHAPTER_MD.read_text(encoding="utf-8")
        + "\n## Notes for facilitators\n\n```text\nA fenced block, next to the indented boxes.\n```\n",
    )
    source = chapter.read_text(encoding="utf-8")
    assert "diffused the situation" in source and "Let’s look" in source  # the author's words
    assert max(len(line) for line in source.splitlines()) > 400
    result = run_lint(chapter, TEMPLATE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misspelling_fails_the_lint_naming_file_line_and_fix(tmp_path: Path) -> None:
    text = CHAPTER_MD.read_text(encoding="utf-8").replace(
        "Jesse is a peer working a shift", "Jesse is a peer recieving students on a shift"
    )
    chapter = write_chapter(tmp_path, text)
    before = digests(tmp_path)
    result = run_lint(chapter)
    assert result.returncode != 0
    line = line_of(chapter, "recieving")
    assert f"{chapter}:{line}: recieving ==> receiving" in result.stdout
    assert "CONTRIBUTING.md" in result.stderr
    # Lint reports; it never edits the chapter.
    assert digests(tmp_path) == before


@pytest.mark.parametrize(
    ("mistake", "replace", "with_", "rule"),
    [
        ("no space after the hash signs", "## Reconnection", "##Reconnection", "MD018"),
        ("a heading level skipped", "## Reconnection", "#### Reconnection", "MD001"),
        ("a second top-level heading", "## Reconnection", "# Reconnection", "MD025"),
        ("an image without alt text", "This is reconnection.",
         "This is reconnection.\n\n![](../images/circuit.png)", "MD045"),
    ],
)
def test_markdown_error_fails_the_lint_naming_file_line_and_rule(
    tmp_path: Path, mistake: str, replace: str, with_: str, rule: str
) -> None:
    text = CHAPTER_MD.read_text(encoding="utf-8")
    assert text.count(replace) == 1
    chapter = write_chapter(tmp_path, text.replace(replace, with_))
    before = digests(tmp_path)
    result = run_lint(chapter)
    assert result.returncode != 0, mistake
    line = line_of(chapter, with_.splitlines()[-1])
    assert f"{chapter}:{line}:1: {rule}:" in result.stdout, result.stdout
    assert digests(tmp_path) == before

