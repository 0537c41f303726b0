"""Chromium driven over its DevTools pipe (`--remote-debugging-pipe`): launching it, sending the
few commands printing needs, and hearing what each tab reports.

Written here rather than taken from a library: Playwright's Python client drives the browser
through a Node.js driver of its own, which held 100 to 190 MiB and used about 0.6 s of CPU at
30 chapters to relay a dozen commands, and the Python DevTools clients on PyPI either talk over
a debugging port that any program on the machine could connect to, or are no longer kept. The
pipe is the browser's own file descriptors 3 (commands in) and 4 (answers out): JSON messages,
each ended by a NUL byte (https://chromedevtools.github.io/devtools-protocol/).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Params = dict[str, Any]
Listener = Callable[[str, Params], None]


class ProtocolError(Exception):
    """A command the browser refused ("Printing failed"), or a browser that went away."""


# Chosen as Playwright chooses them, so that a PDF is the same as it printed it: a fixed colour
# profile, no experiments switched on from the browser's field-trial configuration, and the
# browser's own background work (updates, crash reports, throttling of hidden tabs) off.
BROWSER_FLAGS = (
    "--headless",
    "--disable-field-trial-config",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-back-forward-cache",
    "--disable-breakpad",
    "--disable-component-extensions-with-background-pages",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-popup-blocking",
    "--disable-prompt-on-repost",
    "--disable-renderer-backgrounding",
    "--disable-sync",
    "--force-color-profile=srgb",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--no-service-autorun",
    "--hide-scrollbars",
    "--mute-audio",
)
# A tab's page, as Playwright's default context sets it.
VIEWPORT = {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False,
            "screenWidth": 1280, "screenHeight": 720,
            "screenOrientation": {"angle": 0, "type": "landscapePrimary"}}
FONT_FAMILIES = {"standard": "Times New Roman", "fixed": "Monospace", "serif": "Times New Roman",
                 "sansSerif": "Arial", "cursive": "Comic Sans MS", "fantasy": "Impact"}
# How much of a PDF each read of its stream asks for.
READ_SIZE = 4 << 20


class _Messages(asyncio.Protocol):
    """The browser's end of the pipe, cut into messages at each NUL."""

    def __init__(self, deliver: Callable[[bytes], None], ended: Callable[[], None]) -> None:
        self._buffer = bytearray()
        self._searched = 0  # the bytes already known to hold no NUL
        self._deliver = deliver
        self._ended = ended

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\0", self._searched)) >= 0:
            message = bytes(self._buffer[:end])
            del self._buffer[:end + 1]
            self._searched = 0
            self._deliver(message)
        self._searched = len(self._buffer)

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended()


