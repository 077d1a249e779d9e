"""Records what the browser actually sent and received while rendering a page.

One ``PageRecorder`` per rendered page listens to Playwright's network events,
turns each finished request into an ``Exchange`` (real request headers with
cookies, the status line, every response header in order, the body as
Chromium hands it over, decoded) and writes it. Body reads run as tasks;
``drain`` awaits them before the page closes, so nothing is lost to a race.

Chromium's cache stays on (see ``TabGuard``): a response it served from its
cache was not sent by the server at that moment, so it is not recorded again
(it was recorded when it was fetched), except the page's own document.
"""

from __future__ import annotations

import asyncio
import time
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Request as BrowserRequest

from w3lib.encoding import http_content_type_encoding

from archiver.capture.charset import restore_served_bytes
from archiver.capture.generations import answered_within
from archiver.recording import Exchange, WarcLocation, WarcWriteError

if TYPE_CHECKING:
    from archiver.recording import WarcWriter

logger = logging.getLogger(__name__)

RECORDED_SCHEMES = ("http://", "https://")
MAX_DIALOGS = 10                     # a page that keeps opening dialogs is left to the page timeout

# Both sides weak: a recorder holds its page, so a strong value would keep every page alive.
_RECORDERS: "weakref.WeakKeyDictionary[Page, weakref.ref[PageRecorder]]" = weakref.WeakKeyDictionary()


def _pairs(headers: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(h["name"], h["value"]) for h in headers if not h["name"].startswith(":")]


