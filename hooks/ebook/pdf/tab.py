"""A tab of the printing browser (`cdp`): a document loaded from the local server, waited for,
and printed to PDF bytes, with what it loaded told as it loads it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence

from ebook.pdf.cdp import BrowserGone, Chromium, Params, ProtocolError

# A tab's page and default fonts, as Playwright's default context set them.
VIEWPORT = {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False,
            "screenWidth": 1280, "screenHeight": 720,
            "screenOrientation": {"angle": 0, "type": "landscapePrimary"}}
FONT_FAMILIES = {
    "linux": {"standard": "Times New Roman", "fixed": "Monospace", "serif": "Times New Roman",
              "sansSerif": "Arial", "cursive": "Comic Sans MS", "fantasy": "Impact"},
    "darwin": {"standard": "Times", "fixed": "Courier", "serif": "Times", "sansSerif": "Helvetica",
               "cursive": "Apple Chancery", "fantasy": "Papyrus"},
}
# How long a document may take to load from the local server, and to print (seconds): one
# that takes longer is stuck, and the build stops rather than waits.
LOAD_TIMEOUT = 120
PRINT_TIMEOUT = 600


class NotLoaded(ProtocolError):
    """A document still loading when its time ran out, and the addresses it was waiting for."""

    def __init__(self, seconds: float, waiting: Sequence[str]) -> None:
        super().__init__(f"not loaded after {seconds:g} s")
        self.seconds = seconds
        self.waiting = tuple(waiting)


# What a crashed tab says: Chromium ends a renderer that runs out of memory.
CRASHED = "its page crashed the browser's renderer, often because the machine ran out of memory"


class Tab:
    """A tab of its own in a browser context: script off, print media, the viewport, colour
    scheme and default fonts of Playwright's default context, and every request it makes told
    to `requested` (its address)."""

    def __init__(self, chromium: Chromium, target: str, session: str,
                 requested: Callable[[str], None]) -> None:
        self._chromium = chromium
        self._target = target
        self._session = session
        self._requested = requested
        self._loaded: set[str] = set()  # the navigations whose document has loaded, by loader
        self._pending: dict[str, str] = {}  # the requests not yet answered: their addresses
        self._changed = asyncio.Event()  # a document loaded, the tab crashed or the browser went
        self._crashed = ""  # why the tab can no longer be used, once it cannot
        self._crash = asyncio.Event()

    @classmethod
    async def open(cls, chromium: Chromium, context: str, requested: Callable[[str], None]) -> Tab:
        target = (await chromium.send("Target.createTarget",
                                      {"url": "about:blank", "browserContextId": context}))["targetId"]
        session = (await chromium.send("Target.attachToTarget",
                                       {"targetId": target, "flatten": True}))["sessionId"]
        tab = cls(chromium, target, session, requested)
        chromium.listen(session, tab._event)
        settings: list[tuple[str, Params]] = [
            ("Page.enable", {}),
            ("Page.setLifecycleEventsEnabled", {"enabled": True}),
            ("Network.enable", {}),
            ("Emulation.setScriptExecutionDisabled", {"value": True}),
            ("Emulation.setDeviceMetricsOverride", VIEWPORT),
            # Laid out for print from the start: printing then lays out the pages without first
            # styling the whole document again for print, in about half the time and with a
            # sixth less memory at 500 pages; the same PDF, byte for byte. Nothing only the
            # screen's styles ask for is fetched either.
            ("Emulation.setEmulatedMedia", {"media": "print", "features": [
                {"name": "prefers-color-scheme", "value": "light"}]}),
        ]
        if sys.platform in FONT_FAMILIES:
            settings.append(("Page.setFontFamilies", {"fontFamilies": FONT_FAMILIES[sys.platform]}))
        await asyncio.gather(*(tab._send(method, params) for method, params in settings))
        return tab

    @property
    def crashed(self) -> str:
        return self._crashed

    async def _send(self, method: str, params: Params | None = None, *,
                    timeout: float | None = None) -> Params:
        """A command to the tab, and its answer; the tab's crash ends the wait for it."""
        command = asyncio.ensure_future(self._chromium.send(method, params, session=self._session, timeout=timeout))
        crash = asyncio.ensure_future(self._crash.wait())
        try:
            await asyncio.wait({command, crash}, return_when=asyncio.FIRST_COMPLETED)
        finally:  # the tab crashed, or the build stopped: no answer is waited for
            crash.cancel()
            if not command.done():
                command.cancel()
        if command.cancelled():
            raise ProtocolError(self._crashed)
        return command.result()

    def _event(self, method: str, params: Params) -> None:
        if method == "Network.requestWillBeSent":
            self._pending[params["requestId"]] = params["request"]["url"]
            self._requested(params["request"]["url"])
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            self._pending.pop(params.get("requestId", ""), None)
        elif method == "Page.lifecycleEvent" and params.get("name") == "load":
            self._loaded.add(params.get("loaderId", ""))
            self._changed.set()
        elif method in ("Inspector.targetCrashed", "Inspector.detached"):
            self._crashed = CRASHED if method == "Inspector.targetCrashed" else "its tab was closed"
            self._crash.set()
            self._changed.set()
        elif not method:  # the browser went
            self._changed.set()

    async def load(self, url: str) -> None:
        """Go to the address and wait for its document and everything it loads."""
        self._pending.clear()
        navigation = await self._send("Page.navigate", {"url": url})
        if navigation.get("errorText"):
            raise ProtocolError(f"{url}: {navigation['errorText']}")
        loader = navigation.get("loaderId", "")

        async def loaded() -> None:
            while loader not in self._loaded:
                if self._chromium.gone:
                    raise BrowserGone(self._chromium.gone)
                if self._crashed:
                    raise ProtocolError(self._crashed)
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(loaded(), LOAD_TIMEOUT)
        except TimeoutError:
            raise NotLoaded(LOAD_TIMEOUT, sorted(set(self._pending.values()))) from None

    async def pdf(self, *, tagged: bool, outline: bool) -> bytes:
        """The loaded document printed: on the paper its CSS asks for, with its backgrounds."""
        printed = await self._send("Page.printToPDF", {
            "transferMode": "ReturnAsStream", "printBackground": True, "preferCSSPageSize": True,
            "generateTaggedPDF": tagged, "generateDocumentOutline": outline,
            # The rest as Playwright sent them; the CSS's @page rules set the paper and margins.
            "landscape": False, "displayHeaderFooter": False, "headerTemplate": "",
            "footerTemplate": "", "scale": 1, "paperWidth": 8.5, "paperHeight": 11,
            "marginTop": 0, "marginBottom": 0, "marginLeft": 0, "marginRight": 0, "pageRanges": "",
        }, timeout=PRINT_TIMEOUT)
        return await self._chromium.read_stream(printed["stream"], session=self._session)

    async def close(self) -> None:
        self._chromium.listen(self._session, None)
        await self._chromium.send("Target.closeTarget", {"targetId": self._target})
