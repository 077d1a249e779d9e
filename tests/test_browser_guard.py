"""TabGuard in a real Chromium against a real local server: what the browser may fetch.

Two pages share one cacheable photo. The guard pauses only documents unless
private addresses are blocked: the photo is then fetched once for both pages,
from Chromium's cache the second time (scrapy-playwright's ``page.route``
turned the cache off: every page fetched it again). With private addresses
blocked, every request is checked, and the photo on 127.0.0.1 is never fetched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest
from playwright.async_api import async_playwright
from scrapy.utils.test import get_crawler

from archiver.chromium import chromium_path, launch_options
from archiver.capture.guard import TabGuard
from archiver.localserver import serve_http
from archiver.sample.site import photo_bytes
from tests.conftest import run_async

pytestmark = pytest.mark.browser

PHOTO = photo_bytes("guard")
PAGE = '<!doctype html><title>page</title><img id="photo" src="/photo.jpg">'
PHOTO_SHOWN = ("() => new Promise(done => { const img = document.getElementById('photo');"
               " if (img.complete) done(img.naturalWidth > 0);"
               " img.onload = () => done(true); img.onerror = () => done(false); })")


@contextmanager
def counting_server() -> Iterator[tuple[str, Counter]]:
    """127.0.0.1 server of pages showing one cacheable photo; counts the requests per path."""
    hits: Counter = Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] += 1
            if self.path == "/photo.jpg":
                body, ctype = PHOTO, "image/jpeg"
            else:
                body, ctype = PAGE.encode(), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Cache-Control", "public, max-age=3600")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    with serve_http(Handler) as base:
        yield base, hits


async def _show_two_pages(base: str, block_private: bool) -> dict:
    """Two pages with the same photo, one after the other in one guarded tab.

    With private addresses blocked the pages themselves (on 127.0.0.1) would be
    refused, so their HTML is set directly and only the photo is fetched.
    """
    crawler = get_crawler(settings_dict={"ARCHIVER_BLOCK_PRIVATE_ADDRESSES": block_private})
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(chromium_path()))
        try:
            page = await browser.new_page()
            await TabGuard.from_crawler(crawler).attach(page)
            shown = []
            for n in (1, 2):
                if block_private:
                    await page.set_content(PAGE.replace("/photo.jpg", f"{base}/photo.jpg"))
                else:
                    await page.goto(f"{base}/page/{n}")
                shown.append(await page.evaluate(PHOTO_SHOWN))
        finally:
            await browser.close()
    return {"shown": shown, "stats": crawler.stats.get_stats()}


def test_subresources_pass_untouched_and_the_cache_serves_repeats():
    """Only documents are paused: both pages load, and the second gets the photo from the cache."""
    with counting_server() as (base, hits):
        result = run_async(_show_two_pages(base, block_private=False))
    assert result["shown"] == [True, True]
    assert hits["/page/1"] == hits["/page/2"] == 1, hits
    assert hits["/photo.jpg"] == 1, hits
    assert not any(key.startswith("archiver/refused/") for key in result["stats"]), result["stats"]


def test_private_addresses_blocked_for_every_browser_request():
    """With private addresses blocked, a photo on 127.0.0.1 is refused inside Chromium: never fetched."""
    with counting_server() as (base, hits):
        result = run_async(_show_two_pages(base, block_private=True))
    assert result["shown"] == [False, False]
    assert hits["/photo.jpg"] == 0, hits
    assert result["stats"].get("archiver/refused/blocked-private-address") == 2, result["stats"]
