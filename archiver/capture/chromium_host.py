"""One Chromium for the crawl, through Playwright's public API: launched when first needed,
relaunched after it is lost, recycled on request, killed when it freezes.

Each launch is a generation (``BrowserGenerations``): when a browser is lost
(crashed, killed) the renders bound to it are cancelled at once and retried,
since a Playwright call on a page of a dead browser may never be answered.

A frozen Chromium (SIGSTOP, a wedged browser process) answers nothing, not
even ``close()``, so its process is killed. Playwright does not say which
process it launched: every launch carries a switch with a token of its own
(``LAUNCH_MARKER``), and the browser process is the descendant of this
process whose command line has it (its renderers and helpers carry
``--type=``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import psutil
from playwright.async_api import Browser, BrowserContext, async_playwright
from playwright.async_api import Playwright as Driver
from playwright.async_api import Error as PlaywrightError
from scrapy.statscollectors import StatsCollector

from archiver.capture.generations import BrowserGenerations

logger = logging.getLogger(__name__)

LAUNCH_MARKER = "--archiver-launch"     # unknown to Chromium, which ignores it; names one launch
CLOSE_TIMEOUT = 5.0                     # closing a wedged browser can hang
PROBE_TIMEOUT = 5.0                     # a live Chromium answers a DevTools call in milliseconds


async def start_driver() -> Driver:
    """Playwright's driver (a node process), which launches and drives Chromium."""
    return await async_playwright().start()


def launched_process(marker: str) -> psutil.Process | None:
    """The browser process whose command line carries `marker`, among this process's descendants."""
    for process in psutil.Process().children(recursive=True):
        try:
            cmdline = process.cmdline()
        except psutil.Error:
            continue                         # exited meanwhile, or not ours to read
        if marker in cmdline and not any(arg.startswith("--type=") for arg in cmdline):
            return process
    return None


def kill_tree(process: psutil.Process | None) -> bool:
    """Kill a process and its descendants; False when it was already gone."""
    if process is None:
        return False
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:
        return False
    for member in tree:
        try:
            member.kill()
        except psutil.Error:
            pass
    return True


class ContextState(Protocol):
    """Where a browser context's cookies and localStorage come from and go back to (a login profile)."""
    def storage_state(self) -> dict: ...
    async def keep(self, context: BrowserContext) -> None: ...


@dataclass
class LiveBrowser:
    """The current Chromium: its Playwright objects and its process."""
    browser: Browser
    context: BrowserContext
    process: psutil.Process | None
    gone: asyncio.Event = field(default_factory=asyncio.Event)


