"""Routes of the `themoscowtimes` sample outlet (URL scheme of www.themoscowtimes.com).

    /                                   front page, articles fetched from /api/1/home by JS
    /api/1/home                         JSON list of the latest articles
    /news /opinion /business ...        section pages (6 articles + "View more articles")
    /news/6                             XHR fragment with the next 6 excerpts (offset in the path)
    /YYYY/MM/DD/<slug>-a<id>            article
    /tag/<slug>, /author/<slug>         tag and author listings
    /rss/all, /rss/<section>            RSS 2.0: the 50 latest, and each section's (config/routes.php)
    /sitemap/...                        301 to the static host (public/.htaccess)
    /robots.txt                         public/robots.txt: Sitemap: <static host>/sitemap/sitemap.xml
    /static/..., /image/<preset>/<xx>/<name>.jpg, /embed/...

The static host (``TheMoscowTimesStatic``, a second port) serves what
app/Command/Sitemap.php and Newsmap.php write: /sitemap/sitemap.xml (index
of monthly /sitemap/YYYY-M.xml), /sitemap/newsmap.xml (index of the Google
News sitemaps /sitemap/<section>.xml). There is no /sitemap.xml on www.
One deliberate difference: the monthly sitemaps give each URL a <lastmod>
(Sitemap.php writes <loc> only), so incremental runs have a changed date to
find on the sample; on the real site a changed article shows in no listing.
"""

from __future__ import annotations

import secrets
from html import escape

from archiver.sample import mt_templates as t
from archiver.sample.site import (Outlet, Request, Response, as_json, html, photo, redirect, slugify, static_file,
                                 text, xml)

from archiver.sample.xmlfeeds import FeedItem, SitemapEntry, rss, sitemap_index, urlset

PAGE = 6
SECTION_RE = "|".join(t.SECTIONS)
FEED_SIZE = 50
# rss/:section of config/routes.php -> the sample's section (None: a section the sample has no articles in)
FEEDS = {"news": "news", "opinion": "opinion", "city": "arts-and-life", "arts-and-life": "arts-and-life",
         "meanwhile": None, "podcasts": None, "in-depth": None}
# Newsmap.php's sections (internal names) -> the sample's section
NEWSMAP_SECTIONS = {"news": "news", "opinion": "opinion", "meanwhile": None, "city": "arts-and-life",
                    "business": "business", "climate": "climate", "diaspora": None, "ukraine_war": None,
                    "lecture_series": None}
ROBOTS = ("User-agent: *\nDisallow: /preview/\nDisallow: /search/\nDisallow: /api/\nAllow: /api/1/home\n"
          "Disallow: *?utm\nDisallow: *&utm\n\n")


