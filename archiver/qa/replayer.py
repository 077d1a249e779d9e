"""One pywb and one Chromium for a whole QA run: replay a capture as a reader would, and record what happened.

A page is loaded from the archive at its capture time, in a fresh browser context
at the capture's viewport; pywb sets the cookies the crawl's consent clicks set
(:mod:`archiver.research.consent`), as it does for every replay. QA presses "load more" as often as the crawler did, scrolls
through the page (on while an endless list grows), brings images still waiting for a lazy
loader into view, as the crawler did before its screenshot, and takes a full-page screenshot
and the visible text.
Every request goes to pywb; one that would leave the replay server is refused
(the archive must answer everything) and counted. Requests are split by phase:
made while loading, or only after the scroll (an interaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Error as PlaywrightError, Page, Request, Route, sync_playwright

from archiver.capture.behaviors import LAZY_IMAGES_JS, load_more_control
from archiver.chromium import chromium_path, launch_options
from archiver.research.replay import ReplayServer, start_replay, timestamp14

# pywb's replay URLs: /<collection>/<timestamp><modifier>/<original url>
_REPLAY_PATH = re.compile(r"^/[^/]+/\d{1,14}(?:[a-z]{2}_)?/(.+)$")

# Fixed or sticky boxes covering much of the first screen: consent dialogs, paywalls, newsletter pop-ups.
OVERLAYS_JS = """(minShare) => {
  const vw = window.innerWidth, vh = window.innerHeight, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.position !== 'fixed' && style.position !== 'sticky') continue;
    if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) continue;
    const r = el.getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0));
    const h = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
    if (w * h < minShare * vw * vh) continue;
    if (found.some(f => f.el.contains(el))) continue;
    found.push({el, id: el.id, cls: String(el.className || ''), text: (el.innerText || '').slice(0, 300),
                share: (w * h) / (vw * vh)});
  }
  return found.map(({el, ...rest}) => rest);
}"""

# Images that never showed: not loaded, broken, or still waiting for a lazy loader.
IMAGES_JS = """() => [...document.images].map(img => ({
  src: img.getAttribute('data-src') || img.currentSrc || img.src, top: img.getBoundingClientRect().top + window.scrollY,
  lazy: img.loading === 'lazy' || img.hasAttribute('data-src') || img.hasAttribute('data-lazy-src'),
  loaded: img.complete && img.naturalWidth > 0 && !img.hasAttribute('data-src'),
})).filter(i => !i.loaded)"""

# A screen at a time to the bottom; at the bottom, wait for a page that grows (an endless list) and go on.
SCROLL_JS = """async ([maxScrolls, delay, growWait]) => {
  const pause = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < maxScrolls; i++) {
    window.scrollBy(0, window.innerHeight);
    await pause(delay);
    const height = document.documentElement.scrollHeight;
    if (window.scrollY + window.innerHeight >= height) {
      await pause(growWait);
      if (document.documentElement.scrollHeight === height) break;
    }
  }
  window.scrollTo(0, 0);
}"""

SERVICE_WORKER_JS = """(() => {
  const container = navigator.serviceWorker;
  if (!container || !container.register) return;
  const register = container.register.bind(container);
  container.register = (...args) => { (window.__archiverServiceWorkers ||= []).push(String(args[0])); return register(...args); };
})();"""


@dataclass
class ReplayedRequest:
    url: str                    # the original URL (pywb's prefix removed)
    method: str
    resource_type: str
    phase: str                  # "load" or "interaction"
    status: int | None = None   # None: failed in the browser (refused, aborted)


@dataclass
class Replay:
    """What one replay produced."""
    url: str
    replay_url: str
    screenshot: bytes | None = None
    text: str = ""
    requests: list[ReplayedRequest] = field(default_factory=list)
    escaped: list[str] = field(default_factory=list)        # requests refused: they left the replay server
    overlays: list[dict] = field(default_factory=list)
    missing_images: list[dict] = field(default_factory=list)
    service_workers: list[str] = field(default_factory=list)
    viewport_height: int = 0
    error: str | None = None                                # the replay itself failed (navigation, crash)

    def failed(self) -> list[ReplayedRequest]:
        """Requests the archive could not answer (pywb's 404, or no answer at all)."""
        return [r for r in self.requests if r.status is None or r.status == 404 or r.status >= 500]


@dataclass(frozen=True)
class ReplayOptions:
    max_scrolls: int = 40
    scroll_delay_ms: int = 100
    settle_ms: int = 5_000
    timeout_ms: int = 60_000
    overlay_share: float = 0.3
    chromium: str | None = None
    consent_state: bool = True      # replay with the cookies the crawl's consent clicks set (urn:pageinfo:)


class Replayer:
    """Context manager: pywb over the crawl folders and one headless Chromium, for every page of a run."""

    def __init__(self, crawl_dirs: list[Path], options: ReplayOptions = ReplayOptions()):
        self.crawl_dirs = [Path(d) for d in crawl_dirs]
        self.options = options
        self._server: ReplayServer | None = None
        self._driver = None
        self._browser: Browser | None = None

    def __enter__(self) -> "Replayer":
        self._server = start_replay(self.crawl_dirs, framed=False, consent_state=self.options.consent_state)
        try:
            driver = sync_playwright().start()
            self._driver = driver
            self._browser = self._driver.chromium.launch(**launch_options(chromium_path(self.options.chromium)))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._driver is not None:
            self._driver.stop()
            self._driver = None
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def server(self) -> ReplayServer:
        assert self._server is not None, "use Replayer as a context manager"
        return self._server

    def replay(self, url: str, timestamp: str, viewport: dict, clicks: list[dict] = ()) -> Replay:
        """Replay *url* as captured at *timestamp*; *clicks* (``{"selector", "count"}``, the crawler's
        "load more" presses) are repeated before the scroll."""
        base = self.server.url
        result = Replay(url=url, replay_url=self.server.replay_url(url, timestamp14(timestamp)),
                        viewport_height=viewport["height"])
        context = self._browser.new_context(viewport=viewport, service_workers="block")
        try:
            context.add_init_script(SERVICE_WORKER_JS)
            phase = ["load"]

            def route(route: Route) -> None:
                if route.request.url.startswith((base + "/", "data:", "blob:")):
                    route.continue_()
                else:
                    result.escaped.append(route.request.url)
                    route.abort("blockedbyclient")

            def finished(request: Request, failed: bool = False) -> None:
                original = _original_url(base, request.url)
                if original is None:
                    return
                response = None if failed else request.response()
                result.requests.append(ReplayedRequest(
                    url=original, method=request.method, resource_type=request.resource_type, phase=phase[0],
                    status=response.status if response is not None else None))

            context.route("**/*", route)
            page = context.new_page()
            page.on("requestfinished", finished)
            page.on("requestfailed", lambda request: finished(request, failed=True))
            self._load(page, result)
            if result.error is None:
                result.overlays = page.evaluate(OVERLAYS_JS, self.options.overlay_share)
                phase[0] = "interaction"
                for click in clicks:
                    self._click(page, click["selector"], int(click["count"]))
                page.evaluate(SCROLL_JS, [self.options.max_scrolls, self.options.scroll_delay_ms, 1_000])
                self._settle(page)
                if page.evaluate(LAZY_IMAGES_JS, 200):
                    self._settle(page)
                result.missing_images = page.evaluate(IMAGES_JS)
                result.service_workers = page.evaluate("() => window.__archiverServiceWorkers || []")
                result.text = page.evaluate("() => document.body ? document.body.innerText : ''")
                result.screenshot = page.screenshot(full_page=True, type="png", timeout=self.options.timeout_ms)
        except PlaywrightError as exc:
            result.error = str(exc).splitlines()[0]
        finally:
            context.close()
        return result

    def _load(self, page: Page, result: Replay) -> None:
        try:
            response = page.goto(result.replay_url, wait_until="load", timeout=self.options.timeout_ms)
        except PlaywrightError as exc:
            result.error = str(exc).splitlines()[0]
            return
        if response is None or response.status >= 400:
            result.error = f"the archive has no capture of this page (HTTP {response.status if response else '-'})"
            return
        self._settle(page)

    def _click(self, page: Page, selector: str, count: int) -> None:
        for _ in range(count):
            button = load_more_control(page, selector)     # the outlet's selector, else found by its text
            try:
                if not button.is_visible():
                    return
                button.click(timeout=3_000)
            except PlaywrightError:
                return
            self._settle(page)

    def _settle(self, page: Page) -> None:
        try:
            page.wait_for_load_state("networkidle", timeout=self.options.settle_ms)
        except PlaywrightError:
            pass                                # a page that keeps polling is compared as it stands
        try:
            page.wait_for_function("() => [...document.images].every(i => i.complete)",
                                   timeout=self.options.settle_ms)
        except PlaywrightError:
            pass


def _original_url(base: str, replayed: str) -> str | None:
    if not replayed.startswith(base + "/"):
        return None
    match = _REPLAY_PATH.match(replayed[len(base):])
    return match.group(1) if match else None
