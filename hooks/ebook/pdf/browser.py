"""The browser that prints: finding the system Chromium, asking its version, launching it, and
printing print documents with it (over its DevTools pipe, `cdp`) from the local server (`server`).

`cdp` and asyncio are imported by the functions that print: a build without PDFs (`make serve`,
an unchanged rebuild) never loads them.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ebook.model.settings import EXPORTS_ENV
from ebook.pdf.documents import PrintDocument
from ebook.pdf.numbering import print_until_numbers_hold
from ebook.pdf.server import Origin, serve_directory, site_path

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Mapping

    from ebook.pdf.cdp import Chromium

log = logging.getLogger("mkdocs.plugins.ebook.pdf")

BROWSER_ENV = "BOOK_BROWSER"
# Chromium's headless shell first: the same Blink layout and PDF printing as the full browser
# (the same pages, pixel for pixel) without the desktop browser around them, so printing takes
# about a third less time and memory. Debian packages it as chromium-headless-shell.
BROWSER_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome",
                 "google-chrome-stable")
BROWSER_PATHS = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
NO_BROWSER = (
    "No Chromium or Chrome found to print the PDFs. On Debian install it with:\n"
    "    sudo apt-get install chromium-headless-shell\n"
    "(on Ubuntu: sudo apt-get install chromium), "
    f"or set {BROWSER_ENV} to the browser's path. To build without PDFs (as `make serve` "
    f"does), set {EXPORTS_ENV}=0."
)


def find_browser(chosen: str, *, names: Sequence[str] = BROWSER_NAMES,
                 paths: Sequence[str] = BROWSER_PATHS) -> str:
    """The system Chromium or Chrome: the one `chosen` names (BOOK_BROWSER) first, then the
    usual names and places (the headless shell before the full browsers)."""
    chosen = chosen.strip()
    if chosen:
        found = shutil.which(chosen)
        if not found:
            raise PluginError(
                f"{BROWSER_ENV}={chosen!r}: no such program. Set it to the path of Chromium or "
                f"Chrome, or unset it to use the one on PATH."
            )
        return found
    for name in names:
        if found := shutil.which(name):
            return found
    for path in paths:
        if os.access(path, os.X_OK):
            return path
    raise PluginError(NO_BROWSER)


def browser_version(browser: str) -> str:
    """The browser's own version line, e.g. "Chromium 156.0.8078.108 built on Debian…"."""
    try:
        result = subprocess.run([browser, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PluginError(not_started(browser, error)) from None
    if result.returncode != 0:  # a program that is not a browser, or one that cannot start here
        raise PluginError(not_started(browser, f"`{browser} --version` ended with status {result.returncode}"))
    return result.stdout.strip() or f"{browser} (no version)"


def not_started(browser: str, reason: object) -> str:
    """One line: which browser, why (the first line of the error), and what to do."""
    first = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return (f"The browser {browser} does not start ({first}). Install Chromium (on Debian: "
            f"sudo apt-get install chromium-headless-shell), or set {BROWSER_ENV} to a working "
            f"Chromium or Chrome.")


CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Only the local server that serves the built site may be reached: no other host, and no
    # proxy from the environment, which would reach any host for it.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--no-proxy-server",
    # As Playwright ran it, since the first PDFs: many containers and CI machines cannot start
    # Chromium's sandbox, and the documents it prints run no script and reach only the build.
    "--no-sandbox",
    # Blink's page memory is collected on V8's schedule even with JavaScript off; a small
    # limit collects it often: about 150 MiB less while printing a 600-page book, same PDF.
    "--js-flags=--max-old-space-size=32",
    # The GPU process and the network service run in the browser's own process, which grows by
    # less than they held: about 25 MiB less in all at 200 chapters (printing draws no frame on
    # a GPU, and the network is the local server). The PDFs are the same, byte for byte.
    "--in-process-gpu",
    "--enable-features=NetworkServiceInProcess2",
)
# Times a print that Chromium reports as failed is tried (see _render_one).
PRINT_ATTEMPTS = 3
# Seconds `Browser.close` waits: for a launch still waiting for an answer, then for the browser to end.
CLOSE_TIMEOUT = 120


@dataclass(frozen=True)
class RenderedPdf:
    document: PrintDocument
    data: bytes
    seconds: float
    loaded: tuple[str, ...] = ()  # the site files the browser loaded for it (site-relative paths)
    numbers: Mapping[str, int] = field(default_factory=dict)  # `numbering.measured_numbers`
    printings: int = 1
    front_pages: int = 0  # the book's unnumbered pages, for its page labels (`finishing.add_page_labels`)


Job = PrintDocument | Callable[[], PrintDocument]


class Browser:
    """One headless Chromium for the build (`cdp`), driven from an event loop in a thread of its
    own, so that it can start while the site is still being built. `print` hands the printing
    to that loop and waits for it.
    """

    def __init__(self, executable: str) -> None:
        import asyncio

        self.executable = executable
        self._loop = asyncio.new_event_loop()
        self._chromium: concurrent.futures.Future[Chromium] = concurrent.futures.Future()
        self._printing: asyncio.Task[object] | None = None  # `print`'s, in the loop
        # Whether the thread runs the loop (and the launch), or `close` came first: decided once,
        # under the lock, by whichever of the two comes first.
        self._lock = threading.Lock()
        self._running = self._closed = False
        self._launching: asyncio.Task[None] | None = None  # the launch, in the loop
        self._thread = threading.Thread(target=self._run, name="browser", daemon=True)
        # Closed as Python exits if not before, whatever stops the build (Ctrl-C just as the
        # browser starts): set up before anything can make the browser's folder.
        atexit.register(self.close)
        self._thread.start()

    def _run(self) -> None:
        """The browser's thread: its launch first, then whatever `print` and `close` hand it."""
        with self._lock:
            if self._closed:
                return
            self._running = True
        self._launching = self._loop.create_task(self._launch())
        self._loop.run_forever()

    async def _launch(self) -> None:
        try:
            from ebook.pdf.cdp import Chromium  # only when there is something to print

            self._chromium.set_result(await Chromium.launch(self.executable, CHROMIUM_ARGS))
        except BaseException as error:  # noqa: BLE001 - handed to whoever waits for the browser
            self._chromium.set_exception(error)

    def print(self, documents: Sequence[Job], origin: Origin, workers: int,
              finish: Callable[[RenderedPdf], None] | None) -> list[RenderedPdf]:
        import asyncio

        from ebook.pdf.cdp import BrowserGone, ProtocolError

        try:
            chromium = self._chromium.result()
        except (ProtocolError, OSError, NotImplementedError) as error:  # no program, not a browser
            raise PluginError(not_started(self.executable, error)) from None

        async def outcome() -> tuple[list[RenderedPdf], Exception | None]:
            # An error as a value: one raised just as the build stops (Ctrl-C, below) is then
            # not logged by asyncio as an error nobody looked at.
            self._printing = asyncio.current_task()
            try:
                return await _print_with(chromium, documents, origin, workers, finish), None
            except Exception as failure:  # noqa: BLE001 - raised again below
                return [], failure

        printing = asyncio.run_coroutine_threadsafe(outcome(), self._loop)
        try:
            rendered, failed = printing.result()
        except BaseException:  # the build stopped (Ctrl-C): so does the printing (`close` waits for it)
            printing.cancel()
            raise
        if isinstance(failed, BrowserGone):
            raise PluginError(f"The browser {self.executable} stopped while printing {failed}. Build again; "
                              f"if it stops again, set {BROWSER_ENV} to another Chromium or Chrome.") from None
        if failed is not None:
            raise failed
        return rendered

    def close(self) -> None:
        """Close the browser, once: its printing and a launch still waiting for an answer are
        cancelled first, and end what they started."""
        import asyncio

        with self._lock:
            closed, self._closed = self._closed, True
            running = self._running
        atexit.unregister(self.close)
        if closed:
            return
        if not running:  # stopped before its thread could launch anything: it never will
            self._chromium.cancel()
            self._loop.close()
            return

        async def stop() -> None:
            if self._printing is not None and not self._printing.done():  # cancelled: it ends first
                await asyncio.wait([self._printing], timeout=CLOSE_TIMEOUT)
            if self._launching is not None and not self._launching.done():
                # Nothing will print any more (the build stopped): the launch stops, and ends
                # what it started (`cdp.Chromium.launch`), rather than waiting for an answer.
                self._launching.cancel()
                await asyncio.wait([self._launching], timeout=CLOSE_TIMEOUT)
            if self._chromium.done() and self._chromium.exception() is None:  # else reported by `print`
                await self._chromium.result().close()

        try:
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=CLOSE_TIMEOUT)
        except BaseException as error:  # noqa: BLE001 - not raised over the error that stopped the build
            if isinstance(error, Exception):
                log.warning("The browser %s did not close (%s); ending it.", self.executable,
                            str(error) or type(error).__name__)
            if self._chromium.done() and not self._chromium.exception():
                with contextlib.suppress(OSError):
                    os.killpg(self._chromium.result().pid, signal.SIGKILL)
            if not isinstance(error, Exception):  # Ctrl-C again: the browser is ended, then the build
                raise
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()


