"""Whether site/ is still what a build of the current inputs would make, so `make book` can skip it.

`scripts/build_site.py` asks `unchanged` before it starts MkDocs, and calls `record` once a
build is swapped in. A build is skipped only when both hold:

- Its inputs' fingerprint is the one recorded with site/. The inputs, erring on the side of
  rebuilding (a contributor must never get a stale book):
  - every file of the project (the folder of mkdocs.yml): its path and bytes, the docs, the
    configuration, the theme's overrides, the hooks' code, the templates, and anything else in
    it, except what no build reads: hidden entries at its top (`.git`, `.cache`, `.venv`, the
    site folder's lock and leftovers), `__pycache__`, `node_modules`, virtual environments, and
    the built sites at its top (a folder holding `sitemap.xml.gz`, as every MkDocs build does);
  - git's state, for the pages' "last updated" dates: the HEAD commit and, in a shallow clone,
    its boundary (a page not committed yet is a file git has no commit of: the files and HEAD
    tell it);
  - the environment variables a build reads: `SOURCE_DATE_EPOCH` (the build's date), the locale
    and time zone, PATH, every `BOOK_*` and `SITE_*`, and every name the project's code or
    configuration reads (`os.environ…("NAME")`, `getenv("NAME")`, `*_ENV = "NAME"`, `!ENV`);
  - Python's version and every installed package's version;
  - with the downloads on, the browser that prints them and its version, as the PDFs' cache key
    has it (`ebook.pdf.cache_keys`);
  - the site folder itself (the key of the record).
- site/ is intact: the same files, sizes and SHA-256 hashes as the build left (a hand-edited,
  damaged or half-deleted site/ is built again).

Without `SOURCE_DATE_EPOCH` a build is dated to the second it runs, so nothing is ever reused.
The record is an entry of the build cache (`ebook.model.build_cache`, namespace `site`): written
whole or not at all, checked when read, off with `BOOK_CACHE=0`, removed by `make clean`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import subprocess
import sys
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from mkdocs.exceptions import PluginError

from ebook.model import build_cache, switches

NAMESPACE = "site"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
SKIPPED_NAMES = {"__pycache__", "node_modules"}
SITE_MARKER = "sitemap.xml.gz"  # at the top of every folder MkDocs builds
VENV_MARKER = "pyvenv.cfg"
ENV_NAMES = {"SOURCE_DATE_EPOCH", "TZ", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
             "LC_TIME", "PATH", "PYTHONPATH", "PYTHONHASHSEED"}
ENV_PREFIXES = ("BOOK_", "SITE_")
_READS_ENV = re.compile(rb"""(?:environ(?:\.get)?\s*[(\[]|getenv\s*\()\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
                        rb"""|_ENV\s*=\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
_ENV_TAG = re.compile(rb"!ENV\s*\[?([^\]\n#]*)")
_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")

Manifest = dict[str, list[object]]  # a site file's path: [size, SHA-256]


def project_files(project: Path, excluded: Collection[Path]) -> Iterator[Path]:
    """Every file of the project a build may read (see the module's docstring), in a fixed order;
    `excluded`: the site folder and the names beside it that the build writes."""
    seen: set[str] = set()
    for folder, dirs, files in os.walk(project, followlinks=True):
        here = Path(folder)
        real = os.path.realpath(here)
        if real in seen or VENV_MARKER in files or (here.parent == project and SITE_MARKER in files):
            dirs.clear()  # a folder seen through a link already, a virtual environment, a built site
            continue
        seen.add(real)
        top = here == project
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES and not (top and d.startswith("."))
                         and here / d not in excluded)
        yield from (here / f for f in sorted(files)
                    if not (top and f.startswith(".")) and here / f not in excluded)


def fingerprint(project: Path, site: Path, excluded: Collection[Path], environ: Mapping[str, str]) -> str:
    """A hash of every input of a build of `project` into `site` (`excluded`: see `project_files`)."""
    parts: list[str | bytes] = [str(site)]
    names = set(ENV_NAMES)
    for path in project_files(project, {site, *excluded}):
        data = path.read_bytes()
        parts += [path.relative_to(project).as_posix(), data]
        if path.suffix in (".py", ".yml", ".yaml"):
            names |= env_names(data)
    names |= {name for name in environ if name.startswith(ENV_PREFIXES)}
    parts += [f"{name}={environ.get(name)!r}" for name in sorted(names)]
    parts += [git_state(project), sys.version, sys.executable,
              *sorted(f"{dist.name} {dist.version}" for dist in importlib.metadata.distributions()),
              printing_browser(environ)]
    return build_cache.digest(*parts)


def env_names(code: bytes) -> set[str]:
    """The environment variables a file of code or configuration names."""
    names = {(m[1] or m[2]).decode() for m in _READS_ENV.finditer(code)}
    for tag in _ENV_TAG.finditer(code):
        names |= {name.decode() for name in _NAME.findall(tag[1])}
    return names


def git_state(project: Path) -> str:
    """HEAD and a shallow clone's boundary: with the files, what the pages' dates come from."""
    try:
        result = subprocess.run(["git", "rev-parse", "--git-path", "shallow", "HEAD"], cwd=project,
                                capture_output=True, text=True)
    except OSError as error:  # no git: every page shows the build's date
        return f"no git: {error.strerror}"
    state = f"{result.returncode} {result.stdout}"
    shallow = project / result.stdout.partition("\n")[0]
    if result.returncode == 0 and shallow.is_file():
        state += hashlib.sha256(shallow.read_bytes()).hexdigest()
    return state


def printing_browser(environ: Mapping[str, str]) -> str:
    """The browser the PDFs are printed with and its version, as their cache key has it."""
    try:
        if not switches.exports_enabled(environ):
            return "no downloads"
        from ebook.pdf.browser import browser_version, find_browser  # only when it prints

        browser = find_browser(environ.get("BOOK_BROWSER", ""))
        return f"{browser} {browser_version(browser)}"
    except PluginError as error:  # the build stops saying so; it is never reused
        return f"no browser: {error}"


def manifest(site: Path) -> Manifest | None:
    """Every file of the site with its size and hash; None if it holds anything but files and
    folders (a link, say), which a build never makes."""
    found: Manifest = {}
    for folder, dirs, files in os.walk(site):
        for name in [*dirs, *files]:
            if os.path.islink(os.path.join(folder, name)):
                return None
        for name in files:
            path = Path(folder, name)
            data = path.read_bytes()
            found[path.relative_to(site).as_posix()] = [len(data), hashlib.sha256(data).hexdigest()]
    return found


def intact(site: Path, recorded: Manifest) -> bool:
    """Whether site/ holds exactly the recorded files; sizes are compared before any hash."""
    sizes: dict[str, int] = {}
    for folder, dirs, files in os.walk(site):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            if path.is_symlink():
                return False
            if name in files:
                sizes[path.relative_to(site).as_posix()] = path.stat().st_size
    if sizes != {path: size for path, (size, _) in recorded.items()}:
        return False
    return manifest(site) == recorded


class Record:
    """The fingerprint and manifest recorded with a site folder, in the project's build cache."""

    def __init__(self, project: Path, site: Path) -> None:
        self.cache = build_cache.Cache(project / build_cache.CACHE_DIR)
        self.key = build_cache.digest(str(site))
        self.site = site

    def unchanged(self, inputs: str) -> bool:
        """Whether site/ is what a build of these inputs makes. Raises PluginError (one line
        saying what to do) when the cache cannot be used."""
        entry = self.cache.get(NAMESPACE, self.key)
        if entry is None or entry.meta.get("inputs") != inputs or not self.site.is_dir():
            return False
        try:
            recorded = json.loads(entry.data)
        except ValueError:
            return False
        return isinstance(recorded, dict) and intact(self.site, recorded)

    def record(self, inputs: str) -> None:
        """Write the record of the site just swapped in, made from `inputs`."""
        found = manifest(self.site)
        if found is not None:
            self.cache.put(NAMESPACE, self.key, {"inputs": inputs},
                           json.dumps(found, sort_keys=True).encode("utf-8"))


def reuse_enabled(environ: Mapping[str, str]) -> bool:
    """Whether a build may be skipped: the cache on (BOOK_CACHE) and the build's date fixed."""
    try:
        return switches.cache_enabled(environ) and switches.source_date_epoch(environ) is not None
    except PluginError:  # a value not understood: the build says so
        return False
