"""A link must have a name a screen reader can read: its words, an image's alt text inside it,
or its aria-label (ebook/checks/scanner.py, rendered.py)."""

from __future__ import annotations

import pytest

from ebook.checks.lines import Lines
from ebook.checks.rendered import check_rendered
from ebook.checks.scanner import scan_html

SOURCE = "# Page\n\nSee [](https://example.org/) here.\n"


def problems(html: str) -> list[str]:
    return [p.message for p in check_rendered(scan_html(html), Lines(SOURCE, 0), "docs/page.md")]


@pytest.mark.parametrize("html", [
    '<p><a href="https://example.org/"></a></p>',
    '<p><a href="https://example.org/">  </a></p>',
    '<p><a href="https://example.org/"><img src="x.png" alt=""></a></p>',
])
def test_a_link_without_a_name_is_refused(html: str) -> None:
    # (an image without alt text is told as well, as its own problem)
    told = [m for m in problems(html) if not m.startswith("image ")]
    assert len(told) == 1 and told[0].startswith("the link to 'https://example.org/' has no text"), told


@pytest.mark.parametrize("html", [
    '<p><a href="https://example.org/">The original book</a></p>',
    '<p><a href="https://example.org/"><img src="x.png" alt="The original book\'s cover"></a></p>',
    '<p><a href="https://example.org/" aria-label="The original book"><span></span></a></p>',
])
def test_a_link_named_by_its_words_an_image_or_a_label_is_fine(html: str) -> None:
    assert problems(html) == []
