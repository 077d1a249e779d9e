"""A crawl with a login profile: both cookie jars loaded from it, every page checked, a lapse handled, cookies kept.

``LoginSession.of(crawler)`` is the crawl's one view of its profile (None
without ``--profile``). Plain fetches get the profile's cookies through
``ProfileCookiesMiddleware`` (Scrapy's cookie middleware with its jar loaded
from the profile); the browser gets them as the context's storage state at
every launch (``archiver.capture.chromium_host``). Only the profile's *name*
travels in the settings (and so in Redis for ``--workers``): each process
loads the file itself.

Every HTML page and article is checked with the outlet's recipe
(``LoginRecipe.session``) before anything is extracted from it. A logged-out
page is never extracted, so no teaser becomes an item or a version. The first
lapse logs in again with the recipe when a password is at hand (the page is
fetched again once the login is done); otherwise, or when that was spent
(ARCHIVER_RELOGINS), the crawl stops with ``session_expired`` (exit code 9),
its unfinished pages left in the frontier for ``--resume``.

At the end, the cookies the site set or refreshed (from both jars) go back
into the profile file, as Browsertrix's app does.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from http.cookiejar import Cookie
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro

from archiver.failures import FailureReason, PageRefused
from archiver.profiles.credentials import Credentials, NoCredentials, read_credentials
from archiver.profiles.recipe import LoginRecipe, Session
from archiver.profiles.store import Profile, ProfileError, ProfileStore

if TYPE_CHECKING:
    from archiver.outlets import OutletProfile

logger = logging.getLogger(__name__)

SESSION_EXPIRED = "session_expired"        # the finish reason; exit code 9 (archiver.crawl.report)
RELOGIN_META_KEY = "archiver_relogin"      # the login (count) a page fetched again waits for
FETCHED_META_KEY = "archiver_login_generation"   # the login (count) a request was fetched under
STATS = "archiver/login/"

_SESSIONS: "weakref.WeakKeyDictionary[Crawler, LoginSession]" = weakref.WeakKeyDictionary()


class LoginSession:
    """The crawl's login profile: its cookies, its check, its re-login, its write-back."""

    def __init__(self, crawler: Crawler, store: ProfileStore, profile: Profile):
        settings = crawler.settings
        self.crawler = crawler
        self.store = store
        self.profile = profile
        self.keep_credentials = settings.getbool("ARCHIVER_KEEP_CREDENTIALS")
        self.marker = settings.get("ARCHIVER_CREDENTIALS_MARKER")
        self.relogins_left = settings.getint("ARCHIVER_RELOGINS")
        self.login_timeout = settings.getfloat("ARCHIVER_LOGIN_TIMEOUT")
        self._password_file = settings.get("ARCHIVER_LOGIN_PASSWORD_FILE")
        self._username_env = settings.get("ARCHIVER_LOGIN_USERNAME_ENV")
        self._password_env = settings.get("ARCHIVER_LOGIN_PASSWORD_ENV")
        self.cookie_names: set[str] = profile.cookie_names()   # what redaction replaces (archiver.profiles.redact)
        self.browser_state: dict | None = None   # the last browser context's storage state
        self.jar_cookies: list[dict] = []        # the plain fetches' jar, at the end
        self.lapsed_at: str | None = None        # the URL that first showed a logged-out page
        self.expired = False                     # stopped for good: the profile is not refreshed
        self._login: asyncio.Future | None = None   # the re-login under way (or done)
        self._generation = 0                     # re-logins done in this crawl
        self._jar_loaders: list = []             # re-logins load the new cookies here (the middleware)
        self._browser_context = None             # async () -> the live browser's context, or None
        self._warned_unchecked = False

    @classmethod
    def of(cls, crawler: Crawler) -> "LoginSession | None":
        """The crawl's session (made on first use, from ARCHIVER_PROFILE); None when it has no profile."""
        if crawler in _SESSIONS:
            return _SESSIONS[crawler]
        name = crawler.settings.get("ARCHIVER_PROFILE")
        if not name:
            return None
        directory = crawler.settings.get("ARCHIVER_PROFILES_DIR")
        store = ProfileStore(Path(directory)) if directory else ProfileStore()
        session = _SESSIONS[crawler] = cls(crawler, store, store.load(name))
        return session

    # --- the outlet's recipe -----------------------------------------------------------
    @property
    def outlet(self) -> "OutletProfile | None":
        return getattr(self.crawler.spider, "profile", None)

    @property
    def recipe(self) -> LoginRecipe | None:
        outlet = self.outlet
        return outlet.login if outlet is not None else None

    def check(self, html: str) -> Session:
        """Logged in or out, as this page shows it (UNKNOWN when the outlet declares no check)."""
        recipe = self.recipe
        if recipe is None:
            if not self._warned_unchecked:
                self._warned_unchecked = True
                logger.warning("outlet %s has no [login] checks: a lapsed session of profile %s goes unnoticed "
                               "(docs/logged-in.md)", getattr(self.outlet, "name", "?"), self.profile.name)
            return Session.UNKNOWN
        verdict = recipe.session(html)
        self.crawler.stats.inc_value(STATS + f"pages/{verdict.value}")
        return verdict

    # --- a lapse ---------------------------------------------------------------------
    def lapsed(self, request: Request, again: Request | None) -> Request | None:
        """A logged-out page: *again* (the same page, fetched once the re-login is done), or None when the
        crawl stops (or *again* is None)."""
        if self.lapsed_at is None:
            self.lapsed_at = request.url
        logging_in = self._login is not None and not self._login.done()
        if not logging_in and request.meta.get(FETCHED_META_KEY, 0) < self._generation:
            return self._again(again, self._generation)      # fetched with the cookies of before the last login
        if logging_in:
            return self._again(again, self._generation + 1)  # wait for the login under way
        if self.expired:
            return None
        credentials = self._credentials()
        recipe = self.recipe
        if self.relogins_left > 0 and credentials is not None and recipe is not None and recipe.automated:
            self.relogins_left -= 1
            logger.warning("the login session of profile %s lapsed on %s; logging in again with the recipe",
                           self.profile.name, request.url)
            self._login = asyncio.ensure_future(self._relogin(credentials))
            return self._again(again, self._generation + 1)
        self._stop(request.url, "no password at hand" if credentials is None else
                   "no automated recipe" if recipe is None or not recipe.automated else
                   "the re-login was spent (ARCHIVER_RELOGINS)")
        return None

    @staticmethod
    def _again(again: Request | None, generation: int) -> Request | None:
        if again is not None:
            again.meta[RELOGIN_META_KEY] = generation
        return again

    def _credentials(self) -> Credentials | None:
        try:
            return read_credentials(self.profile.username, self._password_file, self._username_env,
                                    self._password_env)
        except NoCredentials:
            return None

    def _stop(self, url: str, why: str) -> None:
        self.expired = True
        stats = self.crawler.stats
        if stats.get_value("archiver/finish_reason") == SESSION_EXPIRED:
            return
        stats.set_value("archiver/finish_reason", SESSION_EXPIRED)
        logger.error("the login session of profile %s lapsed on %s (%s): stopping the host; log in again "
                     "(`archiver profile login`) and continue with `archiver crawl --resume --profile %s`",
                     self.profile.name, url, why, self.profile.name)
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=SESSION_EXPIRED))

    async def _relogin(self, credentials: Credentials) -> None:
        from archiver.chromium import chromium_path, launch_options
        from archiver.profiles.login import BrowserSetup, LoginFailed, recipe_login

        settings = self.crawler.settings
        setup = BrowserSetup(launch_options(chromium_path(settings.get("ARCHIVER_CHROMIUM")),
                                            settings.get("ARCHIVER_PROXY")),
                             settings.get("USER_AGENT"), settings.getdict("ARCHIVER_VIEWPORT"),
                             settings.getbool("ARCHIVER_IGNORE_TLS_ERRORS"))
        try:
            state = await recipe_login(self.outlet, credentials, setup, self.login_timeout)
        except LoginFailed as exc:
            self._stop(self.lapsed_at or "", f"the re-login failed: {exc}")
            return
        cookies = state.get("cookies", [])
        self.cookie_names |= {c["name"] for c in cookies}
        self.profile.merge_cookies(cookies)
        for load in self._jar_loaders:
            load(cookies)
        if self._browser_context is not None:
            context = await self._browser_context()
            if context is not None:
                await context.add_cookies(cookies)
        self._generation += 1
        self.crawler.stats.inc_value(STATS + "relogins")

    def refuse_if_expired(self, request: Request) -> None:
        """The host is stopped: nothing more is sent to it (checked in the cookie middleware and again
        in the download handler, since requests wait in the downloader's queue after the middlewares)."""
        if self.expired:
            raise PageRefused(FailureReason.SESSION_EXPIRED, f"not fetched, the login session lapsed: {request.url}")

    async def before_fetch(self, request: Request) -> None:
        """Hold a request until the re-login it waits for is done; note which login it is fetched under."""
        waits_for = request.meta.get(RELOGIN_META_KEY)
        if waits_for is not None and waits_for > self._generation and self._login is not None:
            await asyncio.shield(self._login)
        request.meta[FETCHED_META_KEY] = self._generation

    # --- the browser's side (archiver.capture.chromium_host) --------------------------------
    def storage_state(self) -> dict:
        """What a newly launched browser context starts with: the profile as it stands now."""
        return {"cookies": list(self.profile.cookies), "origins": list(self.profile.storage_state.get("origins", []))}

    async def keep(self, context: BrowserContext) -> None:
        """A browser context is closing (recycled, or the crawl's end): its cookies and localStorage go
        back to the profile."""
        try:
            self.browser_state = await asyncio.wait_for(context.storage_state(), 5)
        except (PlaywrightError, TimeoutError) as exc:
            logger.debug("reading the browser's storage state: %r", exc)
            return
        self.write_back()

    def load_cookies_into(self, load) -> None:
        """*load*: (cookies) -> None, called with the cookies of each re-login (the plain fetches' jar)."""
        self._jar_loaders.append(load)

    def attach_browser(self, live_context) -> None:
        """*live_context*: async () -> the running browser's context (or None), to give it re-login cookies."""
        self._browser_context = live_context

    # --- the write-back ------------------------------------------------------------------
    def write_back(self) -> None:
        """Write the cookies the site set or refreshed back to the profile (not after a lapse): when the
        plain fetches' jar closes, and when a browser context closes (the last one closes after it)."""
        if self.expired:
            logger.info("profile %s not refreshed: its session lapsed", self.profile.name)
            return
        refreshed = list(self.jar_cookies)
        if self.browser_state is not None:
            refreshed += self.browser_state.get("cookies", [])
            if self.browser_state.get("origins"):
                self.profile.storage_state["origins"] = self.browser_state["origins"]
        self.profile.merge_cookies(refreshed)
        try:
            self.store.save(self.profile)
        except (OSError, ProfileError) as exc:
            logger.warning("could not write the refreshed cookies back to profile %s: %s", self.profile.name, exc)
            return
        self.crawler.stats.set_value(STATS + "cookies_written_back", len(refreshed))
        logger.info("profile %s: %d cookies written back", self.profile.name, len(refreshed))


