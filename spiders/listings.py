"""The spider's discovery through the outlet's own listings: robots.txt, sitemaps and feeds.

Sitemap hosts: a sitemap is read when it is on the outlet's own host, on a
host of the profile's ``sitemap_hosts``, or on a host the outlet's own
robots.txt names in a ``Sitemap:`` line (the sitemaps.org rule: robots.txt on
the outlet's host vouches for a sitemap elsewhere). Reading a sitemap there
never widens the pages crawled: only the outlet's own article URLs are
fetched. robots.txt is read before the profile's sitemaps, so the hosts it
names are known when those (and their redirects) arrive.

Every listing is fetched with ``download_maxsize`` at ARCHIVER_SITEMAP_MAX_SIZE
(Scrapy's handler caps the wire, HttpCompressionMiddleware the decompressed
body) and parsed by ``archiver.discovery`` under the same cap; an oversized one
is counted as ``too-large`` and the crawl goes on with its other sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from archiver.discovery import Entry, Listing, ListingTooLarge, parse_feed, parse_sitemap, robots_sitemaps
from archiver.failures import count_failure, failure_handled, failure_reason
from archiver.sources import SourceRecord

JUDGE_META_KEY = "archiver_judge_page"   # an article only if the page reads as one (archiver.verdict)
FETCHABLE_SCHEMES = ("http", "https")


def requested_url(response: Response) -> str:
    """The URL the spider asked for (after a redirect, ``response.url`` is where it ended)."""
    request = response.request
    return request.meta.get("archiver_url", request.url) if request is not None else response.url


class ListingsMixin:
    """robots.txt, sitemap and feed requests and callbacks of ``NewsSpider``.

    The spider provides ``profile``, ``sources`` (a SourceLog), ``listings_seen``,
    ``robots_hosts``, ``session``, ``_too_old`` (--since), and ``_claim``/``_request`` to take articles on (a Visit, or None).
    """

    def _sitemap_allowed(self, url: str) -> bool:
        return self.profile.is_sitemap_host(url) or urlsplit(url).netloc.lower() in self.robots_hosts

    def _listing_request(self, url: str, kind: str) -> scrapy.Request | None:
        """A robots.txt, sitemap or feed request, capped at ARCHIVER_SITEMAP_MAX_SIZE (wire and decompressed)."""
        if url in self.listings_seen or not url.startswith(FETCHABLE_SCHEMES):
            return None
        if kind == "sitemap" and not self._sitemap_allowed(url):
            self.sources.record(url, kind).status = "offsite"
            self.logger.warning("sitemap %s is on none of the outlet's hosts; add its host to the profile's "
                                "sitemap_hosts to read it", url)
            return None
        self.listings_seen.add(url)
        callback = {"robots": self.parse_robots, "sitemap": self.parse_sitemap, "feed": self.parse_feed}[kind]
        max_size = self.settings.getint("ARCHIVER_SITEMAP_MAX_SIZE")
        return scrapy.Request(url, callback=callback, errback=self.listing_failed, priority=100,
                              meta={"archiver_kind": kind, "archiver_url": url, "allow_offsite": True,
                                    "download_maxsize": max_size,
                                    "download_warnsize": min(max_size, self.settings.getint("DOWNLOAD_WARNSIZE"))})

    def _profile_sitemaps(self) -> Iterator[scrapy.Request]:
        """The profile's own sitemaps, once robots.txt has named the hosts it vouches for."""
        for url in self.profile.sitemaps:
            url = self.profile.absolute(url)
            if urlsplit(url).path != "/robots.txt":        # robots.txt is always read anyway
                request = self._listing_request(url, "sitemap")
                if request:
                    yield request

    def _entries_to_requests(self, entries: list[Entry], source: SourceRecord) -> Iterator[scrapy.Request]:
        """Articles of the outlet's own host among a sitemap's or feed's entries, recorded for coverage."""
        source.listed += len(entries)
        articles = [e for e in entries if self.profile.is_own(e.url) and self.profile.is_article(e.url)]
        source.articles += len(articles)
        self.session.state.record_listed(self.session.crawl_id, self.profile.name, source.url, source.kind,
                                         [(e.url, e.date) for e in articles])
        judged = [e for e in entries if self.profile.judge_sitemap_pages and source.kind == "sitemap"
                  and self.profile.is_own(e.url) and not self.profile.is_article(e.url)
                  and not self.profile.is_excluded(e.url) and not self._skips_link(e.url)]
        for entry in articles + judged:
            if self._too_old(entry.date):
                self.too_old.add(entry.url)
                continue
            visit = self._claim(entry.url, "article", 1, entry.date)
            if visit is not None:
                source.new += not visit.recheck        # a re-check of a known article is not new
                request = self._request(entry.url, "article", 1, entry.date, visit, archiver_via=source.kind,
                                        **({JUDGE_META_KEY: True} if entry in judged else {}))
                if request:
                    yield request

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """robots.txt of the outlet: every ``Sitemap:`` line it names is the outlet's, on any host."""
        record = self.sources.record(requested_url(response), "robots")
        urls = robots_sitemaps(response.body, base_url=response.url) if self.profile.is_own(response.url) else []
        record.listed = len(urls)
        self.robots_hosts.update(urlsplit(url).netloc.lower() for url in urls)
        for url in urls:
            request = self._listing_request(url, "sitemap")
            if request:
                yield request
        yield from self._profile_sitemaps()

    def _read_listing(self, response: Response, kind: str) -> tuple[SourceRecord, Listing | None]:
        """The parsed sitemap or feed, or None (counted as a failure) when it is too large or offsite."""
        record = self.sources.record(requested_url(response), kind)
        if kind == "sitemap" and not self._sitemap_allowed(response.url):
            record.status = "offsite"         # redirected to a host that is not the outlet's
            self.logger.warning("sitemap %s redirected off the outlet's hosts to %s; not read", record.url,
                                response.url)
            return record, None
        parse = parse_sitemap if kind == "sitemap" else parse_feed
        try:
            listing = parse(response.body, response.url, max_size=self.settings.getint("ARCHIVER_SITEMAP_MAX_SIZE"),
                            max_urls=self.settings.getint("ARCHIVER_SITEMAP_MAX_URLS"))
        except ListingTooLarge as exc:
            record.status = "too-large"
            count_failure(self.crawler, "too-large", response.url, f"{kind} {exc}; archived as fetched, not read")
            return record, None
        if listing.too_large:
            record.status = "too-large"
            count_failure(self.crawler, "too-large", response.url,
                          f"{kind} lists more than {len(listing.entries)} URLs; the first ones are used")
        return record, listing

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        record, sitemap = self._read_listing(response, "sitemap")
        if sitemap is None:
            return
        if sitemap.is_index:
            record.kind = "sitemap-index"
            record.listed += len(sitemap.entries)
            for entry in sitemap.entries:
                if self._too_old(entry.date):
                    continue                  # a sitemap file last changed before --since lists nothing newer
                request = self._listing_request(entry.url, "sitemap")
                if request:
                    yield request
        else:
            yield from self._entries_to_requests(sitemap.entries, record)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        record, feed = self._read_listing(response, "feed")
        if feed is not None:
            yield from self._entries_to_requests(feed.entries, record)

    def listing_failed(self, failure) -> Iterator[scrapy.Request]:
        """A robots.txt, sitemap or feed that could not be read: counted (a missing robots.txt is not), and on."""
        yield from self._listing_failed(failure)
        self.crawler.signals.send_catch_log(signal=failure_handled, request=failure.request)

    def _listing_failed(self, failure) -> Iterator[scrapy.Request]:
        request = failure.request
        kind = request.meta.get("archiver_kind", "sitemap")
        reason = failure_reason(failure, request)
        self.sources.record(request.meta.get("archiver_url", request.url), kind).status = reason
        if kind == "robots":
            if reason not in ("http-404", "http-410"):
                count_failure(self.crawler, reason, request.url, failure.getErrorMessage())
            yield from self._profile_sitemaps()
            return
        count_failure(self.crawler, reason, request.url, failure.getErrorMessage())
