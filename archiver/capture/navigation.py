"""A tab's navigation to a page, and the Scrapy response made from the rendered page.

A page URL that serves a file makes Chromium start a download and abort the
navigation; that is told by the tab's ``download`` event (not by the error's
wording) and raised as ``PageRefused("download")``, so the handler fetches the
URL plainly, with Scrapy's size caps. No Playwright waiter is used here
(``expect_event``, ``wait_for_load_state``): Playwright 1.64's client keeps a
reply callback for each of them, forever.
"""

from __future__ import annotations

import asyncio

from playwright.async_api import Download, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Response as BrowserResponse
from scrapy import Request
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from archiver.failures import PageRefused

RENDERED_FLAG = "rendered"        # Response.flags of a page the browser rendered


async def navigate(page: Page, url: str, timeout: float, download_wait: float) -> BrowserResponse | None:
    """Load `url` in the tab until its ``load`` event (`timeout` seconds).

    Raises ``PageRefused("download")`` when the URL turned out to be a file download.
    """
    answered = asyncio.Event()            # the document got a response: a download may follow
    download = asyncio.Event()

    def on_response(response: BrowserResponse) -> None:
        if response.frame == page.main_frame and response.request.is_navigation_request():
            answered.set()

    def on_download(_: Download) -> None:
        download.set()

    page.on("response", on_response)
    page.on("download", on_download)
    try:
        return await page.goto(url, wait_until="load", timeout=timeout * 1000)
    except PlaywrightError:
        if answered.is_set():
            try:
                await asyncio.wait_for(download.wait(), download_wait)
            except TimeoutError:
                pass
        if download.is_set():
            raise PageRefused("download", f"{url} is a file download, not a page") from None
        raise
    finally:
        page.remove_listener("response", on_response)
        page.remove_listener("download", on_download)


def encoded_body(html: str, content_type: str) -> tuple[bytes, str]:
    """The rendered DOM as bytes, in the charset the page declared when it can hold it."""
    for encoding in (http_content_type_encoding(content_type), html_body_declared_encoding(html)):
        if not encoding:
            continue
        try:
            return html.encode(encoding), encoding
        except (UnicodeEncodeError, LookupError):
            pass
    return html.encode("utf-8"), "utf-8"


async def rendered_response(request: Request, page: Page, document: BrowserResponse | None,
                            html: str) -> Response:
    """A Scrapy response of the rendered page: the document's status and headers (less
    Content-Encoding: the body is the DOM, not what was sent), the DOM as its body."""
    headers = Headers(await document.all_headers() if document is not None else {})
    headers.pop("Content-Encoding", None)
    content_type = headers.get("Content-Type", b"").decode("latin-1")
    body, encoding = encoded_body(html, content_type)
    response_class = responsetypes.from_args(headers=headers, url=page.url, body=body)
    text = {"encoding": encoding} if issubclass(response_class, TextResponse) else {}
    return response_class(url=page.url, status=document.status if document is not None else 200,
                          headers=headers, body=body, request=request, flags=[RENDERED_FLAG], **text)