class TheMoscowTimesStatic(Outlet):
    """static.themoscowtimes.com: the sitemap files the outlet's console commands write."""

    name = "themoscowtimes-static"
    public_base = "https://static.themoscowtimes.com"
    routes = [
        (r"/sitemap/sitemap\.xml", "sitemap_index"),
        (r"/sitemap/(?P<year>\d{4})-(?P<month>\d{1,2})\.xml", "sitemap_month"),
        (r"/sitemap/newsmap\.xml", "newsmap"),
        (r"/sitemap/(?P<section>[a-z_]+)\.xml", "newsmap_section"),
        (r"/robots\.txt", "robots"),
    ]

    def _months(self) -> dict[tuple[int, int], list]:
        months: dict[tuple[int, int], list] = {}
        for a in self.store.articles():
            months.setdefault((int(a["date_published"][:4]), int(a["date_published"][5:7])), []).append(a)
        return months

    def sitemap_index(self, request: Request) -> Response:
        """Sitemap.php bundle(): the monthly files, newest first, each with its file's time."""
        months = self._months()
        doc = sitemap_index([(f"{request.base}/sitemap/{y}-{m}.xml", max(a["date_modified"] for a in months[y, m]))
                             for y, m in sorted(months, reverse=True)])
        return xml(doc, last_modified=self.store.mtime)

    def sitemap_month(self, request: Request, year: str, month: str) -> Response | None:
        """Sitemap.php month(): every article of the month (plus <lastmod>, see the module docstring)."""
        items = self._months().get((int(year), int(month)))
        if items is None or month != str(int(month)):
            return None
        return xml(urlset([SitemapEntry(self.peer_base + a["url"], a["date_modified"]) for a in items]),
                   last_modified=self.store.mtime)

    def newsmap(self, request: Request) -> Response:
        doc = sitemap_index([(f"{request.base}/sitemap/{section}.xml", None) for section in NEWSMAP_SECTIONS])
        return xml(doc, last_modified=self.store.mtime)

    def newsmap_section(self, request: Request, section: str) -> Response | None:
        """Newsmap.php section(): a Google News sitemap of the section's latest 100."""
        if section not in NEWSMAP_SECTIONS:
            return None
        ours = NEWSMAP_SECTIONS[section]
        items = self.articles(ours)[:100] if ours else []
        entries = [SitemapEntry(self.peer_base + a["url"], news_title=a["title"], news_published=a["date_published"])
                   for a in items]
        return xml(urlset(entries, publication="The Moscow Times"), last_modified=self.store.mtime)

    def robots(self, request: Request) -> Response:
        return text("User-agent: *\nAllow: /\n")


