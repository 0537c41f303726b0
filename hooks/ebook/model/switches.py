"""The environment's switches: what differs per machine or per run (BOOK_EXPORTS, BOOK_CACHE,
SOURCE_DATE_EPOCH, BOOK_BROWSER), read once per build with the book's settings.

A value that is not understood stops the build with what each value does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from mkdocs.exceptions import PluginError

from ebook.model import fields

EXPORTS_ENV = "BOOK_EXPORTS"
CACHE_ENV = "BOOK_CACHE"


def on_unless_zero(env: Mapping[str, str], name: str, *, on: str, off: str) -> bool:
    """A switch in the environment: on when unset or 1, off when 0, anything else an error
    that says what each value does (`on` and `off` complete "use NAME=1 to …")."""
    value = env.get(name, "").strip()
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    raise PluginError(f"{name}={value!r} is not understood: use {name}=1 to {on}, or {name}=0 to {off}.")


def exports_enabled(env: Mapping[str, str]) -> bool:
    """Whether the exporters write their files: on unless BOOK_EXPORTS=0."""
    return on_unless_zero(env, EXPORTS_ENV, on="write the PDFs and other downloads",
                          off="skip them (as `make serve` does)")


def cache_enabled(env: Mapping[str, str]) -> bool:
    """Whether the build reuses unchanged downloads: on unless BOOK_CACHE=0."""
    return on_unless_zero(env, CACHE_ENV, on="reuse the downloads whose inputs did not change (the default)",
                          off="make every download afresh")


def source_date_epoch(env: Mapping[str, str]) -> int | None:
    """`SOURCE_DATE_EPOCH` (seconds since 1970, UTC), or None when unset."""
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise PluginError(
            f"SOURCE_DATE_EPOCH={raw!r} is not a time: set it to whole seconds since 1970 "
            "(e.g. `git log -1 --format=%ct`), or unset it."
        )
    return int(raw)


def build_time(environ: Mapping[str, str]) -> datetime:
    """The build's time: `SOURCE_DATE_EPOCH` when set, else now."""
    return _time_of(source_date_epoch(environ))


def _time_of(epoch: int | None) -> datetime:
    if epoch is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    return datetime.fromtimestamp(epoch, timezone.utc)


@dataclass(frozen=True)
class Switches:
    """What differs per machine or per run, from the environment."""

    exports: bool  # BOOK_EXPORTS: write the PDFs and other downloads (off in `make serve`)
    cache: bool  # BOOK_CACHE: reuse unchanged PDFs and offline editions
    epoch: int | None  # SOURCE_DATE_EPOCH: the build's fixed time, for reproducible files
    browser: str  # BOOK_BROWSER: the browser that prints, when not found by its usual names
    build_time: datetime  # SOURCE_DATE_EPOCH's time, or the time the build started


def read_switches(env: Mapping[str, str], problems: fields.Problems | None = None) -> Switches:
    """Every switch; with `problems`, each one not understood is kept there, the others read too."""
    read = (problems or fields.Problems(collect=False)).read
    exports, cache = read(lambda: exports_enabled(env), True), read(lambda: cache_enabled(env), True)
    epoch = read(lambda: source_date_epoch(env), None)
    return Switches(exports=exports, cache=cache, epoch=epoch, browser=env.get("BOOK_BROWSER", "").strip(),
                    build_time=_time_of(epoch))