def print_tabs(cores: int) -> int:
    """How many documents print at once: a core is left to the build's own Python (making the
    next documents, serving the site to the browser, writing the PDFs) and to the process that
    finishes the PDFs (`finishing_process`); on two cores, one tab, one renderer's memory
    instead of two."""
    return max(1, cores - 1)


def render_documents(documents: Sequence[Job], site: Path, browser: str | Browser, *,
                     workers: int = 0,
                     finish: Callable[[RenderedPdf], None] | None = None) -> list[RenderedPdf]:
    """Print the documents with one browser, `print_tabs` pages at once: inputs -> PDF bytes.

    `browser` is the program to launch, or a `Browser` already started (left open). The built
    site is served from 127.0.0.1, and each document's HTML by the same server at its
    `url_path` while it prints, so nothing is written into the site. A document may be given
    as a function that makes it, and `finish` is called with each PDF as it is printed (the
    PDFs are then returned to it alone): both run in threads while the browser prints other
    documents.
    """
    if not documents:
        return []
    workers = min(len(documents), workers or print_tabs(os.cpu_count() or 1))
    served: dict[str, str] = {}  # the print documents being printed, by their url_path
    session = Browser(browser) if isinstance(browser, str) else browser
    try:
        with serve_directory(site, served) as origin:
            return session.print(documents, Origin(origin, served), workers, finish)
    finally:
        if session is not browser:
            session.close()


