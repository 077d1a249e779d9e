"""The hostile outlet: a small news site that behaves like an outlet behind a bot manager and a paywall.

Each saved wall page (``data/walls``: Cloudflare, Akamai, HUMAN/PerimeterX, DataDome, Imperva,
Kasada, AWS WAF, reCAPTCHA, hCaptcha, a soft 404, a consent wall) stands at its own article URL
with its vendor's status and headers; two articles are paywalled (a teaser with a Piano subscribe
box, and a subscriber's full text), the rest are ordinary. With ``block_after`` set, the site turns
on the crawler partway through: after that many article requests, every article URL answers with
Cloudflare's managed challenge (403, ``cf-mitigated: challenge``, Retry-After). ``wall_mode`` makes
every article a challenge from the start (a re-check meeting a wall). It counts what it served, so
tests can bound the requests made after a block. Stdlib only; binds 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from archiver.localserver import serve_http

WALLS_DIR = Path(__file__).resolve().parent / "data" / "walls"
WALL_NAMES = tuple(sorted(p.stem for p in WALLS_DIR.glob("*.html")))
STORY = ("The harbour council voted on Tuesday to approve a new ferry route between the old docks and the "
         "island, after months of debate about cost, noise and the future of the fishing fleet. ")
ORDINARY = tuple(f"ferry-story-{n:02d}" for n in range(1, 13))
PAYWALLED = ("paywalled-teaser", "paywalled-subscriber")
PREFIX = "/news/2026/12/"
SHORT = tuple(f"/news/a{n:02d}" for n in range(1, 7))   # article URLs no URL pattern recognises; in the sitemap


@dataclass
class Served:
    path: str
    status: int
    what: str                     # "article", "teaser", "subscriber", a wall name, "blocked" or "other"


@dataclass
class HostileState:
    block_after: int | None = None      # article requests served before the site turns on the crawler
    wall_mode: bool = False             # every article is a challenge
    list_walls: bool = True             # the front page links the vendor walls too
    retry_after: int = 1                # s, on the block's challenges
    served: list[Served] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def article_requests(self) -> int:
        return sum(1 for s in self.served if s.path.startswith(PREFIX) or s.path in SHORT)

    def after_block(self) -> list[Served]:
        return [s for s in self.served if s.what == "blocked"]


def _page(title: str, paragraphs: list[str], head: str = "", extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Hostile Wire</title>"
            f"<meta property='article:published_time' content='2026-12-01T10:00:00+00:00'>"
            f"{head}</head><body><header><a href='/'>Hostile Wire</a></header><main><article>"
            f"<h1>{title}</h1><p class='byline'>By Ana Reed</p>{body}{extra}</article></main></body></html>")


def sitemap_xml(base: str) -> str:
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in (*SHORT, "/about"))
    return f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"


def article_html(slug: str) -> str:
    number = slug.rsplit("-", 1)[-1]
    return _page(f"Ferry story {number}", [f"Story {number}. " + STORY * 3, STORY * 2, STORY])


def paywalled_html(full: bool) -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry fares to double",
            "isAccessibleForFree": False,
            "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywalled"}}
    head = (f"<script type='application/ld+json'>{json.dumps(node)}</script>"
            "<script>tp = window.tp || []; tp.push(['setAid', 'hostilewire']);</script>")   # Piano's loader stub
    teaser = ["Ferry fares will double next spring, the harbour council said on Tuesday.",
              "The council blamed fuel costs and the new route."]
    rest = f"<div class='paywalled'><p>{STORY * 3}</p><p>{STORY * 2}</p></div>" if full else ""
    box = ("" if full else "<div class='piano-offer' id='piano-offer'><h2>Subscribe to continue reading</h2>"
           "<p>Already a subscriber? <a href='/login'>Sign in</a>.</p><a href='/subscribe'>Subscribe now</a></div>")
    return _page("Ferry fares to double", teaser, head, rest + box)


def front_html(list_walls: bool = True) -> str:
    slugs = [*ORDINARY, *PAYWALLED, *((f"wall-{name}" for name in WALL_NAMES) if list_walls else ())]
    links = "".join(f"<li><a href='{PREFIX}{slug}'>{slug}</a></li>" for slug in slugs)
    return (f"<!DOCTYPE html><html><head><title>Hostile Wire</title></head><body><h1>Hostile Wire</h1>"
            f"<ul>{links}</ul></body></html>")


def wall(name: str) -> tuple[int, dict[str, str], bytes]:
    meta = json.loads((WALLS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return meta["status"], meta["headers"], (WALLS_DIR / f"{name}.html").read_bytes()


class HostileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"
    sys_version = ""
    server: "HostileOutlet"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        state = self.server.state
        with state.lock:
            blocked = (path.startswith(PREFIX) or path in SHORT) and (
                state.wall_mode or (state.block_after is not None and state.article_requests() >= state.block_after))
            status, headers, body, what = self._route(path, blocked)
            state.served.append(Served(path, status, what))
        self.send_response(status)
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _route(self, path: str, blocked: bool) -> tuple[int, dict[str, str], bytes, str]:
        if blocked:
            status, headers, body = wall("cloudflare")
            return status, {**headers, "Retry-After": str(self.server.state.retry_after)}, body, "blocked"
        if path == "/":
            return 200, {}, front_html(self.server.state.list_walls).encode(), "other"
        if path == "/robots.txt":
            robots = f"User-agent: *\nAllow: /\nSitemap: {self.server.base}/sitemap.xml\n"
            return 200, {"Content-Type": "text/plain"}, robots.encode(), "other"
        if path == "/sitemap.xml":
            return 200, {"Content-Type": "application/xml"}, sitemap_xml(self.server.base).encode(), "other"
        if path == "/about":
            return 200, {}, b"<html><head><title>About us</title></head><body><h1>About</h1>" \
                            b"<p>Hostile Wire is a sample outlet.</p></body></html>", "other"
        if path in SHORT:
            return 200, {}, article_html(path[-3:]).encode(), "article"
        slug = path[len(PREFIX):] if path.startswith(PREFIX) else ""
        if slug in ORDINARY:
            return 200, {}, article_html(slug).encode(), "article"
        if slug in PAYWALLED:
            full = slug == "paywalled-subscriber"
            return 200, {}, paywalled_html(full).encode(), "subscriber" if full else "teaser"
        if slug.startswith("wall-") and slug[5:] in WALL_NAMES:
            status, headers, body = wall(slug[5:])
            return status, dict(headers), body, slug[5:]
        return 404, {}, b"<html><title>404 Not Found</title><h1>Not Found</h1></html>", "other"


class HostileOutlet(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", state: HostileState | None = None):
        super().__init__((host, 0), HostileHandler)
        self.state = state or HostileState()
        self.base = f"http://{host}:{self.server_address[1]}"


@contextmanager
def serve_hostile_outlet(host: str = "127.0.0.1", state: HostileState | None = None) -> Iterator[HostileOutlet]:
    server = HostileOutlet(host, state)
    with serve_http(server):
        yield server
