"""Memory over long render crawls: nothing per page may outlive its page.

Both leaks these tests guard against were found with a soak run of the
benchmark site (the crawler process grew ~65 KB per rendered page):

* a page's recorder was the value of a weak-keyed map whose key was the page,
  so the recorder kept the page (and its frames, listeners and errors) alive;
* Playwright's Python client (1.64) files a reply callback, with a stack, for
  every ``__waitInfo__`` message, which the driver never answers.

Real Chromium, real pages from a local server.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import weakref
from http.server import SimpleHTTPRequestHandler

import pytest
from playwright.async_api import async_playwright

from archiver.browser import CHROMIUM_ARGS, chromium_path
from archiver.capture.browser import PageRecorder
from archiver.capture.handler import forget_unanswered_wait_info
from archiver.localserver import serve_http
from archiver.recording import WarcWriter

pytestmark = pytest.mark.browser

PAGES = 12


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text('<!doctype html><title>t</title><link rel="stylesheet" href="s.css">'
                                     "<p>page</p>")
    (root / "s.css").write_text("p { color: red }")
    with serve_http(functools.partial(_Quiet, directory=str(root))) as base:
        yield f"{base}/index.html"


async def _render_pages(url: str, writer: WarcWriter, patch: bool) -> tuple[list[weakref.ref], int]:
    """Render PAGES pages the way the crawler does; return weak refs to their recorders and
    the number of reply callbacks Playwright still holds afterwards."""
    recorders: list[weakref.ref] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        connection = browser._impl_obj._connection
        if patch:
            forget_unanswered_wait_info(connection)
        context = await browser.new_context()
        for n in range(PAGES):
            page = await context.new_page()
            recorder = PageRecorder(writer=writer, page_id=f"page-{n}")
            await recorder.attach(page)
            async with page.expect_event("load"):        # a Playwright waiter, as scrapy-playwright uses
                await page.goto(url, wait_until="commit")
            await recorder.settle(quiet=0.05, timeout=2)
            await recorder.drain()
            # the page was recorded, and its stylesheet too, unless Chromium served it from its cache
            assert recorder.exchanges + recorder.cache_hits >= 2
            assert PageRecorder.of(page) is recorder
            recorders.append(weakref.ref(recorder))
            await page.close()
            del page, recorder
        await asyncio.sleep(0.2)
        callbacks = len(connection._callbacks)
        await context.close()
        await browser.close()
    return recorders, callbacks


def test_recorders_do_not_outlive_their_pages(site, tmp_path):
    with WarcWriter(tmp_path / "warcs", prefix="mem", warcinfo={"operator": "memory test"}) as writer:
        recorders, _ = asyncio.run(_render_pages(site, writer, patch=True))
    gc.collect()
    alive = [ref for ref in recorders if ref() is not None]
    assert not alive, f"{len(alive)} of {PAGES} page recorders are still referenced after their pages closed"


def test_wait_info_callbacks_are_not_kept(site, tmp_path):
    with WarcWriter(tmp_path / "warcs", prefix="mem", warcinfo={"operator": "memory test"}) as writer:
        _, unpatched = asyncio.run(_render_pages(site, writer, patch=False))
        _, patched = asyncio.run(_render_pages(site, writer, patch=True))
    # without the fix every goto leaves its unanswered callbacks behind (this is what the fix is for)
    assert unpatched >= PAGES, f"Playwright no longer keeps unanswered callbacks ({unpatched}); drop the fix"
    assert patched < 3, f"{patched} reply callbacks kept after {PAGES} pages"
