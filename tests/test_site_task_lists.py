"""Task lists on the site: each checkbox is named by its item's words (ebook/site/task_lists.py),
so a screen reader says what is done, and axe finds no unlabelled checkbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from ebook.site.task_lists import label_task_lists
from tests.browsing import goto, reader
from tests.helpers import build_fixture
from site_server import serve
from tests.test_browser import AXE_TAGS

# As pymdownx.tasklist writes them (custom_checkbox): a tight item, and a loose one whose words
# hold a link and are followed by a nested list.
TASKS = """<p>Before you start:</p>
<ul class="task-list">
<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled checked/><span class="task-list-indicator"></span></label> Found a quiet place</li>
<li class="task-list-item"><p><label class="task-list-control"><input type="checkbox" disabled/><span class="task-list-indicator"></span></label> Read <a href="../notes/">the <em>notes</em></a> first</p>
<ul><li>then the rest</li></ul></li>
</ul>"""


def test_each_checkbox_holds_its_items_words_and_nothing_after_them() -> None:
    labelled = label_task_lists(TASKS)
    assert ('<label class="task-list-control"><input type="checkbox" disabled checked>'
            '<span class="task-list-indicator"></span> Found a quiet place</label>') in labelled
    assert ('<span class="task-list-indicator"></span> Read <a href="../notes/">the <em>notes</em></a> first</label></p>'
            in labelled)
    assert "<ul><li>then the rest</li></ul>" in labelled  # the nested list stays outside the label
    assert labelled.startswith("<p>Before you start:</p>")
    assert label_task_lists(labelled) == labelled


def test_only_the_task_lists_are_written_again_and_nested_ones_with_them() -> None:
    before = '<p>An <svg viewBox="0 0 24 24"><path d="M0"/></svg> icon<br/></p>\n'
    nested = TASKS.replace("<ul><li>then the rest</li></ul>", "<ul class=\"task-list\">" + TASKS.split("\n", 2)[2])
    labelled = label_task_lists(before + nested + "\n" + before)
    assert labelled.startswith(before) and labelled.endswith("\n" + before)  # the rest, byte for byte
    assert labelled.count("Found a quiet place</label>") == 2  # the nested list's task too
    assert label_task_lists(labelled) == labelled


def test_a_page_without_task_lists_is_left_byte_for_byte() -> None:
    content = '<p>A <label for="x">label</label> &amp; <br> text, <code>task-list</code></p>'
    assert label_task_lists(content) == content


@pytest.fixture(scope="module")
def tasks_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    result, site = build_fixture("footnotes-tasks", tmp_path_factory.mktemp("tasks-site"))
    assert result.returncode == 0, result.stderr
    with serve(site) as address:
        yield address


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_readers_screen_reader_hears_what_each_task_is_and_axe_finds_nothing(
        browser: Browser, tasks_site: str, scheme: str) -> None:
    with reader(browser, 390, scheme) as page:
        goto(page, tasks_site, "chapters/checklists/")
        expect(page.get_by_role("checkbox", name="Found a quiet place to talk", exact=True)).to_be_checked()
        expect(page.get_by_role("checkbox", name="Asked how the person wants to be supported", exact=True)).not_to_be_checked()
        expect(page.get_by_role("checkbox", name="Thanked the person for their trust", exact=True)).to_be_checked()
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        assert [v["id"] for v in results.response["violations"]] == []
        goto(page, tasks_site, "print_page/")  # the whole book on one page, made by print-site
        expect(page.get_by_role("checkbox", name="Thanked the person for their trust", exact=True)).to_be_checked()
        assert page.get_by_role("checkbox", name="", exact=True).count() == 0