async def _print_with(chromium: Chromium, documents: Sequence[Job], origin: Origin, workers: int,
                      finish: Callable[[RenderedPdf], None] | None) -> list[RenderedPdf]:
    """Print with `workers` tabs. The Python work around each print (making the next document,
    having the PDF just printed finished and writing it) runs in threads while the browser
    prints, instead of keeping a tab waiting."""
    import asyncio

    from ebook.pdf.cdp import BrowserGone, ProtocolError

    try:
        context = (await chromium.send("Target.createBrowserContext", {"disposeOnDetach": True}))["browserContextId"]
    except BrowserGone as error:
        raise BrowserGone(f"the PDFs ({error})") from None
    queue = list(enumerate(documents))  # the book, the longest, goes first
    results: dict[int, RenderedPdf] = {}
    making: dict[int, asyncio.Task[PrintDocument]] = {}
    finishing: list[asyncio.Task[None]] = []
    try:
        async def made(item: Job) -> PrintDocument:
            return item if isinstance(item, PrintDocument) else await asyncio.to_thread(item)

        def start_making(index: int, item: Job) -> asyncio.Task[PrintDocument]:
            if index not in making:
                making[index] = asyncio.create_task(made(item))
            return making[index]

        async def print_from_queue(tabs: asyncio.TaskGroup) -> None:
            while queue:
                index, item = queue.pop(0)
                document = await start_making(index, item)
                del making[index]
                if queue:  # the next document is made while this one prints
                    start_making(*queue[0])
                rendered = await _render_one(chromium, context, origin, document)
                if finish is None:
                    results[index] = rendered
                else:  # kept by `finish` alone: the PDFs are not all held in memory at once
                    finishing.append(asyncio.ensure_future(asyncio.to_thread(finish, rendered)))
                    # A PDF that cannot be finished stops the tabs at once, as a tab that fails does.
                    tabs.create_task(_shielded(finishing[-1]))

        try:
            async with asyncio.TaskGroup() as tabs:  # one that fails stops the others at once
                for _ in range(workers):
                    tabs.create_task(print_from_queue(tabs))
        except BaseExceptionGroup as failed:
            first = failed.exceptions[0]
        else:
            return [results[i] for i in sorted(results)]
        raise first  # told alone, as it was raised
    finally:
        # A PDF being finished and written in a thread goes on when its task is cancelled: it is
        # waited for, so nothing is written once the build has stopped. (asyncio.wait, unlike
        # gather, cancels nothing when it is cancelled itself.) A document being made in a
        # thread writes nothing: its task is let go.
        for being_made in making.values():
            being_made.cancel()
        running = [task for task in finishing if not task.done()]
        if running:
            await asyncio.wait(running)
        for task in (*making.values(), *finishing):  # told by the build's own error, if any
            if task.done() and not task.cancelled():
                task.exception()
        with contextlib.suppress(ProtocolError):  # a browser that went away has no context to close
            await chromium.send("Target.disposeBrowserContext", {"browserContextId": context})


