"""The PDFs of a build, as a whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import make_fixture_project


def test_a_build_without_downloads_never_loads_the_printing_libraries(tmp_path: Path) -> None:
    # `make serve` rebuilds on every save: BeautifulSoup (with soupsieve), Playwright and pikepdf
    # cost a tenth of a second or more to import, asyncio more than a hundredth, and only the
    # making of the PDFs needs them.
    config = make_fixture_project("check-clean", tmp_path)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mkdocs", "build", "--strict", "-f", str(config),
         "-d", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "BOOK_EXPORTS": "0"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "mkdocs.structure.pages" in imported  # the list is the build's own
    printing = {"bs4", "soupsieve", "playwright", "pikepdf", "asyncio"}
    assert not {name for name in imported if name.split(".")[0] in printing}
