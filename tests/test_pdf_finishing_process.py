"""The process the printed PDFs are finished in: the work done there, its errors told here, and
the process ended with the build, however the build ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from mkdocs.exceptions import PluginError

from ebook.pdf.finishing_process import FinishingProcess
from tests.helpers import ROOT


@pytest.fixture
def process() -> Iterator[FinishingProcess]:
    started = FinishingProcess()
    yield started
    started.close()


def test_the_work_is_done_in_a_process_of_its_own(process: FinishingProcess) -> None:
    worker = process.run("the book", os.getpid)
    assert worker != os.getpid()
    assert process.run("a collection", os.getpid) == worker  # one process for the whole build


def test_an_error_there_is_raised_in_the_build(process: FinishingProcess) -> None:
    with pytest.raises(ValueError, match="'not a number'"):
        process.run("the book", int, "not a number")


KEPT: list[bytes] = []


def allocate_and_free(mebibytes: int) -> int:
    """Allocate `mebibytes` in 1 KiB blocks, keep one allocated after them and free the rest, as
    finishing a long PDF does; the process's resident memory at its height."""
    blocks = [bytes(range(256)) * 4 for _ in range(mebibytes * 1024)]
    KEPT.append(bytes(range(256)) * 4)  # above the freed blocks: the C library cannot just shrink its heap
    height = psutil.Process().memory_info().rss
    del blocks
    return height


def test_the_memory_a_pdf_freed_goes_back_to_the_system(process: FinishingProcess) -> None:
    """The process lasts the whole build: what finishing the book freed is not held to the end."""
    height = process.run("the book", allocate_and_free, 100)
    worker = psutil.Process(process.run("a collection", os.getpid))
    assert worker.memory_info().rss < height - 80 * 2**20


def test_a_process_that_stops_stops_the_build_naming_the_document(process: FinishingProcess) -> None:
    with pytest.raises(PluginError) as stopped:
        process.run("handouts-1 (15 chapters)", os._exit, 1)
    assert str(stopped.value).startswith("handouts-1 (15 chapters): the process finishing the PDFs stopped")
    assert str(stopped.value).endswith("Build again.")


def test_ctrl_c_is_left_to_the_build(process: FinishingProcess) -> None:
    """The build decides when the process ends (`close`): Ctrl-C reaching it too ends nothing."""
    worker = process.run("the book", os.getpid)
    os.kill(worker, signal.SIGINT)
    time.sleep(0.5)  # time for a signal the process did not ignore to end it
    assert process.run("a collection", os.getpid) == worker


def test_closing_ends_the_process() -> None:
    process = FinishingProcess()
    worker = psutil.Process(process.run("the book", os.getpid))
    process.close()
    assert not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE
    process.close()  # closing twice is nothing


def test_nothing_is_finished_once_the_build_has_stopped() -> None:
    process = FinishingProcess()
    process.run("the book", os.getpid)
    process.close()
    with pytest.raises(PluginError, match=r"^handouts-1: not finished, the build has stopped\.$"):
        process.run("handouts-1", os.getpid)


# A build as MkDocs runs one: the hooks' folder on sys.path only while the hooks are imported.
BUILD = """
import os, sys, time
from datetime import datetime, timezone
sys.path.insert(0, sys.argv[1])
from ebook.pdf import finishing
from ebook.pdf.finishing_process import FinishingProcess
del sys.path[0]
process = FinishingProcess()
print(process.run("the book", finishing.pdf_date, datetime(2026, 12, 4, tzinfo=timezone.utc)), flush=True)
print(process.run("the book", os.getpid), flush=True)
time.sleep(600)
"""


def test_the_process_finds_the_package_and_ends_with_a_killed_build(tmp_path: Path) -> None:
    build = subprocess.Popen([sys.executable, "-c", BUILD, str(ROOT / "hooks")], cwd=tmp_path,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert build.stdout is not None
        assert build.stdout.readline().strip() == "D:20261204000000+00'00'"  # an ebook function ran there
        worker = psutil.Process(int(build.stdout.readline()))
    finally:
        build.kill()  # SIGKILL: the build has no time to end anything
        build.wait()
    deadline = time.monotonic() + 60  # not a measure: a bound, should the process wait forever
    while worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the finishing process outlived its build"
        time.sleep(0.05)


def test_closing_drops_what_waits() -> None:
    """The PDF being finished is finished; the last of those still waiting is not (two may
    already be with the process), and says why."""
    process = FinishingProcess()
    told: dict[str, object] = {}

    def finish(name: str) -> None:
        try:
            told[name] = process.run(name, time.sleep, 0.5)
        except PluginError as error:
            told[name] = str(error)

    names = ["the book", "handouts-1", "handouts-2", "worksheets-3", "worksheets-4"]
    finishing = [threading.Thread(target=finish, args=(name,)) for name in names]
    for thread in finishing:
        thread.start()
        time.sleep(0.05)  # in this order
    process.close()
    for thread in finishing:
        thread.join()
    assert told["the book"] is None
    assert told["worksheets-4"] == "worksheets-4: not finished, the build has stopped."
