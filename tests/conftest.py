from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers import BOOK_BUILD_ENV, ROOT, mkdocs_build

# Hooks import each other by module name, as MkDocs lets them (it puts hooks/ on sys.path).
sys.path.insert(0, str(ROOT / "hooks"))


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real book, built once per test session with the project's own mkdocs.yml."""
    site_dir = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT / "mkdocs.yml", site_dir, BOOK_BUILD_ENV)
    assert result.returncode == 0, result.stderr
    return site_dir
