"""The process the printed PDFs are finished in (`finishing.finish_printed`), beside the build's.

pikepdf holds Python's interpreter lock while it reads, tags and writes a PDF, and finishing is
the largest part of the build's own work on the PDFs. In the build's process it took turns with
everything else the build does while the browser prints (making the next documents, driving the
browser, serving it the site), so the two cores were seldom both busy. A process of its own
runs beside them (`benchmarks/results.md` has the times).

It starts when the first PDF is printed, not before: while the book prints (the peak of a long
book's memory) it does not exist. It is started fresh ("spawn"), not forked from the build,
whose threads (the browser's, the local server's) a fork would copy in the middle of their work.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from mkdocs.exceptions import PluginError

import ebook

T = TypeVar("T")

# Where the `ebook` package is: MkDocs puts the hooks' folder on sys.path only while it imports
# them, so a new process is told where to find it.
PACKAGE_FOLDER = str(Path(ebook.__path__[0]).parent)
# What the process runs first: a line of code for `exec`, since no function of the package can
# be imported there before it. It finds the package, and leaves Ctrl-C to the build, which ends
# the process as it stops (`close`): a process stopped in the middle of a PDF made the build's
# thread that waited for it stop with Ctrl-C's exception instead.
STARTING = f"import signal, site; signal.signal(signal.SIGINT, signal.SIG_IGN); site.addsitedir({PACKAGE_FOLDER!r})"


class FinishingProcess:
    """A process that runs functions of the `ebook` package for the build, one at a time, in
    the order they are given; started by the first."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()  # PDFs are finished from several threads

    def run(self, what: str, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`function(*args, **kwargs)` in the process, and its result; its error is raised here.
        `what` names what it works on, for the message if the process stops."""
        with self._starting:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=exec, initargs=(STARTING, {}))
            executor = self._executor
        try:
            return executor.submit(function, *args, **kwargs).result()
        except BrokenProcessPool:
            raise PluginError(
                f"{what}: the process finishing the PDFs stopped before it was done, often "
                "because the machine ran out of memory. Build again."
            ) from None

    def close(self) -> None:
        """End the process, once what it was given is done (or at once, after an error)."""
        with self._starting:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
