"""Logging in with an outlet's recipe, in a Chromium of its own: the form filled, submitted, the result checked.

Used by ``archiver profile login`` and by a crawl whose session lapsed (once,
when credentials are at hand). Playwright types the password into the form
over its pipe to Chromium; it is never on a command line or in a file.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from archiver.outlets import OutletProfile
from archiver.profiles.credentials import Credentials
from archiver.profiles.recipe import Session

logger = logging.getLogger(__name__)


class LoginFailed(RuntimeError):
    """The recipe ran but the page does not show a logged-in session (or the form was not found)."""


@dataclass(frozen=True)
class BrowserSetup:
    """How the login browser is launched and what its context looks like (the crawl's, so the session fits)."""
    launch: dict                      # BrowserType.launch kwargs (archiver.chromium.launch_options)
    user_agent: str
    viewport: dict
    ignore_https_errors: bool = False

    def context_options(self) -> dict:
        return {"user_agent": self.user_agent, "viewport": self.viewport,
                "ignore_https_errors": self.ignore_https_errors, "service_workers": "block"}


async def recipe_login(outlet: OutletProfile, credentials: Credentials, setup: BrowserSetup,
                       timeout: float) -> dict:
    """The storage state of a fresh session, logged in with the outlet's recipe."""
    recipe = outlet.login
    if recipe is None or not recipe.automated:
        raise LoginFailed(f"outlet {outlet.name!r} has no login recipe with url, username, password and submit "
                          "in its [login] table; use `archiver profile login --interactive` or `profile import`")
    playwright = await async_playwright().start()
    try:
        browser = await playwright.chromium.launch(**setup.launch)
        try:
            context = await browser.new_context(**setup.context_options())
            page = await context.new_page()
            page.set_default_timeout(timeout * 1000)
            url = outlet.absolute(recipe.url)
            try:
                await page.goto(url, wait_until="load")
                await page.fill(recipe.username, credentials.username)
                await page.fill(recipe.password, credentials.password)
                async with page.expect_navigation(wait_until="load"):
                    await page.click(recipe.submit)
                html = await page.content()
            except (PlaywrightError, asyncio.TimeoutError) as exc:
                raise LoginFailed(f"the login recipe of {outlet.name!r} failed on {url}: "
                                  f"{str(exc).splitlines()[0]}") from None
            verdict = recipe.session(html)
            if verdict is not Session.LOGGED_IN:
                raise LoginFailed(f"after submitting the login form of {outlet.name!r}, {page.url} does not "
                                  f"show a logged-in session ({verdict.value}): wrong username or password, or "
                                  "the recipe's logged_in check does not fit the site")
            logger.info("logged in to %s as %s", outlet.name, credentials.username)
            return await context.storage_state()
        finally:
            await browser.close()
    finally:
        await playwright.stop()
