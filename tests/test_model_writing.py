"""What the exporters share (ebook/model/writing.py): the switch, names, dates, whole writes, zips,
declared downloads, the build's temporary folders."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ebook.model import settings
from ebook.model import writing as x
from tests.helpers import ended_pid, left_unheld


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


# --- Build folders: left ones are those whose lock no process holds ----------------------------

HOOKS = Path(__file__).parents[1] / "hooks"

# A process that makes a build folder as a build does and runs until its input ends; with
# "spawn", it first starts a program as the build starts Chromium (os.posix_spawn closes only
# the descriptors that are closed on exec).
MAKER = """
import os, sys, tempfile
tempfile.tempdir = sys.argv[1]
from ebook.model import writing
folder = writing.build_folder(sys.argv[2])
if sys.argv[3:] == ["spawn"]:
    actions = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    print(os.posix_spawn(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)"], os.environ,
                         file_actions=actions), flush=True)
print(folder, flush=True)
sys.stdin.read()
"""

# A process that holds a folder's lock file, as the build that made the folder does.
HOLDER = """
import fcntl, os, sys
fcntl.flock(os.open(sys.argv[1], os.O_RDONLY), fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def made_elsewhere(tmp_path: Path, prefix: str, *how: str) -> tuple[subprocess.Popen[str], list[str]]:
    """A build in another process, making its folder: the lines it printed (the folder last)."""
    maker = subprocess.Popen([sys.executable, "-c", MAKER, str(tmp_path), prefix, *how],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(HOOKS)})
    assert maker.stdout is not None
    lines = [maker.stdout.readline().strip() for _ in range(1 + len(how))]
    assert Path(lines[-1]).is_dir(), lines
    return maker, lines


def held_elsewhere(folder: Path) -> subprocess.Popen[str]:
    """Another process holding `folder`'s lock, whatever the folder's name says."""
    (folder / x.LOCK_NAME).touch()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder / x.LOCK_NAME)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_build_folder_is_named_after_the_build_and_its_own_are_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = x.build_folder("thing-")
    other = left_unheld(tmp_path / f"other-{ended_pid()}-left")  # another kind of folder: not this one's to remove
    made = x.build_folder("thing-")  # removes the left folders: not this build's first one
    assert made.is_dir() and made.parent == tmp_path and made.name.startswith(f"thing-{os.getpid()}-")
    assert first.is_dir() and other.is_dir() and (made / x.LOCK_NAME).is_file()
    for folder in (first, made):
        x.remove_build_folder(folder)
        assert not folder.exists()


def test_a_folder_whose_build_runs_is_kept_whatever_process_id_its_name_carries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build in another PID namespace (a container sharing the temporary directory) is named
    after a process id this one may not have, or have given to another program."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    held = tmp_path / f"thing-{ended_pid()}-held"
    (held / "inside").mkdir(parents=True)
    holder = held_elsewhere(held)
    try:
        x.remove_left_folders("thing-")
        assert (held / "inside").is_dir()
    finally:
        holder.kill()
        holder.wait()
    x.remove_left_folders("thing-")  # its build has ended
    assert not held.exists()


def test_a_folder_no_build_holds_goes_though_its_name_carries_a_running_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = left_unheld(tmp_path / f"thing-{os.getppid()}-left")  # a process id given to another program since
    x.remove_left_folders("thing-")
    assert not left.exists()


@pytest.mark.skipif(not hasattr(os, "waitid"), reason="needs os.waitid")
def test_a_folder_whose_build_was_killed_goes_while_its_process_id_is_still_taken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    maker, (folder,) = made_elsewhere(tmp_path, "thing-")
    try:
        maker.kill()
        # Ended, not reaped: its process id still taken, as one given to another program is.
        os.waitid(os.P_PID, maker.pid, os.WEXITED | os.WNOWAIT)
        os.kill(maker.pid, 0)
        x.remove_left_folders("thing-")
        assert not Path(folder).exists()
    finally:
        maker.kill()
        maker.wait()


def test_a_program_the_build_started_does_not_keep_the_killed_builds_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    maker, (program, folder) = made_elsewhere(tmp_path, "thing-", "spawn")
    try:
        assert psutil.pid_exists(int(program))
        maker.kill()
        maker.wait()
        x.remove_left_folders("thing-")
        assert psutil.pid_exists(int(program)) and not Path(folder).exists()
    finally:
        maker.kill()
        maker.wait()
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(int(program)).kill()


def test_a_folder_without_a_lock_file_is_left_alone_for_a_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One made by an older build, which named its folders only: that build may still run in
    another PID namespace, its process id unknown here; no build runs for a day."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    older, old = tmp_path / f"thing-{ended_pid()}-older", tmp_path / f"thing-{ended_pid()}-old"
    for folder in (older, old):
        (folder / "profile").mkdir(parents=True)
    day_and_more = time.time() - x.UNLOCKED_LEFT_AFTER - 60
    os.utime(old, (day_and_more, day_and_more))
    x.remove_left_folders("thing-")
    assert (older / "profile").is_dir() and not old.exists()


def test_a_link_named_as_a_build_folder_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    elsewhere = left_unheld(tmp_path / "elsewhere")
    (tmp_path / f"thing-{ended_pid()}-link").symlink_to(elsewhere)
    x.remove_left_folders("thing-")
    assert (elsewhere / "inside").is_dir()


def test_a_folder_written_to_while_it_is_removed_is_removed_without_stopping_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = x.build_folder("thing-")
    opened = psutil.Process().num_fds()

    def written_meanwhile(self: Path) -> None:  # a program still writing as it was ended
        (self / "late").touch()
        raise OSError(errno.ENOTEMPTY, "Directory not empty")

    monkeypatch.setattr(Path, "rmdir", written_meanwhile)
    x.remove_build_folder(folder)
    assert not folder.exists() and psutil.Process().num_fds() == opened - 1


def test_a_full_disk_leaves_no_folder_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def no_space(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(x.tempfile, "mkstemp", no_space)
    with pytest.raises(OSError, match="No space left"):
        x.build_folder("thing-")
    assert list(tmp_path.iterdir()) == []


def test_a_build_that_makes_many_folders_keeps_no_descriptor_for_each(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    x.remove_build_folder(x.build_folder("thing-"))
    opened = psutil.Process().num_fds()
    for _ in range(20):
        shutil.rmtree(x.build_folder("thing-"))  # as the browser's folder is removed (`cdp.Chromium.close`)
    x.remove_build_folder(x.build_folder("thing-"))
    assert psutil.Process().num_fds() <= opened
    assert list(tmp_path.iterdir()) == []
