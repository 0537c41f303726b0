"""Every built page is valid HTML, by the Nu HTML Checker (vnu-jar from npm, run with Java)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.helpers import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(pages: list[Path]) -> list[str]:
    assert VNU.is_file(), f"{VNU.relative_to(ROOT)} is missing: run `make setup` (it runs npm ci)."
    java = shutil.which("java")
    assert java, "Java is missing: install default-jre-headless (scripts/system-deps.sh does)."
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr)["messages"]
    return [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]


def test_checker_reports_invalid_html(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><title>x</title><input type="checkbox" autocomplete="off">', encoding="utf-8")
    assert any("autocomplete" in error for error in vnu_errors([bad]))


def test_every_built_page_is_valid_html(site: Path, published_site: Path) -> None:
    pages = sorted(site.rglob("*.html")) + sorted(published_site.rglob("*.html"))
    assert len(pages) >= 14
    assert vnu_errors(pages) == []
