"""Small generated sites for the discovery tests: stdlib, threaded, bound to 127.0.0.1 on a free port.

``Site`` serves a dict of routes (path?query -> ``Page``); builders make a
news site with paginated sections and no sitemap, and the hostile sitemaps
(a gzip bomb, millions of URLs). Paths not in the dict are 404.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)     # the page's same-site links (for the tests' own BFS)
    status: int = 200


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        page = self.server.routes.get(self.path)      # type: ignore[attr-defined]
        if page is None:
            body = b"<html><body>not found</body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        for name, value in page.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)

    def log_message(self, format, *args) -> None:  # noqa: A002 - stdlib signature
        pass


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Page] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.routes = self.routes           # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "Site":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def html(self, path: str, title: str, links: list[str], text: str = "") -> None:
        anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
        body = (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
                f"<article><p>{text}</p></article><ul>{anchors}</ul></body></html>")
        self.routes[path] = Page(body.encode(), links=[link for link in links if link.startswith("/")])

    def within(self, start: str, depth: int) -> set[str]:
        """Paths reachable from `start` in at most `depth` hops over served pages (breadth-first)."""
        seen, queue = {start: 0}, deque([start])
        while queue:
            path = queue.popleft()
            page = self.routes.get(path)
            if page is None or seen[path] >= depth:
                continue
            for link in page.links:
                if link in self.routes and link not in seen:
                    seen[link] = seen[path] + 1
                    queue.append(link)
        return set(seen)


ARTICLE_TEXT = ("The council met on Tuesday to discuss the harbour, the ferry timetable and the new library, "
                "and agreed to meet again next month after hearing residents. ") * 3
TRAPS = ["/login", "/search?q=ferry", "/share?url=x", "/print/page", "/events/calendar?month=2025-02",
         "mailto:desk@example.org", "javascript:void(0)"]


def paginated_news_site(site: Site, sections: int = 5, articles: int = 40, per_page: int = 10) -> None:
    """A front page, `sections` sections paginated `per_page` a page, `articles` articles each, no sitemap.

    Every page also links the usual non-content pages (login, search, share, print, a calendar),
    which the site serves too: a crawl must not follow them.
    """
    names = [f"section-{n}" for n in range(1, sections + 1)]
    site.html("/", "Front page", [f"/section/{name}" for name in names] + TRAPS)
    for trap in TRAPS:
        if trap.startswith("/"):
            site.html(trap, "Not content", ["/events/calendar?month=2025-03"])
    pages = -(-articles // per_page)
    for name in names:
        for page in range(1, pages + 1):
            path = f"/section/{name}" + (f"/page/{page}" if page > 1 else "")
            first = (page - 1) * per_page
            items = [f"/2025/01/{1 + i % 28:02d}/{name}-story-number-{i:03d}"
                     for i in range(first, min(first + per_page, articles))]
            nav = [f"/section/{name}/page/{page + 1}"] if page < pages else []
            site.html(path, f"{name} page {page}", items + nav + ["/"] + TRAPS)
            for item in items:
                site.html(item, f"Story {item.rsplit('-', 1)[-1]} of {name}", ["/", f"/section/{name}"] + TRAPS,
                          ARTICLE_TEXT)


def sitemap(urls: list[str]) -> bytes:
    rows = "".join(f"<url><loc>{url}</loc></url>\n" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n").encode()


def gzip_bomb(decompressed_gib: int = 3) -> bytes:
    """Concatenated gzip members of 64 MiB of spaces each: about 64 KB per member on the wire."""
    member_size = 64 * 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = compressor.compress(b" " * member_size) + compressor.flush()
    head = gzip.compress(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    return head + member * (decompressed_gib * 1024 * 1024 * 1024 // member_size)


def millions_of_urls(base: str, count: int = 2_000_000) -> bytes:
    """A gzip-encoded sitemap body listing `count` article URLs (about 140 MB decompressed)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    parts = [compressor.compress(b'<?xml version="1.0" encoding="UTF-8"?>\n'
                                 b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')]
    chunk = 100_000
    for start in range(0, count, chunk):
        rows = "".join(f"<url><loc>{base}/2025/01/02/listed-story-number-{n}</loc></url>\n"
                       for n in range(start, min(start + chunk, count)))
        parts.append(compressor.compress(rows.encode()))
    parts.append(compressor.compress(b"</urlset>\n") + compressor.flush())
    return b"".join(parts)
