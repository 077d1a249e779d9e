"""scrapy-playwright's download handler, shared by the http and https schemes.

Scrapy builds one handler per scheme; registering scrapy-playwright for both
would start two node drivers and two browsers. This subclass hands the same
instance to both schemes and closes it once. It also keeps the browser healthy
over long crawls:

* tabs: a tab renders up to ARCHIVER_TAB_RENDERS pages before it is closed
  (``TabPool``), since opening one costs about as much as rendering a page;
* recycling: after ARCHIVER_BROWSER_RECYCLE_PAGES pages it lets the open pages
  finish, closes Chromium, and scrapy-playwright launches a fresh one for the
  next page (Chromium's memory only ever grows);
* crashes: a killed Chromium is relaunched lazily by scrapy-playwright
  (PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER, which must stay on); a Playwright
  call on a page of a browser that just died may never be answered, so the
  pages it was rendering are cancelled at once (``BrowserGenerations``), fail
  as ``browser-crashed`` and are retried by the RenderMiddleware;
* hangs: opening a page or a DevTools session must answer within seconds,
  and every page has a hard budget from the moment it exists (navigation and
  capture each get ARCHIVER_PAGE_TIMEOUT, plus a margin); a page that timed
  out asks the browser a trivial question, to tell a slow page from a frozen
  Chromium; when Chromium does not answer, the page is closed, the browser is
  killed (then handled as a crash), and the page fails as
  ``browser-unresponsive`` (also retried);
* downloads: a page URL that turns out to be a file download is fetched again
  as a plain response, so it is archived with Scrapy's size caps instead of
  being buffered by the browser;
* interception: tabs are guarded in Chromium by ``TabGuard``, not by
  scrapy-playwright's ``page.route``, which turned Chromium's cache off;
* ARCHIVER_BROWSER_JS_HEAP_MB caps each tab's JavaScript heap;
* memory: Playwright's Python client (1.64) keeps a reply callback, with its
  stack, for every ``__waitInfo__`` message, which the driver never answers;
  one or two per page, kept forever. They are dropped as they are sent.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass

import psutil
from playwright.async_api import Page
from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_playwright._utils import _attach_page_event_handlers, _maybe_execute_page_init_callback
from scrapy_playwright.handler import DEFAULT_CONTEXT_NAME, ScrapyPlaywrightDownloadHandler

from archiver.capture.recorder import PageRecorder
from archiver.capture.generations import BrowserGenerations, answered_within
from archiver.capture.guard import TabGuard
from archiver.capture.tabs import TabPool
from archiver.failures import PageRefused, failure_reason

logger = logging.getLogger(__name__)

_HANDLERS: "weakref.WeakKeyDictionary[Crawler, SharedPlaywrightHandler]" = weakref.WeakKeyDictionary()

DOWNLOAD_META_KEY = "archiver_download"       # the page URL was a download, fetched plainly
HANG_MARGIN = 30.0                             # seconds past navigation + capture before a page is abandoned
CLOSE_TIMEOUT = 5.0                            # closing a page of a dead browser can hang too
PROBE_TIMEOUT = 5.0                            # a live Chromium answers a DevTools call in milliseconds


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


@dataclass
class RenderInFlight:
    """One render's hard time budget and, once it has one, its page."""
    budget: asyncio.Timeout
    page: Page | None = None


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    _closed = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self._guard = TabGuard.from_crawler(crawler)
        self.recycle_after = settings.getint("ARCHIVER_BROWSER_RECYCLE_PAGES")
        if self.recycle_after and not self.config.restart_disconnected_browser:
            raise ValueError("ARCHIVER_BROWSER_RECYCLE_PAGES needs PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER "
                             "= True (or set ARCHIVER_BROWSER_RECYCLE_PAGES = 0)")
        page_timeout = settings.getfloat("ARCHIVER_PAGE_TIMEOUT")
        self.idle_wait = page_timeout + 30
        self.hang_timeout = 2 * page_timeout + HANG_MARGIN
        heap_mb = settings.getint("ARCHIVER_BROWSER_JS_HEAP_MB")
        if heap_mb:
            args = list(self.config.launch_options.get("args", ()))
            args.append(f"--js-flags=--max-old-space-size={heap_mb}")
            self.config.launch_options = {**self.config.launch_options, "args": args}
        self._pages_since_launch = 0
        self._generations = BrowserGenerations()
        self._renders: dict[asyncio.Task, RenderInFlight] = {}
        self._browser_process: psutil.Process | None = None
        self._tabs = TabPool(max(1, settings.getint("ARCHIVER_TAB_RENDERS")))
        # at most this many tabs exist, busy or idle, so an idle tab never holds a slot
        # that a render waiting for a new tab needs
        self._slots = asyncio.Semaphore(self.config.max_pages_per_context)
        self._busy_pages: set[Page] = set()
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
        before = getattr(self, "browser", None)
        await super()._maybe_launch_browser()
        if self.browser is not before:
            forget_unanswered_wait_info(self.browser._impl_obj._connection)
            self._browser_process = self._newest_browser_process()

    def _newest_browser_process(self) -> psutil.Process | None:
        """The Chromium just launched: the driver's youngest child (the path scrapy-playwright's
        memory extension uses to find the driver)."""
        try:
            manager = self.browser_provider.playwright_context_manager
            driver = psutil.Process(manager._connection._transport._proc.pid)
            return max(driver.children(), key=psutil.Process.create_time, default=None)
        except (AttributeError, psutil.Error):
            return None                          # a remote browser, or no driver process

    # --- downloads -------------------------------------------------------------
    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        try:
            return await self._render(request, spider)
        except Exception as exc:
            if failure_reason(exc) != "download":
                raise
            logger.info("%s is a download, not a page: fetching it without the browser", request.url)
            self.stats.inc_value("archiver/browser/downloads_refetched")
            request.meta[DOWNLOAD_META_KEY] = True
            return await HTTP11DownloadHandler.download_request(self, request)

    # --- rendering: a tab, a time budget, browser faults named -------------------
    async def _render(self, request: Request, spider: Spider | None) -> Response:
        """Render in an idle tab if there is one, else in a new tab (at most max_pages_per_context)."""
        async with self._slots:
            if self.recycle_after and self._pages_since_launch >= self.recycle_after:
                await self._recycle()
            context = request.meta.setdefault("playwright_context", DEFAULT_CONTEXT_NAME)
            tab = self._tabs.take(context)
            if tab is not None:
                request.meta["playwright_page"] = tab
            request.meta["playwright_include_page"] = True     # the pool decides when a tab closes
            try:
                return await self._render_in_tab(request, spider, tab, context)
            finally:
                request.meta.pop("playwright_page", None)
                request.meta.pop("playwright_include_page", None)

    async def _render_in_tab(self, request: Request, spider: Spider | None,
                             tab: Page | None, context: str) -> Response:
        """scrapy-playwright's download in a task of its own, bounded, with browser faults named.

        `tab`: an idle tab to reuse; without one, scrapy-playwright opens a new tab.
        """
        render = asyncio.ensure_future(super()._download_request(request, spider))
        in_flight = self._renders[render] = RenderInFlight(asyncio.timeout(None))
        budget = in_flight.budget
        try:
            async with budget:
                if tab is not None:
                    self._generations.bind(render)
                    self._tab_in_use(in_flight, tab)
                response = await render
            await self._release(in_flight.page, context, reusable=self._generations.on_current(render))
            return response
        except (Exception, asyncio.CancelledError) as exc:
            if isinstance(exc, asyncio.CancelledError) and not self._generations.was_lost(render):
                raise                                  # the crawl itself is stopping
            await self._close_quietly(in_flight.page)
            frozen = False
            if failure_reason(exc) == "timeout" and not budget.expired() and self._generations.on_current(render):
                # the page timed out: was it the page, or did Chromium itself stop answering?
                frozen = not await self._browser_answers()
            unanswered = frozen or (isinstance(exc, PageRefused) and exc.reason == "browser-unresponsive")
            if (budget.expired() or unanswered) and self._generations.on_current(render):
                await self._replace_unresponsive_browser()
            if budget.expired():
                raise PageRefused("browser-unresponsive", f"Chromium did not finish {request.url} "
                                                          f"within {self.hang_timeout:.0f}s") from None
            if frozen:
                raise PageRefused("browser-unresponsive",
                                  f"Chromium stopped answering while rendering {request.url}") from None
            if self._generations.was_lost(render):     # checked last: a probe may have outlived the browser
                raise PageRefused("browser-crashed",
                                  f"Chromium went away while rendering {request.url}") from None
            raise
        finally:
            self._renders.pop(render, None)
            self._generations.forget(render)

    async def _download_request_with_retry(self, request: Request, spider: Spider) -> Response:
        """scrapy-playwright's, less its ``page.route`` (TabGuard guards the tab instead)."""
        page = request.meta.get("playwright_page")
        if not isinstance(page, Page) or page.is_closed():
            page = await self._create_page(request=request, spider=spider)
        context_name = request.meta.setdefault("playwright_context", DEFAULT_CONTEXT_NAME)
        _attach_page_event_handlers(page=page, request=request, spider=spider, context_name=context_name)
        await _maybe_execute_page_init_callback(page=page, request=request, context_name=context_name,
                                                spider=spider)
        return await self._download_request_with_page(request, page, spider)

    async def _create_browser_context(self, name: str, context_kwargs: dict | None, spider=None):
        """Contexts whose new_page() cannot hang: a frozen Chromium never answers it."""
        wrapper = await super()._create_browser_context(name, context_kwargs, spider)
        new_page = wrapper.context.new_page

        async def new_page_answered(*args, **kwargs) -> Page:
            async with answered_within("open a page"):
                return await new_page(*args, **kwargs)

        wrapper.context.new_page = new_page_answered
        return wrapper

    @staticmethod
    async def _close_quietly(page: Page | None) -> None:
        if page is None or page.is_closed():
            return
        try:
            await asyncio.wait_for(page.close(), CLOSE_TIMEOUT)
        except Exception as exc:                 # a dead browser: nothing left to free
            logger.debug("closing an abandoned page: %r", exc)

    async def _browser_answers(self) -> bool:
        """Whether the browser process itself still answers a DevTools call (a hung page does not
        stop it; a frozen Chromium answers nothing)."""
        browser = getattr(self, "browser", None)
        if browser is None or not browser.is_connected():
            return True                          # gone: handled as a crash
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                session = await browser.new_browser_cdp_session()
                await session.send("Browser.getVersion")
                await session.detach()
        except TimeoutError:
            return False
        except Exception as exc:                 # disconnected meanwhile: a crash, not a freeze
            logger.debug("probing the browser: %r", exc)
        return True

    async def _replace_unresponsive_browser(self) -> None:
        """A frozen Chromium answers nothing, not even close(): kill it, like a crash."""
        self.stats.inc_value("archiver/browser/unresponsive")
        process = self._browser_process
        try:
            tree = [process, *process.children(recursive=True)] if process else []
            for member in tree:
                member.kill()
        except psutil.Error:
            tree = []
        if tree:
            logger.warning("Chromium stopped answering; killed it (pid %d), it will be relaunched "
                           "for the next page", process.pid)
            self._browser_process = None
            await self._until_disconnected(getattr(self, "browser", None))
        else:
            await self._replace_browser("Chromium stopped answering; replacing it", logging.WARNING, lost=True)

    async def _until_disconnected(self, browser) -> None:
        """Let the disconnect cleanup run first, so a retry cannot pick the dying browser."""
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                while browser is not None and getattr(self, "browser", None) is browser:
                    await asyncio.sleep(0.05)
        except TimeoutError:
            logger.debug("no disconnect from the killed browser after %.0fs", CLOSE_TIMEOUT)

    async def _replace_browser(self, why: str, level: int = logging.INFO, lost: bool = False) -> None:
        """Close the current Chromium; scrapy-playwright launches a fresh one for the next page.

        `lost`: renders still on it cannot finish and are retried (not so when recycling,
        which waits until its pages are done).
        """
        browser = getattr(self, "browser", None)
        if browser is None:
            return
        logger.log(level, why)
        # do the disconnect cleanup here, so a late callback cannot touch the next browser
        browser.remove_listener("disconnected", self._browser_disconnected_callback)
        await self._forget_browser(lost)
        try:
            await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)
        except Exception as exc:                 # already gone, or wedged: nothing more to do
            logger.debug("closing the old browser: %r", exc)

    async def _browser_disconnected_callback(self) -> None:
        live = getattr(self, "browser", None) is not None and self.browser.is_connected()
        if not live and not self._closed:        # not our own replacement, nor shutdown
            logger.warning("Chromium disconnected (crashed or killed); it will be relaunched "
                           "for the next page")
            self.stats.inc_value("archiver/browser/disconnected")
        await self._forget_browser(lost=True)

    async def _forget_browser(self, lost: bool) -> None:
        if lost:
            self._generations.lose_current()
        else:
            self._generations.retire_current()
        try:
            # closes the contexts, which a wedged browser never confirms
            await asyncio.wait_for(super()._browser_disconnected_callback(), CLOSE_TIMEOUT)
        except TimeoutError:
            self.context_wrappers.clear()
            if self.config.restart_disconnected_browser and hasattr(self, "browser"):
                del self.browser
        self._busy_pages.clear()
        self._tabs.clear()
        self._pages_since_launch = 0
        self._update_idle()

    # --- tabs and recycling -------------------------------------------------------
    async def _create_page(self, request: Request, spider: Spider) -> Page:
        self._generations.bind(asyncio.current_task())
        self._creating += 1
        self._idle.clear()
        try:
            page = await super()._create_page(request, spider)
        finally:
            self._creating -= 1
            self._update_idle()
        page.once("close", lambda *_: self._page_closed(page))
        page.once("crash", lambda *_: self._tabs.forget(page))
        try:
            await self._guard.attach(page)
        except Exception:
            await self._close_quietly(page)      # an unguarded tab must not load anything
            raise
        in_flight = self._renders.get(asyncio.current_task())
        if in_flight is not None:
            self._tab_in_use(in_flight, page)
        return page

    def _tab_in_use(self, in_flight: RenderInFlight, tab: Page) -> None:
        """A render has its tab, new or reused: its time budget starts now."""
        self.stats.inc_value("archiver/browser/renders")
        self._tabs.count_render(tab)
        self._pages_since_launch += 1
        self._busy_pages.add(tab)
        self._update_idle()
        in_flight.page = tab
        in_flight.budget.reschedule(asyncio.get_running_loop().time() + self.hang_timeout)

    async def _release(self, tab: Page | None, context: str, reusable: bool) -> None:
        """After a good render: keep the tab for the next page, unless its recorder still holds
        it, its browser was replaced meanwhile, or it has rendered its share."""
        if tab is None:
            return
        self._busy_pages.discard(tab)
        if not (reusable and PageRecorder.of(tab) is None and self._tabs.give_back(tab, context)):
            await self._close_quietly(tab)
        self._update_idle()

    def _page_closed(self, page: Page) -> None:
        self._busy_pages.discard(page)
        self._tabs.forget(page)
        self._update_idle()

    def _update_idle(self) -> None:
        if not self._busy_pages and not self._creating:
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
                logger.warning("recycling Chromium with %d pages still open", len(self._busy_pages))
            if getattr(self, "browser", None) is not None:
                await self._replace_browser(f"recycling Chromium after {self._pages_since_launch} "
                                            f"pages (ARCHIVER_BROWSER_RECYCLE_PAGES)")
                self.stats.inc_value("archiver/browser/recycled")
            self._pages_since_launch = 0
