from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Iterator

import pytest

from tests.helpers import ROOT, mkdocs_build

# Hooks import each other by module name, as MkDocs lets them (it puts hooks/ on sys.path).
sys.path.insert(0, str(ROOT / "hooks"))

# Chromium here must not try to reach the hosts it calls home (the network is closed).
BROWSER_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real book, built once per test session with the project's own mkdocs.yml."""
    site_dir = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


def browser_path() -> str:
    """The system's Chromium or Chrome: BOOK_BROWSER first, then the usual names."""
    for name in (os.environ.get("BOOK_BROWSER", ""), "chromium", "chromium-browser", "google-chrome",
                 "google-chrome-stable"):
        if name and (found := shutil.which(name)):
            return found
    raise RuntimeError("No Chromium or Chrome found: run `bash scripts/system-deps.sh`.")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless system Chromium driven by Playwright (nothing is downloaded)."""
    from playwright.sync_api import sync_playwright

    args = BROWSER_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser_path(), args=args)
        yield chromium
        chromium.close()
