"""Build the book into a folder beside site/, then swap it in whole; one build at a time.

`mkdocs build` empties site/ first and writes page after page, so an interrupted build (Ctrl-C, a
failed check, a crash) would leave a half-written site. Here:

- The build goes to `.site-building/`. That name is never trusted: whatever is left there (a
  build that did not finish, an old site on its way out) is deleted by the next build.
- Only a finished build is swapped in: exchanged with site/ in one atomic step (Linux's
  `renameat2(RENAME_EXCHANGE)`). Where the system cannot exchange two folders, site/ is renamed
  to `.site-previous/` and the new build to site/, so a kill between the two renames leaves
  site/ missing until the next build puts it back. `.site-previous/` only ever holds a whole
  site, moved there by a rename: when site/ is missing, the next build renames it back before
  anything else (even a build that then fails), and it is deleted only once site/ is there. A
  folder being deleted is first renamed to `.site-building/`, so a kill halfway through a
  deletion never leaves part of a site under a name that is trusted.
- One build at a time: `.site.lock` beside site/ is locked (`flock`) for the whole build, swap
  included, and the lock is shared with the mkdocs process, so that a build whose script was
  killed keeps it until its mkdocs ends. A second build in the same folder waits for the first,
  saying so in one line: it was started later, with newer sources, and builds them next.

- Nothing changed, nothing built: when every input of the build (the project's files, git's
  HEAD, the environment it reads, Python's packages, the browser) is what made site/, and site/
  is intact, the build is skipped, saying so in one line (`site_inputs.py`; `BOOK_CACHE=0`
  builds whatever the record says). The record is written once a build is swapped in.

Whatever happens, site/ is the previous complete build, or the new complete build, or absent:
if there was none before, or (without the exchange) until the next build after a kill between
the two renames. A failed or killed build never deletes or changes a complete site.

Usage: python scripts/build_site.py [SITE_DIR]   (default: site, next to mkdocs.yml)
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hooks"))  # the package `ebook`

from mkdocs.exceptions import PluginError  # noqa: E402

import site_inputs  # noqa: E402

HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
WAITING = "Another build of the book is running in this folder; waiting for it to finish…"
UP_TO_DATE = "Nothing changed since the last build: {}/ is up to date."
# The last line of a build that stopped, after MkDocs' own, which names only its exception
# ("Aborted with a BuildError!").
NOT_BUILT = ("The book was not built: fix what is listed above (each problem names its file and line), "
             "then build again. {kept}.")


class Folders:
    """site/ and the names beside it that the build uses."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.building = site.with_name(f".{site.name}-building")
        self.previous = site.with_name(f".{site.name}-previous")
        self.lock = site.with_name(f".{site.name}.lock")


def build(site: Path) -> int:
    folders = Folders(site)
    with build_lock(folders.lock) as lock:
        recover(folders)
        reuse = unchanged_since(folders)
        if reuse is True:
            print(UP_TO_DATE.format(site.name), file=sys.stderr, flush=True)
            return 0
        try:
            returncode = run_mkdocs(folders, lock)
            if returncode == 0:
                swap_in(folders)
        finally:  # a failed or interrupted build's half-written folder (or the old site, swapped out)
            shutil.rmtree(folders.building, ignore_errors=True)
        if returncode == 1:  # stopped by MkDocs (a problem in the book), not by a signal
            kept = (f"{site.name}/ still holds the last book built" if site.is_dir()
                    else f"Nothing was written to {site.name}/")
            print(NOT_BUILT.format(kept=kept), file=sys.stderr, flush=True)
        if returncode == 0 and isinstance(reuse, str) and reuse:
            # The inputs as they were before the build: one changed meanwhile builds again.
            site_inputs.Record(Path.cwd(), site).record(reuse)
    return returncode


# Seconds MkDocs is given to stop on its own after Ctrl-C, before it is killed.
STOP_WAIT = 30


