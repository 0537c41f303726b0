"""A cache of finished downloads between builds, so an unchanged book is not printed again.

The PDFs (`ebook.pdf`) and the offline edition (`ebook.offline`) keep their results in it.

Entries live in `.cache/book/<namespace>/<key>` beside mkdocs.yml, outside the site folder
(`make book` builds into a temporary folder and swaps it in, so nothing in site/ survives).
The key is a hash of everything that shapes the file (the caller decides what that is); an
entry also carries metadata the caller checks before trusting it (e.g. the hashes of the site
files a PDF loaded). An entry is one file: a JSON header line with the data's size and SHA-256,
then the data. It is written under a temporary name and renamed when complete, and its hash is
checked when read, so a half-written or damaged entry is never served: it counts as a miss.
Two builds sharing the folder (two checkouts' tests, say) may write the same entry: each writes
under a temporary name of its own and renames, so a reader sees one whole entry or the other.
A cache that cannot be read or written as a folder of files (read-only, a folder where an entry
should be, a file where a folder should be) stops the build with one line naming the folder and
what to do: the cache would otherwise be silently off, and every build slow.

`BOOK_CACHE=0` turns the cache off (every file is made afresh, nothing is read or written).
`make clean` removes the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from mkdocs.exceptions import PluginError


CACHE_DIR = Path(".cache") / "book"  # beside mkdocs.yml


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    meta: dict[str, Any]
    data: bytes


class Cache:
    """Entries by namespace and key, in one folder; see the module's docstring."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: dict[str, set[str]] = {}

    def _path(self, namespace: str, key: str) -> Path:
        if not key.isalnum():
            raise ValueError(f"cache key {key!r}: expected a hex digest")
        return self.folder / namespace / key

    def get(self, namespace: str, key: str) -> Entry | None:
        self.used.setdefault(namespace, set()).add(key)
        path = self._path(namespace, key)
        with self._usable():
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                return None
            header, _, data = raw.partition(b"\n")
            try:
                meta = json.loads(header)
                whole = (meta["size"] == len(data)
                         and meta["sha256"] == hashlib.sha256(data).hexdigest())
            except (ValueError, KeyError, TypeError):
                whole = False
            if not whole:
                path.unlink(missing_ok=True)  # damaged: made again and rewritten by this build
                return None
        return Entry(meta=meta["meta"], data=data)

    def put(self, namespace: str, key: str, meta: Mapping[str, Any], data: bytes) -> None:
        self.used.setdefault(namespace, set()).add(key)
        path = self._path(namespace, key)
        header = json.dumps({"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                             "meta": dict(meta)}, sort_keys=True).encode("utf-8")
        with self._usable():
            path.parent.mkdir(parents=True, exist_ok=True)
            # A name of its own per writer (mkstemp): two builds, or two threads of one, may
            # write the same entry at once.
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".part")
            try:
                with open(fd, "wb") as f:
                    f.write(header + b"\n" + data)
                os.replace(temporary, path)
            finally:
                Path(temporary).unlink(missing_ok=True)

    def has_entries(self, namespace: str) -> bool:
        """Whether an earlier build left entries in `namespace`."""
        folder = self.folder / namespace
        with self._usable():
            return folder.is_dir() and any(not p.name.startswith(".") for p in folder.iterdir())

    def prune(self, namespace: str) -> None:
        """Remove the entries of `namespace` this build did not ask for: the cache holds one
        build's worth, not every version of every chapter ever printed."""
        folder = self.folder / namespace
        used = self.used.get(namespace, set())
        with self._usable():
            if not folder.is_dir():
                return
            for path in folder.iterdir():
                if path.name not in used and not path.name.startswith("."):
                    path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _usable(self) -> Iterator[None]:
        """Any error of the file system becomes the one line that says what to do."""
        try:
            yield
        except OSError as error:
            raise PluginError(unusable(self.folder, error)) from None


def unusable(folder: Path, error: OSError) -> str:
    where = os.path.relpath(folder)
    named = error.filename2 or error.filename  # a rename's error is about its target
    what = Path(os.path.relpath(named)) if named else Path(where)
    if what.name.endswith(".part"):  # an entry's temporary name says nothing: its folder does
        what = what.parent
    return (f"{where}: the cache of unchanged downloads cannot be used ({error.strerror}: {what}). "
            f"Delete the folder (`make clean`) and build again, or build without it with "
            f"BOOK_CACHE=0.")


def open_cache(config_file: Path, *, enabled: bool) -> Cache | None:
    """The project's cache (beside its configuration file), or None when it is off (BOOK_CACHE=0)."""
    return Cache(config_file.parent / CACHE_DIR) if enabled else None
