"""Reading the sources (ebook/checks/sources.py): links out of the folders the build reads, links
to nothing, and files at the address where the build writes the downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ebook.checks import sources
from ebook.checks.sources import outside_links


def test_a_link_out_of_the_theme_or_the_hooks_is_named_even_inside_the_repository(tmp_path: Any) -> None:
    """A link in overrides/ or hooks/ is published or read into pages: it must stay in its folder,
    not reach the computer's files nor the repository's own (.git/config holds its remotes)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[remote]\n", encoding="utf-8")
    for folder in ("overrides/assets", "hooks"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "overrides" / "assets" / "logo.png").symlink_to("/etc/passwd")
    (tmp_path / "hooks" / "notes.txt").symlink_to(tmp_path / ".git" / "config")
    (tmp_path / "hooks" / "shared.py").write_text("", encoding="utf-8")
    (tmp_path / "hooks" / "same.py").symlink_to(tmp_path / "hooks" / "shared.py")  # stays in its folder
    found = outside_links(str(tmp_path), ["overrides", "hooks"])
    assert [(p.path, p.line) for p in found] == [("overrides/assets/logo.png", 1), ("hooks/notes.txt", 1)]
    assert "a link to a file outside overrides/" in found[0].message
    assert "a link to a file outside hooks/" in found[1].message


def test_a_link_to_nothing_or_to_its_own_folder_is_named_once(tmp_path: Any) -> None:
    (tmp_path / "docs" / "images").mkdir(parents=True)
    (tmp_path / "docs" / "images" / "gone.png").symlink_to("nothere.png")
    (tmp_path / "docs" / "images" / "a.png").symlink_to("b.png")
    (tmp_path / "docs" / "images" / "b.png").symlink_to("a.png")
    (tmp_path / "docs" / "images" / "again").symlink_to(".")
    found = outside_links(str(tmp_path), ["docs"])
    assert sorted(p.path for p in found) == ["docs/images/a.png", "docs/images/again", "docs/images/b.png",
                                             "docs/images/gone.png"]
    assert all("a link to a file that does not exist, or to a folder that holds the link itself" in p.message
               for p in found)


@pytest.mark.parametrize("src_uri", ["downloads.md", "downloads/index.md", "downloads/book.epub"])
def test_a_page_or_file_at_the_downloads_address_is_refused_with_a_new_name_to_give(tmp_path: Path, src_uri: str) -> None:
    docs = tmp_path / "docs"
    (docs / src_uri).parent.mkdir(parents=True, exist_ok=True)
    (docs / src_uri).write_text("# Get the book\n", encoding="utf-8")
    problem = sources.file_problem(src_uri, str(docs / src_uri), str(docs), [], "mkdocs.yml")
    assert problem is not None and (problem.path, problem.line) == (f"docs/{src_uri}", 1)
    assert problem.message.startswith("the address downloads/ is the build's own")
    assert problem.message.endswith("rename or move it, e.g. docs/get-the-book.md")


def test_a_page_named_like_the_downloads_elsewhere_is_fine(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "chapters").mkdir(parents=True)
    (docs / "chapters" / "downloads.md").write_text("# Downloads\n", encoding="utf-8")
    assert sources.file_problem("chapters/downloads.md", str(docs / "chapters" / "downloads.md"), str(docs), [],
                                "mkdocs.yml") is None
