"""Writing the downloads: declared downloads, reproducible zips, all-or-nothing writes, the
build's temporary folders.

The exports (`ebook.pdf`, `ebook.epub`, `ebook.offline`, `ebook.downloads`) and the site's
dates share it.

- `Download`: a file the build writes itself after the pages, declared to MkDocs beforehand so
  that a Markdown link to it (`[E-book](downloads/….epub)`) is checked and rewritten like a link
  to any other file of the site.
- `build_folder`: a temporary folder of this build's own, locked while the build runs; those of
  killed builds, whose locks no process holds, are removed.
- Zips: Python's zipfile stamps every entry with the time it was written; the functions here
  stamp every entry with the build's time instead (`SOURCE_DATE_EPOCH` when set), so two builds
  of the same sources give byte-identical archives. The standard library has no switch for
  that, hence these few lines.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import tempfile
import threading
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


class Download(File):
    """A file of the site that an export hook writes in `on_post_build`, not MkDocs: listed
    among the site's files so that links to it validate, never copied by MkDocs itself."""

    def copy_file(self, dirty: bool = False) -> None:
        return None

    def is_modified(self) -> bool:
        return False


def declare_download(files: Files, config: MkDocsConfig, src_uri: str) -> None:
    """Tell MkDocs that the site will have `src_uri` (e.g. downloads/book.epub)."""
    if files.get_file_from_path(src_uri) is not None:
        raise PluginError(
            f"docs/{src_uri}: the build makes this file itself; remove it from docs/."
        )
    files.append(Download(src_uri, src_dir=None, dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))


# Zip timestamps cannot go before 1980.
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when.astimezone(timezone.utc), _ZIP_EPOCH)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _entry(name: str, when: datetime, compress_type: int, *, mode: int = 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_zip_time(when))
    info.compress_type = compress_type
    info.create_system = 3  # Unix, whatever machine builds it
    info.external_attr = (0o40755 if name.endswith("/") else 0o100000 | mode) << 16
    return info


def restamp_zip(data: bytes, when: datetime) -> bytes:
    """The same archive, entries in the same order and compression, all dated `when`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(_entry(info.filename, when, info.compress_type), source.read(info))
    return out.getvalue()


def zip_folder(folder: Path, dest: Path, *, root: str, when: datetime) -> None:
    """Zip every file under `folder` into `dest`, inside a top folder named `root`.

    Files go in sorted order so the archive does not depend on the file system's listing order.
    Each is compressed at zlib's default level: an entry given as a ZipInfo, as here, never takes
    a level set for the archive.
    """
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(f"{root}/", when, zipfile.ZIP_STORED), b"")
        for path in paths:
            name = f"{root}/{path.relative_to(folder).as_posix()}"
            archive.writestr(_entry(name, when, zipfile.ZIP_DEFLATED), path.read_bytes())


# --- Temporary folders of a build ------------------------------------------------------------
#
# A build folder holds a lock file (`LOCK_NAME`) on which its build keeps an exclusive flock for
# as long as it runs: the kernel releases it when the build's process ends, however it ends
# (SIGKILL too). A folder is left over exactly when its lock can be taken, whatever process id
# its name carries: a process id may have been given to another program since, or be another
# process's in another PID namespace (a container sharing the temporary directory). The lock is
# a flock, not a POSIX lock: a flock conflicts with every other opening of the file, the same
# process's included, so a build never takes its own folders for left ones. Its descriptor,
# like every one Python opens, is closed in the programs the build starts (Chromium): a program
# the build started cannot keep a killed build's folder. A program that works in the folder
# (the offline edition's build) is given the descriptor (`lock_descriptor`): the folder is then
# in use while either runs, and a build that comes next never removes it under that program.

LOCK_NAME = ".in-use.lock"
# A folder without a lock file is left alone (`remove_if_left`) until nothing in it has changed
# for this long: no build runs for a day (the preview makes no such folder).
UNLOCKED_LEFT_AFTER = 24 * 3600  # seconds
_held: dict[Path, int] = {}  # this process's build folders, with their locks' descriptors
_held_change = threading.Lock()


def build_folder(prefix: str) -> Path:
    """A new folder in the temporary directory, named after this build (`prefix`, its process
    id, a unique end) and locked for as long as this process runs or until `remove_build_folder`,
    the folders of builds that were killed removed (`remove_left_folders`)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    _hold(folder)
    remove_left_folders(prefix)
    return folder


