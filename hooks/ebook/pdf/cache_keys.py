"""What a PDF's entry in the build cache (`.cache/book/pdf/`) is keyed by, and when it is reused.

A PDF's key is a hash of what its print document is made from (the built page, the chapter's
metadata, the book's settings, the print templates, the code of the PDFs, the libraries, the
browser's version, the epoch; for a handout or worksheet, that of every chapter of its
collection). Its entry also records the hash of every site file the browser loaded while
printing it, and it is reused only when all of those are the same in this build.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ebook.model import build_cache
from ebook.model import writing

if TYPE_CHECKING:
    from ebook.pdf.documents import PrintSetup
    from ebook.pdf.plans import PrintPlan

CACHE_NAMESPACE = "pdf"
# The libraries that turn a print document into PDF bytes.
_LIBRARIES = ("beautifulsoup4", "jinja2", "markupsafe", "pikepdf")


def code_files() -> list[Path]:
    """The code that turns a print document into PDF bytes: every module of the PDFs, and the
    files module that writes them."""
    return [*sorted(Path(__file__).parent.rglob("*.py")), Path(writing.__file__)]


def render_fingerprint(version: str, epoch: int | None, setup: PrintSetup, templates: Path) -> str:
    """A hash of what every PDF of the build shares: browser, epoch (None: the current time,
    so nothing is reused), libraries, this code, the print templates and the book's settings."""
    parts: list[str | bytes] = [version, str(epoch if epoch is not None else time.time()),
                             *(f"{name} {importlib.metadata.version(name)}" for name in _LIBRARIES),
                             *(path.read_bytes() for path in code_files()),
                             repr(setup.book), repr(setup.settings), repr(sorted(setup.body.items()))]
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        parts += [path.relative_to(templates).as_posix(), path.read_bytes()]
    return build_cache.digest(*parts)


def cache_keys(plans: Sequence[PrintPlan], batches: Sequence[Sequence[PrintPlan]],
               common: str) -> dict[str, str]:
    """Each PDF's cache key: what every PDF shares (`render_fingerprint`) and what its print
    document is made from. A chapter's PDF shares its fonts with the others printed with it:
    the same bytes come from the same collection, so its key covers the whole collection."""
    keys = {plan.path: build_cache.digest(common, plan.inputs) for plan in plans if plan.kind == "book"}
    keys |= {plan.path: build_cache.digest(common, plan.inputs, *(b.inputs for b in batch))
             for batch in batches for plan in batch}
    return keys


class SiteFiles:
    """The hashes of the built site's files, each read once per build ("" for a missing file)."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._known: dict[str, str] = {}

    def digest(self, path: str) -> str:
        if path not in self._known:
            file = self.site / path
            self._known[path] = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else ""
        return self._known[path]

    def digests(self, paths: Sequence[str]) -> dict[str, str]:
        return {path: self.digest(path) for path in sorted(paths)}

    def unchanged(self, recorded: Mapping[str, str]) -> bool:
        return all(self.digest(path) == digest for path, digest in recorded.items())
