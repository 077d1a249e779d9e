"""scrapy-playwright's download handler, shared by the http and https schemes.

Scrapy builds one handler per scheme; registering scrapy-playwright for both
would start two node drivers and two browsers. This subclass hands the same
instance to both schemes and closes it once. It also keeps the browser healthy
over long crawls:

* recycling: after ARCHIVER_BROWSER_RECYCLE_PAGES pages it lets the open pages
  finish, closes Chromium, and scrapy-playwright launches a fresh one for the
  next page (Chromium's memory only ever grows);
* crashes: a killed Chromium is relaunched lazily by scrapy-playwright
  (PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER, which must stay on); the pages it
  was rendering are retried by the RenderMiddleware;
* downloads: a page URL that turns out to be a file download is fetched again
  as a plain response, so it is archived with Scrapy's size caps instead of
  being buffered by the browser;
* the PLAYWRIGHT_ABORT_REQUEST predicate may be a class, built with the crawler;
* ARCHIVER_BROWSER_JS_HEAP_MB caps each tab's JavaScript heap;
* memory: Playwright's Python client (1.64) keeps a reply callback, with its
  stack, for every ``__waitInfo__`` message, which the driver never answers;
  one or two per page, kept forever. They are dropped as they are sent.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

from playwright.async_api import Page
from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from archiver.failures import failure_reason

logger = logging.getLogger(__name__)

_HANDLERS: "weakref.WeakKeyDictionary[Crawler, SharedPlaywrightHandler]" = weakref.WeakKeyDictionary()

DOWNLOAD_META_KEY = "archiver_download"       # the page URL was a download, fetched plainly


def forget_unanswered_wait_info(connection) -> None:
    """Stop a Playwright connection from keeping callbacks for messages that get no reply.

    The driver returns early for ``__waitInfo__`` (its own client keeps no
    callback for it), but the Python client files one per wait in
    ``_callbacks``; over a long crawl they add up to megabytes.
    """
    if getattr(connection, "_archiver_forgets_wait_info", False):
        return
    send = connection._send_message_to_server

    def send_and_forget(object, method, params, timeout, no_reply=False):
        callback = send(object, method, params, timeout, no_reply)
        if method == "__waitInfo__":
            connection._callbacks.pop(callback.id, None)
        return callback

    connection._send_message_to_server = send_and_forget
    connection._archiver_forgets_wait_info = True


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    _closed = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        if isinstance(self.abort_request, type):
            self.abort_request = build_from_crawler(self.abort_request, crawler)
        self.recycle_after = settings.getint("ARCHIVER_BROWSER_RECYCLE_PAGES")
        if self.recycle_after and not self.config.restart_disconnected_browser:
            raise ValueError("ARCHIVER_BROWSER_RECYCLE_PAGES needs PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER "
                             "= True (or set ARCHIVER_BROWSER_RECYCLE_PAGES = 0)")
        self.idle_wait = settings.getfloat("ARCHIVER_PAGE_TIMEOUT") + 30
        heap_mb = settings.getint("ARCHIVER_BROWSER_JS_HEAP_MB")
        if heap_mb:
            args = list(self.config.launch_options.get("args", ()))
            args.append(f"--js-flags=--max-old-space-size={heap_mb}")
            self.config.launch_options = {**self.config.launch_options, "args": args}
        self._pages_since_launch = 0
        self._open_pages: set[Page] = set()
        self._creating = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._recycle_lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SharedPlaywrightHandler":
        handler = _HANDLERS.get(crawler)
        if handler is None:
            handler = _HANDLERS[crawler] = cls(crawler)
        return handler

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await super().close()

    async def _maybe_launch_browser(self) -> None:
        await super()._maybe_launch_browser()
        forget_unanswered_wait_info(self.browser._impl_obj._connection)

    # --- downloads -------------------------------------------------------------
    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        try:
            return await super()._download_request(request, spider)
        except Exception as exc:
            if failure_reason(exc) != "download":
                raise
            logger.info("%s is a download, not a page: fetching it without the browser", request.url)
            self.stats.inc_value("archiver/browser/downloads_refetched")
            request.meta[DOWNLOAD_META_KEY] = True
            return await HTTP11DownloadHandler.download_request(self, request)

    # --- recycling -------------------------------------------------------------
    async def _create_page(self, request: Request, spider: Spider) -> Page:
        if self.recycle_after and self._pages_since_launch >= self.recycle_after:
            await self._recycle()
        self._creating += 1
        self._idle.clear()
        try:
            page = await super()._create_page(request, spider)
        finally:
            self._creating -= 1
            self._update_idle()
        self._pages_since_launch += 1
        self._open_pages.add(page)
        page.once("close", lambda *_: self._page_closed(page))
        return page

    def _page_closed(self, page: Page) -> None:
        self._open_pages.discard(page)
        self._update_idle()

    def _update_idle(self) -> None:
        if not self._open_pages and not self._creating:
            self._idle.set()
        else:
            self._idle.clear()

    async def _recycle(self) -> None:
        async with self._recycle_lock:
            if self._pages_since_launch < self.recycle_after:
                return                          # another page recycled it meanwhile
            try:
                await asyncio.wait_for(self._idle.wait(), self.idle_wait)
            except TimeoutError:
                logger.warning("recycling Chromium with %d pages still open", len(self._open_pages))
            browser = getattr(self, "browser", None)
            if browser is not None:
                logger.info("recycling Chromium after %d pages (ARCHIVER_BROWSER_RECYCLE_PAGES)",
                            self._pages_since_launch)
                # do the disconnect cleanup here, so a late callback cannot touch the next browser
                browser.remove_listener("disconnected", self._browser_disconnected_callback)
                await self._browser_disconnected_callback()
                try:
                    await browser.close()
                except Exception as exc:         # already gone: nothing to free
                    logger.debug("closing the old browser: %s", exc)
                self.stats.inc_value("archiver/browser/recycled")
            self._pages_since_launch = 0

    async def _browser_disconnected_callback(self) -> None:
        live = getattr(self, "browser", None) is not None and self.browser.is_connected()
        if not live and not self._closed:        # not _recycle's own call, nor shutdown
            logger.warning("Chromium disconnected (crashed or killed); it will be relaunched "
                           "for the next page")
            self.stats.inc_value("archiver/browser/disconnected")
        await super()._browser_disconnected_callback()
        self._open_pages.clear()
        self._pages_since_launch = 0
        self._update_idle()
