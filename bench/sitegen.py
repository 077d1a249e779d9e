"""A deterministic synthetic news site, written as static files.

Every crawler in the benchmark gets the same bytes for a given seed and size,
so rounds and runs compare like with like. The shape follows a real outlet:
a front page, paginated sections (each page links every page of its section,
so all listings sit two hops from the front), articles with JSON-LD
NewsArticle, one image per article, shared CSS/JS/images, robots.txt and a
sitemap. URLs are absolute paths; robots.txt and the sitemap need the host,
so they are written per served address (see ``write_discovery``).
"""

from __future__ import annotations

import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path

SECTIONS = ("world", "politics", "business", "science", "culture")
PER_PAGE = 20
WORDS = ("harbour council budget report minister election river school energy market "
         "court festival research museum railway climate transport hospital housing "
         "union farmers bridge storm coast orchestra library museum strike trade port").split()
AUTHORS = ("Ada Lindqvist", "Tomas Herrera", "Mei Tanaka", "Olu Adeyemi", "Clara Novak",
           "Ravi Menon", "Ines Duarte", "Jonas Berg")


@dataclass
class Site:
    """What was generated: where, and which paths a full crawl should reach."""
    root: Path
    articles: list[str] = field(default_factory=list)     # article paths
    listings: list[str] = field(default_factory=list)     # front and section pages

    @property
    def pages(self) -> int:
        return len(self.articles) + len(self.listings)

    @property
    def start_path(self) -> str:
        return "/index.html"


def _png(width: int, height: int, rng: random.Random) -> bytes:
    """A noisy RGB PNG: incompressible, so it weighs what a news photo weighs per pixel."""
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _layout(title: str, body: str, head_extra: str = "") -> str:
    nav = " ".join(f'<a href="/section/{s}/">{s.title()}</a>' for s in SECTIONS)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)} - Bench Gazette</title>"
        '<link rel="stylesheet" href="/static/site.css"><script src="/static/site.js" defer></script>'
        f"{head_extra}</head><body><header><a href=\"/index.html\"><img src=\"/static/logo.png\" "
        f"alt=\"Bench Gazette\" width=\"120\" height=\"40\"></a><nav>{nav}</nav></header>"
        f"<main>{body}</main><footer><img src=\"/static/icons.png\" alt=\"\" width=\"64\" height=\"16\">"
        "<p>Bench Gazette, a synthetic outlet for benchmarks.</p></footer></body></html>"
    )


@dataclass(frozen=True)
class _Article:
    index: int
    section: str
    headline: str
    author: str
    published: date
    paragraphs: tuple[str, ...]

    @property
    def slug(self) -> str:
        return "-".join(self.headline.lower().split()[:5]) + f"-{self.index:05d}"

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}.html"

    @property
    def image(self) -> str:
        return f"/img/a{self.index:05d}.png"


def _article_html(a: _Article, related: list[_Article]) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.headline,
          "author": [{"@type": "Person", "name": a.author}],
          "datePublished": f"{a.published.isoformat()}T08:00:00Z", "articleSection": a.section,
          "image": [a.image]}
    head = (f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            f'<meta property="article:published_time" content="{a.published.isoformat()}T08:00:00Z">')
    paras = "".join(f"<p>{p}</p>" for p in a.paragraphs)
    links = "".join(f'<li><a href="{r.path}">{escape(r.headline)}</a></li>' for r in related)
    body = (f"<article><h1>{escape(a.headline)}</h1><p class=\"byline\">By {escape(a.author)}</p>"
            f"<time datetime=\"{a.published.isoformat()}\">{a.published:%d %B %Y}</time>"
            f"<figure><img src=\"{a.image}\" alt=\"\" width=\"160\" height=\"100\"></figure>"
            f"<div class=\"article-body\">{paras}</div></article><aside><ul>{links}</ul></aside>")
    return _layout(a.headline, body, head)


def _listing_html(title: str, items: list[_Article], pager: str) -> str:
    rows = "".join(f'<li><a href="{a.path}">{escape(a.headline)}</a> <span>{a.author}</span></li>'
                   for a in items)
    return _layout(title, f"<h1>{escape(title)}</h1><ul class=\"list\">{rows}</ul>{pager}")


def _section_path(section: str, page: int) -> str:
    return f"/section/{section}/" if page == 1 else f"/section/{section}/page-{page}.html"


def _file_for(root: Path, path: str) -> Path:
    return root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def generate(root: Path, articles: int, seed: int = 1, image_size: tuple[int, int] = (160, 100)) -> Site:
    """Write the site under ``root`` and return its page inventory."""
    rng = random.Random(seed)
    site = Site(root=root)
    start = date(2024, 1, 1)
    items = [
        _Article(index=i, section=SECTIONS[i % len(SECTIONS)],
                 headline=_words(rng, 7).capitalize(), author=rng.choice(AUTHORS),
                 published=start + timedelta(days=i // 4),
                 paragraphs=tuple(_words(rng, 60).capitalize() + "." for _ in range(8)))
        for i in range(articles)
    ]
    files: dict[str, bytes | str] = {
        "/static/site.css": "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i % 999:03d}}}\n"
                                    for i in range(300)) + "body{font-family:serif;max-width:60em}",
        "/static/site.js": "document.documentElement.classList.add('js');",
        "/static/logo.png": _png(120, 40, rng),
        "/static/icons.png": _png(64, 16, rng),
    }
    for i, a in enumerate(items):
        related = [items[(i + k) % len(items)] for k in (1, 7, 31)]
        files[a.path] = _article_html(a, related)
        files[a.image] = _png(*image_size, rng)
        site.articles.append(a.path)
    newest = sorted(items, key=lambda a: (a.published, a.index), reverse=True)
    files["/index.html"] = _listing_html("Front page", newest[:PER_PAGE], "")
    site.listings.append("/index.html")
    for section in SECTIONS:
        in_section = [a for a in newest if a.section == section]
        pages = max(1, -(-len(in_section) // PER_PAGE))
        pager = "<nav class=\"pager\">" + " ".join(
            f'<a href="{_section_path(section, p)}">{p}</a>' for p in range(1, pages + 1)) + "</nav>"
        for p in range(1, pages + 1):
            chunk = in_section[(p - 1) * PER_PAGE:p * PER_PAGE]
            path = _section_path(section, p)
            files[path] = _listing_html(f"{section.title()} page {p}", chunk, pager)
            site.listings.append(path)
    for path, content in files.items():
        target = _file_for(root, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return site


def write_discovery(site: Site, dest: Path, base_url: str) -> None:
    """robots.txt and sitemap.xml for the site as served at ``base_url``."""
    dest.mkdir(parents=True, exist_ok=True)
    base = base_url.rstrip("/")
    (dest / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n")
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in site.articles)
    (dest / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')


def article_html(root: Path, path: str) -> bytes:
    """The generated bytes of one article, for the extraction timing."""
    return _file_for(root, path).read_bytes()
