"""Finding article URLs in sitemaps and feeds: pure functions over the bytes.

Scrapy's sitemap parser keeps only direct children of ``<url>``, so the
Google News ``<news:publication_date>`` and ``<news:title>`` are lost; we
read them ourselves. Feeds (RSS 2.0 and Atom) give links and dates too, so
an incremental run can skip unchanged articles without fetching them.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from lxml import etree

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Entry:
    url: str
    date: str | None = None          # the newest date the listing gives (lastmod, pubDate, updated)
    title: str | None = None


@dataclass(frozen=True)
class Sitemap:
    is_index: bool
    entries: list[Entry]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(node, *names: str) -> str | None:
    for child in node.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def _root(body: bytes):
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    return etree.fromstring(body, parser=_PARSER) if body.strip() else None


def parse_sitemap(body: bytes) -> Sitemap:
    """A sitemap index or urlset, Google News extensions included."""
    root = _root(body)
    if root is None:
        return Sitemap(False, [])
    is_index = _local(root.tag) == "sitemapindex"
    entries = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        lastmod = _child_text(node, "lastmod")
        news_date = _child_text(node, "publication_date")
        entries.append(Entry(loc, max(filter(None, (lastmod, news_date)), default=None),
                             _child_text(node, "title")))
    return Sitemap(is_index, entries)


def _rfc822_to_iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return value


def parse_feed(body: bytes) -> list[Entry]:
    """Items of an RSS 2.0 or Atom feed."""
    root = _root(body)
    if root is None:
        return []
    entries = []
    for node in root.iter():
        name = _local(node.tag)
        if name == "item":
            link = _child_text(node, "link") or _child_text(node, "guid")
            date = _rfc822_to_iso(_child_text(node, "pubDate", "date"))
        elif name == "entry":
            link_node = next((c for c in node if _local(c.tag) == "link"
                              and c.get("rel", "alternate") == "alternate"), None)
            link = link_node.get("href") if link_node is not None else None
            date = _child_text(node, "updated", "published")
        else:
            continue
        if link:
            entries.append(Entry(link.strip(), date, _child_text(node, "title")))
    return entries


def robots_sitemaps(body: bytes) -> list[str]:
    """``Sitemap:`` lines of a robots.txt."""
    urls = []
    for line in body.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            urls.append(value.strip())
    return urls
