"""Records plain (non-browser) fetches exactly as the server sent them.

``response_downloaded`` fires straight after the download handler, before any
downloader middleware: the body is still content-encoded and every header is
intact. Twisted has already removed chunking, so nothing claims it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response

from archiver.capture.navigation import RENDERED_FLAG
from archiver.failures import FailureReason, failure_reason, stop_on_disk_full
from archiver.recording import Exchange, RevisitTarget, WarcWriteError
from archiver.crawl.session import ArchiveSession

logger = logging.getLogger(__name__)

RECORD_META_KEY = "archiver_record"     # the WarcLocation of a request's response record
# On a conditional re-visit: {"uri", "date", "record_id"} of the capture a 304 confirms.
CONFIRMS_META_KEY = "archiver_confirms"
# Set on a conditional re-visit of a page the browser would render: if it changed, render it again.
RENDER_ON_CHANGE_META_KEY = "archiver_render_on_change"


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Every header in order, repeated ones kept; latin-1 keeps arbitrary bytes intact."""
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in headers.items()
        for value in values
    ]


def exchange_from_scrapy(request: Request, response: Response) -> Exchange:
    request_headers = header_pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in request_headers):
        request_headers.insert(0, ("Host", urlsplit(request.url).netloc))
    truncated = "length" if "dataloss" in response.flags else None
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=request_headers,
        request_body=request.body or None,
        status=response.status,
        reason=None,
        response_headers=header_pairs(response.headers),
        body=response.body,
        body_decoded=False,
        captured_at=datetime.now(timezone.utc),
        ip_address=str(response.ip_address) if response.ip_address else None,
        protocol=response.protocol or "HTTP/1.1",
        page_id=request.meta.get("archiver_page_id"),
        resource_type=request.meta.get("archiver_kind"),
        truncated=truncated,
    )


class FetchRecorder:
    """Scrapy extension: one response + request record pair per plain fetch.

    Scrapy only logs exceptions of signal handlers, so a failed write is handled
    here: a full disk stops the crawl (``disk_full``, exit code 3), and so does a
    full disk seen by the item pipelines (``item_error``).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FetchRecorder":
        recorder = cls(crawler)
        crawler.signals.connect(recorder.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.item_error, signal=signals.item_error)
        return recorder

    def item_error(self, item, response, spider, failure) -> None:
        if failure_reason(failure) == FailureReason.DISK_FULL:
            stop_on_disk_full(self.crawler, failure.value)

    def spider_opened(self, spider) -> None:
        ArchiveSession.of(self.crawler)      # open the WARC before the first response

    def response_downloaded(self, response: Response, request: Request, spider) -> None:
        if RENDERED_FLAG in response.flags:
            return                            # the browser recorder saw the real traffic
        session = ArchiveSession.of(self.crawler)
        exchange = exchange_from_scrapy(request, response)
        confirms = request.meta.get(CONFIRMS_META_KEY)
        try:
            if response.status == 304 and confirms:
                target = RevisitTarget(confirms["uri"], confirms["date"], confirms["record_id"])
                location = session.writer.write_not_modified(exchange, target)
                self.stats.inc_value("archiver/fetch/not_modified")
            else:
                location = session.writer.write_exchange(exchange)
        except WarcWriteError as exc:
            self.stats.inc_value("archiver/fetch/not_recorded")
            if failure_reason(exc) == FailureReason.DISK_FULL:
                stop_on_disk_full(self.crawler, exc)
            else:
                logger.error("could not record %s: %s", response.url, exc)
            return
        request.meta[RECORD_META_KEY] = location
        self.stats.inc_value("archiver/fetch/recorded")
