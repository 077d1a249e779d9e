"""The archiver's download handler: pages through Chromium, everything else through Scrapy's HTTP client.

Built on Playwright's public async API. Scrapy builds one handler per scheme;
one instance serves both http and https (one browser per crawl) and is closed
once. A request goes to the browser when the RenderMiddleware gave it a
``RenderJob`` (``request.meta[RENDER_META_KEY]``). The handler keeps the
browser healthy over long crawls:

* tabs: a tab renders up to ARCHIVER_TAB_RENDERS pages before it is closed
  (``TabPool``), since opening one costs about as much as rendering a page;
  at most ARCHIVER_BROWSER_TABS render at once;
* recycling: after ARCHIVER_BROWSER_RECYCLE_PAGES pages it lets the open pages
  finish, closes Chromium, and the next page launches a fresh one (Chromium's
  memory only ever grows);
* crashes: a killed Chromium is relaunched for the next page; its renders are
  cancelled at once (``BrowserGenerations``), fail as ``browser-crashed`` and
  are retried by the RenderMiddleware;
* hangs: opening a page or a DevTools session must answer within seconds,
  and every page has a hard budget from the moment it has a tab (navigation and
  capture each get ARCHIVER_PAGE_TIMEOUT, plus a margin); a page that timed
  out asks the browser a trivial question, to tell a slow page from a frozen
  Chromium; when Chromium does not answer, the page is closed, the browser is
  killed (then handled as a crash), and the page fails as
  ``browser-unresponsive`` (also retried);
* downloads: a page URL that turns out to be a file download is fetched again
  as a plain response, so it is archived with Scrapy's size caps instead of
  being buffered by the browser;
* interception: tabs are guarded in Chromium by ``TabGuard``; Chromium's
  cache stays on.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from playwright.async_api import Page
from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response

from archiver.capture.chromium_host import CLOSE_TIMEOUT, ChromiumHost
from archiver.capture.generations import answered_within
from archiver.capture.guard import TabGuard
from archiver.capture.navigation import navigate, rendered_response
from archiver.capture.recorder import PageRecorder
from archiver.capture.tabs import TabPool
from archiver.chromium import chromium_path, launch_options
from archiver.failures import FailureReason, PageRefused, failure_reason
from archiver.profiles.crawl import LoginSession

logger = logging.getLogger(__name__)

_HANDLERS: "weakref.WeakKeyDictionary[Crawler, BrowserDownloadHandler]" = weakref.WeakKeyDictionary()

RENDER_META_KEY = "archiver_render"           # the request's RenderJob: render it in the browser
DOWNLOAD_META_KEY = "archiver_download"       # the page URL was a download, fetched plainly
HANG_MARGIN = 30.0                            # seconds past navigation + capture before a page is abandoned


class RenderedPage(Protocol):
    """What a render's capture returns; its rendered DOM becomes the response body."""
    html: str


@dataclass
class RenderJob:
    """One page for the browser, set by the RenderMiddleware in the downloader (never pickled)."""
    recorder: PageRecorder                    # listens to the tab before navigation starts
    capture: Callable[[Page], Awaitable[RenderedPage]]   # after ``load``: behaviours, screenshot, DOM
    navigation_timeout: float                 # seconds to the ``load`` event
    result: RenderedPage | None = None        # what `capture` returned


@dataclass
class RenderInFlight:
    """One render's hard time budget and, once it has one, its tab."""
    budget: asyncio.Timeout
    tab: Page | None = None


def browser_context_options(settings) -> dict:
    """Keyword arguments for ``Browser.new_context``, read from the crawl's settings."""
    return {
        **settings.getdict("ARCHIVER_BROWSER_CONTEXT"),
        "viewport": settings.getdict("ARCHIVER_VIEWPORT"),
        "user_agent": settings.get("USER_AGENT"),
        "ignore_https_errors": settings.getbool("ARCHIVER_IGNORE_TLS_ERRORS"),
    }


