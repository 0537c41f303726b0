"""The process the printed PDFs are finished in (`finishing.finish_printed`), beside the build's.

pikepdf holds Python's interpreter lock while it reads, tags and writes a PDF, and finishing is
the largest part of the build's own work on the PDFs. In the build's process it took turns with
everything else the build does while the browser prints (making the next documents, driving the
browser, serving it the site), so the two cores were seldom both busy. A process of its own
runs beside them (DEVELOPMENT.md's "Performance" has the profile).

It starts when the first PDF is printed, not before: on two cores, where the browser prints one
document at a time, it does not exist while the book prints (the peak of a long book's memory).
It is started fresh ("spawn"), not forked from the build, whose threads (the browser's, the
local server's) a fork would copy in the middle of their work.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

T = TypeVar("T")

# Where the `ebook` package is: MkDocs puts the hooks' folder on sys.path only while it imports
# them, so a new process is told where to find it.
PACKAGE_FOLDER = str(Path(__file__).resolve().parents[2])
# What the process runs first, for `exec`: no function of the package can be unpickled there
# before its folder is on sys.path. First on it, as MkDocs puts it: a module named `ebook` in the
# book's folder is not taken for the package.
STARTING = (f"import sys; sys.path.insert(0, {PACKAGE_FOLDER!r}); "
            "from ebook.pdf.finishing_process import started; started()")


def started() -> None:
    """Run in the process before any work. Ctrl-C is left to the build, which ends the process
    as it stops (`close`): stopped in the middle of a PDF, the process made the build's thread
    that waited for it stop with Ctrl-C's exception. And the process ends with the build, should
    the build be killed: it holds both ends of its queue of work, so it would wait for work
    forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    build = multiprocessing.parent_process()
    if build is not None:
        threading.Thread(target=_end_with, args=(build,), name="end-with-the-build", daemon=True).start()


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None from a C library without it."""
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None


MALLOC_TRIM = _malloc_trim()


def returning_memory(function: Callable[..., T], /, *args: object, **kwargs: object) -> T:
    """`function(*args, **kwargs)`, then the memory it freed handed back to the system.

    glibc keeps what a finished PDF freed (pikepdf's objects, many small blocks) for the
    process's next allocations: after a long book, most of the memory the book took, which the
    collections never need, was held to the end of the build. `malloc_trim` gives it back; a C
    library without it (not glibc) is left as it is.
    """
    try:
        return function(*args, **kwargs)
    finally:
        if MALLOC_TRIM is not None:
            MALLOC_TRIM(0)


@contextlib.contextmanager
def _ctrl_c_held_back() -> Iterator[None]:
    """Ctrl-C held back in this thread, and in a process started from it until `started` makes
    it ignore Ctrl-C: one that came while the process was starting ended it with a traceback.
    (Another thread of the build takes it meanwhile.)"""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _end_with(build: BaseProcess) -> None:
    build.join()  # returns when the build's process has ended
    os._exit(1)


class FinishingProcess:
    """A process that runs functions of the `ebook` package for the build, one at a time, in
    the order they are given; started by the first."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()  # PDFs are finished from several threads
        self._closed = False

    def run(self, what: str, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`function(*args, **kwargs)` in the process, and its result; its error is raised here.
        `what` names what it works on, for the message if the process stops."""
        with self._starting:  # not given to a process being ended
            if self._closed:
                raise PluginError(f"{what}: not finished, the build has stopped.")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=exec, initargs=(STARTING, {}))
            try:
                with _ctrl_c_held_back():  # the process starts here, if it is not running yet
                    running = self._executor.submit(returning_memory, function, *args, **kwargs)
            except BrokenProcessPool:
                raise _stopped(what) from None
        try:
            return running.result()
        except BrokenProcessPool:
            raise _stopped(what) from None
        except CancelledError:  # dropped by `close`: the build has stopped
            raise PluginError(f"{what}: not finished, the build has stopped.") from None

    def close(self) -> None:
        """End the process: the PDF it is finishing is finished (and those already sent to it,
        two at most), the others still waiting are dropped. It is not killed: killed while it sends a
        PDF back, it would leave the executor waiting for the rest of it for good."""
        with self._starting:
            executor, self._executor, self._closed = self._executor, None, True
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _stopped(what: str) -> PluginError:
    return PluginError(f"{what}: the process finishing the PDFs stopped before it was done (it was "
                       "ended, or the machine ran out of memory). Build again.")
