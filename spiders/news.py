"""The generic news spider: every outlet is a profile, the crawling code is the same.

Discovery goes the way the site itself lists its coverage: robots.txt (always
read: its ``Sitemap:`` lines), sitemaps, sitemap indexes and Google News
sitemaps on the outlet's hosts, RSS/Atom feeds, and the links of front and
section pages (rendered when the outlet builds them in JavaScript). A site
given by URL has every same-host HTML link followed up to ``--depth``. Article
pages become ``Article`` items extracted from the archived HTML and, for a
rendered page, its archived DOM (archiver.capture.source); the spider itself
only chooses links.
The listings (robots.txt, sitemaps, feeds) are read by ``spiders.listings``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.utils.url import url_has_any_extension

from archiver.capture.fetch import CONFIRMS_META_KEY, RENDER_ON_CHANGE_META_KEY
from archiver.capture.render import capture_of
from archiver.capture.walls import WALL_META_KEY, wall_of
from archiver.capture.source import archived_source, point_at_records, text_record
from archiver.crawl.session import ArchiveSession
from archiver.extraction.workers import ExtractionWorkers, default_workers
from archiver.failures import FailureReason, count_failure, failure_handled, failure_reason, stop_on_disk_full
from archiver.history.tracker import HistoryTracker, Visit, validators_of
from archiver.crawl.frontier_commits import FrontierCommits
from archiver.outlets import OutletProfile, load_profiles, profile_for_url
from archiver.profiles.crawl import LoginSession
from archiver.profiles.recipe import Session
from archiver.sources import SourceLog
from archiver.verdict import Access, reads_as_article
from spiders.listings import FETCHABLE_SCHEMES, JUDGE_META_KEY, ListingsMixin, requested_url

# what stood in an article's place (archiver.verdict, archiver.capture.walls); a teaser is "partial"
WALL_REASONS = (FailureReason.CHALLENGE, FailureReason.SOFT_404, FailureReason.CONSENT_WALL)


NOT_PAGES = tuple(f".{extension}" for extension in IGNORED_EXTENSIONS)   # as LinkExtractor leaves them out


class NewsSpider(ListingsMixin, scrapy.Spider):
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
        self.sources = SourceLog()         # what each robots.txt, sitemap, feed and page gave
        self.listings_seen: set[str] = set()   # sitemaps and feeds requested (index cycles end here)
        self.robots_hosts: set[str] = set()    # hosts the outlet's robots.txt names sitemaps on
        self.page_depth: dict[str, int] = {}   # the fewest hops a queued page was found at
        self._skip_link: re.Pattern | None = None
        self._history: HistoryTracker | None = None
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

    @property
    def history(self) -> HistoryTracker:
        """Re-visits and versions over the crawl state (archiver.history)."""
        if self._history is None:
            self._history = HistoryTracker.from_settings(self.settings, self.session.state,
                                                         self.session.crawl_id, self.crawler.stats)
        return self._history

    # --- limits --------------------------------------------------------------
    @property
    def max_pages(self) -> int:
        return self.settings.getint("ARCHIVER_MAX_PAGES")

    @property
    def since(self) -> str | None:
        return self.settings.get("ARCHIVER_SINCE")

    @property
    def discover_only(self) -> bool:
        return self.settings.getbool("ARCHIVER_DISCOVER_ONLY")

    def _budget_left(self) -> bool:
        return not self.max_pages or self.pages_scheduled < self.max_pages

    def _skips_link(self, url: str) -> bool:
        """Non-content pages (login, search, share, print, calendars): ARCHIVER_SKIP_LINK_PATTERN."""
        if self._skip_link is None:
            self._skip_link = re.compile(self.settings.get("ARCHIVER_SKIP_LINK_PATTERN") or "$^")
        parts = urlsplit(url)
        return bool(self._skip_link.search(parts.path + (f"?{parts.query}" if parts.query else "")))

    def _too_old(self, date: str | None) -> bool:
        return bool(self.since and date and date[:10] < self.since[:10])

    # --- requests ------------------------------------------------------------
    @property
    def session(self) -> ArchiveSession:
        return ArchiveSession.of(self.crawler)

    @property
    def commits(self) -> FrontierCommits:
        """When pages count as done in the crawl state (archiver.crawl.frontier_commits)."""
        if self._commits is None:
            self._commits = FrontierCommits(self.session, self.profile.name)
        return self._commits

    def _claim(self, url: str, kind: str, depth: int, listed_date: str | None = None,
               resumed: bool = False) -> Visit | None:
        """How this crawl takes the page on (new, changed or due, in budget), or None; it goes in the frontier.

        An article's Visit says whether it is a re-check (archiver.history). With
        --discover-only an article is claimed but neither queued nor fetched.
        """
        if not url.startswith(FETCHABLE_SCHEMES):
            return None
        state, crawl_id = self.session.state, self.session.crawl_id
        if not resumed and (url in self.scheduled or (self.resume and state.is_scheduled(crawl_id, url))):
            if kind == "page" and depth < self.page_depth.get(url, depth):
                self.page_depth[url] = depth      # found closer while queued: its links count from here
            return None                       # found again by another route in this crawl
        not_fetched = kind == "article" and self.discover_only
        if not not_fetched and not self._budget_left():
            return None
        visit = Visit()
        if kind == "article":
            visit = self.history.plan(url, listed_date)
            if visit is None:
                self.unchanged.add(url)
                return None
        self.scheduled.add(url)
        if not_fetched:
            return visit
        self.pages_scheduled += 1
        if kind == "page":
            self.page_depth[url] = depth
        state.enqueue(crawl_id, url, kind, depth, listed_date)
        return visit

    def _request(self, url: str, kind: str, depth: int, listed_date: str | None = None,
                 visit: Visit | None = None, **meta: Any) -> scrapy.Request | None:
        if kind == "article" and self.discover_only:
            return None
        visit = visit or Visit()
        if visit.confirms:
            meta.update({CONFIRMS_META_KEY: visit.confirms, "handle_httpstatus_list": [304]})
        meta["archiver_listed_date"] = listed_date
        callback = self.parse_article if kind == "article" else self.parse_page
        # pages nearer the start go first, so a page's depth is its fewest hops (breadth-first)
        priority = 1 + max(0, 50 - depth) if kind == "page" else 0
        return scrapy.Request(url, callback=callback, errback=self.page_failed, headers=visit.headers,
                              meta={"archiver_kind": kind, "archiver_depth": depth, "archiver_url": url, **meta},
                              priority=priority)

    def _page_request(self, url: str, kind: str, depth: int, listed_date: str | None = None,
                      resumed: bool = False, **meta: Any) -> scrapy.Request | None:
        visit = self._claim(url, kind, depth, listed_date, resumed)
        if visit is None:
            return None
        return self._request(url, kind, depth, listed_date, visit, **meta)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.resume:
            if self.settings.getbool("ARCHIVER_RESUME_RECOVER"):
                self.commits.recover()
            pending = self.session.state.pending(self.session.crawl_id)
            self.logger.info("resuming %s: %d pages still to archive", self.session.crawl_id, len(pending))
            for entry in pending:
                request = self._page_request(entry.url, entry.kind, entry.depth, entry.listed_date,
                                             resumed=True)
                if request:
                    yield request      # not dont_filter: workers resuming together queue each page once
        # a resumed crawl looks again too: a kill may have cut off a listing before its links were scheduled
        for url in map(self.profile.absolute, self.profile.start_urls):
            kind = "article" if self.profile.is_article(url) else "page"
            request = self._page_request(url, kind, 0)
            if request:
                yield request
        for url in self.history.due_articles(self.profile.name):
            if self.profile.is_own(url) and self.profile.is_article(url):
                request = self._page_request(url, "article", 1, archiver_via="revisit")
                if request:
                    yield request
        robots = self._listing_request(self.profile.absolute("/robots.txt"), "robots")
        if robots:
            yield robots
        for url in self.profile.feeds:
            request = self._listing_request(self.profile.absolute(url), "feed")
            if request:
                yield request

    # --- callbacks -----------------------------------------------------------
    def _follow_links(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        url = requested_url(response)
        queued_at = response.meta.get("archiver_depth", 0)
        # the fewest hops: this process may have found the page farther away than the request it got
        # was queued at (a worker whose own find of it the shared queue refused as already seen)
        depth = min(self.page_depth.pop(url, queued_at), queued_at) + 1
        if depth > self.settings.getint("ARCHIVER_DEPTH"):
            return
        record = self.sources.record(url, "page")
        for url in self._links(response):
            if not self.profile.is_own(url) or self.profile.is_excluded(url):
                continue
            record.listed += 1
            request = None
            if self.profile.is_article(url):
                record.articles += 1
                visit = self._claim(url, "article", depth)
                if visit is not None:
                    record.new += not visit.recheck
                    request = self._request(url, "article", depth, visit=visit)
            elif self.profile.is_listing(url) and not self._skips_link(url):
                request = self._page_request(url, "page", depth)
            if request:
                yield request

    def _links(self, response: TextResponse) -> list[str]:
        """Links of the page as archived; of a rendered page, also those its behaviours showed on the way
        ("load more", client-side pagination)."""
        urls = [link.url.split("#", 1)[0] for link in self.link_extractor.extract_links(response)]
        capture = capture_of(response)
        if capture is not None:
            urls += [url for url in capture.links if not url_has_any_extension(url, NOT_PAGES)]
        return list(dict.fromkeys(urls))

    def _requisites(self, response: Response) -> Iterator[scrapy.Request]:
        """Images, stylesheets, scripts and icons of a page fetched without the browser.

        A rendered page's requisites were recorded as the browser loaded them; a
        plain fetch must ask for them itself, or the archive cannot replay it.
        """
        if (not isinstance(response, TextResponse) or capture_of(response) is not None
                or self.discover_only):
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

    # --- logged-in crawls (archiver.profiles.crawl) ----------------------------
    def _login_verdict(self, response: Response) -> tuple[Session | None, list[scrapy.Request] | None]:
        """The page's login state with ``--profile`` (None without), and, on a logged-out page, what to
        yield instead of reading it: the same page again after a re-login, or nothing when the crawl
        stops. A logged-out page is never extracted, so a teaser never becomes an item or a version."""
        login = LoginSession.of(self.crawler)
        if login is None or not isinstance(response, TextResponse):
            return None, None
        verdict = login.check(response.text)
        if verdict is not Session.LOGGED_OUT:
            return verdict, None
        meta = response.meta
        again = self._request(meta["archiver_url"], meta["archiver_kind"], meta["archiver_depth"],
                              meta.get("archiver_listed_date"))
        retry = login.lapsed(response.request, again and again.replace(dont_filter=True))
        return verdict, [retry] if retry is not None else []

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        if self._failed_as_wall(response):
            return
        verdict, instead = self._login_verdict(response)
        if instead is not None:
            yield from instead
            return
        self.crawler.stats.inc_value("archiver/pages")
        yield from self._requisites(response)
        yield from self._follow_links(response)
        self.commits.page_handled(response.request)       # its links are in the frontier now

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        if self._failed_as_wall(response):
            return
        if response.status == 304:
            self.history.not_modified(response.url)      # recorded as a server-not-modified revisit
            self.commits.page_handled(response.request)
            return
        if response.meta.get(RENDER_ON_CHANGE_META_KEY):
            # the plain re-check found the page changed (it is archived as fetched): capture it
            # again in the browser, so the new version has its rendered page and screenshot
            request = self._request(response.meta["archiver_url"], "article", response.meta["archiver_depth"],
                                    response.meta.get("archiver_listed_date"))
            if request is not None:
                yield request.replace(dont_filter=True)
            return
        verdict, instead = self._login_verdict(response)
        if instead is not None:
            for request in instead:
                yield request
            return
        # links first: the crawl goes on fetching while the article is extracted
        for request in self._requisites(response):
            yield request
        for request in self._follow_links(response):
            yield request
        source = archived_source(response)
        article = await self.extraction.extract_best(source.server_document, source.dom_document, source.url,
                                                     outlet=self.profile.name, selectors=self.profile.selectors)
        point_at_records(article, source)      # which record each field came from (archiver.capture.source)
        if source.record is not None:
            article.captured_at = source.record.warc_date
        else:
            article.extraction["warnings"].append("no WARC record for this response")
            article.captured_at = datetime.now(timezone.utc).isoformat()
        if source.capture is not None and source.capture.screenshot:
            article.screenshot = source.capture.screenshot
        if verdict is Session.LOGGED_IN:
            article.access = "subscriber"
            article.access_evidence.append("captured logged in (crawl --profile)")
        if response.meta.get(JUDGE_META_KEY) and not reads_as_article(
                article.title, article.body, article.date_published, article.authors,
                self.settings.getint("ARCHIVER_ARTICLE_MIN_WORDS")):
            self.crawler.stats.inc_value("archiver/pages")     # a sitemap page that is no article: archived as a page
            self.commits.page_handled(response.request)
            return
        archived = self.commits.article(article, response, source.body)
        if self._too_old(article.date_published):
            self.too_old.add(response.url)
            self.commits.commit(archived, response.request)     # no item to wait for
            return
        if article.access == Access.PARTIAL and self.history.walled(article.url, Access.PARTIAL.value):
            # a teaser where a version is already archived: a check with its reason, never a version
            self.crawler.stats.inc_value("archiver/articles/partial_recheck")
            self.commits.page_handled(response.request)
            return
        version = None
        if source.record is not None:
            version = self.history.observe(article, source.record, source.url, validators_of(response.headers),
                                           text_record=text_record(article, source))
            if version is None:
                # the text of the last version, a boring change, or a flip back: no item to wait for
                self.commits.commit(archived, response.request)
                return
        self.crawler.stats.inc_value("archiver/articles")
        self.commits.await_item(archived, response, version)
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
        request = failure.request
        reason = failure_reason(failure, request)
        if reason == FailureReason.DISK_FULL:
            stop_on_disk_full(self.crawler, failure.value)    # counts it once; the crawl stops
            return
        wall = request.meta.get(WALL_META_KEY)       # a 4xx wall (archiver.capture.walls) says what it was
        self._failed(request, reason, f"{wall.describe()}: the WARC keeps it" if wall else failure.getErrorMessage())
        self.crawler.signals.send_catch_log(signal=failure_handled, request=request)   # a lease may end here

    def _failed(self, request: scrapy.Request, reason: FailureReason, message: str) -> None:
        count_failure(self.crawler, reason, request.url, message)
        url = request.meta.get("archiver_url", request.url)
        self.session.state.mark_failed(self.session.crawl_id, url, reason)
        if reason in WALL_REASONS and request.meta.get("archiver_kind") == "article":
            self.history.walled(url, reason)     # a re-check that met a wall: its versions stay as they were

    def _failed_as_wall(self, response: Response) -> bool:
        """A 2xx wall (a 4xx one arrives at page_failed): a failure with its reason, archived, no item."""
        wall = wall_of(response)
        if wall is None:
            return False
        self._failed(response.request, FailureReason(str(wall.kind)),
                     f"{response.status} {wall.describe()}: the WARC keeps it, no item is made")
        self.commits.page_handled(response.request)
        return True
