"""Last updated: each page's date, from the last git commit that changed its source file.

The footer of every page says when its text last changed (overrides/partials/copyright.html).

- One `git log` over the docs folder gives the date of every page at once. (A per-page
  lookup, as mkdocs-git-revision-date-localized-plugin does it, runs one git process per page:
  about a second at 200 chapters, in every preview and pull request.)
- The date is the commit's author date, in UTC, written out in the pages' language (the
  theme's `language`, which Material gives every page's `lang`) by Babel.
- A commit that only renamed or moved a file does not count: the date stays that of the last
  change to its text, followed across the rename.
- A page not committed yet, or a build outside git (or without git installed), shows the build
  date: `SOURCE_DATE_EPOCH` when set, so that such builds are still reproducible.
- In a shallow clone (CI checks out one commit by default) a page last changed before the
  clone's oldest commit shows that commit's date, the same in every build of that commit; the
  build says so, and deployments that want exact dates fetch the whole history.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.ebook.last_updated")


@dataclass(frozen=True)
class DocsHistory:
    """When each file of the docs folder last changed, by path relative to the folder."""

    timestamps: Mapping[str, int]
    note: str = ""  # what the reader of the build log should know about these dates


@dataclass(frozen=True)
class LastUpdated:
    iso_date: str  # 2025-01-16, for <time datetime>
    text: str  # January 16, 2025, in the pages' language


@dataclass(frozen=True)
class PageDates:
    """The dates of one build's pages (hooks/last_updated.py makes one in each build)."""

    history: DocsHistory
    build_time: int  # for a page git has no date for
    language: str
    # Many pages share a commit, and Babel takes a while per date: each is written out once.
    _written: dict[int, LastUpdated] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, docs_dir: Path, *, build_time: datetime, language: str) -> PageDates:
        history = read_history(docs_dir)
        if history.note:
            log.info("Last updated: %s", history.note)
        return cls(history, int(build_time.timestamp()), language)

    def of(self, src_uri: str) -> LastUpdated:
        """The date a page shows: its source file's last change, or the build's."""
        timestamp = self.history.timestamps.get(src_uri, self.build_time)
        if timestamp not in self._written:
            self._written[timestamp] = last_updated(timestamp, self.language)
        return self._written[timestamp]


def last_updated(timestamp: int, language: str) -> LastUpdated:
    # Imported here: Babel's date tables take a few hundredths of a second to load.
    from babel.dates import format_date

    day = datetime.fromtimestamp(timestamp, tz=timezone.utc).date()
    return LastUpdated(iso_date=day.isoformat(),
                       text=format_date(day, format="long", locale=language.replace("-", "_")))


def read_history(docs_dir: Path) -> DocsHistory:
    """Every docs file's last change, from one `git log`; no dates outside a git repository."""
    try:
        shallow = _git(docs_dir, "rev-parse", "--is-shallow-repository").strip() == "true"
        log_output = _git(docs_dir, "log", "-z", "--format=%x00%at", "--name-status",
                          "--find-renames", "--relative", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return DocsHistory({}, note="no git history here, so every page shows the build date.")
    note = ("this is a shallow clone: a page last changed before its oldest commit shows that "
            "commit's date. Fetch the whole history (e.g. `fetch-depth: 0`) for exact dates."
            if shallow else "")
    return DocsHistory(last_changes(log_output), note=note)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          encoding="utf-8", errors="surrogateescape").stdout


def last_changes(log_output: str) -> dict[str, int]:
    """Each path's last change, from `git log -z --format=%x00%at --name-status --find-renames`.

    The log runs from the newest commit back. A path takes the date of the first commit that
    changed it; a pure rename (similarity 100) is not a change, and makes the file's older name
    stand for its current one in the older commits.
    """
    changed: dict[str, int] = {}
    current_name: dict[str, str] = {}  # an older name -> the file's name today
    fields = iter(log_output.split("\0"))
    timestamp = 0
    for field in fields:
        field = field.lstrip("\n")
        if not field:
            continue
        if field.isdigit():  # a commit's header: its author date (statuses are never digits)
            timestamp = int(field)
            continue
        status = field
        if status[0] in "RC":  # renamed or copied: the old path, then the new one
            old, new = next(fields), next(fields)
            today = current_name.get(new, new)
            if status[0] == "R":
                current_name[old] = today
            if status != "R100":
                changed.setdefault(today, timestamp)
            continue
        path = next(fields)
        if status[0] != "D":
            changed.setdefault(current_name.get(path, path), timestamp)
    return changed
