"""What the exporters share (ebook/model/writing.py): the switch, names, dates, whole writes, zips,
declared downloads."""

from __future__ import annotations

import os
import subprocess
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ebook.model import settings
from ebook.model import writing as x


@pytest.mark.parametrize(("value", "on"), [("", True), ("1", True), ("0", False), (" 0 ", False)])
def test_exports_are_on_unless_book_exports_is_0(value: str, on: bool) -> None:
    assert settings.exports_enabled({"BOOK_EXPORTS": value}) is on
    assert settings.exports_enabled({}) is True


def test_other_book_exports_values_are_an_error() -> None:
    with pytest.raises(PluginError, match="BOOK_EXPORTS='no' is not understood: use BOOK_EXPORTS=1"):
        settings.exports_enabled({"BOOK_EXPORTS": "no"})


def test_source_date_epoch_sets_the_build_time() -> None:
    assert settings.source_date_epoch({"SOURCE_DATE_EPOCH": "1700000000"}) == 1700000000
    assert settings.source_date_epoch({}) is None
    assert settings.build_time({"SOURCE_DATE_EPOCH": "1700000000"}) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    with pytest.raises(PluginError, match="SOURCE_DATE_EPOCH='yesterday' is not a time"):
        settings.build_time({"SOURCE_DATE_EPOCH": "yesterday"})


def test_write_atomically_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "downloads" / "handouts" / "x.pdf"
    x.write_atomically(target, b"%PDF-1.4 data")
    x.write_atomically(target, b"%PDF-1.4 newer")
    assert target.read_bytes() == b"%PDF-1.4 newer"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


WHEN = datetime(2024, 3, 1, 12, 30, 0, tzinfo=timezone.utc)


def test_a_file_is_replaced_only_when_complete(tmp_path: Path) -> None:
    dest = tmp_path / "downloads" / "book.epub"
    dest.parent.mkdir()
    dest.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with x.written_in_one_step(dest) as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert dest.read_bytes() == b"old"
    assert [p.name for p in dest.parent.iterdir()] == ["book.epub"]
    with x.written_in_one_step(dest) as temporary:
        temporary.write_bytes(b"new")
    assert dest.read_bytes() == b"new"
    assert [p.name for p in dest.parent.iterdir()] == ["book.epub"]


def test_a_folder_zips_the_same_whatever_the_files_dates(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "page.html").write_text("page")
    (folder / "a.txt").write_text("a")
    x.zip_folder(folder, tmp_path / "one.zip", root="book", when=WHEN)
    os.utime(folder / "a.txt", (0, 0))
    x.zip_folder(folder, tmp_path / "two.zip", root="book", when=WHEN)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        assert archive.namelist() == ["book/", "book/a.txt", "book/b/page.html"]


def test_a_download_is_a_site_file_that_mkdocs_never_writes(tmp_path: Path) -> None:
    config = SimpleNamespace(site_dir=str(tmp_path / "site"), use_directory_urls=True)
    files = Files([])
    x.declare_download(files, config, "downloads/book.epub")  # type: ignore[arg-type]
    (download,) = files
    assert download.url == "downloads/book.epub"
    files.copy_static_files()
    assert not (tmp_path / "site").exists()


def test_a_download_in_docs_would_be_overwritten_so_it_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "docs" / "downloads").mkdir(parents=True)
    (tmp_path / "docs" / "downloads" / "book.epub").write_bytes(b"old")
    config = SimpleNamespace(site_dir=str(tmp_path / "site"), use_directory_urls=True)
    files = Files([File("downloads/book.epub", str(tmp_path / "docs"), str(tmp_path / "site"), True)])
    with pytest.raises(PluginError, match="docs/downloads/book.epub: the build makes this file itself; remove it"):
        x.declare_download(files, config, "downloads/book.epub")  # type: ignore[arg-type]


def test_a_build_folder_is_named_after_the_build_and_those_of_killed_builds_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed_build = subprocess.Popen(["true"])  # a process that has ended, as a killed build has
    killed_build.wait()
    running = tmp_path / f"thing-{os.getpid()}-kept"
    left = tmp_path / f"thing-{killed_build.pid}-left"
    other = tmp_path / f"other-{killed_build.pid}-left"  # another kind of folder: not this one's to remove
    for folder in (running, left, other):
        (folder / "inside").mkdir(parents=True)
    made = x.build_folder("thing-")
    assert made.is_dir() and made.parent == tmp_path and made.name.startswith(f"thing-{os.getpid()}-")
    assert running.is_dir() and other.is_dir() and not left.exists()


def test_a_folder_not_named_after_a_build_is_taken_for_another_in_use(tmp_path: Path) -> None:
    assert x.build_running(tmp_path / f"thing-{os.getpid()}-a", "thing-")
    assert x.build_running(tmp_path / "thing-abc-a", "thing-")  # not ours to remove