class ChromiumHost:
    """Keeps one Chromium for the crawl; `on_gone` runs whenever the current one goes away."""

    def __init__(self, stats: StatsCollector, launch_options: dict, context_options: dict,
                 on_gone: Callable[[], None], state: ContextState | None = None):
        self.stats = stats
        self.state = state              # a login profile: each context starts from it, and gives back to it
        self.launch_options = launch_options
        self.context_options = context_options
        self.on_gone = on_gone
        self.generations = BrowserGenerations()
        self._driver: Driver | None = None
        self._live: LiveBrowser | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def launched(self) -> bool:
        return self._live is not None

    @property
    def browser_process(self) -> psutil.Process | None:
        """The current Chromium's browser process (None: none running, or not found)."""
        return self._live.process if self._live is not None else None

    async def context(self) -> BrowserContext:
        """The browser context tabs are opened in; launches Chromium if there is none."""
        async with self._lock:
            if self._closed:
                raise RuntimeError("the browser is shut down (the crawl is stopping)")
            if self._live is None:
                await self._launch()
            return self._live.context

    async def _launch(self) -> None:
        if self._driver is None:
            self._driver = await start_driver()
        marker = f"{LAUNCH_MARKER}={uuid.uuid4().hex}"
        options = {**self.launch_options, "args": [*self.launch_options.get("args", ()), marker]}
        browser = await self._driver.chromium.launch(**options)
        context_options = dict(self.context_options)
        if self.state is not None:
            context_options["storage_state"] = self.state.storage_state()
        try:
            context = await browser.new_context(**context_options)
        except Exception:
            await self._close_browser(browser, launched_process(marker))
            raise
        self._live = LiveBrowser(browser, context, launched_process(marker))
        browser.on("disconnected", self._disconnected)
        self.stats.inc_value("archiver/browser/launches")
        logger.info("Chromium %s launched (pid %s)", browser.version,
                    self._live.process.pid if self._live.process else "unknown")

    def _disconnected(self, browser: Browser) -> None:
        live = self._live
        if live is None or live.browser is not browser:
            return                           # one we closed ourselves
        if not self._closed:
            logger.warning("Chromium disconnected (crashed or killed); it will be relaunched "
                           "for the next page")
            self.stats.inc_value("archiver/browser/disconnected")
        self._forget(lost=True)

    def _forget(self, lost: bool) -> LiveBrowser | None:
        """The current browser is no longer used: its renders are cancelled (`lost`) or left to
        finish (recycling); the next page launches a new one."""
        live, self._live = self._live, None
        if live is None:
            return None
        if lost:
            self.generations.lose_current()
        else:
            self.generations.retire_current()
        live.gone.set()
        self.on_gone()
        return live

    async def answers(self) -> bool:
        """Whether the browser process itself still answers a DevTools call (a hung page does not
        stop it; a frozen Chromium answers nothing)."""
        live = self._live
        if live is None or not live.browser.is_connected():
            return True                          # gone: handled as a crash
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                session = await live.browser.new_browser_cdp_session()
                await session.send("Browser.getVersion")
                await session.detach()
        except TimeoutError:
            return False
        except PlaywrightError as exc:           # disconnected meanwhile: a crash, not a freeze
            logger.debug("probing the browser: %r", exc)
        return True

    async def replace(self, why: str, level: int = logging.INFO, lost: bool = False) -> None:
        """Close the current Chromium; the next page launches a fresh one.

        `lost`: renders still on it cannot finish and are retried (not so when recycling,
        which waits until its pages are done).
        """
        if self._live is None:
            return
        logger.log(level, why)
        live = self._forget(lost)
        await self._keep_state(live)
        await self._close_browser(live.browser, live.process)

    async def kill_unresponsive(self) -> None:
        """A frozen Chromium answers nothing, not even close(): kill it, like a crash."""
        self.stats.inc_value("archiver/browser/unresponsive")
        live = self._live
        if live is None:
            return
        if not kill_tree(live.process):
            await self.replace("Chromium stopped answering; replacing it", logging.WARNING, lost=True)
            return
        logger.warning("Chromium stopped answering; killed it (pid %d), it will be relaunched "
                       "for the next page", live.process.pid)
        try:
            # the disconnect does the cleanup, so a retry cannot pick the dying browser
            await asyncio.wait_for(live.gone.wait(), CLOSE_TIMEOUT)
        except TimeoutError:
            logger.debug("no disconnect from the killed browser after %.0fs", CLOSE_TIMEOUT)
            if self._live is live:
                self._forget(lost=True)

    async def running_context(self) -> BrowserContext | None:
        """The current browser's context, or None when none is running (no launch)."""
        return self._live.context if self._live is not None else None

    async def _keep_state(self, live: LiveBrowser) -> None:
        """Before a browser closes: its cookies go back to the login profile, if the crawl has one."""
        if self.state is not None and live.browser.is_connected():
            await self.state.keep(live.context)

    async def _close_browser(self, browser: Browser, process: psutil.Process | None) -> None:
        try:
            await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)
        except (PlaywrightError, TimeoutError) as exc:   # already gone, or wedged: make sure
            logger.debug("closing the old browser: %r", exc)
            kill_tree(process)

    async def close(self) -> None:
        """The crawl is over: close Chromium and the Playwright driver."""
        async with self._lock:
            self._closed = True
            live = self._forget(lost=False)
            if live is not None:
                await self._keep_state(live)
                await self._close_browser(live.browser, live.process)
            if self._driver is not None:
                await self._driver.stop()
                self._driver = None
