"""Chromium driven over its DevTools pipe (`--remote-debugging-pipe`): launching it, sending the
few commands printing needs, hearing each tab's events (`tab`), and ending it.

Written here rather than taken from a library: Playwright's Python client drives the browser
through a Node.js driver of its own, which held 100 to 190 MiB and used about 0.6 s of CPU at
30 chapters to relay a dozen commands, and the Python DevTools clients on PyPI either talk over
a debugging port that any program on the machine could connect to, or are no longer kept. The
pipe is the browser's own file descriptors 3 (commands in) and 4 (answers out): JSON messages,
each ended by a NUL byte (https://chromedevtools.github.io/devtools-protocol/). Chromium quits
when the pipe closes, so a build that dies leaves no browser running.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ebook.model import writing

Params = dict[str, Any]
Listener = Callable[[str, Params], None]


class ProtocolError(Exception):
    """A command the browser refused ("Printing failed") or a document it could not load."""


class BrowserGone(ProtocolError):
    """The browser ended, closed its pipe, stopped answering or said something unreadable."""


# Chosen as Playwright chose them, so that a PDF is the same as it printed it: a fixed colour
# profile, a mouse-less screen for `@media (hover)`, no experiments switched on from the field-
# trial configuration, and the browser's own background work (updates, crash reports,
# throttling of hidden tabs) off.
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
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4",
)
# How long the browser may take to answer a command (seconds): one that takes longer is stuck,
# and the build stops rather than waits (`tab` has the limits for loading and printing).
ANSWER_TIMEOUT = 60
READ_SIZE = 4 << 20  # how much of a PDF each read of its stream asks for
LONGEST_MESSAGE = 256 << 20  # no answer is longer: the PDF comes in reads of READ_SIZE
CLOSE_WAIT = 5  # for the browser to quit when asked, before its processes are ended


class Messages(asyncio.Protocol):
    """The browser's end of the pipe, cut into messages at each NUL."""

    def __init__(self, deliver: Callable[[bytes], None], ended: Callable[[str], None]) -> None:
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
            try:
                self._deliver(message)
            except Exception as error:  # noqa: BLE001 - whatever it was, the pipe is unusable
                self._ended(f"a message from it could not be handled ({type(error).__name__}: {error})")
                return
        self._searched = len(self._buffer)
        if self._searched > LONGEST_MESSAGE:
            self._ended(f"it sent a message longer than {LONGEST_MESSAGE >> 20} MiB")

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended("")


# The browser's folder in the temporary directory: its profile and its output, named after the
# build that made it.
FOLDER_PREFIX = "book-chromium-"


