"""An outlet's login recipe (the ``[OUTLET.login]`` table of its TOML profile) and its session check.

    [themoscowtimes.login]
    url = "/login"                       # the login page (relative to base_url)
    username = "#username"               # selectors of the fields and the submit button
    password = "#password"
    submit = "form.login-form button[type=submit]"
    logged_in = "a.account-link"         # CSS selector only a logged-in page has ...
    logged_in_text = ""                  # ... and/or text it shows
    logged_out = "a.login-link, [data-paywall]"   # a marker only a logged-out page has

The check is pure (HTML in, verdict out) so the crawl runs it on every page and
article, rendered or not, and tests run it on saved pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from parsel import Selector


class Session(str, Enum):
    LOGGED_IN = "logged-in"
    LOGGED_OUT = "logged-out"
    UNKNOWN = "unknown"          # the recipe declares nothing this page shows either way


@dataclass(frozen=True)
class LoginRecipe:
    url: str = ""
    username: str = ""
    password: str = ""
    submit: str = ""
    logged_in: str = ""
    logged_in_text: str = ""
    logged_out: str = ""

    def __post_init__(self) -> None:
        if not (self.logged_in or self.logged_in_text or self.logged_out):
            raise ValueError("a login table needs logged_in, logged_in_text or logged_out, to tell a lapsed session")
        for name in ("logged_in", "logged_out"):
            if getattr(self, name):
                try:
                    Selector(text="<html></html>").css(getattr(self, name))
                except Exception as exc:        # cssselect raises several types for a bad selector
                    raise ValueError(f"{name} is not a valid CSS selector: {exc}") from None

    @property
    def automated(self) -> bool:
        """Whether `archiver profile login` can fill the form itself (else: --interactive only)."""
        return bool(self.url and self.username and self.password and self.submit)

    def session(self, html: str) -> Session:
        """Logged in or out, as this page shows it; a logged-out marker wins over a logged-in one."""
        page = Selector(text=html or "<html></html>")
        if self.logged_out and page.css(self.logged_out):
            return Session.LOGGED_OUT
        checks = []
        if self.logged_in:
            checks.append(bool(page.css(self.logged_in)))
        if self.logged_in_text:
            checks.append(self.logged_in_text in " ".join(page.css("body ::text").getall()))
        if checks:
            return Session.LOGGED_IN if all(checks) else Session.LOGGED_OUT
        return Session.UNKNOWN
