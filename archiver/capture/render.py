"""Rendering in Chromium: which requests go to the browser, and what happens on the page.

``RenderMiddleware`` decides per request (``--render auto|always|never`` and the
outlet's render rules; with auto, a page fetched plainly that turns out to be an
app shell is fetched again in the browser) and hands the download handler a ``RenderJob``: the
``PageRecorder`` that listens to the tab, and ``capture_page``: behaviours,
then a full-page screenshot and the rendered DOM, all within a hard time
budget. Only picklable flags travel through the scheduler; the job is attached
here, just before download, and removed again when the request is retried.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import logging
import uuid
import weakref
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import BrowserContext, Page
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import HtmlResponse, Response

from archiver.capture.behaviors import (click_load_more, dismiss_consent, load_lazy_images, page_links,
                                        page_through, scroll_through)
from archiver.capture.fetch import CONFIRMS_META_KEY, RECORD_META_KEY, RENDER_ON_CHANGE_META_KEY
from archiver.capture.handler import DOWNLOAD_META_KEY, RENDER_META_KEY, RenderJob
from archiver.capture.recorder import PageRecorder
from archiver.failures import REASON_META_KEY, FailureReason, PageRefused, failure_reason, stop_on_disk_full
from archiver.filenames import screenshot_filename
from archiver.recording import WarcLocation
from archiver.crawl.session import ArchiveSession
from archiver.extraction.shells import judge_shell

logger = logging.getLogger(__name__)

RENDERED_KINDS = ("page", "article")
SHELL_META_KEY = "archiver_shell"     # a plain fetch of this page was an app shell: render it


class RenderTimeout(Exception):
    """The page did not finish its behaviours and screenshot within ARCHIVER_PAGE_TIMEOUT."""


@dataclass(frozen=True)
class RenderOptions:
    """How one page is rendered: the crawl's ARCHIVER_* settings, and the outlet's selectors."""
    screenshots: bool
    screenshot_max_height: int
    page_timeout: float
    max_scrolls: int
    scroll_step_delay: float
    load_more_max_clicks: int = 5
    max_pagination: int = 5
    consent_selector: str = ""
    load_more_selector: str = ""
    page_text: bool = True          # urn:text and urn:pageinfo records, for archiver qa
    lazy_images: bool = True        # bring images still waiting for a lazy loader into view
    listing: bool = False          # a list page: "load more" and "next" are also found by their text


@dataclass
class Capture:
    """What one render produced; the spider reads it from the response meta."""
    url: str
    page_id: str
    document: WarcLocation | None = None
    document_url: str | None = None
    document_body: bytes | None = None
    document_encoding: str | None = None      # charset of the document's Content-Type
    screenshot: str | None = None             # path relative to the crawl folder
    screenshot_record: WarcLocation | None = None
    dom_record: WarcLocation | None = None
    text_record: WarcLocation | None = None   # urn:text: the visible text (what archiver qa compares)
    exchanges: int = 0
    failures: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)   # every link the page showed during its behaviours
    html: str = ""                            # the rendered DOM (the response body)


async def _screenshot(page: Page, max_height: int) -> bytes:
    """A full-page PNG straight from DevTools, at most `max_height` px tall.

    ``optimizeForSpeed`` has Chromium compress the PNG at a fast zlib level:
    still lossless, about a quarter larger, and the page's render about 10 %
    quicker (bench/README), because the browser process encodes every tab's
    screenshots. Playwright's ``page.screenshot`` cannot ask for it.
    """
    width, height = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": max(1, width), "height": max(1, min(height, max_height)), "scale": 1}
    session = await page.context.new_cdp_session(page)
    try:
        shot = await session.send("Page.captureScreenshot", {
            "format": "png", "clip": clip, "captureBeyondViewport": True, "optimizeForSpeed": True})
    finally:
        # not awaited: a tab too busy to paint answers late, and a timed-out render must end now
        detach = asyncio.ensure_future(session.detach())
        detach.add_done_callback(lambda done: done.cancelled() or done.exception())
    return base64.b64decode(shot["data"])


# Cookies a consent click set, per browser context: later pages of the context render without the
# dialog because of them, so their captures need them as much as the page that was clicked.
_CONSENT_COOKIES: "weakref.WeakKeyDictionary[BrowserContext, set[tuple[str, str, str]]]" = weakref.WeakKeyDictionary()
_COOKIE_FIELDS = ("name", "value", "domain", "path", "expires", "secure", "sameSite")


def _key(cookie: dict) -> tuple[str, str, str]:
    return cookie["name"], cookie["domain"], cookie["path"]


async def consent_state(context: BrowserContext, before: list[dict], clicked: bool) -> list[dict]:
    """The cookies the context's consent clicks set (this page's, if *clicked*, and earlier pages'),
    with their current values: what replay needs to show the page as captured.

    Only these are kept, never the context's other cookies (a login profile's are secrets).
    """
    after = await context.cookies()
    known = _CONSENT_COOKIES.setdefault(context, set())
    if clicked:
        seen = {(*_key(c), c["value"]) for c in before}
        known.update(_key(c) for c in after if (*_key(c), c["value"]) not in seen and not c.get("httpOnly"))
    return [{k: c[k] for k in _COOKIE_FIELDS if k in c} for c in after if _key(c) in known]


async def _write_page_state(page: Page, session: ArchiveSession, url: str, now: datetime, page_id: str,
                            consent_cookies: list[dict], clicks: list[dict]) -> WarcLocation:
    """``urn:text:<url>`` (the visible text, as Browsertrix's ``--text to-warc``) and ``urn:pageinfo:<url>``
    (viewport, the cookies the consent click set, the "load more" clicks): what ``archiver qa`` replays
    and compares against."""
    text = await page.evaluate("() => document.body ? document.body.innerText : ''")
    location = session.writer.write_resource(f"urn:text:{url}", "text/plain; charset=utf-8", text.encode("utf-8"),
                                             captured_at=now, page_id=page_id)
    info = {"viewport": page.viewport_size, "consent_cookies": consent_cookies, "clicks": clicks}
    session.writer.write_resource(f"urn:pageinfo:{url}", "application/json", json.dumps(info).encode("utf-8"),
                                  captured_at=now, page_id=page_id)
    return location


async def capture_page(page: Page, *, recorder: PageRecorder, session: ArchiveSession,
                       options: RenderOptions, url: str) -> Capture:
    """Run the behaviours, take the screenshot and DOM, and drain the recorder."""
    capture = Capture(url=url, page_id=recorder.page_id)
    recorder.navigation_locked = True          # from here on the page may not navigate itself away
    try:
        async with asyncio.timeout(options.page_timeout):
            seen: set[str] = set()        # links of every state of the page, not only the last
            cookies_before = await page.context.cookies() if options.page_text else []
            clicked = await dismiss_consent(page, options.consent_selector)
            consent_cookies = (await consent_state(page.context, cookies_before, clicked)
                               if options.page_text else [])
            more = 0
            if options.load_more_selector or options.listing:
                more = await click_load_more(page, options.load_more_selector, recorder.settle,
                                             options.load_more_max_clicks, seen)
            if options.listing:
                await page_through(page, recorder.settle, options.max_pagination, seen)
            await scroll_through(page, max_scrolls=options.max_scrolls, step_delay=options.scroll_step_delay,
                                 settle=recorder.settle, seen=seen if options.listing else None)
            if options.lazy_images:
                await load_lazy_images(page, recorder.settle)
            await recorder.settle(timeout=5.0)
            try:
                # lazy images swapped in during the scroll must be painted before the screenshot
                await page.wait_for_function(
                    "() => [...document.images].every(i => i.complete)", timeout=5_000)
            except PlaywrightError:
                pass
            now = datetime.now(timezone.utc)
            if options.screenshots:
                png = await _screenshot(page, options.screenshot_max_height)
                relative = f"screenshots/{screenshot_filename(url, now)}"
                session.path(relative).write_bytes(png)
                capture.screenshot = relative
                capture.screenshot_record = session.writer.write_resource(
                    f"urn:fullPage:{url}", "image/png", png, captured_at=now, page_id=recorder.page_id)
            capture.html = await page.content()
            capture.links = sorted(seen | await page_links(page))
            capture.dom_record = session.writer.write_resource(
                f"urn:dom:{url}", "text/html; charset=utf-8", capture.html.encode("utf-8"), captured_at=now,
                page_id=recorder.page_id)
            if options.page_text:
                clicks = [{"selector": options.load_more_selector, "count": more}] if more else []
                capture.text_record = await _write_page_state(page, session, url, now, recorder.page_id,
                                                              consent_cookies, clicks)
            await recorder.drain()
            recorder.detach()                  # the tab may now render another page
    except TimeoutError:
        await recorder.drain(timeout=5)
        raise RenderTimeout(f"render of {url} exceeded {options.page_timeout:.0f}s") from None
    if recorder.refusal is not None:
        raise PageRefused(*recorder.refusal)
    capture.document = recorder.document
    capture.document_url = recorder.document_url
    capture.document_body = recorder.document_body
    capture.document_encoding = recorder.document_encoding
    capture.exchanges = recorder.exchanges
    capture.failures = recorder.failures
    return capture


def capture_of(response: Response | Request) -> Capture | None:
    """What the browser captured of a rendered page; None for a plain fetch."""
    job = response.meta.get(RENDER_META_KEY)
    return job.result if isinstance(job, RenderJob) and isinstance(job.result, Capture) else None


class RenderMiddleware:
    """Downloader middleware: send the pages that need it through Chromium."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.mode = settings.get("ARCHIVER_RENDER")
        if self.mode not in ("auto", "always", "never"):
            raise ValueError(f"ARCHIVER_RENDER must be auto, always or never, not {self.mode!r}")
        self.options = RenderOptions(
            screenshots=settings.getbool("ARCHIVER_SCREENSHOTS_ENABLED"),
            screenshot_max_height=settings.getint("ARCHIVER_SCREENSHOT_MAX_HEIGHT"),
            page_timeout=settings.getfloat("ARCHIVER_PAGE_TIMEOUT"),
            max_scrolls=settings.getint("ARCHIVER_MAX_SCROLLS"),
            scroll_step_delay=settings.getfloat("ARCHIVER_SCROLL_STEP_DELAY"),
            page_text=settings.getbool("ARCHIVER_PAGE_TEXT_ENABLED"),
            lazy_images=settings.getbool("ARCHIVER_LAZY_IMAGES_ENABLED"),
            load_more_max_clicks=settings.getint("ARCHIVER_LOAD_MORE_MAX_CLICKS"),
            max_pagination=settings.getint("ARCHIVER_MAX_PAGINATION"),
        )
        # the page timeout is a hard cap on everything, navigation included
        self.navigation_timeout = min(settings.getfloat("ARCHIVER_NAVIGATION_TIMEOUT"), self.options.page_timeout)
        self.crash_retries = settings.getint("ARCHIVER_BROWSER_CRASH_RETRIES")
        self.shell_max_text = settings.getint("ARCHIVER_SHELL_MAX_TEXT")
        self.max_body_size = settings.getint("DOWNLOAD_MAXSIZE") or PageRecorder.max_body_size

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RenderMiddleware":
        return cls(crawler)

    def should_render(self, request: Request, spider: Spider) -> bool:
        if self.mode == "never" or request.meta.get("archiver_kind") not in RENDERED_KINDS:
            return False
        if request.meta.get(SHELL_META_KEY):
            return True                 # a plain fetch showed an app shell: only the browser shows the page
        profile = getattr(spider, "profile", None)
        wanted = self.mode == "always" or profile is None or profile.needs_render(request.url)
        if wanted and request.meta.get(CONFIRMS_META_KEY):
            # a conditional re-visit: only a plain fetch can get (and record) a 304;
            # a page that changed is then captured again in the browser (spiders/news.py)
            request.meta[RENDER_ON_CHANGE_META_KEY] = True
            return False
        return wanted

    def process_request(self, request: Request, spider: Spider | None = None):
        spider = spider or self.crawler.spider
        request.meta.pop(REASON_META_KEY, None)     # left over from an earlier attempt
        request.meta.pop(DOWNLOAD_META_KEY, None)
        if not self.should_render(request, spider):
            return None
        session = ArchiveSession.of(self.crawler)
        recorder = PageRecorder(writer=session.writer, page_id=str(uuid.uuid4()),
                                max_body_size=self.max_body_size)
        profile = getattr(spider, "profile", None)
        options = replace(self.options, listing=request.meta.get("archiver_kind") == "page")
        if profile is not None:
            options = replace(options, consent_selector=profile.consent_selector,
                              load_more_selector=profile.load_more_selector)
        capture = functools.partial(capture_page, recorder=recorder, session=session, options=options,
                                    url=request.url)
        request.meta[RENDER_META_KEY] = RenderJob(recorder, capture, self.navigation_timeout)
        return None

    def renders_shells(self, request: Request, spider: Spider) -> bool:
        """--render auto and a profile with render = "auto": a page fetched plainly may turn out to be a shell."""
        profile = getattr(spider, "profile", None)
        return (self.mode == "auto" and request.meta.get("archiver_kind") in RENDERED_KINDS
                and (profile is None or profile.render == "auto") and not request.meta.get(SHELL_META_KEY))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        if request.meta.get(DOWNLOAD_META_KEY):
            raise PageRefused(FailureReason.DOWNLOAD, f"{response.url} is a file download, archived without rendering")
        capture = capture_of(request)     # response.meta is not tied to the request yet here
        if (capture is None and response.status == 200 and isinstance(response, HtmlResponse)
                and self.renders_shells(request, spider or self.crawler.spider)):
            verdict = judge_shell(response.body, response.encoding, self.shell_max_text)
            if verdict.shell:
                # archived as fetched (its response record is written); now render it
                logger.info("%s is an app shell (%s): rendering it", response.url, ", ".join(verdict.signs))
                self.crawler.stats.inc_value("archiver/render/shells")
                meta = {k: v for k, v in request.meta.items()
                        if k not in (RECORD_META_KEY, CONFIRMS_META_KEY, RENDER_ON_CHANGE_META_KEY,
                                     "handle_httpstatus_list")}
                return request.replace(meta={**meta, SHELL_META_KEY: True}, dont_filter=True)
        body = capture.document_body if capture is not None else None
        if body and b"\x00" in body[:4096]:
            raise PageRefused(FailureReason.NOT_HTML, f"{response.url} is served as a page but its body is binary")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None):
        job = request.meta.get(RENDER_META_KEY)
        recorder = job.recorder if isinstance(job, RenderJob) else None
        if recorder is not None and not request.meta.get(DOWNLOAD_META_KEY):
            if recorder.write_error is not None:
                request.meta[REASON_META_KEY] = FailureReason.DISK_FULL
            elif recorder.refusal is not None:
                request.meta[REASON_META_KEY] = recorder.refusal[0]
        if isinstance(exception, RenderTimeout):
            request.meta.setdefault(REASON_META_KEY, FailureReason.RENDER_TIMEOUT)
        reason = failure_reason(exception, request)
        if reason == FailureReason.DISK_FULL:
            stop_on_disk_full(self.crawler, exception)
        request.meta.pop(RENDER_META_KEY, None)     # a retried request must pickle again
        if reason in (FailureReason.BROWSER_CRASHED, FailureReason.BROWSER_UNRESPONSIVE):
            # Chromium or the tab died or hung: the page itself may be fine, try it again (bounded)
            request.meta.pop(REASON_META_KEY, None)
            return get_retry_request(request, spider=spider or self.crawler.spider, reason=reason,
                                     max_retry_times=self.crash_retries)
        return None
