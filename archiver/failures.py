"""Why a page failed, in one vocabulary: ``FailureReason``, counted in crawl.json's ``failures``.

Every component that knows better than the exception type (the browser guard,
the page recorder, the render middleware) raises ``PageRefused`` or puts a
reason in ``request.meta[REASON_META_KEY]``; everything else is classified here
from the exception's type (and the types it wraps: Scrapy's download errors wrap
Twisted's), the HTTP status, then Chromium's net error code, and only as a last
resort from the words of a message (``MESSAGE_REASONS``, each tested). Stats
keys are ``archiver/failures/<reason>``.

Reasons (also in the README):

=========================  ==========================================================
http-404, http-410, http-429  that status (the response is archived)
http-4xx, http-5xx         any other client / server error status (archived)
redirect-loop              a redirect leads back to a URL already in its chain
too-many-redirects         more than REDIRECT_MAX_TIMES hops (every hop is archived)
timeout                    no complete response within DOWNLOAD_TIMEOUT /
                           ARCHIVER_NAVIGATION_TIMEOUT / ARCHIVER_PAGE_TIMEOUT
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
challenge                  a bot manager's challenge, a captcha or an "access denied" page
                           (archiver.verdict; the response is archived, no item is made)
soft-404                   a 2xx page that says the article is not there (archived, no item)
consent-wall               a cookie/consent wall with no content behind it (archived, no item)
blocked                    not requested: its host kept answering with challenges (counted
                           as left untried; see docs/walls.md)
disk-full                  the WARC could not be written (the crawl stops: exit 3)
warc-write                 another error writing the WARC (the log line names it)
error                      anything else (the log line names the exception)
=========================  ==========================================================
"""

from __future__ import annotations

import errno
import logging
import re
from collections.abc import Iterator
from enum import StrEnum

from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from archiver.recording import DiskFullError, WarcWriteError

logger = logging.getLogger(__name__)

REASON_META_KEY = "archiver_failure_reason"
STATS_PREFIX = "archiver/failures/"
DISK_FULL_FINISH_REASON = "disk_full"


class FailureReason(StrEnum):
    """The reasons, as crawl.json, the stats and the log lines spell them."""

    HTTP_404 = "http-404"
    HTTP_410 = "http-410"
    HTTP_429 = "http-429"
    HTTP_4XX = "http-4xx"
    HTTP_5XX = "http-5xx"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    TIMEOUT = "timeout"
    RENDER_TIMEOUT = "render-timeout"
    CONNECTION_RESET = "connection-reset"
    TOO_LARGE = "too-large"
    DNS = "dns"
    TLS = "tls"
    CONNECTION_REFUSED = "connection-refused"
    BROWSER_CRASHED = "browser-crashed"
    BROWSER_UNRESPONSIVE = "browser-unresponsive"
    DOWNLOAD = "download"
    NOT_HTML = "not-html"
    BLOCKED_SCHEME = "blocked-scheme"
    BLOCKED_PRIVATE_ADDRESS = "blocked-private-address"
    CHALLENGE = "challenge"
    SOFT_404 = "soft-404"
    CONSENT_WALL = "consent-wall"
    BLOCKED = "blocked"
    DISK_FULL = "disk-full"
    WARC_WRITE = "warc-write"
    SESSION_EXPIRED = "session-expired"     # not fetched: the crawl's login session lapsed (archiver.profiles)
    ERROR = "error"


class PageRefused(IgnoreRequest):
    """A request the archiver refuses or abandons on purpose, with its reason."""

    def __init__(self, reason: FailureReason | str, message: str):
        super().__init__(message)
        self.reason = FailureReason(reason)


def status_reason(status: int) -> FailureReason:
    if status in (404, 410, 429):
        return FailureReason(f"http-{status}")
    return FailureReason.HTTP_5XX if status >= 500 else FailureReason.HTTP_4XX


# Exception types, checked in order against the exception and every exception it
# wraps (``raise ... from``, Twisted's ResponseFailed reasons).
_TYPE_REASONS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], FailureReason], ...] = (
    (DiskFullError, FailureReason.DISK_FULL),
    (WarcWriteError, FailureReason.WARC_WRITE),
    ((CannotResolveHostError, net_error.DNSLookupError), FailureReason.DNS),
    ((DownloadConnectionRefusedError, net_error.ConnectionRefusedError, ConnectionRefusedError),
     FailureReason.CONNECTION_REFUSED),
    ((DownloadTimeoutError, net_error.TimeoutError, net_error.TCPTimedOutError, PlaywrightTimeoutError,
      TimeoutError), FailureReason.TIMEOUT),
    ((ResponseDataLossError, net_error.ConnectionLost, net_error.ConnectionDone, ConnectionResetError,
      BrokenPipeError), FailureReason.CONNECTION_RESET),
    (UnsupportedURLSchemeError, FailureReason.BLOCKED_SCHEME),
)