def _above_stdio(fd: int) -> int:
    """A copy of the descriptor numbered above the five the browser is given (0 to 4), closed
    on exec: the child's 0 to 4 are made one after the other, so no source may be one of them."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)


class Chromium:
    """One headless Chromium over its pipe: `send` a command (to the browser, or to a tab's
    `session`) and get its result; `listen` to a session's events."""

    def __init__(self, pid: int, folder: Path) -> None:
        self.pid = pid
        self._folder = folder  # its profile and its output, removed by `close`
        self._next_id = 0
        self._waiting: dict[int, asyncio.Future[Params]] = {}
        self._listeners: dict[str, Listener] = {}
        self._reader: asyncio.BaseTransport | None = None
        self._writer: asyncio.WriteTransport | None = None
        self._gone = ""  # why the browser can no longer answer, once it cannot
        self._closing = False  # asked to quit: its pipe closing is no failure
        self._status: int | None = None  # its exit status, once reaped (`_exit_status`)

    @property
    def gone(self) -> str:
        return self._gone

    @classmethod
    async def launch(cls, executable: str, args: Sequence[str]) -> Chromium:
        """Start the browser with a profile of its own, and wait for its first answer."""
        loop = asyncio.get_running_loop()
        folder = writing.build_folder(FOLDER_PREFIX)
        opened: list[int] = []
        browser: Chromium | None = None
        try:
            commands_in, commands_out = os.pipe()
            opened += [commands_in, commands_out]
            answers_in, answers_out = os.pipe()
            opened += [answers_in, answers_out]
            with open(os.devnull, "rb") as nothing, open(folder / "browser.log", "wb") as output:
                sources = []
                for fd in (nothing.fileno(), output.fileno(), commands_in, answers_out):
                    sources.append(_above_stdio(fd))
                    opened.append(sources[-1])
                stdin, stdout, commands, answers = sources
                pid = os.posix_spawn(
                    executable,
                    [executable, *BROWSER_FLAGS, *args, "--remote-debugging-pipe",
                     f"--user-data-dir={folder / 'profile'}", "about:blank"],
                    # The temporary folder Python checked it can write to: Chromium takes TMPDIR
                    # as it is, and one missing or read-only made every print fail with "Read
                    # failed". (Not a longer path: Chromium's socket in it must stay short.)
                    {**os.environ, "TMPDIR": tempfile.gettempdir()},
                    file_actions=[(os.POSIX_SPAWN_DUP2, stdin, 0), (os.POSIX_SPAWN_DUP2, stdout, 1),
                                  (os.POSIX_SPAWN_DUP2, stdout, 2), (os.POSIX_SPAWN_DUP2, commands, 3),
                                  (os.POSIX_SPAWN_DUP2, answers, 4)],
                    setsid=True,  # a group of its own, so that `close` can end every process it starts
                )
            browser = cls(pid, folder)
            for fd in (commands_in, answers_out, *sources):
                os.close(fd)
                opened.remove(fd)
            opened.remove(answers_in)  # each is closed by its file, then its transport
            browser._reader, _ = await loop.connect_read_pipe(
                lambda: Messages(browser._receive, browser._stop), os.fdopen(answers_in, "rb", buffering=0))
            opened.remove(commands_out)
            browser._writer, _ = await loop.connect_write_pipe(
                asyncio.Protocol, os.fdopen(commands_out, "wb", buffering=0))
            # A first answer proves the pipe works: a program that is not Chromium ends instead
            # (closing it), or never answers.
            await browser.send("Browser.getVersion")
            return browser
        except BaseException:
            for fd in opened:
                os.close(fd)
            if browser is not None:
                await browser.close()
            else:
                writing.remove_build_folder(folder)
            raise

    async def send(self, method: str, params: Params | None = None, *, session: str = "",
                   timeout: float | None = None) -> Params:
        timeout = timeout or ANSWER_TIMEOUT
        if self._gone or self._writer is None:
            raise BrowserGone(self._gone or "it is not connected")
        self._next_id += 1
        number = self._next_id
        message: Params = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        answer: asyncio.Future[Params] = asyncio.get_running_loop().create_future()
        self._waiting[number] = answer
        try:
            self._writer.write(json.dumps(message).encode("utf-8") + b"\0")
            return await asyncio.wait_for(answer, timeout)
        except TimeoutError:
            self._stop(f"it did not answer in {timeout:g} s")
            raise BrowserGone(self._gone) from None
        finally:
            self._waiting.pop(number, None)

    def listen(self, session: str, listener: Listener | None) -> None:
        """Hear the session's events (`listener(method, params)`), or no longer (None). When the
        browser goes, every listener hears it as an event with no name."""
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
        if self._gone:
            return
        try:
            message = json.loads(raw)
        except ValueError:
            self._stop("it sent a message that is not JSON")
            return
        if "id" in message:
            answer = self._waiting.get(message["id"])
            if answer is None or answer.done():
                return
            if "error" in message:
                error = message["error"]
                detail = f" ({error['data']})" if error.get("data") else ""
                answer.set_exception(ProtocolError(f"{error.get('message', 'error')}{detail}"))
            else:
                answer.set_result(message.get("result", {}))
        elif (listener := self._listeners.get(message.get("sessionId", ""))) is not None:
            listener(message.get("method", ""), message.get("params", {}))

    def _stop(self, reason: str) -> None:
        """The browser can no longer be used: say why to every command and listener waiting."""
        if self._gone:
            return
        self._gone = reason or ("the browser was closed" if self._closing else self._exit_reason())
        for answer in self._waiting.values():
            if not answer.done():
                answer.set_exception(BrowserGone(self._gone))
        for listener in list(self._listeners.values()):
            listener("", {})
        for transport in (self._reader, self._writer):
            if transport is not None:
                transport.close()

    def _exit_status(self) -> int | None:
        """The browser's exit status (minus the signal that ended it) once it has ended, None
        while it runs. Where the system can tell without reaping it, it is left unreaped: until
        then its process number stays its group's, which `close` ends."""
        if self._status is not None:
            return self._status
        try:
            if hasattr(os, "waitid"):  # macOS has it from Python 3.13
                ended = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                if ended is None:
                    return None
                return ended.si_status if ended.si_code == os.CLD_EXITED else -ended.si_status
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:  # reaped by `close`
            return None
        if pid:
            self._status = os.waitstatus_to_exitcode(status)
        return self._status

    def _exit_reason(self) -> str:
        """Why the browser stopped answering, in words: how it ended, and for an ordinary exit
        its last words (not its warnings, which it writes in every run)."""
        deadline = time.monotonic() + 0.5  # its pipe closes as it ends, a moment before it has
        while (status := self._exit_status()) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if status is None:
            return "it closed its DevTools pipe"
        if status < 0:
            name = signal.Signals(-status).name if -status in signal.valid_signals() else str(-status)
            memory = " (often because the machine ran out of memory)" if -status == signal.SIGKILL else ""
            return f"it was stopped by {name}{memory}"
        said = ""
        with contextlib.suppress(OSError):
            lines = [line.strip() for line in (self._folder / "browser.log").read_text(errors="replace").splitlines()]
            said = next((line for line in reversed(lines) if line and not _NOISE.match(line)), "")
        return f"it ended with status {status}; {said}" if said else f"it ended with status {status}"

    async def close(self) -> None:
        """Ask the browser to quit; end its processes if it has not within CLOSE_WAIT seconds.
        Its processes are ended and its folder removed whatever happens."""
        try:
            if not self._gone:  # else it has ended, or is stuck: no use waiting for it
                self._closing = True
                with contextlib.suppress(ProtocolError):
                    await self.send("Browser.close", timeout=CLOSE_WAIT)
                deadline = time.monotonic() + CLOSE_WAIT
                while self._exit_status() is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
        finally:
            self._stop("the browser was closed")
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)  # what is left of it: zygotes, renderers
            deadline = time.monotonic() + CLOSE_WAIT
            with contextlib.suppress(ChildProcessError):
                while self._status is None and time.monotonic() < deadline:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                    if pid:
                        self._status = os.waitstatus_to_exitcode(status)
                    else:
                        await asyncio.sleep(0.02)
            writing.remove_build_folder(self._folder)
            if self._folder.exists():  # a process still writing as it was ended
                await asyncio.sleep(0.1)
                shutil.rmtree(self._folder, ignore_errors=True)


# Chromium's own log lines of every run, e.g. "[1204/181234.567:ERROR:bus.cc(…)] Failed to
# connect to the bus": not why it ended.
_NOISE = re.compile(r"\[[\d/.:]+:(ERROR|WARNING|INFO|VERBOSE\d*):")
