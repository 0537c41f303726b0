"""What the exporters share (hooks/export_files.py): the switch, names, dates, whole writes."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from ebook.model import files as x


def test_book_slug_from_the_site_name() -> None:
    assert x.book_slug("Post-Secondary Peer Support Training Curriculum") == "post-secondary-peer-support-training-curriculum"


@pytest.mark.parametrize(("value", "on"), [("", True), ("1", True), ("0", False), (" 0 ", False)])
def test_exports_are_on_unless_book_exports_is_0(value: str, on: bool) -> None:
    assert x.exports_enabled({"BOOK_EXPORTS": value}) is on
    assert x.exports_enabled({}) is True


def test_other_book_exports_values_are_an_error() -> None:
    with pytest.raises(PluginError, match="BOOK_EXPORTS='no' is not understood: use BOOK_EXPORTS=1"):
        x.exports_enabled({"BOOK_EXPORTS": "no"})


def test_source_date_epoch_sets_the_build_time() -> None:
    assert x.source_date_epoch({"SOURCE_DATE_EPOCH": "1700000000"}) == 1700000000
    assert x.source_date_epoch({}) is None
    assert x.build_time({"SOURCE_DATE_EPOCH": "1700000000"}) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    with pytest.raises(PluginError, match="SOURCE_DATE_EPOCH='yesterday' is not a time"):
        x.build_time({"SOURCE_DATE_EPOCH": "yesterday"})


def test_write_atomically_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "downloads" / "handouts" / "x.pdf"
    x.write_atomically(target, b"%PDF-1.4 data")
    x.write_atomically(target, b"%PDF-1.4 newer")
    assert target.read_bytes() == b"%PDF-1.4 newer"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]
