"""hooks/book.py: what it does for the whole process, beside reading the book of each build."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from mkdocs.utils import DuplicateFilter

from tests.test_hooks_share_the_package import loaded_hooks


@pytest.fixture
def build_log() -> Iterator[logging.Logger]:
    """MkDocs' build logger with the filter its command line adds (one message, printed once)."""
    log = logging.getLogger("mkdocs.commands.build")
    before = list(log.filters)
    log.addFilter(DuplicateFilter())
    yield log
    log.filters[:] = before


@pytest.mark.parametrize("command, times", [("serve", 2), ("build", 1)])
def test_a_preview_says_why_each_rebuild_failed_even_when_it_is_the_same_reason(
        build_log: logging.Logger, command: str, times: int, caplog: pytest.LogCaptureFixture) -> None:
    _, hooks = loaded_hooks()
    hooks["book"].on_startup(command=command, dirty=False)
    with caplog.at_level(logging.ERROR, logger=build_log.name):
        for _ in range(2):
            build_log.error("mkdocs.yml: extra.pdf.paper: 'b5' is not a paper size we print")
    assert len(caplog.records) == times
