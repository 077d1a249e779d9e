"""Downloader middleware: a page is archived once per crawl, even across a resume.

The spider records every page it schedules in the crawl state's frontier;
this middleware drops a page already archived in this crawl (a resumed run
re-schedules whatever was not done) and marks a page done when its response
settles it as a failure (4xx, 5xx). A page that loaded is marked done by the
spider once it is handled: a front or section page once its links are in the
frontier, an article once its item is on disk (``NewsSpider.item_archived``),
so a crawl killed in between fetches it again on ``--resume``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from archiver.crawl.session import ArchiveSession

TRACKED_KINDS = ("page", "article")


class FrontierMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FrontierMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider=None):
        if request.meta.get("archiver_kind") not in TRACKED_KINDS:
            return None
        session = ArchiveSession.of(self.crawler)
        if session.state.is_done(session.crawl_id, request.url):
            self.crawler.stats.inc_value("archiver/frontier/already_done")
            raise IgnoreRequest(f"already archived in this crawl: {request.url}")
        return None

    def process_response(self, request: Request, response: Response, spider=None):
        if request.meta.get("archiver_kind") in TRACKED_KINDS and response.status >= 400:
            session = ArchiveSession.of(self.crawler)
            # the URL as scheduled: after a redirect, request.url is where it ended
            session.state.mark_done(session.crawl_id, request.meta.get("archiver_url", request.url))
        return response