def run_mkdocs(folders: Folders, lock: int) -> int:
    """MkDocs' build into the building folder; its exit status.

    Ctrl-C in a terminal reaches MkDocs too, which then stops on its own: it ends the browser and
    the process finishing the PDFs, and removes its temporary files. So it is waited for
    (`subprocess.run` would kill it after a quarter of a second, leaving them to end alone), and
    killed only if it has not stopped after STOP_WAIT seconds, or at a second Ctrl-C. (A
    SIGINT sent to this script alone, not to its process group, does not reach MkDocs: it is
    then killed after STOP_WAIT seconds.)
    """
    mkdocs = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folders.building)],
        pass_fds=(lock,),
    )
    try:
        return mkdocs.wait()
    except KeyboardInterrupt:
        try:
            mkdocs.wait(timeout=STOP_WAIT)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            mkdocs.kill()
            mkdocs.wait()
        raise


def unchanged_since(folders: Folders) -> bool | str:
    """True when site/ is what a build of the current inputs makes; otherwise the inputs'
    fingerprint to record with the new build, or "" when it cannot be reused (BOOK_CACHE=0, no
    SOURCE_DATE_EPOCH, a file that cannot be read)."""
    if not site_inputs.reuse_enabled(os.environ):
        return ""
    try:
        inputs = site_inputs.fingerprint(Path.cwd(), folders.site,
                                         [folders.building, folders.previous, folders.lock], os.environ)
    except OSError:  # the build says which file, if it needs it
        return ""
    return True if site_inputs.Record(Path.cwd(), folders.site).unchanged(inputs) else inputs


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[int]:
    """Hold the folder's build lock, waiting (and saying so) while another build holds it.

    The kernel releases an flock when the last process holding it ends, however it ends: a
    killed build never leaves a stale lock behind."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(WAITING, file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def recover(folders: Folders) -> None:
    """Undo what a killed build left: site/ back if it is missing, every leftover deleted."""
    if folders.previous.exists():
        if folders.site.exists():
            discard(folders.previous, folders)
        else:  # killed between the two renames of `swap_in`: the site before it, whole
            os.rename(folders.previous, folders.site)
            print(f"{folders.site.name}/ was missing (a build was stopped while swapping it in): "
                  f"the site built before it is back in place.", file=sys.stderr, flush=True)
    shutil.rmtree(folders.building, ignore_errors=True)


def swap_in(folders: Folders) -> None:
    """Replace site/ by the finished build, with no instant at which a kill loses both."""
    site, building, previous = folders.site, folders.building, folders.previous
    # Ctrl-C and the like wait until the renames are done; SIGKILL cannot wait (see `recover`).
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        if not site.exists():
            os.rename(building, site)
        elif not exchange(building, site):  # (exchanged: the old site is in .site-building/)
            os.rename(site, previous)
            os.rename(building, site)
            os.rename(previous, building)  # the old site out of the name `recover` trusts
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def discard(path: Path, folders: Folders) -> None:
    """Delete a folder, renamed to the untrusted name first: a kill halfway through the deletion
    then leaves a part of it only where the next build deletes whatever it finds."""
    shutil.rmtree(folders.building, ignore_errors=True)
    os.rename(path, folders.building)
    shutil.rmtree(folders.building, ignore_errors=True)


AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step; False where the system cannot (not Linux, an old C
    library, a file system without the operation)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) \
        if sys.platform.startswith("linux") else None
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(a), None, str(b))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("site")
    try:
        sys.exit(build(target.absolute()))
    except PluginError as error:  # the build cache cannot be used: the line says what to do
        print(f"ERROR    -  {error}", file=sys.stderr)  # as MkDocs says it
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"Interrupted: {target.name}/ holds the last complete build.", file=sys.stderr)
        sys.exit(130)
    except OSError as error:  # a folder that cannot be written, a full disk: one line, no traceback
        print(f"Could not build into {target.name}/: {error}", file=sys.stderr)
        sys.exit(1)