class TheMoscowTimes(Outlet):
    name = "themoscowtimes"
    companion = TheMoscowTimesStatic
    public_base = t.PUBLIC
    assets = {"/static/": ""}
    routes = [
        (r"/", "home"),
        (r"/api/1/home", "api_home"),
        (rf"/(?P<section>{SECTION_RE})", "section"),
        (rf"/(?P<section>{SECTION_RE})/(?P<offset>[0-9]+)", "section_more"),
        (r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+-a\d+", "article"),
        (r"/tag/(?P<slug>[a-z0-9-]+)", "tag"),
        (r"/author/(?P<slug>[a-z0-9-]+)", "author"),
        (r"/rss/(?P<feed>[a-z-]+)", "feed"),
        (r"/sitemap/.+", "to_static"),
        (r"/robots\.txt", "robots"),
        (r"/favicon\.ico", "favicon"),
        (r"/image/(?P<preset>[a-z0-9_]+)/(?P<hash>[0-9a-f]{2})/(?P<file>[a-z0-9-]+\.jpg)", "image"),
        (r"/embed/twitter/(?P<handle>\w+)/status/(?P<status>\d+)", "embed_tweet"),
        (r"/embed/telegram/(?P<channel>\w+)/(?P<post>\d+)", "embed_telegram"),
    ]

    def home(self, request: Request) -> Response:
        return html(t.home_page(request.base), last_modified=self.store.mtime, cache_control="public, max-age=60")

    def api_home(self, request: Request) -> Response:
        items = [t.excerpt_json(request.base, a) for a in self.store.articles()[:24]]
        return as_json({"articles": items}, last_modified=self.store.mtime)

    def section(self, request: Request, section: str) -> Response:
        items = self.articles(section)
        more = f"{request.base}/{section}/{{{{offset}}}}" if len(items) > PAGE else None
        page = t.index_page(request.base, t.SECTIONS[section], f"/{section}", items[:PAGE], more, PAGE, PAGE, section)
        return html(page, last_modified=self.store.mtime, cache_control="public, max-age=60")

    def section_more(self, request: Request, section: str, offset: str) -> Response:
        start = int(offset)
        chunk = self.articles(section)[start:start + PAGE]
        return html(t.more_fragment(request.base, chunk, section), last_modified=self.store.mtime,
                    cache_control="public, max-age=60")

    def article(self, request: Request) -> Response | None:
        a = self.store.by_url(request.path)
        if a is None:
            return None
        everything = self.store.articles()
        recent = [r for r in everything if r is not a][:5]
        more = [r for r in everything if r["section"] == a["section"] and r is not a][:4]
        return self.article_response(
            request, a, lambda shown: t.article_page(request.base, shown, self.store.by_url, recent, more))

    def tag(self, request: Request, slug: str) -> Response | None:
        items = [a for a in self.store.articles() if slug in {slugify(x) for x in a["tags"]}]
        if not items:
            return None
        name = next(x for x in items[0]["tags"] if slugify(x) == slug)
        page = t.index_page(request.base, f'Articles with tag "{name}"', f"/tag/{slug}", items, None, 0, 0)
        return html(page, last_modified=self.store.mtime)

    def author(self, request: Request, slug: str) -> Response | None:
        items = [a for a in self.store.articles() if slug in {slugify(x) for x in a["authors"]}]
        if not items:
            return None
        name = next(x for x in items[0]["authors"] if slugify(x) == slug)
        page = t.index_page(request.base, name, f"/author/{slug}", items, None, 0, 0)
        return html(page, last_modified=self.store.mtime)

    def feed(self, request: Request, feed: str) -> Response | None:
        if feed == "all":
            items = self.store.articles()[:FEED_SIZE]
        elif feed in FEEDS:
            items = self.articles(FEEDS[feed])[:FEED_SIZE] if FEEDS[feed] else []
        else:
            return None
        doc = rss("The Moscow Times - Independent News From Russia", f"{request.base}/{feed}",
                  f"{request.base}/rss/{feed}",
                  "The Moscow Times offers everything you need to know about Russia: Breaking news, top stories, "
                  "business, analysis, opinion, multimedia",
                  [FeedItem(a["title"], request.base + a["url"], a["subtitle"] or t.teaser(a), a["date_published"])
                   for a in items],
                  build_date=max((a["date_modified"] for a in items), default="2025-01-12T12:00:00+03:00"))
        return xml(doc, content_type="application/rss+xml; charset=utf-8", last_modified=self.store.mtime,
                   cache_control="public, max-age=600")

    def to_static(self, request: Request) -> Response:
        """public/.htaccess: "rewrite sitemaps to static" (a 301 to the static host, same path)."""
        return redirect(self.peer_base + request.path)

    def robots(self, request: Request) -> Response:
        return text(ROBOTS + f"Sitemap: {self.peer_base}/sitemap/sitemap.xml\n")

    def favicon(self, request: Request) -> Response | None:
        return static_file("mt/img/favicon.png")

    def image(self, request: Request, preset: str, hash: str, file: str) -> Response:  # noqa: A002
        return photo(file)

    def embed_tweet(self, request: Request, handle: str, status: str) -> Response:
        return html(f"<!DOCTYPE html><html><head><title>@{escape(handle)}</title></head><body>"
                    f'<p class="tweet">Post {escape(status)} by @{escape(handle)}</p></body></html>')

    def embed_telegram(self, request: Request, channel: str, post: str) -> Response:
        return html('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram</title></head><body>'
                    f'<div class="tgme_widget_message" data-post="{escape(channel)}/{escape(post)}">'
                    f'<div class="tgme_widget_message_author">{escape(channel)}</div>'
                    '<div class="tgme_widget_message_text">Air defense systems repelled a drone attack overnight.'
                    "</div></div></body></html>")

    def link_headers(self, request: Request, response: Response) -> list[str]:
        links = [f'<{request.base}/static/mt/main.css?v=1736600000>; rel=preload; as=style']
        a = self.store.by_url(request.path)
        if a is not None:
            links.append(f'<{a["original_url"]}>; rel="canonical"')
        else:
            links.append(f'<{request.base}/static/mt/main.js>; rel=preload; as=script')
        return links

    def cookies(self, request: Request) -> list[str]:
        return [f"PHPSESSID={secrets.token_hex(13)}; path=/; HttpOnly; SameSite=Lax",
                f"mt_visitor={secrets.token_hex(8)}; Max-Age=31536000; path=/; SameSite=Lax"]
