"""The exports of one build (ebook/exports.py) and their MkDocs events (hooks/exports.py): each
export gets the events it takes, and they write in the contract's order."""

from __future__ import annotations

import importlib.util
from types import ModuleType, SimpleNamespace
from typing import Any, cast

import pytest
from mkdocs.plugins import PluginCollection, event_priority

from ebook import exports
from tests.helpers import ROOT

PARTS = {"PdfExport": "pdf", "EpubExport": "epub", "OfflineExport": "offline", "DownloadsIndex": "index"}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call made to the four exports, which stand-ins record instead of exporting."""
    made: list[str] = []
    for cls, name in PARTS.items():
        monkeypatch.setattr(exports, cls, recorder(name, made))
    return made


def recorder(name: str, calls: list[str]) -> type:
    class Part:
        def __init__(self, book: object, config: object) -> None:
            calls.append(f"{name}: made")

        def __getattr__(self, method: str) -> Any:
            def record(*args: object) -> object:
                calls.append(f"{name}: {method}")
                return args[0] if method == "post_page" else None  # the page's HTML, unchanged
            return record
    return Part


CONFIG, PAGE = cast(Any, object()), cast(Any, object())
BOOK = SimpleNamespace(settings=SimpleNamespace(formats=("pdf", "epub", "offline")))


def test_the_exports_are_made_and_written_in_the_contracts_order(calls: list[str]) -> None:
    made = exports.Exports(cast(Any, BOOK), CONFIG)
    assert calls == ["pdf: made", "epub: made", "offline: made", "index: made"]
    calls.clear()
    made.write(CONFIG)
    assert calls == ["pdf: write", "epub: write", "offline: write", "offline: index_inputs", "index: write"]


def test_the_offline_editions_own_build_leaves_its_index_to_the_book_build(
        calls: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Started by the book's build (the offline edition says where its index's inputs go), it
    writes them there instead of its index, which the book's build writes once its downloads
    are copied in."""
    made = exports.Exports(cast(Any, BOOK), CONFIG)
    handed: list[object] = []
    monkeypatch.setattr(made.offline, "index_inputs", lambda: "work/index-inputs.json", raising=False)
    monkeypatch.setattr(made.index, "inputs", lambda config: "what the index is made from", raising=False)
    monkeypatch.setattr(exports, "write_index_inputs", lambda path, inputs: handed.append((path, inputs)))
    calls.clear()
    made.write(CONFIG)
    assert calls == ["pdf: write", "epub: write", "offline: write", "offline: handed_over"]
    assert handed == [("work/index-inputs.json", "what the index is made from")]


def every_event(made: exports.Exports) -> None:
    """Each event of a page's build, in MkDocs' order, up to the written page."""
    made.files(cast(Any, []), CONFIG)
    made.pre_build(CONFIG)
    made.env(cast(Any, None))
    made.page_content("<p>x</p>", PAGE)
    made.finished_page_content("<p>x</p>", PAGE)
    made.page_context({}, PAGE)


def test_a_book_makes_only_the_downloads_it_offers_and_always_its_index(calls: list[str]) -> None:
    book = SimpleNamespace(settings=SimpleNamespace(formats=("offline",)))
    made = exports.Exports(cast(Any, book), CONFIG)
    every_event(made)
    made.write(CONFIG)
    made.close()
    assert calls == ["offline: made", "index: made", "offline: files", "offline: pre_build",
                     "index: page_context", "offline: write", "offline: index_inputs", "index: write",
                     "offline: close"]


def test_each_export_gets_the_events_it_takes_in_the_order_the_hooks_had(calls: list[str]) -> None:
    made = exports.Exports(cast(Any, BOOK), CONFIG)
    calls.clear()
    every_event(made)
    assert made.post_page("<html></html>", PAGE, CONFIG) == "<html></html>"
    made.close()
    assert calls == [
        "pdf: files", "epub: files", "offline: files",
        "pdf: pre_build", "offline: pre_build",
        "pdf: env",
        "pdf: page_content", "epub: page_content",
        "pdf: page_context", "index: page_context",
        "offline: post_page",
        "pdf: close", "offline: close",
    ]


def exports_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("exports_hook_under_test", ROOT / "hooks" / "exports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hook_takes_each_page_s_content_at_the_priorities_the_exports_had() -> None:
    # The PDFs read the page at the usual priority (0); the EPUB takes the content at -50, once
    # every hook that adds to it has (the attribution block comes at 50).
    hook = exports_hook()
    plugins = PluginCollection()
    plugins["hooks/attribution.py"] = cast(Any, SimpleNamespace(on_page_content=adds("<aside>credit</aside>", 50)))
    plugins["hooks/exports.py"] = cast(Any, hook)
    plugins["a later hook"] = cast(Any, SimpleNamespace(on_page_content=adds("<p>later</p>", -10)))
    seen: list[str] = []
    hook._exports = SimpleNamespace(page_content=lambda html, page: seen.append(f"pdf: {html}"),
                                    finished_page_content=lambda html, page: seen.append(f"epub: {html}"))
    html = plugins.on_page_content("<p>Text</p>", page=PAGE, config=CONFIG, files=cast(Any, []))
    assert html == "<p>Text</p><aside>credit</aside><p>later</p>"
    assert seen == ["pdf: <p>Text</p><aside>credit</aside>", f"epub: {html}"]
    assert [getattr(m, "mkdocs_priority", 0) for m in plugins.events["page_content"]] == [50, 0, -10, -50]


def adds(text: str, priority: int) -> Any:
    """Another hook's on_page_content, at `priority`, that adds `text` to the content."""
    def on_page_content(html: str, **kwargs: object) -> str:
        return html + text
    return event_priority(priority)(on_page_content)


def test_the_hook_hands_every_event_of_the_four_exports_on() -> None:
    hook = exports_hook()
    events = {name for name in dir(hook) if name.startswith("on_")}
    assert events == {"on_config", "on_nav", "on_files", "on_pre_build", "on_env", "on_page_content",
                      "on_page_context", "on_post_page", "on_post_build", "on_build_error"}


def test_every_export_reads_the_book_again_once_its_chapters_are_known(calls: list[str]) -> None:
    made = exports.Exports(cast(Any, BOOK), CONFIG)
    with_chapters = SimpleNamespace(settings=BOOK.settings, chapters=("chapters/one.md",))
    made.read_navigation(cast(Any, with_chapters))
    assert all(part.book is with_chapters for part in (made.pdf, made.epub, made.offline, made.index))