# Chromium reports network errors only as a code in the message (``net::ERR_NAME_NOT_RESOLVED``).
_CHROMIUM_NET_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")
_CHROMIUM_REASONS: dict[str, FailureReason] = {
    "ERR_TOO_MANY_REDIRECTS": FailureReason.TOO_MANY_REDIRECTS,
    "ERR_UNSAFE_REDIRECT": FailureReason.BLOCKED_SCHEME,
    "ERR_NAME_NOT_RESOLVED": FailureReason.DNS,
    "ERR_NAME_RESOLUTION_FAILED": FailureReason.DNS,
    "ERR_CONNECTION_REFUSED": FailureReason.CONNECTION_REFUSED,
    "ERR_CONNECTION_RESET": FailureReason.CONNECTION_RESET,
    "ERR_CONNECTION_CLOSED": FailureReason.CONNECTION_RESET,
    "ERR_EMPTY_RESPONSE": FailureReason.CONNECTION_RESET,
    "ERR_CONTENT_LENGTH_MISMATCH": FailureReason.CONNECTION_RESET,
    "ERR_INCOMPLETE_CHUNKED_ENCODING": FailureReason.CONNECTION_RESET,
    "ERR_TIMED_OUT": FailureReason.TIMEOUT,
    "ERR_CONNECTION_TIMED_OUT": FailureReason.TIMEOUT,
    "ERR_ABORTED": FailureReason.DOWNLOAD,          # a navigation that turned into a download
}
_CHROMIUM_PREFIXES = (("ERR_CERT_", FailureReason.TLS), ("ERR_SSL_", FailureReason.TLS))

# The last resort: errors that carry no type or code of their own, only words. Each line is
# covered by tests/test_failures.py, so a reworded message shows up there, not as `error`.
MESSAGE_REASONS: tuple[tuple[str, FailureReason], ...] = (
    ("max redirections reached", FailureReason.TOO_MANY_REDIRECTS),      # Scrapy's RedirectMiddleware
    ("larger than download max size", FailureReason.TOO_LARGE),         # Scrapy's DownloadCancelledError
    ("exceeded DOWNLOAD_MAXSIZE", FailureReason.TOO_LARGE),             # Scrapy's HttpCompressionMiddleware
    ("Target crashed", FailureReason.BROWSER_CRASHED),                  # Playwright: the tab died
    ("Page crashed", FailureReason.BROWSER_CRASHED),
    ("has been closed", FailureReason.BROWSER_CRASHED),                 # Playwright: tab or browser gone
    ("Browser closed", FailureReason.BROWSER_CRASHED),
    ("Download is starting", FailureReason.DOWNLOAD),                   # Playwright: goto hit a download
    ("Failed to download", FailureReason.DOWNLOAD),                     # scrapy-playwright
    ("SSL routines", FailureReason.TLS),                                # OpenSSL, inside Twisted failures
)


def failure_reason(failure: Failure | BaseException, request: Request | None = None) -> FailureReason:
    """Why a request failed: what a component put in the meta, then exception types, then messages."""
    exc = failure.value if isinstance(failure, Failure) else failure
    if request is not None and request.meta.get(REASON_META_KEY):
        return FailureReason(request.meta[REASON_META_KEY])
    causes = list(_causes(exc))
    for cause in causes:
        if isinstance(cause, PageRefused):
            return cause.reason
        if isinstance(cause, HttpError) and cause.response is not None:
            return status_reason(cause.response.status)
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            return FailureReason.DISK_FULL
        for types, reason in _TYPE_REASONS:
            if isinstance(cause, types):
                return reason
    return message_reason(" ".join(str(cause) for cause in causes))


def message_reason(text: str) -> FailureReason:
    """The reason a message names: a Chromium net error code, else one of MESSAGE_REASONS, else ``error``."""
    for code in _CHROMIUM_NET_ERROR.findall(text):
        if code in _CHROMIUM_REASONS:
            return _CHROMIUM_REASONS[code]
        for prefix, reason in _CHROMIUM_PREFIXES:
            if code.startswith(prefix):
                return reason
    lowered = text.lower()
    for needle, reason in MESSAGE_REASONS:
        if needle.lower() in lowered:
            return reason
    return FailureReason.ERROR


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """*exc*, then what it wraps: its cause or context, and the failures a ResponseFailed holds."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, ResponseFailed):
            pending += [reason.value for reason in current.reasons if isinstance(reason, Failure)]
        pending += [current.__cause__, current.__context__]


# Signal: a spider's errback is done with a failed request (counted, recorded, what follows from it
# queued); sent with request=. Scrapy runs errbacks outside the spider middlewares, and a failure
# raised by a downloader middleware's process_response (DOWNLOAD_MAXSIZE while decompressing)
# reaches no process_exception, so this is where a distributed worker releases such a request.
failure_handled = object()


def count_failure(crawler: Crawler, reason: FailureReason, url: str, message: str = "") -> None:
    """The one place a page failure is counted and logged (one line, reason first).

    ``blocked`` is no failure of the page: the wall middleware counts it as left untried."""
    if reason == FailureReason.BLOCKED:
        logger.info("not requested [%s] %s", reason, url)
        return
    crawler.stats.inc_value(f"{STATS_PREFIX}{reason}")
    first = (message or "").strip().splitlines()[0][:300] if message and message.strip() else ""
    logger.warning("page failed [%s] %s%s", reason, url, f": {first}" if first else "")


def stop_on_disk_full(crawler: Crawler, exc: BaseException) -> None:
    """Close the spider with reason ``disk_full`` (exit code 3) once, naming the problem."""
    stats = crawler.stats
    if stats.get_value("archiver/finish_reason") == DISK_FULL_FINISH_REASON:
        return
    stats.set_value("archiver/finish_reason", DISK_FULL_FINISH_REASON)
    stats.inc_value(f"{STATS_PREFIX}{FailureReason.DISK_FULL}")
    logger.error("disk full, stopping the crawl: %s", exc)
    engine = crawler.engine
    if engine is None:
        return
    if hasattr(engine, "close_spider_async"):
        from scrapy.utils.defer import deferred_from_coro
        deferred_from_coro(engine.close_spider_async(reason=DISK_FULL_FINISH_REASON))
    else:                                              # pragma: no cover - Scrapy < 2.14
        engine.close_spider(crawler.spider, DISK_FULL_FINISH_REASON)
