"""RSS and sitemap documents (sitemaps.org, Google News), shared by the outlets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


def rfc2822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso))


@dataclass
class SitemapEntry:
    loc: str
    lastmod: str | None = None
    news_title: str | None = None          # set for Google News sitemaps
    news_published: str | None = None
    news_language: str = "en"


def sitemap_index(locs: list[tuple[str, str | None]]) -> str:
    rows = "".join(
        f"<sitemap><loc>{escape(loc)}</loc>" + (f"<lastmod>{escape(mod)}</lastmod>" if mod else "") + "</sitemap>\n"
        for loc, mod in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</sitemapindex>\n")


def urlset(entries: list[SitemapEntry], publication: str | None = None) -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if publication else ""
    rows = []
    for e in entries:
        row = f"<url><loc>{escape(e.loc)}</loc>"
        if e.lastmod:
            row += f"<lastmod>{escape(e.lastmod)}</lastmod>"
        if publication and e.news_title:
            row += ("<news:news><news:publication>"
                    f"<news:name>{escape(publication)}</news:name><news:language>{e.news_language}</news:language>"
                    "</news:publication>"
                    f"<news:publication_date>{escape(e.news_published or '')}</news:publication_date>"
                    f"<news:title>{escape(e.news_title)}</news:title></news:news>")
        rows.append(row + "</url>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>\n' + "".join(rows) + "</urlset>\n")


@dataclass
class FeedItem:
    title: str
    link: str
    description: str
    published: str  # ISO 8601


def rss(title: str, link: str, self_link: str, description: str, items: list[FeedItem],
        build_date: str, language: str = "en-us") -> str:
    """RSS 2.0 with an atom:link self reference, in the shape of The Moscow Times' rss view."""
    body = "".join(
        "\t\t<item>\n"
        f"\t\t\t<title>{escape(i.title)}</title>\n"
        f"\t\t\t<link>{escape(i.link)}</link>\n"
        f"\t\t\t<description>{escape(i.description)}</description>\n"
        f"\t\t\t<pubDate>{rfc2822(i.published)}</pubDate>\n"
        f"\t\t\t<guid>{escape(i.link)}</guid>\n"
        "\t\t</item>\n" for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">\n\t<channel>\n'
            f"\t\t<title>{escape(title)}</title>\n\t\t<link>{escape(link)}</link>\n"
            f"\t\t<description>{escape(description)}</description>\n"
            f'\t\t<atom:link rel="self" href="{escape(self_link)}"></atom:link>\n'
            f"\t\t<language>{language}</language>\n\t\t<lastBuildDate>{rfc2822(build_date)}</lastBuildDate>\n"
            "\t\t<ttl>600</ttl>\n" + body + "\t</channel>\n</rss>\n")
