"""`make lint`'s code part: mypy --strict on hooks/ (mypy.ini) and the import contracts
(.importlinter) that keep the package `ebook` in its layers, away from the hook files.

The real package must pass both. Each check is also run on a copy of hooks/ with a mistake put in
on purpose, so that neither can pass by checking nothing: a check that finds the mistake is
a check that reads the code.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

import lint  # noqa: E402

HOOKS = ROOT / "hooks"
PACKAGE = HOOKS / "ebook"
CONTRACTS = configparser.ConfigParser()
CONTRACTS.read(ROOT / ".importlinter", encoding="utf-8")
MYPY = configparser.ConfigParser()
MYPY.read(ROOT / "mypy.ini", encoding="utf-8")
# The layers, lowest first, as the layers contract lists them (siblings on one line).
LAYERS = ("model", "checks", "site", "pdf", "epub", "offline", "download_links", "downloads", "exports")


def run_mypy(cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """mypy with the project's settings, from `cwd` (its `files = hooks` is read from there)."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "mypy.ini"), "--cache-dir", str(cache),
         "--no-color-output", "--no-pretty"],
        cwd=cwd, capture_output=True, text=True,
    )


def run_lint_imports(hooks: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, the package found in `hooks` as MkDocs finds it."""
    return subprocess.run(
        [sys.executable, "-c", lint.LINT_IMPORTS, str(ROOT / ".importlinter"), "--no-logo", "--no-cache"],
        cwd=hooks.parent, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(hooks)},
    )


def copy_of_hooks(tmp_path: Path) -> Path:
    """hooks/ (the package and the hook files) and the checks' settings, copied into `tmp_path`."""
    shutil.copytree(HOOKS, tmp_path / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mypy.ini", ".importlinter"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path / "hooks"


def module_file(package: Path, name: str) -> Path:
    """The file of the package's top-level module or subpackage `name`, made empty if missing."""
    folder = package / name
    if (package / f"{name}.py").is_file():
        return package / f"{name}.py"
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").touch()
    return folder / "__init__.py"


def append(path: Path, line: str) -> int:
    """Adds `line` at the end of the file; its line number."""
    text = path.read_text(encoding="utf-8")
    text += ("" if text.endswith("\n") or not text else "\n") + line + "\n"
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


# --- The real code ------------------------------------------------------------------------------


def test_mypy_strict_finds_nothing_in_the_package_or_the_hooks(tmp_path: Path) -> None:
    """Every module under hooks/ (about 40, a few seconds with no cache) is checked, and passes."""
    result = run_mypy(ROOT, tmp_path / "mypy-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    success = re.fullmatch(r"Success: no issues found in (\d+) source files\n", result.stdout)
    assert success, result.stdout
    assert int(success.group(1)) == len([p for p in HOOKS.rglob("*.py") if "__pycache__" not in p.parts])


def test_the_import_contracts_are_kept() -> None:
    result = run_lint_imports(HOOKS)
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = [name for name in CONTRACTS.sections() if name.startswith("importlinter:contract:")]
    assert f"Contracts: {len(contracts)} kept, 0 broken." in result.stdout


def test_the_settings_are_strict_and_cover_the_package_and_the_hook_files() -> None:
    settings = MYPY["mypy"]
    assert settings.getboolean("strict") and settings["files"] == "hooks" and settings["mypy_path"] == "hooks"
    assert settings.getboolean("explicit_package_bases") and settings["python_version"] == "3.11"
    assert (ROOT / ".python-version").read_text(encoding="utf-8").strip().startswith(settings["python_version"])
    # Only the import of a library that ships no types is let through, nothing else.
    for section in MYPY.sections():
        if section == "mypy":
            continue
        assert section.startswith("mypy-") and dict(MYPY[section]) == {"ignore_missing_imports": "True"}, section
        spec = importlib.util.find_spec(section.removeprefix("mypy-").removesuffix(".*"))
        assert spec is not None and spec.origin is not None, section  # installed
        assert not (Path(spec.origin).parent / "py.typed").exists(), f"{section}: ships types now"


def test_the_contract_names_every_hook_file() -> None:
    """The package never imports a hook file: the forbidden contract lists each one by name."""
    forbidden = CONTRACTS["importlinter:contract:hooks"]["forbidden_modules"].split()
    assert forbidden == sorted(p.stem for p in HOOKS.glob("*.py"))
    assert CONTRACTS["importlinter:contract:hooks"]["source_modules"] == "ebook"


# --- The checks find mistakes -------------------------------------------------------------------


def test_mypy_reports_an_unannotated_function_in_the_package_and_in_a_hook_file(tmp_path: Path) -> None:
    hooks = copy_of_hooks(tmp_path)
    in_package = append(module_file(hooks / "ebook", "model"), "def untyped(value): return value")
    hook_file = sorted(hooks.glob("*.py"))[0]
    in_hook = append(hook_file, "def untyped(value): return value")
    result = run_mypy(tmp_path, tmp_path / "mypy-cache")
    assert result.returncode == 1
    for path, line in ((hooks / "ebook" / "model" / "__init__.py", in_package), (hook_file, in_hook)):
        shown = path.relative_to(tmp_path).as_posix()
        assert re.search(rf"^{re.escape(shown)}:{line}: error: Function is missing a type annotation.*"
                         r"\[no-untyped-def\]$", result.stdout, re.M), result.stdout
    # scripts/lint.py prints the same lines, and counts each error once (its notes are not errors).
    problems = lint.type_problems(root=tmp_path, here=tmp_path)
    assert f"hooks/ebook/model/__init__.py:{in_package}: error: Function is missing a type annotation" \
        in "\n".join(problems)
    assert lint.type_error_count(problems) == result.stdout.count(": error: ")


@pytest.mark.parametrize(
    ("lower", "higher"),
    [(LAYERS[i], LAYERS[i + 1]) for i in range(len(LAYERS) - 1)],
    ids=lambda name: name,
)
def test_a_layer_that_imports_one_above_it_breaks_the_contract(tmp_path: Path, lower: str, higher: str) -> None:
    """Each layer, importing the next one up (an export importing another export too), is found."""
    package = copy_of_hooks(tmp_path) / "ebook"
    module_file(package, higher)
    importer = module_file(package, lower)
    line = append(importer, f"from ebook import {higher}")
    result = run_lint_imports(package.parent)
    assert result.returncode == 1, result.stdout
    assert "The package's layers, highest first BROKEN" in result.stdout
    assert f"ebook.{lower} is not allowed to import ebook.{higher}:" in result.stdout
    module = importer.relative_to(package.parent).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
    assert f"{module} -> ebook.{higher} (l.{line})" in result.stdout
    # scripts/lint.py shows the broken contracts (an import upward often makes a cycle too), a
    # problem each.
    problems, broken = lint.import_problems(root=tmp_path)
    assert f"ebook.{lower} is not allowed to import ebook.{higher}:" in problems
    assert broken == result.stdout.count(" BROKEN\n") >= 1


def test_the_package_importing_a_hook_file_breaks_the_contract(tmp_path: Path) -> None:
    hooks = copy_of_hooks(tmp_path)
    hook = sorted(p.stem for p in hooks.glob("*.py"))[0]
    line = append(module_file(hooks / "ebook", "site"), f"import {hook}")
    result = run_lint_imports(hooks)
    assert result.returncode == 1, result.stdout
    assert "The package never imports the MkDocs hook files (hooks/*.py) BROKEN" in result.stdout
    assert re.search(rf"ebook\.site -> {hook} \(l\.{line}\)", result.stdout), result.stdout


def test_a_module_in_no_layer_breaks_the_contract(tmp_path: Path) -> None:
    """A new subpackage must be given its place in the layers before anything may import it."""
    package = copy_of_hooks(tmp_path) / "ebook"
    module_file(package, "unplaced")
    result = run_lint_imports(package.parent)
    assert result.returncode == 1, result.stdout
    assert "not listed as layers" in result.stdout and "- ebook.unplaced" in result.stdout


def test_modules_that_import_each_other_break_the_contract(tmp_path: Path) -> None:
    package = copy_of_hooks(tmp_path) / "ebook"
    (package / "model" / "cycle_a.py").write_text("from ebook.model import cycle_b\n", encoding="utf-8")
    (package / "model" / "cycle_b.py").write_text("from ebook.model import cycle_a\n", encoding="utf-8")
    result = run_lint_imports(package.parent)
    assert result.returncode == 1, result.stdout
    assert "No cycles between the modules of one package BROKEN" in result.stdout
    assert "No cycles are allowed in ebook.model." in result.stdout
    assert lint.import_problems(root=tmp_path)[1] == 1


def test_lints_summary_names_the_code_and_where_its_checks_are_explained() -> None:
    assert lint.summary(57, 0, 0) == "Lint: 57 files and the generator's code checked, no problems."
    assert lint.summary(1, 0) == "Lint: 1 file checked, no problems."  # the pages alone
    assert lint.summary(57, 0, 2) == ("Lint: 57 files and the generator's code checked, 2 problems "
                                      "(file:line above); DEVELOPMENT.md explains each check.")
    assert lint.summary(57, 1, 1).endswith("2 problems (file:line above); "
                                           "CONTRIBUTING.md and DEVELOPMENT.md explain each check.")
