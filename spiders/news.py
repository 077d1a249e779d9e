"""The generic news spider: every outlet is a profile, the crawling code is the same.

Discovery goes through sitemaps (Google News ones included), RSS/Atom feeds and
the links of front and section pages (rendered when the outlet builds them in
JavaScript). Article pages become ``Article`` items extracted from the
archived HTML; the spider itself only chooses links.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from archiver.capture.render import capture_of
from archiver.capture.source import archived_source
from archiver.session import ArchiveSession
from archiver.discovery import Entry, parse_feed, parse_sitemap, robots_sitemaps
from archiver.extraction.workers import ExtractionWorkers, default_workers
from archiver.frontier_commits import FrontierCommits
from archiver.outlets import OutletProfile, load_profiles, profile_for_url

FETCHABLE_SCHEMES = ("http", "https")


class NewsSpider(scrapy.Spider):
    name = "news"
    outlet: str | None = None            # a profile name; subclasses for one outlet set it

    def __init__(self, outlet: str | None = None, url: str | None = None,
                 base_url: str | None = None, config: str | None = None, resume: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        outlet = outlet or self.outlet
        if outlet:
            profiles = load_profiles(Path(config) if config else None)
            if outlet not in profiles:
                raise ValueError(f"unknown outlet {outlet!r}; `archiver outlets` lists them")
            profile = profiles[outlet]
        elif url:
            profile = profile_for_url(url)
        else:
            raise ValueError("give an outlet name or a start URL")
        self.profile: OutletProfile = profile.with_base_url(base_url) if base_url else profile
        self.allowed_domains = self.profile.allowed_domains
        self.pages_scheduled = 0
        self.scheduled: set[str] = set()   # pages this process scheduled (the state holds all of the crawl)
        self.unchanged: set[str] = set()   # known articles no listing showed newer
        self.too_old: set[str] = set()     # articles dated before --since
        self.resume = bool(resume)     # continue this crawl's frontier instead of starting over
        self.link_extractor = LinkExtractor(unique=True)   # hosts are checked by the profile
        self._extraction: ExtractionWorkers | None = None
        self._commits: FrontierCommits | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "NewsSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        return spider

    def item_scraped(self, item: Any, response: Response) -> None:
        self.commits.item_scraped(item, response)

    @property
    def extraction(self) -> ExtractionWorkers:
        """Extraction workers, started with the first article (settings are bound by then)."""
        if self._extraction is None:
            workers = self.settings.get("ARCHIVER_EXTRACTION_WORKERS")
            self._extraction = ExtractionWorkers(default_workers() if workers is None else int(workers))
        return self._extraction

    # --- limits --------------------------------------------------------------
    @property
    def max_pages(self) -> int:
        return self.settings.getint("ARCHIVER_MAX_PAGES")

    @property
    def since(self) -> str | None:
        return self.settings.get("ARCHIVER_SINCE")

    def _budget_left(self) -> bool:
        return not self.max_pages or self.pages_scheduled < self.max_pages

    def _too_old(self, date: str | None) -> bool:
        return bool(self.since and date and date[:10] < self.since[:10])

    # --- requests ------------------------------------------------------------
    @property
    def session(self) -> ArchiveSession:
        return ArchiveSession.of(self.crawler)

    @property
    def commits(self) -> FrontierCommits:
        """When pages count as done in the crawl state (archiver.frontier_commits)."""
        if self._commits is None:
            self._commits = FrontierCommits(self.session, self.profile.name)
        return self._commits

    def _page_request(self, url: str, kind: str, depth: int, listed_date: str | None = None,
                      resumed: bool = False, **meta: Any) -> scrapy.Request | None:
        if not url.startswith(FETCHABLE_SCHEMES) or not self._budget_left():
            return None
        state, crawl_id = self.session.state, self.session.crawl_id
        if not resumed and (url in self.scheduled or (self.resume and state.is_scheduled(crawl_id, url))):
            return None                       # found again by another route in this crawl
        if kind == "article" and state.is_unchanged(url, listed_date):
            self.unchanged.add(url)
            return None
        self.pages_scheduled += 1
        self.scheduled.add(url)
        state.enqueue(crawl_id, url, kind, depth, listed_date)
        meta["archiver_listed_date"] = listed_date
        callback = self.parse_article if kind == "article" else self.parse_page
        return scrapy.Request(url, callback=callback, errback=self.page_failed,
                              meta={"archiver_kind": kind, "archiver_depth": depth, **meta},
                              priority=1 if kind == "page" else 0)

    def _listing_request(self, url: str, kind: str) -> scrapy.Request:
        callback = self.parse_sitemap if kind == "sitemap" else self.parse_feed
        return scrapy.Request(url, callback=callback, meta={"archiver_kind": kind}, priority=2)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.resume:
            self.commits.recover()
            pending = self.session.state.pending(self.session.crawl_id)
            self.logger.info("resuming %s: %d pages still to archive", self.session.crawl_id, len(pending))
            for entry in pending:
                request = self._page_request(entry.url, entry.kind, entry.depth, entry.listed_date,
                                             resumed=True)
                if request:
                    yield request.replace(dont_filter=True)
        # a resumed crawl looks again too: a kill may have cut off a listing before its links were scheduled
        for url in map(self.profile.absolute, self.profile.start_urls):
            kind = "article" if self.profile.is_article(url) else "page"
            request = self._page_request(url, kind, 0)
            if request:
                yield request
        for url in self.profile.sitemaps:
            yield self._listing_request(self.profile.absolute(url), "sitemap")
        for url in self.profile.feeds:
            yield self._listing_request(self.profile.absolute(url), "feed")

    def _entries_to_requests(self, entries: list[Entry], via: str) -> Iterator[scrapy.Request]:
        for entry in entries:
            if not (self.profile.is_own(entry.url) and self.profile.is_article(entry.url)):
                continue
            if self._too_old(entry.date):
                self.too_old.add(entry.url)
                continue
            request = self._page_request(entry.url, "article", 1, entry.date, archiver_via=via)
            if request:
                yield request

    # --- callbacks -----------------------------------------------------------
    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if response.url.endswith("/robots.txt"):
            for url in robots_sitemaps(response.body):
                yield self._listing_request(url, "sitemap")
            return
        sitemap = parse_sitemap(response.body)
        if sitemap.is_index:
            for entry in sitemap.entries:
                yield self._listing_request(entry.url, "sitemap")
        else:
            yield from self._entries_to_requests(sitemap.entries, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._entries_to_requests(parse_feed(response.body), "feed")

    def _follow_links(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        depth = response.meta.get("archiver_depth", 0) + 1
        if depth > self.settings.getint("ARCHIVER_DEPTH"):
            return
        for link in self.link_extractor.extract_links(response):
            url = link.url.split("#", 1)[0]
            if not self.profile.is_own(url):
                continue
            if self.profile.is_article(url):
                request = self._page_request(url, "article", depth)
            elif self.profile.is_listing(url):
                request = self._page_request(url, "page", depth)
            else:
                continue
            if request:
                yield request

    def _requisites(self, response: Response) -> Iterator[scrapy.Request]:
        """Images, stylesheets, scripts and icons of a page fetched without the browser.

        A rendered page's requisites were recorded as the browser loaded them; a
        plain fetch must ask for them itself, or the archive cannot replay it.
        """
        if not isinstance(response, TextResponse) or capture_of(response) is not None:
            return
        refs = response.css("img::attr(src), img::attr(data-src), link[rel~=stylesheet]::attr(href), "
                            "script::attr(src), "
                            "link[rel~=icon]::attr(href)").getall()
        for ref in dict.fromkeys(refs):
            url = response.urljoin(ref.strip())
            if url.startswith(FETCHABLE_SCHEMES):
                yield scrapy.Request(url, callback=self.parse_requisite,
                                     meta={"archiver_kind": "requisite", "allow_offsite": True},
                                     priority=-1)

    def parse_requisite(self, response: Response) -> None:
        """Recorded by the fetch recorder already; nothing to extract."""
        self.crawler.stats.inc_value("archiver/requisites")
        return None

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        self.crawler.stats.inc_value("archiver/pages")
        yield from self._requisites(response)
        yield from self._follow_links(response)
        self.commits.page_handled(response.request)       # its links are in the frontier now

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        # links first: the crawl goes on fetching while the article is extracted
        for request in self._requisites(response):
            yield request
        for request in self._follow_links(response):
            yield request
        source = archived_source(response)
        article = await self.extraction.extract(source.body, source.url, outlet=self.profile.name,
                                                selectors=self.profile.selectors, encoding=source.encoding)
        if source.record is not None:
            article.warc = {"filename": source.record.filename, "record_id": source.record.record_id,
                            "offset": source.record.offset}
            article.captured_at = source.record.warc_date
        else:
            article.extraction["warnings"].append("no WARC record for this response")
            article.captured_at = datetime.now(timezone.utc).isoformat()
        if source.capture is not None and source.capture.screenshot:
            article.screenshot = source.capture.screenshot
        archived = self.commits.article(article, response, source.body)
        if self._too_old(article.date_published):
            self.too_old.add(response.url)
            self.commits.commit(archived, response.request)     # no item to wait for
        else:
            self.crawler.stats.inc_value("archiver/articles")
            self.commits.await_item(archived, response)
            yield article

    def closed(self, reason: str) -> None:
        """Unchanged = known articles no route of this crawl found newer (another may have)."""
        if self._extraction is not None:
            self._extraction.close()
        state, crawl_id = self.session.state, self.session.crawl_id
        unchanged = sum(1 for url in self.unchanged
                        if url not in self.scheduled and not (self.resume and state.is_scheduled(crawl_id, url)))
        self.crawler.stats.set_value("archiver/articles/unchanged", unchanged)
        self.crawler.stats.set_value("archiver/articles/skipped/since", len(self.too_old))

    def page_failed(self, failure) -> None:
        """Count the page under its reason (archiver.failures) and go on; non-2xx arrive as HttpError."""
        from archiver.failures import FailureReason, count_failure, failure_reason, stop_on_disk_full
        request = failure.request
        reason = failure_reason(failure, request)
        if reason == FailureReason.DISK_FULL:
            stop_on_disk_full(self.crawler, failure.value)    # counts it once; the crawl stops
            return
        count_failure(self.crawler, reason, request.url, failure.getErrorMessage())
