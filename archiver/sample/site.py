"""Shared machinery of a sample outlet: requests, responses, routing, static files and photos.

Each outlet (``themoscowtimes``, ``harbourgazette``) subclasses :class:`Outlet`
and only declares its routes and templates; HTTP details live in ``server.py``.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from archiver.sample.store import Article, ArticleStore

if TYPE_CHECKING:
    from archiver.sample.subscribers import SubscriberArea

STATIC_DIR = Path(__file__).resolve().parent / "static"
PHOTOS = sorted((STATIC_DIR / "photos").glob("*.jpg"))


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: Message
    base: str  # where this outlet is served, e.g. http://127.0.0.1:8081 (no trailing slash)
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)   # a POSTed form (the subscriber area's login)
    subscriber: str | None = None   # the reader's live subscriber session (archiver.sample.subscribers)

    @property
    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name:
                jar[name] = value
        return jar


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    last_modified: float | None = None  # epoch seconds
    cache_control: str = "public, max-age=300"
    teaser: bool = False    # a paywalled article shown to a reader who is not logged in
    read_id: int | None = None   # the paywalled article a subscriber read in full

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


def html(text: str, **kw: Any) -> Response:
    return Response(body=text.encode("utf-8"), **kw)


def xml(text: str, content_type: str = "application/xml; charset=utf-8", **kw: Any) -> Response:
    return Response(body=text.encode("utf-8"), content_type=content_type, **kw)


def as_json(data: Any, **kw: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=None).encode("utf-8")
    kw.setdefault("cache_control", "public, max-age=60")
    return Response(body=body, content_type="application/json; charset=utf-8", **kw)


def redirect(location: str, status: int = 301) -> Response:
    return Response(status=status, headers=[("Location", location)], content_type="text/html; charset=utf-8")


def text(body: str, **kw: Any) -> Response:
    return Response(body=body.encode("utf-8"), content_type="text/plain; charset=utf-8", **kw)


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower().replace("'", "")).strip("-")


def timestamp(iso: str) -> float:
    """Epoch seconds of an ISO 8601 date or datetime (dates only: midnight UTC)."""
    return datetime.fromisoformat(iso if "T" in iso else iso + "T00:00:00+00:00").timestamp()


@lru_cache(maxsize=None)
def photo_bytes(name: str) -> bytes:
    """A small real JPEG for any image name, picked deterministically from the bundled photos."""
    index = int(hashlib.sha1(name.encode()).hexdigest(), 16) % len(PHOTOS)
    return PHOTOS[index].read_bytes()


def photo(name: str) -> Response:
    return Response(body=photo_bytes(name), content_type="image/jpeg", cache_control="public, max-age=31536000",
                    last_modified=PHOTOS[0].stat().st_mtime)


def static_file(relative: str) -> Response | None:
    path = (STATIC_DIR / relative).resolve()
    if STATIC_DIR not in path.parents or not path.is_file():
        return None
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
        ctype += "; charset=utf-8"
    return Response(body=path.read_bytes(), content_type=ctype, cache_control="public, max-age=86400",
                    last_modified=path.stat().st_mtime)


Handler = Callable[..., "Response | None"]


class Outlet:
    """One sample news site: a route table over an :class:`ArticleStore`.

    Subclasses fill ``routes`` with (regex, method name) pairs; named groups of
    the regex become keyword arguments. ``assets`` maps URL prefixes to folders
    of the package's ``static`` directory, so each outlet keeps its own URL style.
    """

    name: ClassVar[str]
    public_base: ClassVar[str]
    routes: ClassVar[list[tuple[str, str]]] = []
    assets: ClassVar[dict[str, str]] = {}
    # A second host serving part of the site (The Moscow Times' sitemaps live on its static host);
    # the server binds it on a port of its own and tells each the other's base URL (``peer_base``).
    companion: ClassVar["type[Outlet] | None"] = None

    def __init__(self, store: ArticleStore, subscribers: "SubscriberArea | None" = None) -> None:
        self.store = store
        self.subscribers = subscribers      # None: no login, every article free
        self.peer_base = ""
        self._compiled = [(re.compile(pattern + r"\Z"), method) for pattern, method in self.routes]

    def handle(self, request: Request) -> Response:
        if self.subscribers is None:
            return self.route(request)
        response = self.subscribers.handle(request) or self.route(request)
        return self.subscribers.decorate(request, response)

    def route(self, request: Request) -> Response:
        for prefix, folder in self.assets.items():
            if request.path.startswith(prefix):
                found = static_file(folder + request.path[len(prefix):])
                return found or self.not_found(request)
        for pattern, method in self._compiled:
            match = pattern.match(request.path)
            if match:
                response = getattr(self, method)(request, **match.groupdict())
                if response is not None:
                    return response
        return self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return html("<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
                    "<body><h1>Page not found</h1></body></html>", status=404, cache_control="no-cache")

    def cookies(self, request: Request) -> list[str]:
        """The two Set-Cookie values every HTML page carries (session + visitor id)."""
        return [f"session={secrets.token_hex(13)}; Path=/; HttpOnly; SameSite=Lax",
                f"visitor={secrets.token_hex(8)}; Max-Age=31536000; Path=/; SameSite=Lax"]

    def link_headers(self, request: Request, response: Response) -> list[str]:
        """Values of the (repeated) Link header of an HTML page."""
        return []

    # helpers shared by both outlets
    def article_response(self, request: Request, article: Article, render: Callable[[Article], str]) -> Response:
        """The article page as this reader may see it: with a subscriber area on, a paywalled
        article is a teaser (``render`` gets the cut article) unless the reader is logged in."""
        shown, teaser = (article, False) if self.subscribers is None else \
            self.subscribers.article_view(request, article)
        response = html(render(shown), last_modified=timestamp(article["date_modified"]))
        response.teaser = teaser
        if self.subscribers is not None and self.subscribers.paywalled(article) and not teaser:
            response.read_id = article["id"]
        return response

    def absolute(self, request: Request, path: str) -> str:
        return request.base + path

    def public(self, article: Article) -> str:
        return article["original_url"]

    def articles(self, section: str | None = None) -> list[Article]:
        items = self.store.articles()
        return [a for a in items if section is None or a["section"] == section]
