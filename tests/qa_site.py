"""A small outlet for the QA tests: a clean article, and one whose replay is broken on purpose.

``/news/broken-article`` has three faults a replay cannot fix:
- a script loaded with a cache-busting nonce (``/embed/widget?r=<random>``; without a file extension
  pywb does not fuzzy-match it): replay asks for a URL the crawl never fetched;
- a newsletter overlay the crawler dismisses (its accept button matches the consent selectors),
  remembered in sessionStorage, which no archive keeps: replay shows it again;
- a lazy image far below the first screen that loads only after five seconds in view: the crawl's
  scroll never waits that long, so it is never fetched, and a replay cannot show it either.

``/news/clean-article`` has none; its photo is what the damaged-archive test removes.
Stdlib only, bound to 127.0.0.1 on a free port (``serve_qa_site``).
"""

from __future__ import annotations

import contextlib
import struct
import zlib
from http.server import BaseHTTPRequestHandler
from typing import Iterator

from archiver.localserver import serve_http

PARAGRAPHS = [
    "The harbour council voted on Tuesday to approve a new ferry route between the old docks and the island.",
    "Residents had argued for months about the cost of the service and the noise of the engines at night.",
    "The first crossings are planned for the spring, once the new landing stage has been inspected.",
]
BROKEN, CLEAN = "/news/broken-article", "/news/clean-article"

_ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{head}
<style>body {{ font: 18px/1.5 serif; margin: 2em auto; max-width: 40em; }}
#newsletter {{ position: fixed; inset: 0; background: #fffbe6; padding: 4em; z-index: 10; }}</style>
</head><body><article><h1>{title}</h1>
<p class="byline">By Ann Example</p><time datetime="2025-02-12T09:00:00Z">12 February 2025</time>
{paragraphs}{body}</article>{tail}</body></html>"""

_BROKEN_HEAD = """<script>
  var s = document.createElement('script');
  s.src = '/embed/widget?r=' + Math.random().toString(36).slice(2);   // a cache-busting nonce
  document.head.appendChild(s);
</script>"""

_BROKEN_BODY = """<div style="height: 3200px"></div>
<img id="late" width="400" height="300" alt="" data-src="/img/late.png"
     src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">"""

_BROKEN_TAIL = """<div id="newsletter"><h2>Get the Harbour Briefing every morning</h2>
<p>Sign up for our newsletter.</p><button data-consent-accept>No thanks</button></div>
<script>
  var overlay = document.getElementById('newsletter');
  if (sessionStorage.getItem('briefing-dismissed')) overlay.remove();
  overlay.querySelector('button').addEventListener('click', function () {
    sessionStorage.setItem('briefing-dismissed', '1'); overlay.remove();
  });
  // the lazy image loads once it has been on screen for five seconds: no crawl or QA scroll waits that long
  var late = document.getElementById('late'), timer = null;
  new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) timer = setTimeout(function () { late.src = late.getAttribute('data-src'); late.removeAttribute('data-src'); }, 5000);
      else clearTimeout(timer);
    });
  }).observe(late);
</script>"""


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _article(title: str, head: str = "", body: str = "", tail: str = "") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return _ARTICLE.format(title=title, head=head, paragraphs=paragraphs, body=body, tail=tail).encode()


PAGES: dict[str, tuple[str, bytes]] = {
    "/": ("text/html; charset=utf-8", (
        '<!doctype html><html><head><meta charset="utf-8"><title>QA Gazette</title></head><body>'
        f'<h1>QA Gazette</h1><ul><li><a href="{CLEAN}">Ferry route approved</a></li>'
        f'<li><a href="{BROKEN}">Ferry route approved (broken replay)</a></li></ul></body></html>').encode()),
    CLEAN: ("text/html; charset=utf-8", _article("Council approves ferry route",
                                                 body='<img src="/img/photo.png" width="600" height="300" alt="">')),
    BROKEN: ("text/html; charset=utf-8", _article("Council approves ferry route, again", _BROKEN_HEAD,
                                                  _BROKEN_BODY, _BROKEN_TAIL)),
    "/embed/widget": ("application/javascript",
                          b"document.querySelector('article').insertAdjacentHTML('beforeend',"
                          b" '<p id=\"widget\">Live: ferry timetable widget</p>');"),
    "/img/photo.png": ("image/png", _png(600, 300, (30, 90, 160))),
    "/img/late.png": ("image/png", _png(400, 300, (160, 40, 30))),
    "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        found = PAGES.get(self.path.split("?", 1)[0])
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve_qa_site() -> Iterator[str]:
    """Serve the site on 127.0.0.1; yields its base URL."""
    with serve_http(_Handler) as base:
        yield base


def profile_toml(base: str) -> str:
    return f'''[qagazette]
base_url = "{base}"
start_urls = ["/"]
article_pattern = "^/news/"
'''
