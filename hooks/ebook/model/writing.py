"""Writing the downloads: declared downloads, reproducible zips, all-or-nothing writes.

The exports (`ebook.pdf`, `ebook.epub`, `ebook.offline`, `ebook.downloads`) and the site's
dates share it.

- `Download`: a file the build writes itself after the pages, declared to MkDocs beforehand so
  that a Markdown link to it (`[E-book](downloads/….epub)`) is checked and rewritten like a link
  to any other file of the site.
- `build_folder`: a temporary folder of this build's own; those of killed builds are removed.
- Zips: Python's zipfile stamps every entry with the time it was written; the functions here
  stamp every entry with the build's time instead (`SOURCE_DATE_EPOCH` when set), so two builds
  of the same sources give byte-identical archives. The standard library has no switch for
  that, hence these few lines.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
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


def build_folder(prefix: str) -> Path:
    """A new folder in the temporary directory, named after this build (`prefix`, its process
    id, a unique end), the folders of builds that were killed removed (`remove_left_folders`)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    remove_left_folders(prefix)
    return folder


def remove_left_folders(prefix: str) -> None:
    """Remove the `build_folder`s of builds that were killed (SIGKILL), which had no time to
    remove theirs: those named after a process no longer running."""
    for left in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
        if not build_running(left, prefix):
            shutil.rmtree(left, ignore_errors=True)


def build_running(folder: Path, prefix: str) -> bool:
    """Whether the build a `build_folder` is named after still runs (a folder not named so is
    taken to be another's, still in use)."""
    build = folder.name.removeprefix(prefix).split("-", 1)[0]
    return not build.isdigit() or running(int(build))


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
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
