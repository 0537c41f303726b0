"""The EPUB's accessibility, by Ace by DAISY (scripts/conformance.py): the book's EPUB breaks none
of its rules, whatever their impact.

Ace checks a copy of the EPUB whose documents carry no Content-Security-Policy: the policy
refuses any script, Ace's checker included (conformance.without_script_policy says why). The
copy differs from the EPUB by that alone. How Ace's report of an EPUB that breaks its rules is
read is tested on a recorded one (tests/test_audit.py, tests/fixtures/audit/ace-report.json).
A task list's checkboxes are named by their items' words (ebook.epub.convert), which Ace requires.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from conformance import ace, without_script_policy
from lxml import etree

from ebook.epub.convert import EpubChapter, convert_chapter
from tests.epubs import Epub
from tests.helpers import ROOT

CSP = "Content-Security-Policy"


@pytest.fixture(scope="module")
def epub(site: Path) -> Path:
    (found,) = (site / "downloads").glob("*.epub")
    return found


def test_ace_finds_no_violation_in_the_epub(epub: Path) -> None:
    result = ace(epub)
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["@daisy/ace-cli"]
    assert result.tool == "Ace by DAISY" and result.version == pinned
    assert result.violations == (), "\n".join(map(str, result.violations))
    assert result.details["outcome"] == "pass"
    # Every document of the reading order was checked, and the package's metadata.
    book = Epub(epub)
    spine = {path.removeprefix(book.base + "/") for path in book.spine()}
    assert spine <= set(result.details["documents"])
    assert book.opf_path in result.details["documents"]


def test_the_copy_ace_checks_differs_only_by_the_documents_policy(epub: Path, tmp_path: Path) -> None:
    copy = tmp_path / epub.name
    without_script_policy(epub, copy)
    with zipfile.ZipFile(epub) as original, zipfile.ZipFile(copy) as checked:
        assert [(e.filename, e.compress_type) for e in checked.infolist()] == \
               [(e.filename, e.compress_type) for e in original.infolist()]
        assert checked.infolist()[0].filename == "mimetype"
        documents = [name for name in original.namelist() if name.endswith(".xhtml")]
        assert documents and all(CSP in original.read(name).decode("utf-8") for name in documents)
        for name in original.namelist():
            if name not in documents:
                assert checked.read(name) == original.read(name), name
                continue
            assert CSP not in checked.read(name).decode("utf-8"), name
            before = etree.fromstring(original.read(name))
            for meta in before.iterfind(".//{http://www.w3.org/1999/xhtml}meta[@http-equiv]"):
                meta.getparent().remove(meta)
            assert etree.tostring(etree.fromstring(checked.read(name)), method="c14n") == \
                   etree.tostring(before, method="c14n"), name


# A chapter's task lists as pymdownx.tasklist writes them (custom_checkbox): tight, loose with a
# nested list, and with a link in an item's words. Ace's verdict on a whole book of them is in
# tests/test_pdf_ua.py (the footnotes-tasks fixture, built once there for its PDFs and its EPUB).
TASKS = """<ul class="task-list">
<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled checked/><span
class="task-list-indicator"></span></label> Found a quiet place to talk</li>
<li class="task-list-item"><p><label class="task-list-control"><input type="checkbox" disabled/><span
class="task-list-indicator"></span></label> Read <a href="https://example.org/">the <em>notes</em></a> first</p>
<ul><li>Take your time.</li></ul></li>
</ul>"""


def test_each_task_checkbox_is_named_by_its_item_s_words() -> None:
    chapter = EpubChapter("chapters/tasks.md", "chapters/tasks/", "Tasks", TASKS)
    body = etree.fromstring(f"<div>{convert_chapter(chapter, {}, site_url=None).body}</div>")
    labels = body.findall(".//label")
    assert [(label.find("input").get("checked"), " ".join("".join(label.itertext()).split())) for label in labels] \
        == [("checked", "Found a quiet place to talk"), (None, "Read the notes first")]
    # The words moved, nothing else: the link keeps its address, the nested list stays outside.
    assert labels[1].find("a").get("href") == "https://example.org/"
    assert labels[1].getparent().tag == "p" and body.find(".//li/ul/li").text == "Take your time."
    assert " ".join("".join(body.itertext()).split()) == \
        "Found a quiet place to talk Read the notes first Take your time."
