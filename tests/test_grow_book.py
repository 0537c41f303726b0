"""The book grows: three chapters added as CONTRIBUTING.md says, and every test of the real book
(marked `book`) still passes on the grown copy.

The chapters (tests/fixtures/grown-chapters/) are what contributors write: long titles,
non-ASCII characters, scenario, consider and reflection boxes. Each is started with the
repository's own `make chapter` script (which adds it to `nav:`) and written over with the
contributor's text, in one commit; the home page and the chapters' page list it by themselves.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LIGHT_ONLY, MIDDLE_WIDTH, NO_MIDDLE_WIDTH
from tests.helpers import FIXTURES, ROOT, front_matter, git

GROWN = FIXTURES / "grown-chapters"


def copy_of_the_repository(destination: Path) -> Path:
    """The repository's tracked files as they are now, with its installed tools beside them."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    # The virtual environment and the Node checkers `make` would otherwise install again.
    for installed in (".venv", "node_modules"):
        if (ROOT / installed).exists():
            (destination / installed).symlink_to(ROOT / installed)
    return destination


def add_chapter(project: Path, written: Path) -> None:
    meta = front_matter(written.name, docs=written.parent)
    subprocess.run([sys.executable, "scripts/new_chapter.py", "--title", meta["title"],
                    "--author", meta["attribution"]["written_by"]],
                   cwd=project, capture_output=True, text=True, check=True)
    (created,) = [p for p in (project / "docs" / "chapters").glob("*.md")
                  if p.name != "index.md" and "Your Chapter Title" not in p.read_text(encoding="utf-8")
                  and front_matter(p.name, docs=p.parent)["title"] == meta["title"]]
    created.write_text(written.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_of_the_repository(tmp_path_factory.mktemp("grown"))
    for written in sorted(GROWN.glob("*.md")):
        if written.name != "README.md":
            add_chapter(project, written)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Three chapters", date="2026-01-15T10:00:00Z")
    return project


def test_the_chapters_are_added_where_contributing_says(grown: Path) -> None:
    nav = (grown / "mkdocs.yml").read_text(encoding="utf-8")
    added = [p for p in sorted((grown / "docs" / "chapters").glob("*.md")) if not (ROOT / "docs" / "chapters" / p.name).exists()]
    assert len(added) == len(list(GROWN.glob("*.md"))) - 1  # the README is not a chapter
    for chapter in added:
        assert f"- chapters/{chapter.name}" in nav


def test_every_test_of_the_real_book_passes_on_the_grown_book(grown: Path) -> None:
    epoch = git(grown, "log", "-1", "--format=%ct").strip()
    # Not this run's worker's variables: the run below has workers of its own (pytest.ini's -n 2).
    ours = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_XDIST_")}
    env = {**ours, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "book", "-q", "-x", "--no-header", "-p", "no:cacheprovider",
         "--tb=short", LIGHT_ONLY, NO_MIDDLE_WIDTH],
        cwd=grown, env=env, capture_output=True, text=True,
    )
    tail = "\n".join(result.stdout.splitlines()[-60:])
    assert result.returncode == 0, f"the real book's tests fail on a book with more chapters:\n{tail}"
    assert re.search(r"\d+ passed", tail) and "skipped" not in tail


def test_the_reruns_options_leave_out_the_dark_scheme_and_middle_width_variants_alone() -> None:
    # The files whose tests run in both schemes and at several widths, collected three times at once.
    files = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "tests").glob("test_reading_*.py"))
    runs = {options: subprocess.Popen(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0", "-m", "book",
         *options, *files], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for options in ((), (LIGHT_ONLY,), (NO_MIDDLE_WIDTH,))}
    collected = {}
    for options, run in runs.items():
        out, _ = run.communicate()
        assert run.returncode == 0, out[-2000:]
        collected[options] = {line for line in out.splitlines() if "::" in line}
    every = collected[()]
    dark = {test for test in every if re.search(r"\[(.*-)?dark(-.*)?\]$", test)}
    assert dark and collected[(LIGHT_ONLY,)] == every - dark
    middle = {test for test in every if re.search(rf"\[(.*-)?{MIDDLE_WIDTH}(-.*)?\]$", test)}
    assert middle and collected[(NO_MIDDLE_WIDTH,)] == every - middle
