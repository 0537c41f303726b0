"""The checks of `nav:` (ebook/checks/navigation.py), on the line of the configuration file."""

from __future__ import annotations

from typing import Any

import pytest
from mkdocs.config import load_config

from ebook.checks.navigation import nav_unsafe_problems
from tests.helpers import ROOT


@pytest.mark.parametrize(("item", "words"), [
    ("- '<img src=x onerror=alert(1)>': chapters/a.md", "the navigation title '<img src=x onerror=alert(1)>' contains '<'"),
    ("- Help: 'javascript:alert(1)'", "the navigation link 'javascript:alert(1)' is a javascript: address"),
    ("- Help: ' JaVaScRiPt:alert(1)'", "is a javascript: address"),
])
def test_markup_and_script_addresses_in_nav_are_named_on_their_line(tmp_path: Any, item: str, words: str) -> None:
    (tmp_path / "docs" / "chapters").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text(f"site_name: Book\nnav:\n  - Home: index.md\n  {item}\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    found = nav_unsafe_problems(config, "mkdocs.yml")
    assert [(p.path, p.line) for p in found] == [("mkdocs.yml", 4)], found
    assert words in found[0].message
    assert nav_unsafe_problems(load_config(str(ROOT / "mkdocs.yml")), "mkdocs.yml") == []
