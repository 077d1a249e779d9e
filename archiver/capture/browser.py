"""Records what the browser actually sent and received while rendering a page.

One ``PageRecorder`` per rendered page listens to Playwright's network events,
turns each finished request into an ``Exchange`` (real request headers with
cookies, the status line, every response header in order, the body as
Chromium hands it over, decoded) and writes it. Body reads run as tasks;
``drain`` awaits them before the page closes, so nothing is lost to a race.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Request as BrowserRequest

from w3lib.encoding import http_content_type_encoding

from archiver.recording import Exchange, WarcLocation

if TYPE_CHECKING:
    from archiver.recording import WarcWriter

logger = logging.getLogger(__name__)

RECORDED_SCHEMES = ("http://", "https://")


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
    failures: list[str] = field(default_factory=list)
    _pending: set[asyncio.Task] = field(default_factory=set)
    _page: Page | None = None

    async def attach(self, page: Page, request=None) -> None:
        """scrapy-playwright's page-init callback: listen before navigation starts."""
        self._page = page
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)

    def _on_finished(self, request: BrowserRequest) -> None:
        task = asyncio.ensure_future(self._record(request))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _on_failed(self, request: BrowserRequest) -> None:
        self.failures.append(f"{request.url} {request.failure or ''}".strip())

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
            captured_at = datetime.now(timezone.utc)
            request_headers = await request.headers_array()
            response_headers = await response.headers_array()
            body = b""
            truncated = None
            if not 300 <= response.status < 400:
                try:
                    body = await response.body()
                except PlaywrightError:
                    truncated = "disconnect"          # evicted or aborted before we could read it
            if len(body) > self.max_body_size:
                body, truncated = body[: self.max_body_size], "length"
            server = None
            try:
                server = await response.server_addr()
            except PlaywrightError:
                pass
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
                ip_address=server["ipAddress"] if server else None,
                page_id=self.page_id,
                resource_type=request.resource_type,
                truncated=truncated,
            )
        except PlaywrightError as exc:
            # the page or browser went away mid-read: nothing complete to archive
            self.failures.append(f"{request.url} not recorded: {exc.message.splitlines()[0]}")
            return
        location = self.writer.write_exchange(exchange)
        self.exchanges += 1
        if self.document is None and self._is_document(request):
            self.document, self.document_url, self.document_body = location, request.url, body
            content_type = next((v for k, v in exchange.response_headers
                                 if k.lower() == "content-type"), "")
            self.document_encoding = http_content_type_encoding(content_type)

    async def drain(self, timeout: float = 15.0) -> None:
        """Wait for body reads still in flight (they would fail once the page closes)."""
        while self._pending:
            done, _ = await asyncio.wait(set(self._pending), timeout=timeout)
            if not done:
                logger.warning("gave up waiting for %d response bodies", len(self._pending))
                for task in self._pending:
                    task.cancel()
                return