class Chromium:
    """One headless Chromium over its pipe: `send` a command (to the browser, or to a tab's
    `session`) and get its result; `listen` to a session's events."""

    def __init__(self, pid: int, profile: Path, log: Path) -> None:
        self.pid = pid
        self._profile = profile
        self._log = log
        self._next_id = 0
        self._waiting: dict[int, asyncio.Future[Params]] = {}
        self._listeners: dict[str, Listener] = {}
        self._writer: asyncio.WriteTransport | None = None
        self._gone: str = ""  # why the browser can no longer answer, once it cannot

    @classmethod
    async def launch(cls, executable: str, args: Sequence[str]) -> Chromium:
        """Start the browser with a profile of its own, its output in a file of that profile."""
        loop = asyncio.get_running_loop()
        profile = Path(tempfile.mkdtemp(prefix="book-chromium-"))
        log = profile / "browser.log"
        commands_in, commands_out = os.pipe()
        answers_in, answers_out = os.pipe()
        try:
            with open(os.devnull, "rb") as nothing, open(log, "wb") as output:
                pid = os.posix_spawn(
                    executable,
                    [executable, *BROWSER_FLAGS, *args, "--remote-debugging-pipe",
                     f"--user-data-dir={profile / 'profile'}", "about:blank"],
                    dict(os.environ),
                    file_actions=[(os.POSIX_SPAWN_DUP2, nothing.fileno(), 0),
                                  (os.POSIX_SPAWN_DUP2, output.fileno(), 1),
                                  (os.POSIX_SPAWN_DUP2, output.fileno(), 2),
                                  (os.POSIX_SPAWN_DUP2, commands_in, 3),
                                  (os.POSIX_SPAWN_DUP2, answers_out, 4)],
                    setsid=True,  # its own group, so that `close` can end all its processes
                )
        except OSError:
            for fd in (commands_in, commands_out, answers_in, answers_out):
                os.close(fd)
            shutil.rmtree(profile, ignore_errors=True)
            raise
        os.close(commands_in)
        os.close(answers_out)
        browser = cls(pid, profile, log)
        await loop.connect_read_pipe(lambda: _Messages(browser._receive, browser._ended),
                                     os.fdopen(answers_in, "rb", buffering=0))
        writer, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(commands_out, "wb", buffering=0))
        browser._writer = writer
        return browser

    async def send(self, method: str, params: Params | None = None, *, session: str = "") -> Params:
        if self._gone:
            raise ProtocolError(self._gone)
        self._next_id += 1
        message: Params = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        answer: asyncio.Future[Params] = asyncio.get_running_loop().create_future()
        self._waiting[self._next_id] = answer
        assert self._writer is not None
        self._writer.write(json.dumps(message).encode("utf-8") + b"\0")
        return await answer

    def listen(self, session: str, listener: Listener | None) -> None:
        """Hear the session's events (`listener(method, params)`), or no longer (None)."""
        if listener is None:
            self._listeners.pop(session, None)
        else:
            self._listeners[session] = listener

    async def read_stream(self, handle: str, *, session: str) -> bytes:
        """A stream the browser holds (a printed PDF), read whole and closed."""
        chunks = []
        while True:
            read = await self.send("IO.read", {"handle": handle, "size": READ_SIZE}, session=session)
            data = read.get("data", "")
            chunks.append(base64.b64decode(data) if read.get("base64Encoded") else data.encode("utf-8"))
            if read.get("eof"):
                break
        await self.send("IO.close", {"handle": handle}, session=session)
        return b"".join(chunks)

    def _receive(self, raw: bytes) -> None:
        message = json.loads(raw)
        if "id" in message:
            answer = self._waiting.pop(message["id"], None)
            if answer is None or answer.done():
                return
            if "error" in message:
                answer.set_exception(ProtocolError(message["error"].get("message", "error")))
            else:
                answer.set_result(message.get("result", {}))
        elif (listener := self._listeners.get(message.get("sessionId", ""))) is not None:
            listener(message.get("method", ""), message.get("params", {}))

    def _ended(self) -> None:
        self._gone = self.exit_reason()
        for answer in self._waiting.values():
            if not answer.done():
                answer.set_exception(ProtocolError(self._gone))
        self._waiting.clear()

    def exit_reason(self) -> str:
        """Why the browser stopped answering: its exit status, and its last words."""
        status = ""
        with contextlib.suppress(ChildProcessError):
            pid, code = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                status = f"it ended with status {os.waitstatus_to_exitcode(code)}"
        said = ""
        with contextlib.suppress(OSError):
            lines = [line.strip() for line in self._log.read_text(errors="replace").splitlines() if line.strip()]
            said = lines[-1] if lines else ""
        return "; ".join(filter(None, (status or "it closed its DevTools pipe", said)))

    async def close(self) -> None:
        """Ask the browser to quit; end its processes if it has not within five seconds."""
        if not self._gone:
            with contextlib.suppress(ProtocolError):
                await asyncio.wait_for(self.send("Browser.close"), 5)
        deadline = time.monotonic() + 5
        while True:
            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                break
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self.pid, 0)
                break
            await asyncio.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # what it left: its zygotes, its renderers
        if self._writer is not None:
            self._writer.close()
        shutil.rmtree(self._profile, ignore_errors=True)


