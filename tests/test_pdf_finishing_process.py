"""The process the printed PDFs are finished in: the work done there, its errors told here, and
the process ended with the build."""

from __future__ import annotations

import os

import psutil
import pytest
from mkdocs.exceptions import PluginError

from ebook.pdf.finishing_process import FinishingProcess


@pytest.fixture
def process() -> FinishingProcess:
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


def test_a_process_that_stops_stops_the_build_naming_the_document(process: FinishingProcess) -> None:
    with pytest.raises(PluginError) as stopped:
        process.run("handouts-1 (15 chapters)", os._exit, 1)
    assert str(stopped.value).startswith("handouts-1 (15 chapters): the process finishing the PDFs stopped")
    assert str(stopped.value).endswith("Build again.")


def test_closing_ends_the_process() -> None:
    process = FinishingProcess()
    worker = psutil.Process(process.run("the book", os.getpid))
    process.close()
    assert not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE
    process.close()  # closing twice is nothing