def _hold(folder: Path) -> None:
    # Locked before it has its name: under it, an unlocked lock file would mean a left folder.
    try:
        fd, staged = tempfile.mkstemp(prefix=".locking-", dir=folder)
    except OSError:  # a full disk: the folder is not left behind, the build stops with the error
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: no one else has it open
        os.rename(staged, folder / LOCK_NAME)
    except OSError:  # a file system that cannot lock: the folder stays unlocked, never removed by others
        os.close(fd)
        Path(staged).unlink(missing_ok=True)
        return
    with _held_change:
        _release_removed()
        _held[folder] = fd


def _release_removed() -> None:
    """Release the locks of this process's build folders that were removed with shutil.rmtree,
    not `remove_build_folder` (their lock files are gone): a build that makes many (`mkdocs
    serve`) keeps no descriptor for each."""
    for folder, fd in list(_held.items()):
        if os.fstat(fd).st_nlink == 0:
            os.close(_held.pop(folder))


def lock_descriptor(folder: Path) -> int | None:
    """The descriptor holding a folder of this build's own locked, to give a program that works
    in it (`subprocess.Popen(pass_fds=…)`); None if it could not be locked."""
    with _held_change:
        return _held.get(folder)


def remove_build_folder(folder: Path) -> None:
    """Remove a folder of this build's own (`build_folder`), then release its lock."""
    try:
        remove_held_folder(folder)
    finally:
        with _held_change:
            fd = _held.pop(folder, None)
            if fd is not None:
                os.close(fd)


def holds_lock(folder: Path, fd: int) -> bool:
    """Whether `fd` is open on `folder`'s lock file: the descriptor a build gave the program
    that works in its folder (`lock_descriptor`)."""
    try:
        held, lock = os.fstat(fd), os.lstat(folder / LOCK_NAME)
    except OSError:
        return False
    return not folder.is_symlink() and (held.st_dev, held.st_ino) == (lock.st_dev, lock.st_ino)


def remove_held_folder(folder: Path) -> None:
    """Remove a build folder whose lock this process holds, its lock file last: a removal that
    could not remove everything (a program still writing in it) leaves a folder with its lock
    file, which a build that comes next removes once the lock is released. Never fails: what is
    left is left."""
    try:
        for entry in folder.iterdir():
            if entry.name == LOCK_NAME:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        if [entry.name for entry in folder.iterdir()] == [LOCK_NAME]:
            (folder / LOCK_NAME).unlink()
            folder.rmdir()
        elif not (folder / LOCK_NAME).exists():  # not a build folder's layout: removed as it is
            shutil.rmtree(folder, ignore_errors=True)
    except OSError:  # gone already, or written to meanwhile: removed as far as it can be
        if not (folder / LOCK_NAME).exists():
            shutil.rmtree(folder, ignore_errors=True)


def remove_left_folders(prefix: str) -> None:
    """Remove the `build_folder`s of builds that were killed (SIGKILL), which had no time to
    remove theirs: those whose lock no process holds (`remove_if_left`)."""
    for left in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
        remove_if_left(left)


def remove_if_left(folder: Path) -> bool:
    """Remove a `build_folder` if no process holds its lock: the build that made it has ended
    without removing it. Removed while this process holds the lock, so that no other build
    removing left folders takes it meanwhile.

    A folder without a lock file is left alone for a day (`UNLOCKED_LEFT_AFTER`): one made by a
    version of the build that named its folders only (its process id may be another's: that
    build may still be running), one still being made, or one whose build could not lock it."""
    if folder.is_symlink():  # not a folder a build made: what it leads to is not this build's
        return False
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return _remove_if_old(folder)
    except OSError:  # not this user's folder, or not a folder
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its build still runs
            return False
        remove_held_folder(folder)
        return True
    finally:
        os.close(fd)


def _remove_if_old(folder: Path) -> bool:
    try:
        if folder.is_symlink() or not folder.is_dir() or \
                time.time() - folder.stat().st_mtime < UNLOCKED_LEFT_AFTER:
            return False
    except OSError:
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


@contextlib.contextmanager
def written_in_one_step(dest: Path) -> Iterator[Path]:
    """A temporary path beside `dest` to write to; renamed to `dest` only when complete.

    Readers of the downloads folder never see a half-written file: if writing fails, the
    temporary file is removed and `dest` is left as it was.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    temporary = dest.with_name(f".{dest.name}.part")
    try:
        yield temporary
        os.replace(temporary, dest)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(target: Path, data: bytes) -> None:
    """Write a whole file in one step (see `written_in_one_step`)."""
    with written_in_one_step(target) as temporary:
        temporary.write_bytes(data)