@dataclass
class PageRecorder:
    writer: "WarcWriter"
    page_id: str
    max_body_size: int = 100 * 1024 * 1024
    document: WarcLocation | None = None      # the page's own HTML response record
    document_url: str | None = None
    document_body: bytes | None = None        # that HTML as the server sent it (decoded)
    document_encoding: str | None = None
    exchanges: int = 0
    requests: int = 0                         # requests the page made (cache hits included)
    failures: list[str] = field(default_factory=list)
    refusal: tuple[str, str] | None = None    # (reason, message): why this page was given up
    write_error: WarcWriteError | None = None # the first failed WARC write (disk full...)
    navigation_locked: bool = False           # the page is loaded: it may not navigate away
    dialogs: int = 0
    _pending: set[asyncio.Task] = field(default_factory=set)
    _in_flight: int = 0
    _last_activity: float = field(default_factory=time.monotonic)
    _page: Page | None = None
    _listeners: list[tuple[str, object]] = field(default_factory=list)
    _cdp: object | None = None                # the DevTools session watching body sizes
    _received: dict[str, int] = field(default_factory=dict)
    _addresses: dict[str, str | None] = field(default_factory=dict)   # host -> IP, for this page
    _from_memory: set[str] = field(default_factory=set)    # request ids Blink served from its cache
    _from_cache: set[str] = field(default_factory=set)     # URLs Chromium served from a cache
    cache_hits: int = 0

    @staticmethod
    def of(page: Page) -> "PageRecorder | None":
        """The recorder of a page (for the browser guard), if it has one."""
        ref = _RECORDERS.get(page)
        return ref() if ref is not None else None

    async def attach(self, page: Page, request=None) -> None:
        """Listen to the tab before its navigation starts."""
        self._page = page
        _RECORDERS[page] = weakref.ref(self)
        self._listeners = [
            ("request", self._on_request), ("requestfinished", self._on_finished),
            ("requestfailed", self._on_failed), ("dialog", self._on_dialog),
            ("popup", self._on_popup), ("crash", self._on_crash),
        ]
        for event, listener in self._listeners:
            page.on(event, listener)
        await self._watch_network(page)

    def detach(self) -> None:
        """Stop listening once the page is captured, so its tab can render the next page."""
        page, self._page = self._page, None
        if page is None:
            return
        for event, listener in self._listeners:
            page.remove_listener(event, listener)
        self._listeners = []
        if _RECORDERS.get(page) is not None and _RECORDERS[page]() is self:
            del _RECORDERS[page]
        if self._cdp is not None:
            self._spawn(self._cdp.detach())
            self._cdp = None

    def refuse(self, reason: str, message: str) -> None:
        """Give the page up for *reason* (the first one wins)."""
        if self.refusal is None:
            self.refusal = (reason, message)

    # --- hostile pages ---------------------------------------------------------
    def _on_dialog(self, dialog) -> None:
        """alert/confirm/prompt/beforeunload would block the page: dismiss them."""
        self.dialogs += 1
        if self.dialogs == MAX_DIALOGS:
            logger.info("%s: %d dialogs dismissed, ignoring more", self._page and self._page.url, MAX_DIALOGS)
        self._spawn(dialog.dismiss())

    def _on_popup(self, popup: Page) -> None:
        """window.open: pop-ups are not archived; close them before they load much."""
        self.failures.append(f"pop-up closed: {popup.url}")
        self._spawn(popup.close())

    def _on_crash(self, page: Page) -> None:
        self.refuse("browser-crashed", "the tab crashed")

    async def _watch_network(self, page: Page) -> None:
        """What Playwright's events do not say: body sizes as they arrive, and cache hits."""
        try:
            async with answered_within("open a DevTools session"):
                cdp = self._cdp = await page.context.new_cdp_session(page)
                await cdp.send("Network.enable")
        except PlaywrightError:
            return
        cdp.on("Network.dataReceived", self._on_data)
        cdp.on("Network.requestServedFromCache", lambda params: self._from_memory.add(params["requestId"]))
        cdp.on("Network.responseReceived", self._note_cache_hit)

    def _on_data(self, params: dict) -> None:
        """Cap decoded bytes per response at max_body_size (a gzip bomb inflates in the browser).

        Chromium has no such limit; CDP reports decoded bytes as they arrive, and
        crashing the tab is the quickest way to free what it already holds.
        """
        total = self._received.get(params["requestId"], 0) + params.get("dataLength", 0)
        self._received[params["requestId"]] = total
        if total > self.max_body_size and self.refusal is None and self._cdp is not None:
            self.refuse("too-large", f"a response exceeded {self.max_body_size} bytes "
                                     f"(DOWNLOAD_MAXSIZE) in the browser")
            self._spawn(self._cdp.send("Page.crash"))

    def _note_cache_hit(self, params: dict) -> None:
        response = params["response"]
        if (params["requestId"] in self._from_memory or response.get("fromDiskCache")
                or response.get("fromPrefetchCache")):
            self._from_cache.add(response["url"])

    def _spawn(self, coro) -> None:
        async def quietly():
            try:
                await coro
            except PlaywrightError:
                pass
        asyncio.ensure_future(quietly())

    def _activity(self, delta: int) -> None:
        self._in_flight = max(0, self._in_flight + delta)
        self._last_activity = time.monotonic()

    async def settle(self, quiet: float = 0.25, timeout: float = 3.0) -> bool:
        """Wait until no request has been in flight for `quiet` seconds (True), or `timeout`.

        Cheaper than Playwright's "networkidle", which always waits 500 ms.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._in_flight and time.monotonic() - self._last_activity >= quiet:
                return True
            await asyncio.sleep(0.05)
        return False

    def _on_finished(self, request: BrowserRequest) -> None:
        self._activity(-1)
        task = asyncio.ensure_future(self._record(request))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _on_request(self, request: BrowserRequest) -> None:
        self.requests += 1
        self._activity(+1)

    def _on_failed(self, request: BrowserRequest) -> None:
        self._activity(-1)
        self.failures.append(f"{request.url} {request.failure or ''}".strip())
        if not self.navigation_locked and self._is_document(request):
            # the page's own document broke off mid-body: Chromium may still fire `load`
            from archiver.failures import failure_reason
            if failure_reason(RuntimeError(request.failure or "failed")) == "connection-reset":
                self.refuse("connection-reset", f"{request.url}: {request.failure}")

    def _is_document(self, request: BrowserRequest) -> bool:
        try:
            return (
                request.is_navigation_request()
                and self._page is not None
                and request.frame == self._page.main_frame
                and request.redirected_to is None
            )
        except PlaywrightError:
            return False

    async def _record(self, request: BrowserRequest) -> None:
        if not request.url.startswith(RECORDED_SCHEMES):
            return                                    # data:, blob: and the like are not traffic
        try:
            response = await request.response()
            if response is None:
                return
            if request.url in self._from_cache and not self._is_document(request):
                self.cache_hits += 1                  # recorded when it was fetched
                return
            captured_at = datetime.now(timezone.utc)
            # four questions to the driver at once, not one after another
            request_headers, response_headers, (body, truncated), server = await asyncio.gather(
                request.headers_array(), response.headers_array(), self._body(response),
                self._server_address(request.url, response))
            content_type = next((h["value"] for h in response_headers
                                 if h["name"].lower() == "content-type"), "")
            body = restore_served_bytes(body, content_type, request.resource_type)
            if len(body) > self.max_body_size:
                body, truncated = body[: self.max_body_size], "length"
            exchange = Exchange(
                url=request.url,
                method=request.method,
                request_headers=_pairs(request_headers),
                request_body=request.post_data_buffer,
                status=response.status,
                reason=response.status_text or None,
                response_headers=_pairs(response_headers),
                body=body,
                body_decoded=True,
                captured_at=captured_at,
                ip_address=server,
                page_id=self.page_id,
                resource_type=request.resource_type,
                truncated=truncated,
            )
        except PlaywrightError as exc:
            # the page or browser went away mid-read: nothing complete to archive
            self.failures.append(f"{request.url} not recorded: {exc.message.splitlines()[0]}")
            return
        try:
            location = self.writer.write_exchange(exchange)
        except WarcWriteError as exc:
            self.write_error = self.write_error or exc
            return
        self.exchanges += 1
        if self.document is None and self._is_document(request):
            self.document, self.document_url, self.document_body = location, request.url, body
            self.document_encoding = http_content_type_encoding(content_type)

    @staticmethod
    async def _body(response) -> tuple[bytes, str | None]:
        """The response body and WARC-Truncated reason; redirects carry no body."""
        if 300 <= response.status < 400:
            return b"", None
        try:
            return await response.body(), None
        except PlaywrightError:
            return b"", "disconnect"              # evicted or aborted before we could read it

    async def _server_address(self, url: str, response) -> str | None:
        """The server's IP (WARC-IP-Address), asked once per host and page."""
        host = urlsplit(url).netloc
        if host not in self._addresses:
            try:
                server = await response.server_addr()
            except PlaywrightError:
                server = None
            self._addresses[host] = server["ipAddress"] if server else None
        return self._addresses[host]

    async def drain(self, timeout: float = 15.0) -> None:
        """Wait for body reads still in flight (they would fail once the page closes).

        Raises the first WARC write error: a page whose records could not all be
        written is a failed page (and a full disk stops the crawl).
        """
        await self._drain(timeout)
        if self.write_error is not None:
            raise self.write_error

    async def _drain(self, timeout: float) -> None:
        while self._pending:
            done, _ = await asyncio.wait(set(self._pending), timeout=timeout)
            if not done:
                logger.warning("gave up waiting for %d response bodies", len(self._pending))
                for task in self._pending:
                    task.cancel()
                return
