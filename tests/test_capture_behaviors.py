"""Listing behaviours in a real Chromium against a real local server: "load more" found by its text in
the outlets' languages or by its attributes, client-side pagination, links collected after every press."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest
from playwright.async_api import async_playwright

from archiver.capture.behaviors import LOAD_MORE_TEXTS, click_load_more, page_through, scroll_through, text_pattern
from archiver.chromium import chromium_path, launch_options
from archiver.localserver import serve_http
from tests.conftest import run_async

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# 3 links at first; the "load more" control adds 3 until there are 9, then disappears. The pager's
# button replaces the list with the next 3 until page 4, which brings nothing new. A real link named
# "Show more" is left alone (it is followed as a page).
PAGE = """<!doctype html><meta charset="utf-8"><title>list</title><ul id="list"></ul>
{control}
<div class="pager"><button aria-label="Next page">›</button></div>
<a href="/elsewhere">Show more</a>
<script>
let n = 0, p = 0;
function add() {{ for (let i = 0; i < 3; i++) {{ const li = document.createElement('li');
  li.innerHTML = `<a href="/story/${{n++}}">Story</a>`; document.getElementById('list').append(li); }} }}
add();
const more = document.getElementById('more');
if (more) more.onclick = () => {{ add(); if (n >= 9) more.remove(); }};
document.querySelector('.pager button').onclick = () => {{ if (++p < 4) {{
  document.getElementById('list').innerHTML = ''; add(); }} }};
</script>"""
CONTROLS = {
    "de": '<button id="more">Mehr laden</button>',
    "ru": '<button id="more">Показать ещё</button>',
    "es": '<span id="more" role="button">Cargar más…</span>',
    "en": '<button id="more" type="button">Load more stories</button>',
    "attribute": '<div id="more" data-load-more><svg width="20" height="20"></svg></div>',
}


# An endless list that recycles its rows: near the bottom the next 20 stories replace the rows, and
# the rows before them become padding (the page keeps growing), 4 times; the final DOM holds only the
# last 20 stories.
RECYCLING = """<!doctype html><meta charset="utf-8"><title>endless</title><ul id="list" style="margin:0"></ul>
<script>
let batch = 0;
function show() { const list = document.getElementById('list'); list.innerHTML = '';
  list.style.paddingTop = (batch * 20 * 120) + 'px';
  for (let i = 0; i < 20; i++) { const li = document.createElement('li'); li.style.height = '120px';
    li.innerHTML = `<a href="/story/${batch * 20 + i}">Story</a>`; list.append(li); } }
show();
addEventListener('scroll', () => {
  if (batch < 4 && innerHeight + scrollY >= document.documentElement.scrollHeight - 400) { batch++; show(); } });
</script>"""


def server(control: str, page: str = PAGE):
    body = page.format(control=control).encode() if page is PAGE else page.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return serve_http(Handler)


async def _behave(base: str) -> tuple[int, int, set[str]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(chromium_path()))
        try:
            page = await browser.new_page()
            await page.goto(f"{base}/list")

            async def settle() -> None:
                await page.wait_for_load_state("networkidle")

            seen: set[str] = set()
            clicks = await click_load_more(page, "", settle, max_clicks=10, seen=seen)
            pages = await page_through(page, settle, max_pages=10, seen=seen)
            return clicks, pages, seen
        finally:
            await browser.close()


@pytest.mark.parametrize("language", sorted(CONTROLS))
def test_load_more_by_text_or_attribute_then_pagination(language):
    with server(CONTROLS[language]) as base:
        clicks, pages, seen = run_async(_behave(base))
    assert clicks == 2                          # 3 -> 6 -> 9 stories, then the control is gone
    assert pages == 4                           # pages 2 and 3 brought new links, page 4 none: stop
    assert {f"{base}/story/{n}" for n in range(18)} <= seen    # every page's links, not only the last's
    assert f"{base}/elsewhere" in seen


def test_endless_scroll_keeps_the_links_of_recycled_rows():
    async def scroll(base: str) -> tuple[set[str], set[str]]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**launch_options(chromium_path()))
            try:
                page = await browser.new_page(viewport={"width": 1000, "height": 800})
                await page.goto(f"{base}/endless")
                seen: set[str] = set()
                await scroll_through(page, max_scrolls=200, step_delay=0.02, seen=seen,
                                     settle=lambda: page.wait_for_load_state("networkidle"))
                final = set(await page.evaluate("() => [...document.links].map(a => a.href)"))
                return seen, final
            finally:
                await browser.close()

    with server("", RECYCLING) as base:
        seen, final = run_async(scroll(base))
    assert len(final) == 20                                          # the last DOM holds one batch
    assert {f"{base}/story/{n}" for n in range(100)} <= seen         # the scroll saw all five


def test_texts_match_whole_labels_only():
    pattern = text_pattern(LOAD_MORE_TEXTS)
    assert pattern.search("  Load more stories ") and pattern.search("Voir plus →") and pattern.search("MEHR LADEN")
    assert not pattern.search("Load more stories about the election in our archive")