class BrowserDownloadHandler:
    """Scrapy download handler for http and https: a request with a RenderJob is rendered in a tab of
    the crawl's one Chromium, any other goes to Scrapy's HTTP/1.1 handler."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self._http = HTTP11DownloadHandler.from_crawler(crawler)
        self._guard = TabGuard.from_crawler(crawler)
        self.recycle_after = settings.getint("ARCHIVER_BROWSER_RECYCLE_PAGES")
        page_timeout = settings.getfloat("ARCHIVER_PAGE_TIMEOUT")
        self.idle_wait = page_timeout + 30
        self.hang_timeout = 2 * page_timeout + HANG_MARGIN
        self.download_wait = settings.getfloat("ARCHIVER_DOWNLOAD_WAIT")
        launch = launch_options(chromium_path(settings.get("ARCHIVER_CHROMIUM")), settings.get("ARCHIVER_PROXY"),
                                settings.getint("ARCHIVER_BROWSER_JS_HEAP_MB"))
        login = self._login = LoginSession.of(crawler)      # None: no --profile
        self._host = ChromiumHost(self.stats, launch, browser_context_options(settings), self._browser_gone, login)
        if login is not None:
            login.attach_browser(self._host.running_context)
        self._generations = self._host.generations
        self._pages_since_launch = 0
        self._renders: dict[asyncio.Task, RenderInFlight] = {}
        self._tabs = TabPool(max(1, settings.getint("ARCHIVER_TAB_RENDERS")))
        # renders at once; an idle tab holds no slot, and there are never more tabs than slots
        self._slots = asyncio.Semaphore(max(1, settings.getint("ARCHIVER_BROWSER_TABS")))
        self._busy_tabs: set[Page] = set()
        self._opening = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._recycle_lock = asyncio.Lock()
        self._prelaunch: asyncio.Future | None = None
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BrowserDownloadHandler":
        handler = _HANDLERS.get(crawler)
        if handler is None:
            handler = _HANDLERS[crawler] = cls(crawler)
            crawler.signals.connect(handler.engine_started, signal=signals.engine_started)
        return handler

    def engine_started(self) -> None:
        """Launch Chromium while the crawl discovers its first pages (robots.txt, sitemaps), so the
        first render does not wait for it; a launch that fails here is tried again by that render."""
        self._prelaunch = asyncio.ensure_future(self._host.context())
        self._prelaunch.add_done_callback(self._prelaunched)

    @staticmethod
    def _prelaunched(launch: asyncio.Future) -> None:
        if not launch.cancelled() and launch.exception() is not None:
            logger.warning("launching Chromium failed (tried again for the first page): %r", launch.exception())

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._http.close()
        await self._host.close()

    # --- downloads -------------------------------------------------------------
    async def download_request(self, request: Request) -> Response:
        if self._login is not None:
            self._login.refuse_if_expired(request)     # queued before the session lapsed: not sent
        job = request.meta.get(RENDER_META_KEY)
        if not isinstance(job, RenderJob):
            return await self._http.download_request(request)
        try:
            return await self._render(request, job)
        except Exception as exc:
            if failure_reason(exc) != FailureReason.DOWNLOAD:
                raise
        finally:
            self.stats.inc_value("archiver/browser/requests", job.recorder.requests)
        # fetched outside the except block: a failure of this fetch is its own (too-large, say),
        # not chained to the browser's "download"
        logger.info("%s is a download, not a page: fetching it without the browser", request.url)
        self.stats.inc_value("archiver/browser/downloads_refetched")
        request.meta[DOWNLOAD_META_KEY] = True
        return await self._http.download_request(request)

    # --- rendering: a tab, a time budget, browser faults named -------------------
    async def _render(self, request: Request, job: RenderJob) -> Response:
        """Render in an idle tab if there is one, else in a new tab."""
        async with self._slots:
            if self.recycle_after and self._pages_since_launch >= self.recycle_after:
                await self._recycle()
            tab = self._tabs.take()
            render = asyncio.ensure_future(self._render_in_tab(request, job, tab))
            in_flight = self._renders[render] = RenderInFlight(asyncio.timeout(None))
            try:
                return await self._bounded(request, render, in_flight, tab)
            finally:
                self._renders.pop(render, None)
                self._generations.forget(render)

    async def _render_in_tab(self, request: Request, job: RenderJob, tab: Page | None) -> Response:
        """Navigate the tab (a new one without `tab`), capture the page, make its response."""
        if tab is None:
            tab = await self._open_tab()
        await job.recorder.attach(tab)
        document = await navigate(tab, request.url, job.navigation_timeout, self.download_wait)
        job.result = await job.capture(tab)
        return await rendered_response(request, tab, document, job.result.html)

    async def _bounded(self, request: Request, render: asyncio.Task, in_flight: RenderInFlight,
                       reused: Page | None) -> Response:
        """Await the render within its budget; name a browser fault when one ended it.

        `reused`: the idle tab the render got (a new tab is bound to its browser as it opens).
        """
        budget = in_flight.budget
        try:
            async with budget:
                if reused is not None:
                    self._generations.bind(render)
                    self._tab_in_use(in_flight, reused)
                response = await render
            await self._release(in_flight.tab, reusable=self._generations.on_current(render))
            return response
        except (Exception, asyncio.CancelledError) as exc:
            if isinstance(exc, asyncio.CancelledError) and not self._generations.was_lost(render):
                raise                                  # the crawl itself is stopping
            await self._close_quietly(in_flight.tab)
            frozen = False
            if failure_reason(exc) == "timeout" and not budget.expired() and self._generations.on_current(render):
                # the page timed out: was it the page, or did Chromium itself stop answering?
                frozen = not await self._host.answers()
            unanswered = frozen or (isinstance(exc, PageRefused) and exc.reason == "browser-unresponsive")
            if (budget.expired() or unanswered) and self._generations.on_current(render):
                await self._host.kill_unresponsive()
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

    @staticmethod
    async def _close_quietly(tab: Page | None) -> None:
        if tab is None or tab.is_closed():
            return
        try:
            await asyncio.wait_for(tab.close(), CLOSE_TIMEOUT)
        except Exception as exc:                 # a dead browser: nothing left to free
            logger.debug("closing an abandoned tab: %r", exc)

    # --- tabs and recycling -------------------------------------------------------
    async def _open_tab(self) -> Page:
        """A new guarded tab, on the current browser (launched if needed)."""
        self._generations.bind(asyncio.current_task())
        self._opening += 1
        self._idle.clear()
        try:
            context = await self._host.context()
            async with answered_within("open a page"):
                tab = await context.new_page()
        finally:
            self._opening -= 1
            self._update_idle()
        self.stats.inc_value("archiver/browser/tabs_opened")
        tab.once("close", lambda *_: self._tab_closed(tab))
        tab.once("crash", lambda *_: self._tabs.forget(tab))
        try:
            await self._guard.attach(tab)
        except Exception:
            await self._close_quietly(tab)      # an unguarded tab must not load anything
            raise
        in_flight = self._renders.get(asyncio.current_task())
        if in_flight is not None:
            self._tab_in_use(in_flight, tab)
        return tab

    def _tab_in_use(self, in_flight: RenderInFlight, tab: Page) -> None:
        """A render has its tab, new or reused: its time budget starts now."""
        self.stats.inc_value("archiver/browser/renders")
        self._tabs.count_render(tab)
        self._pages_since_launch += 1
        self._busy_tabs.add(tab)
        self._update_idle()
        in_flight.tab = tab
        in_flight.budget.reschedule(asyncio.get_running_loop().time() + self.hang_timeout)

    async def _release(self, tab: Page | None, reusable: bool) -> None:
        """After a good render: keep the tab for the next page, unless its recorder still holds
        it, its browser was replaced meanwhile, or it has rendered its share."""
        if tab is None:
            return
        self._busy_tabs.discard(tab)
        if not (reusable and PageRecorder.of(tab) is None and self._tabs.give_back(tab)):
            await self._close_quietly(tab)
        self._update_idle()

    def _tab_closed(self, tab: Page) -> None:
        self._busy_tabs.discard(tab)
        self._tabs.forget(tab)
        self._update_idle()

    def _browser_gone(self) -> None:
        """The browser closed or was lost, and every tab with it."""
        self._busy_tabs.clear()
        self._tabs.clear()
        self._pages_since_launch = 0
        self._update_idle()

    def _update_idle(self) -> None:
        if not self._busy_tabs and not self._opening:
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
                logger.warning("recycling Chromium with %d pages still open", len(self._busy_tabs))
            if self._host.launched:
                await self._host.replace(f"recycling Chromium after {self._pages_since_launch} "
                                         f"pages (ARCHIVER_BROWSER_RECYCLE_PAGES)")
                self.stats.inc_value("archiver/browser/recycled")
            self._pages_since_launch = 0