async def _shielded(task: asyncio.Future[None]) -> None:
    """The task's outcome, the task left running when this is cancelled (a thread cannot be)."""
    import asyncio

    await asyncio.shield(task)


async def _render_one(chromium: Chromium, context: str, origin: Origin,
                      document: PrintDocument) -> RenderedPdf:
    """Print a document in a tab of its own, again while its page numbers move (`numbering`)."""
    from ebook.pdf.cdp import BrowserGone, ProtocolError
    from ebook.pdf.tab import NotLoaded, Tab

    start = time.perf_counter()
    url = f"{origin.url}/{document.url_path}"
    loaded: set[str] = set()

    def record(address: str) -> None:  # the browser's cache answers some: still recorded
        path = site_path(address, origin.url)
        if path is not None and path != document.url_path:
            loaded.add(path)

    tab: Tab | None = None

    async def print_html(html: str, printing: int, tagged: bool) -> bytes:
        nonlocal tab
        if tab is None:
            tab = await Tab.open(chromium, context, record)
        origin.documents[document.url_path] = html
        try:
            await tab.load(url)
            attempt = 1
            while True:
                try:
                    data = await tab.pdf(tagged=tagged, outline=True)
                    break
                except ProtocolError as error:
                    # Chromium now and then answers a print with "Printing failed" and prints
                    # the same page the next time: only that is tried again.
                    if chromium.gone:
                        raise BrowserGone(chromium.gone) from None
                    if "Printing failed" not in str(error) or attempt == PRINT_ATTEMPTS or tab.crashed:
                        raise
                    log.info("%s: Chromium could not print it; trying again", document.path)
                    attempt += 1
        finally:
            del origin.documents[document.url_path]
        if document.toc:
            # The whole book: its tab, holding the layout of every page (hundreds of MiB), is
            # closed once printed, before the PDF is measured and finished; a printing again
            # starts in a fresh one.
            closing, tab = tab, None
            await closing.close()
        return data

    try:
        printed = await print_until_numbers_hold(document, print_html)
    except BrowserGone as error:  # told by `Browser.print`, with the browser's name
        raise BrowserGone(f"{document.path} ({error})") from None
    except NotLoaded as error:
        waiting = ", ".join(site_path(address, origin.url) or address for address in error.waiting)
        them = "it opens" if len(error.waiting) == 1 else "they open"
        check = f" (still loading {waiting}). Check that {them}, then build again" if waiting else ". Build again"
        raise PluginError(f"{document.path}: its page had not loaded after {error.seconds:g} s{check}.") from None
    except ProtocolError as error:
        raise PluginError(f"{document.path}: the browser could not print it ({error}). Build again; if "
                          f"it fails the same way, check the pictures and styles of its pages.") from None
    finally:
        if tab is not None:
            with contextlib.suppress(ProtocolError):  # a browser that went away has no tab to close
                await tab.close()
    return RenderedPdf(document=document, data=printed.data, seconds=time.perf_counter() - start,
                       loaded=tuple(sorted(loaded)), numbers=printed.numbers, printings=printed.printings,
                       front_pages=printed.front_pages)
