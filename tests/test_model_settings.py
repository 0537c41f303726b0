"""The book's settings (ebook/model/settings.py): read once, every mistake named with its fix."""

from __future__ import annotations

from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from ebook.model import settings as s
from tests.helpers import ROOT


def test_the_real_configuration_is_read_whole_and_names_its_file() -> None:
    read = s.parse_settings(load_config(str(ROOT / "mkdocs.yml")), {"SOURCE_DATE_EPOCH": "1767225600"})
    assert read.config_name == "mkdocs.yml"
    assert read.book.original.title and read.book.original.licence.url.startswith("https://")
    assert set(read.formats) <= set(s.FORMATS) and read.formats
    assert read.switches.epoch == 1767225600 and read.switches.build_time.year == 2026


@pytest.mark.parametrize("raw, formats", [
    (None, ("pdf", "epub", "offline")),
    (["offline"], ("offline",)),
    (["offline", "pdf"], ("pdf", "offline")),  # made in the contract's order, whatever the list's
    ([], ()),
])
def test_the_book_offers_the_downloads_it_lists(raw: Any, formats: tuple[str, ...]) -> None:
    assert s.parse_formats(raw) == formats


@pytest.mark.parametrize("raw", ["pdf", ["pdf", "pdf"], ["docx"], [1], {"pdf": True}])
def test_a_wrong_downloads_list_is_refused_with_the_formats_to_choose_from(raw: Any) -> None:
    with pytest.raises(PluginError) as refused:
        s.parse_formats(raw, "book.yml")
    message = str(refused.value)
    assert message.startswith("book.yml: extra.downloads: ")
    assert "pdf, epub, offline" in message


def test_an_unknown_key_is_named_with_the_keys_allowed() -> None:
    with pytest.raises(PluginError, match=r"^my.yml: extra.epub: unknown field colour; allowed: "
                                          r"accessibility_summary, identifier\.$"):
        s.parse_epub_settings({"identifier": "urn:x", "accessibility_summary": "Text.", "colour": 1}, "my.yml")
