"""Offline edition: the whole site in a zip that opens from a USB stick, search included.

`OfflineExport` is made once per build. The book's build runs a second `mkdocs build` of the
same configuration into a temporary folder, with two environment variables set for it alone:

- `BOOK_OFFLINE=true` turns on Material's `offline` plugin (mkdocs.yml): pages are linked as
  `…/index.html` files and the search index is inlined as a script, so the site works when
  opened from `file://`;
- `BOOK_EXPORTS=0` turns the exports off inside it, so nothing recurses.

The second build starts in `pre_build`, once the chapters' source checks have passed, and runs
on the other core while this build renders its pages and prints its PDFs. It renders its pages,
writes what its downloads index is made from (`BOOK_OFFLINE_INDEX` names the file) and ends,
rather than wait for the downloads holding its memory while the PDFs print. Once this build's
downloads are complete, it copies them into the edition, completes the edition's index and
download links from that file (`ebook.exports` gives it the index's function), and zips the
edition reproducibly, inside one folder, into `site/downloads/<book-slug>-offline.zip` (`write`).
If this build fails or is stopped (Ctrl-C, SIGTERM, SIGHUP), the second one is stopped and its
temporary folder removed (`close`). The folder of a build that was killed is removed by the
second build itself if it outlives it (`handed_over`), else by the next build
(`writing.remove_left_folders`): the book's build and the second one share a lock on it while
either runs, which their ends release, however they end. When nothing it is made from changed since the last build
(`offline_key`), the last zip is reused from `.cache/book/offline/` (`ebook.model.build_cache`).
When the book's sources are those of the last build (`sources_key`), the second build is not
even started unless the zip turns out to have changed after all.

Inside that second build (the offline plugin on), the same class also:

- serves the project's own copy of Material's iframe-worker shim (`ebook/vendor/iframe-worker/`)
  instead of the plugin's link to unpkg.com: no request leaves the reader's computer, and
  search works without a network;
- leaves its downloads index to the book's build, which copies its downloads (PDFs, EPUB) into
  the offline site once they are complete, so that its download links work;
- turns links to the offline edition itself into text: the edition cannot contain itself;
- has its 404 page link from the folder's root, where a reader opens it, instead of from a
  server's root (`overrides/404.html` does so when Material's offline plugin is on).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.metadata
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from ebook.model import build_cache, writing
from ebook.model.book import DOWNLOADS_DIR
from ebook.site.csp import SHIM_SOURCE  # the shim the policy allows by its hash

if TYPE_CHECKING:
    from types import FrameType

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from ebook.model.book import Book

OFFLINE_PLUGIN = "material/offline"
SHIM_URI = "assets/javascripts/iframe-worker/shim.js"
INDEX_ENV = "BOOK_OFFLINE_INDEX"
BOOK_BUILD_ENV = "BOOK_OFFLINE_STARTED_BY"  # the process id of the book's build that started the edition's
LOCK_ENV = "BOOK_OFFLINE_LOCK"  # the descriptor of its folder's lock the book's build gave the edition's
log = logging.getLogger("mkdocs.plugins.ebook.offline")


class OfflineExport:
    """The offline edition of one build: made by this build (exports on), or this build is it
    (the offline plugin on)."""

    def __init__(self, book: Book, config: MkDocsConfig) -> None:
        self.book = book
        plugin = config.plugins.get(OFFLINE_PLUGIN)
        if plugin is None:
            raise PluginError(
                f"{book.settings.config_name}: plugins has no 'offline' entry; the offline edition needs it: "
                "add `- offline: {enabled: !ENV [BOOK_OFFLINE, false]}` before print-site."
            )
        self.is_edition = book.settings.offline_edition
        self.makes_edition = book.settings.switches.exports  # this build makes the offline edition
        if self.is_edition and hasattr(signal, "pthread_sigmask"):
            # Started while the book's build held them back (`_start`), which its process
            # inherits: SIGTERM and SIGHUP end it again.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)
        self.running: OfflineBuild | None = None  # the offline edition's build, while it runs
        self.signals: ExitOnSignals | None = None  # while it runs: signals that end this build clean up
        self.sources: str | None = None  # sources_key of this build, read when it starts
        if self.is_edition:
            config.extra["polyfills"] = local_polyfills(config.extra.get("polyfills", []))

    def files(self, files: Files, config: MkDocsConfig) -> None:
        # Declared even with BOOK_EXPORTS=0, so links to it are checked like links to any page.
        writing.declare_download(files, config, self.book.download_path("offline"))
        if self.is_edition:
            files.append(File.generated(config, SHIM_URI, abs_src_path=str(SHIM_SOURCE)))

    def post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not self.is_edition:
            return output
        return unlink_self(output, self.book.download_path("offline"))

    def pre_build(self, config: MkDocsConfig) -> None:
        if not self.makes_edition:
            return
        writing.remove_left_folders(WORK_PREFIX)  # also when this build reuses the last zip
        cache = self._cache(config)
        self.sources = sources_key(config) if cache is not None else None
        # The last build from the same sources left a zip, which this build will most likely
        # reuse: the second build is then started only if it does not (`write`).
        if cache is not None and self.sources is not None and cache.get(SOURCES_NAMESPACE, self.sources) is not None:
            return
        self._start(config)

    def close(self) -> None:
        """Stop the offline edition's build if it still runs (this build failed or ended)."""
        running, self.running = self.running, None
        signals, self.signals = self.signals, None
        # A signal meanwhile waits until the folder is removed, then ends this build as before.
        with held(ENDING_SIGNALS):
            if running is not None:
                atexit.unregister(self.close)
                stop_offline_build(running)
            if signals is not None:
                signals.restore()

    def index_inputs(self) -> Path | None:
        """In the offline edition's build started by the book's: where its downloads index's
        inputs go, for the book's build to complete it (else None: the index is written now)."""
        found = os.environ.get(INDEX_ENV, "") if self.is_edition else ""
        return Path(found) if found else None

    def handed_over(self) -> None:
        """In the offline edition's build, once its index's inputs are written: if the book's
        build that started it was killed meanwhile, no one will zip its folder or remove it, so
        it removes it itself. It shares the folder's lock with the book's build (`writing.
        lock_descriptor`), so no build started since removed the folder while it was written.
        The book's build is its parent: once that has ended, this process has another."""
        inputs = self.index_inputs()
        started_by, lock = os.environ.get(BOOK_BUILD_ENV, ""), os.environ.get(LOCK_ENV, "")
        if inputs is None or not lock.isdigit() or str(os.getppid()) == started_by:
            return  # run by hand, or the book's build still runs and will zip the folder
        if writing.holds_lock(inputs.parent, int(lock)):  # the folder it was given, no other
            writing.remove_held_folder(inputs.parent)

    def write(self, config: MkDocsConfig, complete_index: Callable[[Path, Path], None]) -> None:
        """Write the zip (from the cache when nothing it is made from changed). `complete_index`
        completes the edition's downloads index in its site from its build's inputs file."""
        switches = self.book.settings.switches
        site_dir = Path(config.site_dir)
        dest = site_dir / self.book.download_path("offline")
        if not self.makes_edition:
            return
        cache, sources = self._cache(config), self.sources
        # Without SOURCE_DATE_EPOCH the zip's dates are the build's: nothing to reuse.
        key = offline_key(site_dir, sources, epoch=switches.epoch, leave_out=dest) \
            if cache is not None and sources is not None and switches.epoch is not None else None
        entry = cache.get(CACHE_NAMESPACE, key) if cache is not None and key is not None else None
        try:
            if entry is not None:  # the same site and downloads as when it was zipped
                writing.write_atomically(dest, entry.data)
            else:
                self._zip(config, dest, complete_index)
                if cache is not None and key is not None:
                    cache.put(CACHE_NAMESPACE, key, {}, dest.read_bytes())
            if cache is not None and key is not None and sources is not None:
                cache.put(SOURCES_NAMESPACE, sources, {}, b"")
        finally:
            self.close()
        if cache is not None:
            cache.prune(CACHE_NAMESPACE)
            cache.prune(SOURCES_NAMESPACE)
        log.info("Offline edition written: %s (%d KB%s)", self.book.download_path("offline"),
                 dest.stat().st_size // 1024, ", unchanged since the last build" if entry is not None else "")

    def _start(self, config: MkDocsConfig) -> OfflineBuild:
        # An interrupted build (Ctrl-C, or SIGTERM and SIGHUP made SystemExit) raises no build
        # error: the second build is stopped, and its folder removed, when Python exits. A signal
        # while it starts waits until `close` is ready to run.
        with held(ENDING_SIGNALS):
            self.signals = ExitOnSignals()
            running = self.running = start_offline_build(Path(config.config_file_path))
            atexit.register(self.close)
        return running

    def _zip(self, config: MkDocsConfig, dest: Path, complete_index: Callable[[Path, Path], None]) -> None:
        """Wait for the second build (started now if `pre_build` expected to reuse the last
        zip), copy the downloads into its site and complete its index, and zip it into `dest`."""
        running = self.running or self._start(config)
        finish_offline_build(running)
        copy_downloads(Path(config.site_dir) / DOWNLOADS_DIR, running.site_dir / DOWNLOADS_DIR, leave_out=dest.name)
        complete_index(running.site_dir, running.index_inputs)
        with writing.written_in_one_step(dest) as temporary:
            writing.zip_folder(running.site_dir, temporary, root=f"{self.book.slug}-offline",
                                    when=self.book.settings.switches.build_time)

    def _cache(self, config: MkDocsConfig) -> build_cache.Cache | None:
        return build_cache.open_cache(Path(config.config_file_path), enabled=self.book.settings.switches.cache)


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
    folders: dict[str, str | Path | None] = {
        "docs": config.docs_dir, "hooks": Path(__file__).parents[1], "theme": config.theme.custom_dir}
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


def offline_build_env(environ: Mapping[str, str], index_inputs: Path, lock: int | None) -> dict[str, str]:
    return {**environ, "BOOK_OFFLINE": "true", "BOOK_EXPORTS": "0", INDEX_ENV: str(index_inputs),
            BOOK_BUILD_ENV: str(os.getpid()), **({} if lock is None else {LOCK_ENV: str(lock)})}


@dataclass
class OfflineBuild:
    process: subprocess.Popen[bytes]
    work: Path  # a temporary folder: the offline site, its messages, its index's inputs
    site_dir: Path
    index_inputs: Path
    messages: Path


WORK_PREFIX = "offline-edition-"  # its temporary folder, followed by the book build's process id
OFFLINE_NICENESS = 10  # how much lower the second build's scheduling priority is (Unix `nice`)
MOST_NICE = 19


def offline_niceness(own: int) -> int:
    """The second build's niceness, ten steps nicer than the build's own `own`: relative, so a
    build run with `nice` keeps the printing first (and never asks to raise a priority, which
    only root may)."""
    return min(MOST_NICE, own + OFFLINE_NICENESS)


def start_offline_build(config_file: Path) -> OfflineBuild:
    """Start building the site again with the offline plugin on, into a temporary folder."""
    config_file = config_file.absolute()  # named as given, relative to where the build started
    work = writing.build_folder(WORK_PREFIX)
    site_dir, index_inputs, messages = work / "site", work / "index-inputs.json", work / "messages.txt"
    try:
        with open(messages, "wb") as stderr:  # a file, not a pipe: nothing blocks on a full pipe
            # Given the folder's lock, and no other descriptor but its standard ones: the folder
            # is in use while either build runs (`OfflineExport.handed_over`).
            lock = writing.lock_descriptor(work)
            process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config_file),
                 "-d", str(site_dir)],
                stdout=subprocess.DEVNULL, stderr=stderr, cwd=config_file.parent,
                env=offline_build_env(os.environ, index_inputs, lock), pass_fds=() if lock is None else (lock,),
            )
    except BaseException:
        writing.remove_build_folder(work)
        raise
    # It has time to spare (the downloads are printed long after it is done): the printing,
    # which everything waits for, goes first when both want the processor.
    if hasattr(os, "setpriority"):
        own = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, process.pid, offline_niceness(own))
    return OfflineBuild(process, work, site_dir, index_inputs, messages)


