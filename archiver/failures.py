"""Why a page failed, in one vocabulary: the reasons counted in crawl.json's ``failures``.

Every component that knows better than the exception type (the browser guard,
the page recorder, the render middleware) puts a reason in
``request.meta[REASON_META_KEY]``; everything else is classified here from the
exception or the HTTP status. Stats keys are ``archiver/failures/<reason>``.

Reasons (also in the README):

=========================  ==========================================================
http-404, http-410, http-429  that status (the response is archived)
http-4xx, http-5xx         any other client / server error status (archived)
redirect-loop              a redirect leads back to a URL already in its chain
too-many-redirects         more than REDIRECT_MAX_TIMES hops (every hop is archived)
timeout                    no complete response within DOWNLOAD_TIMEOUT /
                           PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT / ARCHIVER_PAGE_TIMEOUT
render-timeout             loaded, but behaviours + screenshot exceeded ARCHIVER_PAGE_TIMEOUT
connection-reset           the connection broke mid-response (partial bodies are
                           archived with WARC-Truncated)
too-large                  the body exceeds DOWNLOAD_MAXSIZE (after decompression); a sitemap
                           or feed over ARCHIVER_SITEMAP_MAX_SIZE or ARCHIVER_SITEMAP_MAX_URLS
dns, tls, connection-refused  the host could not be resolved / TLS failed / refused
browser-crashed            the tab or the whole Chromium died while rendering
browser-unresponsive       Chromium stopped answering: no DevTools session, or the page
                           outlived twice ARCHIVER_PAGE_TIMEOUT plus 30 s
download                   the page URL served a file download; it is fetched and
                           archived as a plain response, not rendered
not-html                   the page claims HTML but its body is binary (archived)
blocked-scheme             a URL that is not http(s) (file:, chrome:, ftp:...)
blocked-private-address    the host resolves to a loopback/private address and
                           ARCHIVER_BLOCK_PRIVATE_ADDRESSES is on
disk-full                  the WARC could not be written (the crawl stops: exit 3)
warc-write                 another error writing the WARC (the log line names it)
error                      anything else (the log line names the exception)
=========================  ==========================================================
"""

from __future__ import annotations

import errno
import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

REASON_META_KEY = "archiver_failure_reason"
STATS_PREFIX = "archiver/failures/"
DISK_FULL_FINISH_REASON = "disk_full"


class PageRefused(IgnoreRequest):
    """A request the archiver refuses or abandons on purpose; ``reason`` is one of the above."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def status_reason(status: int) -> str:
    if status in (404, 410, 429):
        return f"http-{status}"
    return "http-5xx" if status >= 500 else "http-4xx"


# Substrings of Chromium / Playwright / Twisted messages, checked in order.
_MESSAGE_REASONS = (
    ("net::ERR_TOO_MANY_REDIRECTS", "too-many-redirects"),
    ("max redirections reached", "too-many-redirects"),
    ("net::ERR_UNSAFE_REDIRECT", "blocked-scheme"),
    ("net::ERR_NAME_NOT_RESOLVED", "dns"),
    ("DNS lookup failed", "dns"),
    ("net::ERR_CERT", "tls"),
    ("net::ERR_SSL", "tls"),
    ("SSL routines", "tls"),
    ("net::ERR_CONNECTION_REFUSED", "connection-refused"),
    ("Connection was refused", "connection-refused"),
    ("net::ERR_CONNECTION_RESET", "connection-reset"),
    ("net::ERR_EMPTY_RESPONSE", "connection-reset"),
    ("net::ERR_CONTENT_LENGTH_MISMATCH", "connection-reset"),
    ("net::ERR_INCOMPLETE_CHUNKED_ENCODING", "connection-reset"),
    ("net::ERR_CONNECTION_CLOSED", "connection-reset"),
    ("Connection lost", "connection-reset"),
    ("ConnectionLost", "connection-reset"),
    ("connection was closed", "connection-reset"),
    ("larger than download max size", "too-large"),
    ("larger than the download max size", "too-large"),
    ("exceeded DOWNLOAD_MAXSIZE", "too-large"),
    ("page crashed", "browser-crashed"),
    ("Target crashed", "browser-crashed"),
    ("has been closed", "browser-crashed"),
    ("Browser closed", "browser-crashed"),
    ("Download is starting", "download"),
    ("Failed to download", "download"),
    ("accept_downloads", "download"),
    ("net::ERR_ABORTED", "download"),
    ("Timeout", "timeout"),
    ("timed out", "timeout"),
    ("took longer than", "timeout"),
)


def failure_reason(failure: Failure | BaseException, request: Request | None = None) -> str:
    """The reason for a failed request: meta first, then the exception, then its message."""
    exc = failure.value if isinstance(failure, Failure) else failure
    if request is not None and request.meta.get(REASON_META_KEY):
        return request.meta[REASON_META_KEY]
    if isinstance(exc, PageRefused):
        return exc.reason
    from archiver.recording import WarcWriteError, DiskFullError
    if isinstance(exc, DiskFullError):
        return "disk-full"
    if isinstance(exc, WarcWriteError):
        return "warc-write"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk-full"
    response = getattr(exc, "response", None)          # scrapy HttpError
    if response is not None and getattr(response, "status", 200) >= 400:
        return status_reason(response.status)
    from twisted.internet import error as net_error
    if isinstance(exc, (net_error.DNSLookupError,)):
        return "dns"
    if isinstance(exc, (net_error.TimeoutError, net_error.TCPTimedOutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, net_error.ConnectionRefusedError):
        return "connection-refused"
    if isinstance(exc, net_error.ConnectionLost):
        return "connection-reset"
    text = f"{type(exc).__name__} {exc} {' '.join(map(repr, getattr(exc, 'reasons', ())))}"
    for needle, reason in _MESSAGE_REASONS:
        if needle.lower() in text.lower():
            return reason
    return "error"


def count_failure(crawler: Crawler, reason: str, url: str, message: str = "") -> None:
    """The one place a page failure is counted and logged (one line, reason first)."""
    crawler.stats.inc_value(f"{STATS_PREFIX}{reason}")
    first = (message or "").strip().splitlines()[0][:300] if message and message.strip() else ""
    logger.warning("page failed [%s] %s%s", reason, url, f": {first}" if first else "")


def stop_on_disk_full(crawler: Crawler, exc: BaseException) -> None:
    """Close the spider with reason ``disk_full`` (exit code 3) once, naming the problem."""
    stats = crawler.stats
    if stats.get_value("archiver/finish_reason") == DISK_FULL_FINISH_REASON:
        return
    stats.set_value("archiver/finish_reason", DISK_FULL_FINISH_REASON)
    stats.inc_value(f"{STATS_PREFIX}disk-full")
    logger.error("disk full, stopping the crawl: %s", exc)
    engine = crawler.engine
    if engine is None:
        return
    if hasattr(engine, "close_spider_async"):
        from scrapy.utils.defer import deferred_from_coro
        deferred_from_coro(engine.close_spider_async(reason=DISK_FULL_FINISH_REASON))
    else:                                              # pragma: no cover - Scrapy < 2.14
        engine.close_spider(crawler.spider, DISK_FULL_FINISH_REASON)
