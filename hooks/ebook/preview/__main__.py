"""`python -m ebook.preview`: `mkdocs serve`, rebuilding only what each edit changes.

The server, its live reload and its watching are MkDocs' own (mkdocs/commands/serve.py); only
the builder differs (builder.py). It also watches the theme's overrides/ folder and the hook
files, whose change `mkdocs serve` ignores unless told (`--watch-theme`, `-w`), and looks for
changes five times as often: MkDocs' server polls the files (it does not ask the system to tell
it), by default every half second, which would be most of the wait from saving a page to seeing
it once the page alone is rebuilt. Each poll reads the dates of the book's few hundred files:
polling more often still would cost idle processor time for little gain.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.__main__ import State
from mkdocs.livereload import LiveReloadServer, _serve_url

from ebook.preview.builder import PreviewBuilder
from ebook.preview.sources import watched_paths

log = logging.getLogger("mkdocs.plugins.ebook.preview")
POLLING_INTERVAL = 0.1  # seconds between two looks at the watched files (MkDocs': 0.5)
BUILD_DELAY = 0.05  # seconds without a new change before a rebuild starts (MkDocs': 0.1)
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
STOPPING_SIGNALS = {signal.SIGINT, *ENDING_SIGNALS}  # and Ctrl-C
_stopped_by: list[int] = []  # the signal that stopped the preview
_serving: list[LiveReloadServer] = []  # MkDocs' server, once it serves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-f", "--config-file", default=None, help="the book's mkdocs.yml")
    parser.add_argument("-a", "--dev-addr", default=None, help="IP:PORT to serve on (MkDocs': 127.0.0.1:8000)")
    strict = parser.add_mutually_exclusive_group()
    strict.add_argument("--strict", dest="strict", action="store_true", default=None)
    strict.add_argument("--no-strict", dest="strict", action="store_false")
    args = parser.parse_args()
    # MkDocs' own log output, as `mkdocs serve` writes it, while this function runs: in colour
    # and wrapped to the terminal's width in a terminal, plain lines otherwise (its --color's
    # default), which tools and tests read.
    logs = State()  # type: ignore[no-untyped-call]
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        logs.stream.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    options = {key: value for key, value in (("strict", args.strict), ("dev_addr", args.dev_addr))
               if value is not None}
    # Stopped as Ctrl-C stops it, so that its folder is removed: by `kill`, or by its terminal
    # closing (SIGHUP), which would end Python at once and leave the folder behind. A signal
    # the preview was started to ignore (`nohup`) stays ignored.
    for ending in ENDING_SIGNALS:
        if signal.getsignal(ending) is signal.SIG_DFL:
            signal.signal(ending, _interrupt)
    # The folder is made whole or not at all: a signal arriving meanwhile waits until it is
    # made, then stops the preview inside the `try` that removes it.
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING_SIGNALS)
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        serve(PreviewBuilder(args.config_file, site_dir, **options), site_dir)
    except KeyboardInterrupt:  # before it served: while the book was first built
        pass
    finally:
        _held_to_the_end(STOPPING_SIGNALS)  # another Ctrl-C or kill would stop the removal
        shutil.rmtree(site_dir, ignore_errors=True)
        logs.logger.info("Preview stopped.")
    if _stopped_by:
        sys.exit(128 + _stopped_by[0])  # as a program ended by the signal says it was


class Stopped(KeyboardInterrupt):
    """Caught wherever Ctrl-C is. Not KeyboardInterrupt itself: CPython 3.11 ends a `python -m`
    program by SIGINT, whatever status it exits with, once a KeyboardInterrupt has left code run
    by exec() of a string, as dataclasses do while a module is first imported."""


def _held_to_the_end(signals: set[signal.Signals]) -> None:
    """Block the signals until the process ends. One that came just before is acted on as they
    are blocked, and stops nothing more: the preview is stopping."""
    while True:
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, signals)
            return
        except KeyboardInterrupt:
            continue


def _interrupt(signum: int, frame: object) -> None:
    # Another such signal while it stops would stop the stopping, and leave the folder.
    for ending in ENDING_SIGNALS:
        signal.signal(ending, signal.SIG_IGN)
    _stopped_by.append(signum)
    if _serving:
        # While it serves, its loop ends as on MkDocs' own shutdown: by the flag it reads every
        # quarter second. An exception raised here, wherever MkDocs' code is, could come out of
        # one of its locks half taken, and end the preview with a traceback instead.
        _serving[0]._shutdown = True
        return
    raise Stopped


def serve(builder: PreviewBuilder, site_dir: str) -> None:
    """Build the book, then serve it and rebuild on every change until interrupted."""
    config = builder.load_config()
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    builder.serve_url = config.site_url = _serve_url(host, port, mount_path)
    builder.build_all(config)
    server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path,
                              polling_interval=POLLING_INTERVAL)
    # MkDocs waits this long after the last change seen before it builds, for an editor or git
    # writing several files; a poll sees them all at once, so waiting for a second poll is enough.
    server.build_delay = BUILD_DELAY
    # One watch for each folder of hook files, not one for each file: each watch is a thread of
    # its own, looking at its files ten times a second.
    hook_files = {Path(hook).resolve() for hook in config.hooks}
    for path in watched_paths(config):
        if path.resolve() not in hook_files:
            server.watch(str(path))
    for folder in sorted({hook.parent for hook in hook_files}):
        server.watch(str(folder), recursive=False)
    try:
        server = config.plugins.on_serve(server, config=config, builder=builder)
        _serving.append(server)
        server.serve()  # type: ignore[no-untyped-call]
        log.info("Shutting down...")  # stopped by kill or by its terminal closing
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        config.plugins.on_shutdown()


if __name__ == "__main__":
    main()