def finish_offline_build(build: OfflineBuild) -> None:
    """Wait until the offline build has finished (most often it has, long before)."""
    if build.process.wait() != 0:
        raise PluginError(
            "The offline edition's build failed (the site built with BOOK_OFFLINE=true); "
            f"its messages:\n{build.messages.read_text(errors='replace').strip()[-4000:]}"
        )


def stop_offline_build(build: OfflineBuild) -> None:
    """Stop an offline build if it still runs; remove its folder."""
    if build.process.poll() is None:
        build.process.kill()
        build.process.wait()
    writing.remove_build_folder(build.work)


# Signals whose default action ends Python at once, without its clean-up (atexit, finally).
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def exit_on_signal(number: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + number)  # the exit status of a process ended by that signal


class ExitOnSignals:
    """While the offline edition's build runs: SIGTERM and SIGHUP end this build by SystemExit,
    so that the clean-up runs (`OfflineExport.close`), until `restore` gives them their old
    handlers back. Only where they have the default action (an ignored signal stays ignored,
    another handler is kept), and only in the main thread, the only one that may set them."""

    def __init__(self) -> None:
        self.old: dict[int, Any] = {}  # each replaced signal's handler (whatever getsignal gives)
        if threading.current_thread() is not threading.main_thread():
            return
        for number in ENDING_SIGNALS:
            if signal.getsignal(number) == signal.SIG_DFL:
                self.old[number] = signal.signal(number, exit_on_signal)

    def restore(self) -> None:
        for number, handler in self.old.items():
            signal.signal(number, handler)
        self.old = {}


@contextlib.contextmanager
def held(signals: tuple[int, ...]) -> Iterator[None]:
    """Signals arriving meanwhile wait until the block is done (and act then)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no mask, nor a SIGTERM a handler could catch
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


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
        raise PluginError(f"{source}: not a folder, where the book's downloads are written; remove it and build again.")
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
