"""What the crawler refuses to fetch, for plain fetches and for the browser alike.

* only http and https (data: and blob: stay allowed in the browser: they are no
  network fetches); file:, chrome:, ftp:... are refused as ``blocked-scheme``;
* with ARCHIVER_BLOCK_PRIVATE_ADDRESSES, hosts resolving to loopback, private,
  link-local or otherwise non-global addresses are refused as
  ``blocked-private-address`` (a page on the web must not make us fetch the
  intranet or the metadata service);
* redirect loops and chains longer than REDIRECT_MAX_TIMES (Scrapy silently
  drops a looping redirect at the dupefilter; Chromium follows 20 hops).

``GuardMiddleware`` checks Scrapy requests; ``TabGuard`` holds the browser's
requests in Chromium until they pass the same rules.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings

from archiver.capture.recorder import PageRecorder
from archiver.capture.generations import answered_within
from archiver.failures import FailureReason, PageRefused

logger = logging.getLogger(__name__)

FETCHED_SCHEMES = ("http", "https")
LOCAL_SCHEMES = ("data", "blob", "about")     # browser-internal, nothing leaves the machine
_REDIRECTS = (301, 302, 303, 307, 308)


def scheme_of(url: str) -> str:
    return url.split(":", 1)[0].lower() if ":" in url else ""


def is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


class AddressPolicy:
    """Resolves a host (cached) and says whether it may be fetched."""

    def __init__(self, block_private: bool):
        self.block_private = block_private
        self._cache: dict[str, bool] = {}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> "AddressPolicy":
        return cls(settings.getbool("ARCHIVER_BLOCK_PRIVATE_ADDRESSES"))

    async def refusal(self, url: str) -> tuple[FailureReason, str] | None:
        """(reason, message) if *url* must not be fetched, else None."""
        scheme = scheme_of(url)
        if scheme not in FETCHED_SCHEMES:
            return FailureReason.BLOCKED_SCHEME, f"{scheme or 'no'} scheme: only http and https are fetched"
        if not self.block_private:
            return None
        host = urlsplit(url).hostname or ""
        if host not in self._cache:
            self._cache[host] = await self._resolves_private(host)
        if self._cache[host]:
            return (FailureReason.BLOCKED_PRIVATE_ADDRESS,
                    f"{host} is a loopback/private address (set ARCHIVER_BLOCK_PRIVATE_ADDRESSES "
                    f"or --no-block-private-addresses to allow it)")
        return None

    @staticmethod
    async def _resolves_private(host: str) -> bool:
        try:
            return is_private(host)
        except ValueError:
            pass
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return False                      # let the fetch fail with its own dns reason
        return any(is_private(info[4][0]) for info in infos)


class GuardMiddleware:
    """Downloader middleware: refuse bad schemes, private hosts and redirect loops."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.policy = AddressPolicy.from_settings(crawler.settings)
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "GuardMiddleware":
        return cls(crawler)

    async def process_request(self, request: Request, spider=None) -> None:
        refusal = await self.policy.refusal(request.url)
        if refusal:
            self.crawler.stats.inc_value(f"archiver/refused/{refusal[0]}")
            raise PageRefused(refusal[0], f"refused {request.url}: {refusal[1]}")
        return None

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        """Runs before RedirectMiddleware: a Location already in the chain is a loop, one past
        REDIRECT_MAX_TIMES hops is too many (every hop is archived).

        A body cut short (DOWNLOAD_FAIL_ON_DATALOSS off) is archived with
        WARC-Truncated by the FetchRecorder, and the page counted as connection-reset.
        """
        if "dataloss" in response.flags:
            raise PageRefused(FailureReason.CONNECTION_RESET, f"{response.url}: connection lost mid-body "
                                                              f"({len(response.body)} bytes archived as truncated)")
        if response.status in _REDIRECTS and b"Location" in response.headers:
            target = urljoin(request.url, response.headers[b"Location"].decode("latin-1")).split("#")[0]
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if refusal := chain_refusal(target, chain, self.max_redirects):
                raise PageRefused(refusal[0], f"{request.url} -> {target}: {refusal[1]}")
        return response


