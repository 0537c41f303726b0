"""The hooks, loaded as MkDocs loads them, share one copy of the package and never copy each other.

MkDocs loads each file under `hooks:` as a module of its own, named after its path, with
`hooks/` on sys.path only while it runs (`config_options.Hooks`): what two hooks import from
`ebook` is then one module, and what one hook sets there the other reads. A hook that imported
another by its plain module name (`import book`) would run that file a second time, as a module
`book` with state of its own, which the hooks MkDocs calls would never see.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from mkdocs.config import load_config

from tests.helpers import ROOT


def loaded_hooks(config_file: Path = ROOT / "mkdocs.yml") -> tuple[Any, dict[str, ModuleType]]:
    """The configuration and its hooks by file name (`book`), loaded by MkDocs' own loader."""
    config = load_config(str(config_file))
    hooks = {Path(name).stem: module for name, module in config.plugins.items() if isinstance(module, ModuleType)}
    return config, hooks


def plain_copies(hooks_dir: Path) -> list[str]:
    """The names of the modules imported from a hook file of `hooks_dir` by a plain module name:
    MkDocs names the modules it loads after their path (`hooks/book.py`), never so."""
    files = {path.resolve() for path in hooks_dir.glob("*.py")}
    return sorted(name for name, module in list(sys.modules.items())
                  if name.isidentifier() and getattr(module, "__file__", None)
                  and Path(module.__file__).resolve() in files)


def test_two_hooks_share_the_state_of_the_package_module_they_both_import() -> None:
    before = set(plain_copies(ROOT / "hooks"))  # what other tests imported by name themselves
    config, hooks = loaded_hooks()
    book, attribution = hooks["book"], hooks["attribution"]
    assert book is not attribution
    assert book.state is attribution.state is sys.modules["ebook.model.state"]

    book.on_config(config)  # starts the build's book in ebook.model.state...
    page = SimpleNamespace(meta={}, file=SimpleNamespace(src_uri="chapters/a-chapter.md"))
    html = attribution.on_page_content("<p>Text.</p>", page, config, files=None)  # ...read here
    assert attribution.state.book_of(config) is book.state.book_of(config)
    assert html.startswith("<p>Text.</p>") and 'class="book-attribution"' in html
    # Every hook of mkdocs.yml is loaded by now: none made a copy of another.
    assert sorted(set(plain_copies(ROOT / "hooks")) - before) == []


def test_a_hook_imported_by_its_module_name_is_a_copy_with_state_of_its_own(tmp_path: Path) -> None:
    # What the test above looks for, made on purpose: `second.py` imports `first` by name.
    (tmp_path / "docs").mkdir()
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "first.py").write_text("seen: list[str] = []\n", encoding="utf-8")
    (tmp_path / "hooks" / "second.py").write_text("import first\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: Copies\nhooks:\n  - hooks/first.py\n  - hooks/second.py\n", encoding="utf-8")
    try:
        _, hooks = loaded_hooks(config_file)
        assert plain_copies(tmp_path / "hooks") == ["first"]
        hooks["first"].seen.append("set through the hook MkDocs calls")
        assert hooks["second"].first is not hooks["first"] and hooks["second"].first.seen == []
    finally:
        for name in ("first", "hooks/first.py", "hooks/second.py"):
            sys.modules.pop(name, None)
