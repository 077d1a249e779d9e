"""Failure reasons: an enum, classified from exception types first and from messages only as a last resort.

The exceptions are the libraries' own classes, raised and chained as Scrapy,
Twisted and Playwright raise them; the browser tests get theirs from a real
Chromium.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from playwright.async_api import async_playwright
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from archiver.chromium import chromium_path, launch_options
from archiver.failures import (
    MESSAGE_REASONS,
    REASON_META_KEY,
    FailureReason,
    PageRefused,
    failure_reason,
    message_reason,
)
from archiver.localserver import free_port, serve_http
from archiver.recording import DiskFullError, WarcWriteError
from tests.conftest import run_async

URL = "http://news.example/2025/01/12/story"

# crawl.json, the stats keys and the log lines spell the reasons exactly so
README_REASONS = (
    "http-404 http-410 http-429 http-4xx http-5xx redirect-loop too-many-redirects timeout render-timeout "
    "connection-reset too-large dns tls connection-refused browser-crashed browser-unresponsive download "
    "not-html blocked-scheme blocked-private-address challenge soft-404 consent-wall blocked disk-full warc-write "
    "session-expired error").split()


def _wrapped(outer: type[Exception], inner: BaseException) -> Exception:
    """*outer* raised from *inner*, as Scrapy's download handlers wrap Twisted's errors."""
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer(str(exc)) from exc
    except outer as wrapped:
        return wrapped


def test_reasons_are_an_enum_spelled_as_before() -> None:
    assert [reason.value for reason in FailureReason] == README_REASONS
    assert f"archiver/failures/{FailureReason.TOO_LARGE}" == "archiver/failures/too-large"
    assert "page failed [%s]" % FailureReason.DNS == "page failed [dns]"


@pytest.mark.parametrize(("exception", "reason"), [
    (_wrapped(CannotResolveHostError, net_error.DNSLookupError("news.example")), "dns"),
    (net_error.DNSLookupError("news.example"), "dns"),
    (_wrapped(DownloadConnectionRefusedError, net_error.ConnectionRefusedError()), "connection-refused"),
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "connection-refused"),
    (DownloadTimeoutError(f"Getting {URL} took longer than 60.0 seconds."), "timeout"),
    (net_error.TCPTimedOutError(), "timeout"),
    (PlaywrightTimeoutError("Page.goto: Timeout 45000ms exceeded."), "timeout"),
    (asyncio.TimeoutError(), "timeout"),
    (_wrapped(DownloadFailedError, ResponseNeverReceived([Failure(net_error.ConnectionDone())])), "connection-reset"),
    (ResponseFailed([Failure(net_error.ConnectionLost())]), "connection-reset"),
    (HttpError(HtmlResponse(URL, status=404), "Ignoring non-200 response"), "http-404"),
    (HttpError(HtmlResponse(URL, status=429), "Ignoring non-200 response"), "http-429"),
    (HttpError(HtmlResponse(URL, status=403), "Ignoring non-200 response"), "http-4xx"),
    (HttpError(HtmlResponse(URL, status=503), "Ignoring non-200 response"), "http-5xx"),
    (PageRefused(FailureReason.NOT_HTML, f"{URL} is binary"), "not-html"),
    (PageRefused("blocked-private-address", "refused"), "blocked-private-address"),
    (DiskFullError("No space left", errno=errno.ENOSPC), "disk-full"),
    (OSError(errno.ENOSPC, "No space left on device"), "disk-full"),
    (WarcWriteError("Could not append"), "warc-write"),
])
def test_exception_types_decide(exception: BaseException, reason: str) -> None:
    assert failure_reason(exception) == reason
    assert failure_reason(Failure(exception)) == reason       # as an errback receives it


def test_a_type_beats_what_its_message_says() -> None:
    assert failure_reason(DownloadTimeoutError("net::ERR_CONNECTION_REFUSED, Connection lost")) == "timeout"


def test_a_components_reason_in_the_meta_comes_first() -> None:
    request = Request(URL, meta={REASON_META_KEY: "render-timeout"})
    assert failure_reason(PlaywrightTimeoutError("Timeout 90000ms exceeded."), request) is FailureReason.RENDER_TIMEOUT


def test_an_unknown_reason_is_refused() -> None:
    with pytest.raises(ValueError):
        PageRefused("bad-weather", "not a reason")


MESSAGE_CASES = [
    # Chromium names network errors only by a code in its message
    (PlaywrightError(f"Page.goto: net::ERR_NAME_NOT_RESOLVED at {URL}"), "dns"),
    (PlaywrightError(f"Page.goto: net::ERR_CERT_AUTHORITY_INVALID at {URL}"), "tls"),
    (PlaywrightError(f"Page.goto: net::ERR_SSL_PROTOCOL_ERROR at {URL}"), "tls"),
    (PlaywrightError(f"Page.goto: net::ERR_TOO_MANY_REDIRECTS at {URL}"), "too-many-redirects"),
    (PlaywrightError(f"Page.goto: net::ERR_ABORTED at {URL}"), "download"),
    (RuntimeError("net::ERR_INCOMPLETE_CHUNKED_ENCODING"), "connection-reset"),
    # messages with no type of their own, word for word as the libraries write them
    (IgnoreRequest("max redirections reached"), "too-many-redirects"),
    (DownloadCancelledError(f"Expected to receive 2000000 bytes which is larger than download max size "
                            f"(1048576) in request <GET {URL}>."), "too-large"),
    (IgnoreRequest(f"Ignored response <200 {URL}> because its body (9000 B compressed, 1048577 B "
                   f"decompressed so far) exceeded DOWNLOAD_MAXSIZE (1048576 B) during decompression."),
     "too-large"),
    (PlaywrightError("Page.screenshot: Target crashed "), "browser-crashed"),
    (PlaywrightError("Page.evaluate: Page crashed"), "browser-crashed"),
    (PlaywrightError("Browser.new_page: Browser closed."), "browser-crashed"),
    (PlaywrightError("Page.evaluate: Target page, context or browser has been closed"), "browser-crashed"),
    (PlaywrightError("Page.goto: Download is starting"), "download"),
    (RuntimeError(f"Failed to download {URL}: canceled"), "download"),
    (ResponseNeverReceived([Failure(Exception("[('SSL routines', '', 'wrong version number')]"))]), "tls"),
    (RuntimeError("something nobody foresaw"), "error"),
]


@pytest.mark.parametrize(("exception", "reason"), MESSAGE_CASES)
def test_messages_are_the_last_resort(exception: BaseException, reason: str) -> None:
    assert failure_reason(exception) == reason


def test_every_message_rule_is_tested() -> None:
    tested = " ".join(f"{exception} {list(_causes_text(exception))}" for exception, _ in MESSAGE_CASES)
    untested = [needle for needle, _ in MESSAGE_REASONS if needle.lower() not in tested.lower()]
    assert not untested, f"message rules without a test: {untested}"
    assert message_reason("Page.goto: net::ERR_SOMETHING_NEW at x") is FailureReason.ERROR


def _causes_text(exception: BaseException):
    for reason in getattr(exception, "reasons", ()):
        yield str(reason.value)


class _SilentServer(ThreadingHTTPServer):
    """Accepts requests and never answers, until ``stop`` is set."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Silent)
        self.stop = threading.Event()


class _Silent(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.stop.wait(30)

    def log_message(self, *args) -> None:
        pass


@pytest.mark.browser
def test_real_chromium_errors_get_their_reasons() -> None:
    closed = free_port()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", closed)) != 0, "the closed port is taken"

    async def reasons(silent: str) -> list[FailureReason]:
        found = []
        async with async_playwright() as p:
            browser = await p.chromium.launch(**launch_options(chromium_path()))
            page = await browser.new_page()
            for url, timeout in ((f"http://127.0.0.1:{closed}/", 10_000), (silent, 1_000)):
                with pytest.raises(PlaywrightError) as caught:
                    await page.goto(url, timeout=timeout)
                found.append(failure_reason(caught.value))
            await browser.close()
        return found

    server = _SilentServer()
    with serve_http(server) as silent:
        try:
            assert run_async(reasons(silent + "/")) == ["connection-refused", "timeout"]
        finally:
            server.stop.set()