class ProfileCookiesMiddleware(CookiesMiddleware):
    """Scrapy's cookie middleware with its jar loaded from the crawl's login profile (it replaces
    ``CookiesMiddleware`` when the crawl has ``--profile``), and holding a request until the re-login
    it waits for is done."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProfileCookiesMiddleware":
        middleware = super().from_crawler(crawler)
        session = LoginSession.of(crawler)
        if session is None:
            raise NotConfigured("ProfileCookiesMiddleware needs ARCHIVER_PROFILE")
        middleware.session = session
        middleware.load(session.profile.cookies)
        session.load_cookies_into(middleware.load)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def load(self, cookies: list[dict]) -> None:
        for cookie in cookies:
            self.jars[None].set_cookie(_jar_cookie(cookie))

    async def process_request(self, request: Request, spider=None):
        await self.session.before_fetch(request)
        self.session.refuse_if_expired(request)
        return super().process_request(request)

    def spider_closed(self) -> None:
        self.session.jar_cookies = [_profile_cookie(c) for c in self.jars[None].jar]
        self.session.write_back()


def _jar_cookie(c: dict) -> Cookie:
    domain = c.get("domain", "")
    expires = c.get("expires", -1)
    return Cookie(0, c["name"], c["value"], None, False, domain, bool(domain), domain.startswith("."),
                  c.get("path", "/"), True, bool(c.get("secure")), int(expires) if expires and expires > 0 else None,
                  not (expires and expires > 0), None, None, {"HttpOnly": None} if c.get("httpOnly") else {})


def _profile_cookie(c: Cookie) -> dict:
    return {"name": c.name, "value": c.value or "", "domain": c.domain, "path": c.path or "/",
            "expires": float(c.expires) if c.expires else -1, "httpOnly": c.has_nonstandard_attr("HttpOnly"),
            "secure": bool(c.secure), "sameSite": "Lax"}

