"""What changed between two rebuilds of the preview, and whether one page's rebuild covers it.

A snapshot records every file the preview watches (the docs folder, the configuration, the
theme's overrides, the hooks and whatever `watch:` names) by size and modification time, and the
text of each Markdown page. Comparing two snapshots gives the pages whose text changed, or the
reason a whole build is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.utils.meta import get_data

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mkdocs.config.defaults import MkDocsConfig


def watched_paths(config: MkDocsConfig) -> list[Path]:
    """The files and folders whose change the preview rebuilds for: what `mkdocs serve` watches,
    the hook files (MkDocs loads them again with the configuration) and the theme's own folder of
    the book (overrides/), which `mkdocs serve` watches only when asked."""
    root = Path(config.config_file_path).parent
    paths = [Path(config.docs_dir), Path(config.config_file_path), *(Path(w) for w in config.watch),
             *(Path(h) for h in config.hooks)]
    custom_dir = config.theme.custom_dir
    if custom_dir:
        paths.append(Path(custom_dir))
    return [p if p.is_absolute() else root / p for p in dict.fromkeys(paths)]


def _files_under(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
        return
    for folder, folders, names in os.walk(path):
        folders[:] = [f for f in folders if f != "__pycache__"]  # written by imports, not edits
        for name in names:
            yield Path(folder, name)


@dataclass
class Snapshot:
    """The watched files' sizes and times, and the Markdown pages' text (by path in docs/)."""

    stats: dict[Path, tuple[int, int]]  # modification time (ns) and size, by path
    docs_dir: Path
    pages: dict[str, str] = field(default_factory=dict)

    @classmethod
    def take(cls, config: MkDocsConfig) -> Snapshot:
        """The watched files now. Every page is read again (a few milliseconds at 200 chapters):
        two saves within the file system's clock tick, of the same size, differ in text alone."""
        docs_dir = Path(config.docs_dir)
        snapshot = cls({}, docs_dir)
        for watched in watched_paths(config):
            for path in _files_under(watched):
                try:
                    status = path.stat()
                except OSError:
                    continue  # removed while listed: the next snapshot tells
                snapshot.stats[path] = (status.st_mtime_ns, status.st_size)
                if path.suffix == ".md" and path.is_relative_to(docs_dir):
                    snapshot.pages[path.relative_to(docs_dir).as_posix()] = _read(path)
        return snapshot


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""  # the checks of the whole build name the file and what is wrong with it


@dataclass(frozen=True)
class Change:
    """Pages whose body alone changed, or why the whole book must be built again."""

    pages: tuple[str, ...] = ()
    full_build: str = ""  # the reason, for the log


def compare(old: Snapshot, new: Snapshot) -> Change:
    """What a rebuild must do to go from `old`'s sources to `new`'s."""
    if set(old.stats) != set(new.stats):
        # A page or file added, removed or renamed: the navigation, every page's neighbours and
        # links, the chapter lists and the files to copy all change.
        return Change(full_build="a file was added or removed")
    pages: list[str] = []
    for path, stat in new.stats.items():
        is_page = path.suffix == ".md" and path.is_relative_to(new.docs_dir)
        if old.stats[path] == stat and not is_page:
            continue
        if not is_page:
            # mkdocs.yml (settings, navigation, plugins), overrides/ (every page's template),
            # the hooks (any page's content), or a file copied as is that pages may embed or
            # the checks read (a stylesheet, an image): all read by every page.
            return Change(full_build=f"{path.name} changed")
        src_uri = path.relative_to(new.docs_dir).as_posix()
        if old.pages[src_uri] == new.pages[src_uri]:
            continue  # saved again, unchanged
        if front_matter(old.pages[src_uri]) != front_matter(new.pages[src_uri]):
            # The title, description, author or attribution: other pages show them (the
            # neighbours' links, the chapter lists, the navigation of every page).
            return Change(full_build=f"the front matter of {src_uri} changed")
        pages.append(src_uri)
    return Change(pages=tuple(sorted(pages)))


def front_matter(text: str) -> dict[str, Any]:
    return get_data(text)[1]
