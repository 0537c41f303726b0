"""Offline edition: the whole site in a zip that opens from a USB stick, search included.

The book's build runs a second `mkdocs build` of the same mkdocs.yml into a temporary folder,
with two environment variables set for it alone:

- `BOOK_OFFLINE=true` turns on Material's `offline` plugin (mkdocs.yml): pages are linked as
  `…/index.html` files and the search index is inlined as a script, so the site works when
  opened from `file://`;
- `BOOK_EXPORTS=0` turns this hook's export and the EPUB off inside it, so nothing recurses.

The second build starts in `on_pre_build`, once the chapters' source checks have passed, and runs on the
other core while this build renders its pages and prints its PDFs; when it has rendered its
own pages it waits for this build's downloads to be complete (`BOOK_OFFLINE_READY` names the
file whose appearance says so), copies them, and finishes. Its output is zipped reproducibly,
inside one folder, into `site/downloads/<book-slug>-offline.zip`. If this build fails, the
second one is stopped; if this build dies, the second one notices and stops. When nothing it is
made from changed since the last build (`offline_key`), the last zip is reused from
`.cache/book/offline/` (hooks/build_cache.py). When the book's sources are those of the last
build (`sources_key`), the second build is not even started unless the zip turns out to have
changed after all.

Inside that second build (the offline plugin on), this hook also:

- serves the project's own copy of Material's iframe-worker shim (`hooks/vendor/iframe-worker/`)
  instead of the plugin's link to unpkg.com: no request leaves the reader's computer, and
  search works without a network;
- once the book build says they are complete, copies its downloads (PDFs, EPUB) into the
  offline site, so its download links work (the path comes in `BOOK_OFFLINE_DOWNLOADS`);
- turns links to the offline edition itself into text: the edition cannot contain itself.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

# MkDocs puts this hook's folder on sys.path while loading it; tests put it there too.
from ebook.model import cache as build_cache
from ebook.model import files as export_files
from ebook.model.files import book_slug, exports_enabled

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

CONFIG_FILE = "mkdocs.yml"
OFFLINE_PLUGIN = "material/offline"
SHIM_SOURCE = Path(__file__).with_name("vendor") / "iframe-worker" / "shim.js"
SHIM_URI = "assets/javascripts/iframe-worker/shim.js"
DOWNLOADS_ENV = "BOOK_OFFLINE_DOWNLOADS"
READY_ENV = "BOOK_OFFLINE_READY"
log = logging.getLogger("mkdocs.plugins.offline")


# --- MkDocs events ---------------------------------------------------------------------------

_export = False  # this build makes the offline edition
_offline = False  # this build is the offline edition
_running: OfflineBuild | None = None  # the offline edition's build, while it runs
_sources: str | None = None  # sources_key of this build, read when it starts
_parent = os.getppid()  # in the offline build: the book build that started it


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _export, _offline
    plugin = config.plugins.get(OFFLINE_PLUGIN)
    if plugin is None:
        raise PluginError(
            f"{CONFIG_FILE}: plugins has no 'offline' entry; the offline edition needs it: "
            "add `- offline: {enabled: !ENV [BOOK_OFFLINE, false]}` before print-site."
        )
    _offline = bool(plugin.config.enabled)
    _export = exports_enabled(os.environ)
    if _offline:
        config.extra["polyfills"] = local_polyfills(config.extra.get("polyfills", []))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # Declared even with BOOK_EXPORTS=0, so links to it are checked like links to any page.
    export_files.declare_download(files, config, f"downloads/{book_slug(config.site_name)}-offline.zip")
    if _offline:
        files.append(File.generated(config, SHIM_URI, abs_src_path=str(SHIM_SOURCE)))
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not _offline:
        return output
    return unlink_self(output, f"downloads/{book_slug(config.site_name)}-offline.zip")


def on_pre_build(config: MkDocsConfig) -> None:
    global _running, _sources
    stop_offline_build()  # from an earlier build of the same process (mkdocs serve)
    if not _export:
        return
    cache = build_cache.open_cache(Path(config.config_file_path), os.environ)
    _sources = sources_key(config) if cache is not None else None
    # The last build from the same sources left a zip, which this build will most likely reuse:
    # the second build is then started only if it does not (on_post_build).
    if cache is not None and _sources is not None and cache.get(SOURCES_NAMESPACE, _sources) is not None:
        return
    _running = start_offline_build(Path(config.config_file_path),
                                   downloads=Path(config.site_dir) / "downloads")


def on_build_error(error: Exception) -> None:
    stop_offline_build()


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    slug = book_slug(config.site_name)
    dest = site_dir / "downloads" / f"{slug}-offline.zip"
    if _offline and os.environ.get(DOWNLOADS_ENV):
        wait_for_downloads(os.environ.get(READY_ENV, ""), parent=_parent)
        copy_downloads(Path(os.environ[DOWNLOADS_ENV]), site_dir / "downloads", leave_out=dest.name)
    if not _export:
        return
    epoch = export_files.source_date_epoch(os.environ)
    cache = build_cache.open_cache(Path(config.config_file_path), os.environ)
    # Without SOURCE_DATE_EPOCH the zip's dates are the build's: nothing to reuse.
    key = offline_key(site_dir, _sources, epoch=epoch, leave_out=dest) \
        if cache is not None and _sources is not None and epoch is not None else None
    entry = cache.get(CACHE_NAMESPACE, key) if cache is not None and key is not None else None
    try:
        if entry is not None:  # the same site and downloads as when it was zipped
            export_files.write_atomically(dest, entry.data)
        else:
            zip_offline_edition(config, dest)
            if cache is not None and key is not None:
                cache.put(CACHE_NAMESPACE, key, {}, dest.read_bytes())
        if cache is not None and key is not None:
            cache.put(SOURCES_NAMESPACE, _sources, {}, b"")
    finally:
        stop_offline_build()
    if cache is not None:
        cache.prune(CACHE_NAMESPACE)
        cache.prune(SOURCES_NAMESPACE)
    log.info(f"Offline edition written: downloads/{dest.name} ({dest.stat().st_size // 1024} KB"
             f"{', unchanged since the last build' if entry is not None else ''})")


def zip_offline_edition(config: MkDocsConfig, dest: Path) -> None:
    """Finish the second build (started now if on_pre_build expected to reuse the last zip)
    and zip its site into `dest`."""
    global _running
    if _running is None:
        _running = start_offline_build(Path(config.config_file_path), downloads=dest.parent)
    finish_offline_build(_running)
    with export_files.written_in_one_step(dest) as temporary:
        export_files.zip_folder(_running.site_dir, temporary, root=f"{book_slug(config.site_name)}-offline",
                                when=export_files.build_time(os.environ))


# --- Reusing an unchanged edition ------------------------------------------------------------

CACHE_NAMESPACE = "offline"
SOURCES_NAMESPACE = "offline-sources"  # an empty entry per source of a zip in CACHE_NAMESPACE


def offline_key(site_dir: Path, sources: str, *, epoch: int, leave_out: Path) -> str:
    """A hash of what the offline edition is made from.

    The second build reads the same sources, templates and git history as this one, so they
    are all in this build's finished site: its pages, assets and downloads (an older offline zip
    left in it, `leave_out`, aside). The rest is what only the second build runs: the hooks and
    mkdocs.yml (in `sources`, `sources_key`), the installed packages, Python, and the zip's
    date (`epoch`).
    """
    parts = [str(epoch), sys.version, sources, *installed_packages()]
    parts += [f"site/{path}: {digest}" for path, digest in file_digests(site_dir, leave_out=leave_out)]
    return build_cache.digest(*parts)


def sources_key(config: MkDocsConfig) -> str:
    """A hash of the book's own sources (docs/, templates, hooks, mkdocs.yml): when it is that of
    the last build, the offline edition is most likely unchanged. Only a guess: `offline_key`
    decides."""
    parts = [Path(config.config_file_path).read_text(encoding="utf-8")]
    folders = {"docs": config.docs_dir, "hooks": Path(__file__).parents[1], "theme": config.theme.custom_dir}
    for name, folder in folders.items():
        if folder:
            parts += [f"{name}/{path}: {digest}" for path, digest in file_digests(Path(folder))]
    return build_cache.digest(*parts)


def installed_packages() -> list[str]:
    return sorted(f"{d.metadata['Name']} {d.version}" for d in importlib.metadata.distributions())


def file_digests(folder: Path, *, leave_out: Path | None = None) -> list[tuple[str, str]]:
    """Each file under `folder` (but `leave_out` and ".<name>" files being written), by its
    path, with the SHA-256 of its bytes: one file in memory at a time."""
    return [(path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path != leave_out and not path.name.startswith(".")
            and "__pycache__" not in path.parts]


# --- The second build ------------------------------------------------------------------------


def offline_build_env(environ: Mapping[str, str], downloads: Path, ready: Path) -> dict[str, str]:
    return {**environ, "BOOK_OFFLINE": "true", "BOOK_EXPORTS": "0", DOWNLOADS_ENV: str(downloads),
            READY_ENV: str(ready)}


@dataclass
class OfflineBuild:
    process: subprocess.Popen[bytes]
    work: Path  # a temporary folder: the offline site, its messages, the "downloads ready" file
    site_dir: Path
    ready: Path
    messages: Path


OFFLINE_NICENESS = 10  # a lower scheduling priority (Unix `nice`) for the second build


def start_offline_build(config_file: Path, *, downloads: Path) -> OfflineBuild:
    """Start building the site again with the offline plugin on, into a temporary folder."""
    work = Path(tempfile.mkdtemp(prefix="offline-edition-"))
    site_dir, ready, messages = work / "site", work / "downloads-ready", work / "messages.txt"
    with open(messages, "wb") as stderr:  # a file, not a pipe: nothing blocks on a full pipe
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config_file),
             "-d", str(site_dir)],
            stdout=subprocess.DEVNULL, stderr=stderr, cwd=config_file.parent,
            env=offline_build_env(os.environ, downloads, ready),
        )
    # It has time to spare (it waits for the downloads at its end): the printing of the
    # downloads, which everything waits for, goes first when both want the processor.
    if hasattr(os, "setpriority"):
        os.setpriority(os.PRIO_PROCESS, process.pid, OFFLINE_NICENESS)
    return OfflineBuild(process, work, site_dir, ready, messages)


def finish_offline_build(build: OfflineBuild) -> None:
    """Tell the offline build that the downloads are complete, and wait until it has finished."""
    build.ready.touch()
    if build.process.wait() != 0:
        raise PluginError(
            "The offline edition's build failed (the site built with BOOK_OFFLINE=true); "
            f"its messages:\n{build.messages.read_text(errors='replace').strip()[-4000:]}"
        )


def stop_offline_build(build: OfflineBuild | None = None) -> None:
    """Stop an offline build (by default this build's) if it still runs; remove its folder."""
    global _running
    if build is None:
        build, _running = _running, None
    if build is None:
        return
    if build.process.poll() is None:
        build.process.kill()
        build.process.wait()
    shutil.rmtree(build.work, ignore_errors=True)


# An interrupted build (Ctrl-C) raises no build error: the second build is stopped, and its
# folder removed, when Python exits.
atexit.register(stop_offline_build)

READY_POLL_SECONDS = 0.05


def wait_for_downloads(ready: str, *, parent: int) -> None:
    """In the offline build: wait until the book build says its downloads are complete.

    Stops with an error if the book build ends first (this process then has a new parent).
    Without `BOOK_OFFLINE_READY` (a hand-run offline build) there is nothing to wait for.
    """
    if not ready:
        return
    while not os.path.exists(ready):
        if os.getppid() != parent:
            raise PluginError("The book build that started this offline build has ended.")
        time.sleep(READY_POLL_SECONDS)


def local_polyfills(polyfills: list[object]) -> list[object]:
    """The page scripts, with Material's link to the iframe-worker shim on unpkg.com replaced
    by the copy the offline site carries (`SHIM_URI`)."""
    return [SHIM_URI if "iframe-worker" in str(script) else script for script in polyfills]


def copy_downloads(source: Path, target: Path, *, leave_out: str) -> None:
    """Copy the book build's finished downloads into the offline site, but an older offline
    edition (`leave_out`, left there by `mkdocs serve` or `--dirty`)."""
    if not source.exists():
        return  # a book without other downloads (its PDF and EPUB hooks not listed)
    if not source.is_dir():
        raise PluginError(f"{DOWNLOADS_ENV}={source}: not a folder; it must name the book build's downloads.")
    for path in sorted(source.rglob("*")):
        # ".<name>.part": still being written.
        if path.is_file() and not path.name.startswith(".") and path.name != leave_out:
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)


def unlink_self(page_html: str, self_path: str) -> str:
    """Links to the offline edition's own zip become their text: it cannot contain itself."""
    pattern = re.compile(
        r'<a\b[^>]*\bdata-download="' + re.escape(self_path) + r'"[^>]*>(.*?)</a>', re.S
    )
    return pattern.sub(r"<span>\1 (this copy)</span>", page_html)
