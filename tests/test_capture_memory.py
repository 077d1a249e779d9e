"""Memory over long render crawls: nothing per page may outlive its page.

Both leaks these tests guard against were found with a soak run of the
benchmark site (the crawler process grew ~65 KB per rendered page):

* a page's recorder was the value of a weak-keyed map whose key was the page,
  so the recorder kept the page (and its frames, listeners and errors) alive;
* Playwright's Python client (1.64) files a reply callback, with a stack, for
  every ``__waitInfo__`` message of its waiters (``expect_event``,
  ``wait_for_load_state``), which the driver never answers. The crawler's
  navigation (``archiver.capture.navigation.navigate``) uses no waiter: a
  page loaded with ``expect_event("load")`` left ~38 Python objects behind,
  one loaded with ``navigate`` none (0.8 per page, measured over 40 pages).

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

from archiver.capture.navigation import navigate
from archiver.capture.recorder import PageRecorder
from archiver.chromium import chromium_path, launch_options
from archiver.localserver import serve_http
from archiver.recording import WarcWriter
from tests.conftest import run_async

pytestmark = pytest.mark.browser

PAGES = 12
WARM_UP = 20                  # pages before the first count (caches, first-use objects)
COUNTED = 40                  # pages between the two counts


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


async def _render_pages(url: str, writer: WarcWriter, pages: int, counts_at: tuple[int, ...] = ()
                        ) -> tuple[list[weakref.ref], list[int]]:
    """Render pages the way the crawler does, each in a tab of its own; return weak refs to their
    recorders and the number of live Python objects after each page in `counts_at`."""
    recorders: list[weakref.ref] = []
    counts: list[int] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(chromium_path()))
        context = await browser.new_context()
        for n in range(pages):
            page = await context.new_page()
            recorder = PageRecorder(writer=writer, page_id=f"page-{n}")
            await recorder.attach(page)
            await navigate(page, url, timeout=10, download_wait=1)
            await recorder.settle(quiet=0.05, timeout=2)
            await recorder.drain()
            # the page was recorded, and its stylesheet too, unless Chromium served it from its cache
            assert recorder.exchanges + recorder.cache_hits >= 2
            assert PageRecorder.of(page) is recorder
            recorders.append(weakref.ref(recorder))
            await page.close()
            del page, recorder
            if n + 1 in counts_at:
                await asyncio.sleep(0.1)
                gc.collect()
                counts.append(len(gc.get_objects()))
        await context.close()
        await browser.close()
    return recorders, counts


@pytest.mark.browser
def test_recorders_do_not_outlive_their_pages(site, tmp_path):
    with WarcWriter(tmp_path / "warcs", prefix="mem", warcinfo={"operator": "memory test"}) as writer:
        recorders, _ = run_async(_render_pages(site, writer, PAGES))
    gc.collect()
    alive = [ref for ref in recorders if ref() is not None]
    assert not alive, f"{len(alive)} of {PAGES} page recorders are still referenced after their pages closed"


@pytest.mark.browser
@pytest.mark.slow
def test_a_rendered_page_leaves_no_objects_behind(site, tmp_path):
    """Live Python objects after 20 pages and after 60: a page must leave (nearly) nothing."""
    with WarcWriter(tmp_path / "warcs", prefix="mem", warcinfo={"operator": "memory test"}) as writer:
        _, (before, after) = run_async(_render_pages(site, writer, WARM_UP + COUNTED,
                                                       counts_at=(WARM_UP, WARM_UP + COUNTED)))
    per_page = (after - before) / COUNTED
    assert per_page < 5, f"{per_page:.1f} Python objects kept per rendered page"