class TabGuard:
    """Holds every tab's requests in Chromium (CDP ``Fetch``) until the rules let them through.

    Playwright's ``page.route`` (which scrapy-playwright used) sends every request
    of every page through Python, and turns Chromium's cache off while it does, so the
    shared CSS and images were fetched again for every page. Here Chromium
    pauses only documents (pages and frames: the navigation lock, schemes and
    redirect chains concern them), or every request when private addresses are
    blocked; its cache stays on, and a response from the cache reaches no host.
    A tab is guarded from its creation to its close, idle in the pool too.
    Refusals of a page's own navigation are handed to the page's recorder,
    which turns them into that page's failure reason.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.policy = AddressPolicy.from_settings(crawler.settings)
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "TabGuard":
        return cls(crawler)

    @property
    def patterns(self) -> list[dict[str, str]]:
        paused = {"urlPattern": "*", "requestStage": "Request"}
        return [paused] if self.policy.block_private else [{**paused, "resourceType": "Document"}]

    async def attach(self, page: Page) -> None:
        """Guard a new tab before it loads anything."""
        async with answered_within("open a DevTools session"):
            session = await page.context.new_cdp_session(page)
            tree = await session.send("Page.getFrameTree")
            tab = GuardedTab(self, page, session, main_frame=tree["frameTree"]["frame"]["id"])
            session.on("Fetch.requestPaused", tab.paused)
            await session.send("Fetch.enable", {"patterns": self.patterns})

    async def refusal(self, url: str, main_navigation: bool, recorder: PageRecorder | None,
                      redirects: list[str]) -> tuple[str, str] | None:
        """(reason, message) if the browser must not fetch *url*; counted and logged."""
        if scheme_of(url) in LOCAL_SCHEMES:
            return None
        if main_navigation and recorder is not None and recorder.navigation_locked:
            # the page is loaded and being captured: it may not replace itself
            self.stats.inc_value("archiver/refused/self-navigation")
            logger.info("page tried to navigate away to %s: refused", url[:200])
            return "self-navigation", "the page tried to navigate away"
        refusal = await self.policy.refusal(url) or chain_refusal(url, redirects, self.max_redirects)
        if refusal is None:
            return None
        reason, message = refusal
        self.stats.inc_value(f"archiver/refused/{reason}")
        logger.info("browser request refused [%s] %s: %s", reason, url[:200], message)
        if main_navigation and recorder is not None:
            recorder.refuse(reason, f"{url[:200]}: {message}")
        return refusal


@dataclass
class GuardedTab:
    """One tab's paused requests, answered one by one; the redirect chain of its navigation."""
    guard: TabGuard
    page: Page
    session: CDPSession
    main_frame: str
    _navigation: str | None = None            # network id of the main frame's latest navigation
    _redirects: list[str] = field(default_factory=list)

    def paused(self, event: dict) -> None:
        asyncio.ensure_future(self._answer(event))

    async def _answer(self, event: dict) -> None:
        command, params = "Fetch.continueRequest", {"requestId": event["requestId"]}
        if await self._refused(event):
            command, params = "Fetch.failRequest", {**params, "errorReason": "BlockedByClient"}
        try:
            await self.session.send(command, params)
        except PlaywrightError:
            pass                               # the tab closed meanwhile: nothing left to answer

    async def _refused(self, event: dict) -> bool:
        url = event["request"]["url"]
        main = event.get("resourceType") == "Document" and event.get("frameId") == self.main_frame
        try:
            return await self.guard.refusal(url, main, PageRecorder.of(self.page), self._chain(event, main)) is not None
        except Exception as exc:               # a URL the rules cannot read is not fetched
            logger.warning("browser request refused, could not check %s: %r", url[:200], exc)
            return True

    def _chain(self, event: dict, main: bool) -> list[str]:
        """URLs the main frame's navigation went through before *event* (Chromium keeps one
        network id across redirects); empty for other requests."""
        if not main:
            return []
        if event.get("networkId") != self._navigation:
            self._navigation, self._redirects = event.get("networkId"), []
        chain = list(self._redirects)
        self._redirects.append(event["request"]["url"])
        return chain


def chain_refusal(url: str, chain: list[str], max_redirects: int) -> tuple[FailureReason, str] | None:
    """(reason, message) when *url*, reached through the redirects *chain*, loops or goes too far."""
    if not chain:
        return None
    if url in chain:
        return FailureReason.REDIRECT_LOOP, f"redirect loop after {len(chain)} hops"
    if len(chain) > max_redirects:
        return FailureReason.TOO_MANY_REDIRECTS, f"more than REDIRECT_MAX_TIMES={max_redirects} redirects"
    return None
