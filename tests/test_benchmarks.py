"""The benchmark's books (benchmarks/book_generator.py) build: `make bench` measures real builds."""

from __future__ import annotations

from pathlib import Path

from benchmarks.book_generator import generate_book
from tests.helpers import mkdocs_build


def test_a_generated_book_builds_strictly_with_its_chapters(tmp_path: Path) -> None:
    config = generate_book(tmp_path / "book", 3)
    result = mkdocs_build(config, tmp_path / "site", {"BOOK_EXPORTS": "0"})
    assert result.returncode == 0, result.stderr
    chapters = sorted((tmp_path / "site" / "chapters").glob("connection-disconnection-reconnection*/index.html"))
    assert len(chapters) == 3
