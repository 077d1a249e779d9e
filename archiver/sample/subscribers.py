"""The sample outlets' subscriber area: demo accounts, a login form with a CSRF token, sessions that expire.

Off unless ``serve_sample(subscribers=SubscriberArea(...))`` (``archiver serve-sample --subscribers``).
When on, every other article (even id) is paywalled: a reader without a live
session gets its first paragraph and a subscribe box, a subscriber the full text.
Every HTML page shows "Log in" (``a.login-link``) when logged out and
"My account" (``a.account-link``) when logged in, which is what an outlet
profile's ``logged_in``/``logged_out`` checks look for.

    GET  /login            the form (hidden ``csrf`` field, matched by the ``login_csrf`` cookie)
    POST /login            username, password, csrf -> 303 with ``subscriber_session``
    GET  /account          "My account" (logged in) or a 303 to /login
    GET  /logout           ends the session

A session ends after ``session_lifetime`` seconds, or after ``session_pages``
full-text article views (0: no limit): the server forgets it, whatever the
client's cookie says, as a real outlet's session store does.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote, urlsplit

from archiver.sample.site import Request, Response, html, redirect

# Cookie names carry the outlet's name: both outlets run on 127.0.0.1, and cookies ignore the port.
SESSION_COOKIE = "{outlet}_session"
CSRF_COOKIE = "{outlet}_login_csrf"
LAST_READ_COOKIE = "{outlet}_last_read"  # changes on every full article: cookies the crawl refreshes
DEMO_ACCOUNTS = {"reader@example.org": "sample-subscriber"}   # demo only; documented in docs/logged-in.md
TEASER_PARAGRAPHS = 1
BODY_OPEN = re.compile(rb"<body[^>]*>")


@dataclass
class Session:
    username: str
    expires: float                        # time.monotonic()
    pages_left: int | None                # None: no page limit


@dataclass
class SubscriberArea:
    accounts: dict[str, str] = field(default_factory=lambda: dict(DEMO_ACCOUNTS))
    session_lifetime: float = 3600.0      # seconds
    session_pages: int = 0                # full-text views per session (0: no limit)
    outlet: str = "sample"                # names its cookies (set by serve_sample for each outlet)
    logins: int = 0                       # successful logins, for tests and the report figures
    _sessions: dict[str, Session] = field(default_factory=dict, init=False, repr=False)
    _csrf: set[str] = field(default_factory=set, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def cookie(self, template: str) -> str:
        return template.format(outlet=self.outlet)

    # --- what the outlet asks ------------------------------------------------------
    @staticmethod
    def paywalled(article: dict) -> bool:
        return int(article["id"]) % 2 == 0

    def subscriber(self, request: Request) -> str | None:
        """The username of the request's live session, or None (no cookie, unknown, expired)."""
        token = request.cookies.get(self.cookie(SESSION_COOKIE))
        with self._lock:
            session = self._sessions.get(token or "")
            if session is None:
                return None
            if time.monotonic() >= session.expires or session.pages_left == 0:
                del self._sessions[token]
                return None
            return session.username

    def article_view(self, request: Request, article: dict) -> tuple[dict, bool]:
        """The article as this reader may see it, and whether it is a teaser."""
        if not self.paywalled(article):
            return article, False
        if request.subscriber is None:
            return {**article, "body": article["body"][:TEASER_PARAGRAPHS]}, True
        with self._lock:
            session = self._sessions.get(request.cookies.get(self.cookie(SESSION_COOKIE), ""))
            if session is not None and session.pages_left is not None:
                session.pages_left -= 1
        return article, False

    def expire_all(self) -> int:
        """End every session now (as a server restart or a password change would); returns how many."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count

    # --- its own pages -------------------------------------------------------------
    def handle(self, request: Request) -> Response | None:
        """Its own pages; on any other path, notes who is reading (``request.subscriber``) and returns None."""
        request.subscriber = self.subscriber(request)
        if request.path == "/login":
            return self._login_post(request) if request.method == "POST" else self._login_form(request)
        if request.path == "/account":
            user = request.subscriber
            if user is None:
                return redirect(f"{request.base}/login?next=/account", status=303)
            return html(_page("My account", f'<h1>My account</h1><p class="account-name">Signed in as '
                                             f'{escape(user)}</p><p><a href="{request.base}/logout">Log out</a></p>'),
                        cache_control="private, no-store")
        if request.path == "/logout":
            with self._lock:
                self._sessions.pop(request.cookies.get(self.cookie(SESSION_COOKIE), ""), None)
            return _with_cookies(redirect(f"{request.base}/", status=303),
                                 [f"{self.cookie(SESSION_COOKIE)}=; Max-Age=0; Path=/"])
        return None

    def _login_form(self, request: Request, error: str = "", status: int = 200) -> Response:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._csrf.add(token)
        nxt = escape(request.query.get("next") or request.form.get("next") or "/account")
        message = f'<p class="login-error" role="alert">{escape(error)}</p>' if error else ""
        form = (f'<h1>Log in</h1>{message}<form method="post" action="/login" class="login-form">'
                f'<input type="hidden" name="csrf" value="{token}"><input type="hidden" name="next" value="{nxt}">'
                '<label>Email <input id="username" name="username" type="email" autocomplete="username"></label>'
                '<label>Password <input id="password" name="password" type="password" '
                'autocomplete="current-password"></label><button type="submit">Log in</button></form>')
        response = html(_page("Log in", form), status=status, cache_control="private, no-store")
        return _with_cookies(response, [f"{self.cookie(CSRF_COOKIE)}={token}; Path=/login; HttpOnly; SameSite=Strict"])

    def _login_post(self, request: Request) -> Response:
        token = request.form.get("csrf", "")
        with self._lock:
            valid = bool(token) and token == request.cookies.get(self.cookie(CSRF_COOKIE)) and token in self._csrf
            self._csrf.discard(token)
        if not valid:
            return self._login_form(request, "Your form expired; please try again.", status=403)
        user, password = request.form.get("username", ""), request.form.get("password", "")
        if not secrets.compare_digest(self.accounts.get(user, secrets.token_hex(8)), password):
            return self._login_form(request, "Wrong email or password.", status=401)
        session = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions[session] = Session(user, time.monotonic() + self.session_lifetime,
                                              self.session_pages or None)
            self.logins += 1
        nxt = request.form.get("next") or "/account"
        if urlsplit(nxt).netloc or not nxt.startswith("/"):
            nxt = "/account"                 # no open redirect
        return _with_cookies(redirect(request.base + nxt, status=303),
                             [f"{self.cookie(SESSION_COOKIE)}={session}; Max-Age={int(self.session_lifetime)}; Path=/; "
                              "HttpOnly; SameSite=Lax"])

    # --- every HTML page -----------------------------------------------------------
    def decorate(self, request: Request, response: Response) -> Response:
        """Add the account bar (and, on a teaser, the subscribe box) to an HTML page."""
        if not response.is_html or response.status != 200:
            return response
        if request.subscriber:
            bar = f'<div class="subscriber-bar"><a class="account-link" href="{request.base}/account">My account</a></div>'
            if response.read_id is not None:
                response.headers.append(("Set-Cookie", f"{self.cookie(LAST_READ_COOKIE)}={response.read_id}; Path=/; SameSite=Lax"))
        else:
            login = f"{request.base}/login?next={quote(request.path)}"
            bar = f'<div class="subscriber-bar"><a class="login-link" href="{login}">Log in</a></div>'
        if response.teaser:
            bar += ('<div class="paywall" data-paywall><p>This article is for subscribers.</p>'
                    f'<a href="{request.base}/login?next={quote(request.path)}">Log in to read on</a></div>')
        response.last_modified = None         # a page that depends on who reads it
        response.body = BODY_OPEN.sub(lambda m: m.group(0) + bar.encode(), response.body, count=1)
        response.cache_control = "private, no-cache"
        return response


def _with_cookies(response: Response, cookies: list[str]) -> Response:
    response.headers.extend(("Set-Cookie", c) for c in cookies)
    response.cache_control = "private, no-store"
    return response


def _page(title: str, main: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><main>{main}</main></body></html>")
