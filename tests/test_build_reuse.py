"""An unchanged `make book` reuses the last build: skipped in one line, the site as a clean build
makes it; any change of what the build reads (a page, mkdocs.yml, the overrides, the code, the
environment, git, the site folder itself) builds again.

A fixture book built with `scripts/build_site.py` as `make book` runs it, without downloads (the
browser's part is tested on the fingerprint, with a stand-in browser). The tests of one book run
in order: each starts from an up-to-date site and leaves one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import site_inputs
from tests.helpers import git, make_fixture_project
from tests.test_build_faults import BUILD_SITE, tiny_project, two_builds_at_once, write_version
from tests.test_build_outputs import snapshot

UP_TO_DATE = "Nothing changed since the last build: site/ is up to date."
# Nothing of the environment the test run was started with that the build reads.
ENV = {**{name: value for name, value in os.environ.items() if not name.startswith(("BOOK_", "SITE_"))},
       "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000", "BOOK_EXPORTS": "0"}
CHAPTER = Path("docs") / "chapters" / "listening.md"
CHAPTER_PAGE = Path("site") / "chapters" / "listening" / "index.html"


def run(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, str(BUILD_SITE), "site"], cwd=project, capture_output=True,
                            text=True, env={**ENV, **env})
    assert result.returncode == 0, result.stderr
    return result


def skipped(result: subprocess.CompletedProcess[str]) -> bool:
    return UP_TO_DATE in result.stderr.splitlines()


def built(result: subprocess.CompletedProcess[str]) -> bool:
    return not skipped(result) and "Documentation built in" in result.stderr


def fixture_book(folder: Path) -> Path:
    return make_fixture_project("check-clean", folder).parent


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = fixture_book(tmp_path_factory.mktemp("reuse"))
    assert built(run(project))
    return project


@pytest.fixture
def up_to_date(book: Path) -> Path:
    """The book, its site built from its sources as they are (skipped when it already is)."""
    run(book)
    return book


def page(project: Path, path: Path = CHAPTER_PAGE) -> str:
    return (project / path).read_text(encoding="utf-8")


def test_an_unchanged_build_is_skipped_and_its_site_is_a_clean_builds(up_to_date: Path, tmp_path: Path) -> None:
    before = snapshot(up_to_date / "site")
    again = run(up_to_date)
    assert skipped(again), again.stderr
    assert again.stderr.strip() == UP_TO_DATE  # one line, nothing else
    assert snapshot(up_to_date / "site") == before
    clean = tmp_path / "clean"  # the same sources, in another folder, never built
    shutil.copytree(up_to_date, clean, ignore=lambda folder, names: [  # what the builds made
        name for name in names if Path(folder) == up_to_date and (name == "site" or name.startswith("."))])
    assert built(run(clean))
    assert snapshot(clean / "site") == before


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


# Each change, and what a reader of the rebuilt site sees of it (None: nothing a reader sees).
CHANGES: dict[str, tuple[Callable[[Path], None], dict[str, str], str | None]] = {
    "a page's text": (lambda p: append(p / CHAPTER, "\nA sentence added since the last build.\n"), {},
                      "A sentence added since the last build."),
    "mkdocs.yml": (lambda p: edit(p / "mkdocs.yml", "licensed CC BY 4.0.", "licensed CC BY 4.0. Revised."), {},
                   "licensed CC BY 4.0. Revised."),
    "a file under overrides/": (lambda p: append(p / "overrides" / "partials" / "copyright.html",
                                                 '<p class="book-note">Printed on demand.</p>\n'), {},
                                "Printed on demand."),
    "a hook's code": (lambda p: append(p / "hooks" / "ebook" / "site" / "last_updated.py", "\n# Changed.\n"), {},
                      None),
    "SITE_URL": (lambda p: None, {"SITE_URL": "https://books.example.org/peer-support/"},
                 '<link rel="canonical" href="https://books.example.org/peer-support/chapters/listening/">'),
    # Outside git, every page is dated to the build: 1710000000 is 9 March 2024.
    "SOURCE_DATE_EPOCH": (lambda p: None, {"SOURCE_DATE_EPOCH": "1710000000"}, "March 9, 2024"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_of_an_input_builds_again(up_to_date: Path, change: str) -> None:
    make, env, seen = CHANGES[change]
    if seen is not None:
        assert seen not in page(up_to_date)
    make(up_to_date)
    again = run(up_to_date, **env)
    assert built(again), again.stderr
    if seen is not None:
        assert seen in page(up_to_date)
    assert skipped(run(up_to_date, **env))  # and recorded: the next build, unchanged, is skipped
    run(up_to_date)  # back to the usual environment, for the next test


@pytest.mark.parametrize("damage", ["edited", "deleted", "added"])
def test_a_damaged_site_is_built_again(up_to_date: Path, damage: str) -> None:
    before = snapshot(up_to_date / "site")
    target = up_to_date / CHAPTER_PAGE
    if damage == "edited":
        edit(target, "</body>", "<p>Edited by hand.</p></body>")
    elif damage == "deleted":
        target.unlink()
    else:
        (target.parent / "notes.html").write_text("<p>A file the build did not make.</p>", encoding="utf-8")
    again = run(up_to_date)
    assert built(again), again.stderr
    assert snapshot(up_to_date / "site") == before


def test_book_cache_0_builds_whatever_changed(up_to_date: Path) -> None:
    again = run(up_to_date, BOOK_CACHE="0")
    assert built(again), again.stderr
    assert skipped(run(up_to_date))  # the same site as before: its record still holds


def test_a_commit_builds_again_with_the_pages_dates(tmp_path: Path) -> None:
    """A page not committed shows the build's date; once committed, its commit's."""
    project = fixture_book(tmp_path)
    git(project, "init", "-q")
    assert built(run(project))
    assert "November 14, 2023" in page(project)  # SOURCE_DATE_EPOCH's day
    git(project, "add", "-A")
    git(project, "commit", "-qm", "The book", date="2024-01-01T12:00:00Z")
    again = run(project)
    assert built(again), again.stderr
    assert "January 1, 2024" in page(project)


def test_a_build_started_during_a_build_of_the_same_sources_waits_and_is_skipped(tmp_path: Path) -> None:
    project = tiny_project(tmp_path)
    write_version(project, 1)
    gate = tmp_path / "gate"  # both builds with the same environment
    first, first_err, second, second_err = two_builds_at_once(project, gate, lambda: None, GATE=str(gate))
    assert first.returncode == 0 and second.returncode == 0, first_err + second_err
    assert UP_TO_DATE not in first_err
    assert second_err.strip() == UP_TO_DATE
    assert "Version 1" in (project / "site" / "index.html").read_text(encoding="utf-8")


# --- The fingerprint: what the build reads, beyond the files ---------------------------------


def fingerprint(project: Path, **env: str) -> str:
    return site_inputs.fingerprint(project, project / "site", [], {**ENV, **env})


@pytest.mark.build  # asks git for HEAD
def test_the_variables_the_code_reads_are_inputs_and_no_others(tmp_path: Path) -> None:
    project = fixture_book(tmp_path)
    first = fingerprint(project)
    assert fingerprint(project, UNRELATED_SETTING="1") == first
    assert fingerprint(project, PEER_NOTE="1") == first
    append(project / "hooks" / "book.py", '\n_NOTE = os.environ.get("PEER_NOTE")\n')
    changed = fingerprint(project)
    assert changed != first
    assert fingerprint(project, PEER_NOTE="1") != changed
    for name in ("REPO_URL", "EDIT_URI", "BOOK_OFFLINE", "BOOK_BROWSER", "TZ", "LANG"):
        assert fingerprint(project, **{name: "x"}) != changed, name


@pytest.mark.build  # asks the stand-in browser its version
def test_a_new_version_of_the_browser_is_an_input_of_a_build_with_downloads(tmp_path: Path) -> None:
    project = fixture_book(tmp_path)
    browser = tmp_path / "chromium"
    with_downloads, without = [], []
    for version in ("1.0", "2.0"):
        browser.write_text(f"#!/bin/sh\necho 'Chromium {version}'\n", encoding="utf-8")
        browser.chmod(0o755)
        with_downloads.append(fingerprint(project, BOOK_EXPORTS="1", BOOK_BROWSER=str(browser)))
        without.append(fingerprint(project, BOOK_EXPORTS="0", BOOK_BROWSER=str(browser)))
    assert with_downloads[0] != with_downloads[1]
    assert without[0] == without[1]  # nothing printed, so the browser is no input


@pytest.mark.build  # asks git for HEAD
def test_what_the_build_writes_is_no_input(tmp_path: Path) -> None:
    project = fixture_book(tmp_path)
    first = fingerprint(project)
    for made in ("site/index.html", ".site-building/index.html", ".cache/book/pdf/entry",
                 "hooks/ebook/__pycache__/book.cpython-311.pyc", "out/sitemap.xml.gz"):
        (project / made).parent.mkdir(parents=True, exist_ok=True)
        (project / made).write_text("made by a build", encoding="utf-8")
    assert fingerprint(project) == first
    (project / "source.txt").write_text("a file a hook may read", encoding="utf-8")
    assert fingerprint(project) != first
