"""Finding article URLs in robots.txt, sitemaps and feeds: pure functions over the bytes.

Memory stays bounded whatever a site serves: a gzipped body is inflated with
Scrapy's ``gunzip(max_size=)`` (a gzip bomb stops at the cap), and documents
are read with ``lxml.etree.iterparse``, clearing each ``<url>``/``<item>``
once read, so a sitemap with millions of URLs never becomes one tree. A
document over the caps raises (bytes) or is cut (URL count) and says so:
the crawl counts it as ``too-large`` and goes on with its other sources.

Scrapy's sitemap parser keeps only direct children of ``<url>``, so the
Google News ``<news:publication_date>`` and ``<news:title>`` are lost; we
read them ourselves. Feeds (RSS 2.0 and Atom) give links and dates too, so
an incremental run can skip unchanged articles without fetching them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from io import BytesIO
from urllib.parse import urljoin

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

GZIP_MAGIC = b"\x1f\x8b"


class ListingTooLarge(ValueError):
    """A sitemap or feed whose decompressed body exceeds the size cap."""


@dataclass(frozen=True)
class Entry:
    url: str
    date: str | None = None          # the newest date the listing gives (lastmod, pubDate, updated)
    title: str | None = None


@dataclass
class Listing:
    """What one sitemap or feed listed; ``too_large`` when reading stopped at ARCHIVER_SITEMAP_MAX_URLS."""

    is_index: bool = False
    entries: list[Entry] = field(default_factory=list)
    too_large: bool = False



def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(node, *names: str) -> str | None:
    for child in node.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def decompressed(body: bytes, max_size: int = 0) -> bytes:
    """The body, inflated if it is gzip (a ``.xml.gz`` file), never past `max_size` bytes (0: no cap)."""
    if body[:2] != GZIP_MAGIC:
        if max_size and len(body) > max_size:
            raise ListingTooLarge(f"{len(body)} bytes, over the cap of {max_size}")
        return body
    try:
        return gunzip(body, max_size=max_size)
    except (OSError, EOFError):
        return b""                       # not gzip after all, or nothing readable
    except ValueError as exc:            # scrapy's decompression cap
        raise ListingTooLarge(f"over {max_size} bytes once decompressed ({len(body)} on the wire)") from exc


def _elements(body: bytes, max_size: int, names: tuple[str, ...]) -> Iterator[tuple[str, object]]:
    """(root tag, element) for each element named `names`, read incrementally and then freed."""
    data = decompressed(body, max_size)
    if not data.strip():
        return
    root_tag = ""
    events = etree.iterparse(BytesIO(data), events=("start", "end"), recover=True, resolve_entities=False,
                             no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        for event, element in events:
            if event == "start":
                root_tag = root_tag or _local(element.tag)
                continue
            if _local(element.tag) not in names:
                continue
            yield root_tag, element
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]            # siblings already read: keep the tree one element deep
    except etree.XMLSyntaxError:
        return                           # what was read before the damage stands


def parse_sitemap(body: bytes, base_url: str = "", *, max_size: int = 0, max_urls: int = 0) -> Listing:
    """A sitemap index or urlset, Google News extensions included; relative ``<loc>`` joined to `base_url`."""
    listing = Listing()
    for root_tag, node in _elements(body, max_size, ("url", "sitemap")):
        listing.is_index = root_tag == "sitemapindex"
        loc = _child_text(node, "loc")
        if not loc:
            continue
        if max_urls and len(listing.entries) >= max_urls:
            listing.too_large = True
            break
        lastmod = _child_text(node, "lastmod")
        news_date = _child_text(node, "publication_date")
        listing.entries.append(Entry(urljoin(base_url, loc), max(filter(None, (lastmod, news_date)), default=None),
                                     _child_text(node, "title")))
    return listing


def _rfc822_to_iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return value


def parse_feed(body: bytes, base_url: str = "", *, max_size: int = 0, max_urls: int = 0) -> Listing:
    """Items of an RSS 2.0 or Atom feed."""
    listing = Listing()
    for _, node in _elements(body, max_size, ("item", "entry")):
        if _local(node.tag) == "item":
            link = _child_text(node, "link") or _child_text(node, "guid")
            date = _rfc822_to_iso(_child_text(node, "pubDate", "date"))
        else:
            link_node = next((c for c in node if _local(c.tag) == "link"
                              and c.get("rel", "alternate") == "alternate"), None)
            link = link_node.get("href") if link_node is not None else None
            date = _child_text(node, "updated", "published")
        if not link:
            continue
        if max_urls and len(listing.entries) >= max_urls:
            listing.too_large = True
            break
        listing.entries.append(Entry(urljoin(base_url, link.strip()), date, _child_text(node, "title")))
    return listing


def robots_sitemaps(body: bytes, base_url: str = "") -> list[str]:
    """``Sitemap:`` lines of a robots.txt, relative ones joined to `base_url` (Scrapy's reader)."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=base_url)))