# How long a tab may take to load a document from the local server before the build stops.
LOAD_TIMEOUT = 120


class Tab:
    """A tab of its own in a browser context: script off, the viewport, colour scheme and
    default fonts of Playwright's default context, and every request it makes told to
    `requested` (its address)."""

    def __init__(self, chromium: Chromium, target: str, session: str,
                 requested: Callable[[str], None]) -> None:
        self._chromium = chromium
        self._target = target
        self._session = session
        self._requested = requested
        self._loaded: set[str] = set()  # the navigations whose document has loaded, by loader
        self._changed = asyncio.Event()
        self._crashed = False

    @classmethod
    async def open(cls, chromium: Chromium, context: str, requested: Callable[[str], None]) -> Tab:
        target = (await chromium.send("Target.createTarget",
                                      {"url": "about:blank", "browserContextId": context}))["targetId"]
        session = (await chromium.send("Target.attachToTarget",
                                       {"targetId": target, "flatten": True}))["sessionId"]
        tab = cls(chromium, target, session, requested)
        chromium.listen(session, tab._event)
        await asyncio.gather(*(tab._send(method, params) for method, params in (
            ("Page.enable", {}),
            ("Page.setLifecycleEventsEnabled", {"enabled": True}),
            ("Network.enable", {}),
            ("Emulation.setScriptExecutionDisabled", {"value": True}),
            ("Emulation.setDeviceMetricsOverride", VIEWPORT),
            ("Emulation.setEmulatedMedia", {"media": "", "features": [
                {"name": "prefers-color-scheme", "value": "light"}]}),
            ("Page.setFontFamilies", {"fontFamilies": FONT_FAMILIES}),
        )))
        return tab

    async def _send(self, method: str, params: Params | None = None) -> Params:
        return await self._chromium.send(method, params, session=self._session)

    def _event(self, method: str, params: Params) -> None:
        if method == "Network.requestWillBeSent":
            self._requested(params["request"]["url"])
        elif method == "Page.lifecycleEvent" and params.get("name") == "load":
            self._loaded.add(params.get("loaderId", ""))
            self._changed.set()
        elif method == "Inspector.targetCrashed":
            self._crashed = True
            self._changed.set()

    async def load(self, url: str) -> None:
        """Go to the address and wait for its document and everything it loads."""
        navigation = await self._send("Page.navigate", {"url": url})
        if navigation.get("errorText"):
            raise ProtocolError(f"{url}: {navigation['errorText']}")
        loader = navigation.get("loaderId", "")

        async def loaded() -> None:
            while loader not in self._loaded:
                if self._crashed:
                    raise ProtocolError(f"{url}: the tab crashed")
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(loaded(), LOAD_TIMEOUT)
        except asyncio.TimeoutError:
            raise ProtocolError(f"{url}: not loaded after {LOAD_TIMEOUT} s") from None

    async def pdf(self, *, tagged: bool, outline: bool) -> bytes:
        """The loaded document printed: on the paper its CSS asks for, with its backgrounds."""
        printed = await self._send("Page.printToPDF", {
            "transferMode": "ReturnAsStream", "printBackground": True, "preferCSSPageSize": True,
            "generateTaggedPDF": tagged, "generateDocumentOutline": outline,
            # The rest as Playwright sends them; the CSS's @page rules set the paper and margins.
            "landscape": False, "displayHeaderFooter": False, "headerTemplate": "",
            "footerTemplate": "", "scale": 1, "paperWidth": 8.5, "paperHeight": 11,
            "marginTop": 0, "marginBottom": 0, "marginLeft": 0, "marginRight": 0, "pageRanges": "",
        })
        return await self._chromium.read_stream(printed["stream"], session=self._session)

    async def close(self) -> None:
        self._chromium.listen(self._session, None)
        await self._chromium.send("Target.closeTarget", {"targetId": self._target})
