"""hooks/last_updated.py: each page's last change, read from real git repositories."""

from __future__ import annotations

import pytest

from pathlib import Path

from ebook.site import last_updated
from tests.helpers import git

# Author dates of the commits below (seconds since 1970, UTC).
JAN_1 = 1704110400  # 2024-01-01 12:00
FEB_1 = 1706788800  # 2024-02-01 12:00
MAR_1 = 1709294400  # 2024-03-01 12:00
APR_1 = 1711972800  # 2024-04-01 12:00


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def paragraphs(n: int) -> str:
    return "".join(f"Paragraph {i} of a chapter long enough for git to see a rename.\n" for i in range(n))


def test_each_page_has_the_date_of_the_last_commit_that_changed_its_text(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(tmp_path / "README.md", "Outside the docs folder.\n")
    write(docs / "moved.md", paragraphs(20))
    write(docs / "renamed-and-edited.md", paragraphs(20))
    write(docs / "untouched.md", "Never changed.\n")
    write(docs / "chapters/été 2024.md", "A name with a space and accents.\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "First", date=f"@{JAN_1} +0000")

    write(docs / "chapters/été 2024.md", "Changed.\n")
    git(tmp_path, "commit", "-qam", "Edit", date=f"@{FEB_1} +0000")

    # A move alone is not a change to the text; a move with an edit is.
    (docs / "chapters").mkdir(exist_ok=True)
    git(tmp_path, "mv", "docs/moved.md", "docs/chapters/moved.md")
    git(tmp_path, "mv", "docs/renamed-and-edited.md", "docs/edited.md")
    write(docs / "edited.md", paragraphs(20) + "One more paragraph.\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "Move", date=f"@{MAR_1} +0000")

    write(docs / "untracked.md", "Not committed yet.\n")
    write(docs / "untouched.md", "Edited but not committed.\n")
    write(tmp_path / "README.md", "Changed outside the docs folder.\n")
    git(tmp_path, "commit", "-qm", "Outside", "--", "README.md", date=f"@{APR_1} +0000")

    history = last_updated.read_history(docs)
    assert history.note == ""
    assert history.timestamps == {
        "chapters/moved.md": JAN_1,
        "edited.md": MAR_1,
        "untouched.md": JAN_1,
        "chapters/été 2024.md": FEB_1,
    }


@pytest.mark.build  # the code it calls starts a program
def test_outside_git_there_are_no_dates_and_the_build_says_why(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "index.md", "Home.\n")
    history = last_updated.read_history(tmp_path / "docs")
    assert history.timestamps == {}
    assert "build date" in history.note


def test_a_shallow_clone_says_its_dates_stop_at_its_oldest_commit(tmp_path: Path) -> None:
    full = tmp_path / "full"
    write(full / "docs" / "index.md", "Home.\n")
    write(full / "docs" / "about.md", "About.\n")
    git(full, "init", "-q")
    git(full, "add", "-A")
    git(full, "commit", "-qm", "First", date=f"@{JAN_1} +0000")
    write(full / "docs" / "index.md", "Home, edited.\n")
    git(full, "commit", "-qam", "Second", date=f"@{FEB_1} +0000")
    git(tmp_path, "clone", "-q", "--depth", "1", full.as_uri(), "shallow")

    history = last_updated.read_history(tmp_path / "shallow" / "docs")
    assert history.timestamps == {"index.md": FEB_1, "about.md": FEB_1}
    assert "shallow clone" in history.note and "fetch-depth: 0" in history.note


def test_the_date_is_written_in_the_books_language_in_utc() -> None:
    late_evening_in_toronto = 1737001800  # 2025-01-15 23:30 at UTC-5, the 16th in UTC
    assert last_updated.last_updated(late_evening_in_toronto, "en") == last_updated.LastUpdated(
        iso_date="2025-01-16", text="January 16, 2025")
    assert last_updated.last_updated(late_evening_in_toronto, "fr").text == "16 janvier 2025"
    assert last_updated.last_updated(late_evening_in_toronto, "pt-BR").text == "16 de janeiro de 2025"


def test_a_page_git_has_no_date_for_shows_the_build_date() -> None:
    dates = last_updated.PageDates(last_updated.DocsHistory({"index.md": JAN_1}), build_time=APR_1, language="en")
    assert dates.of("index.md") == last_updated.LastUpdated(iso_date="2024-01-01", text="January 1, 2024")
    assert dates.of("not-committed.md").iso_date == "2024-04-01"
