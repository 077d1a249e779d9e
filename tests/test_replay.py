"""Replay of a real crawl in real pywb, checked in real Chromium.

pywb (``wayback`` from the tools venv) serves the sample crawl's WARCs through
``start_replay``; headless Chromium loads the replayed pages. Every request the
page makes must be answered from the archive: no pywb not-found responses, and
nothing may leak to the live sample server (which is still running, so a leak
would otherwise look like a working replay).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest
from PIL import Image, ImageChops, ImageStat
from playwright.sync_api import Page, Response

from archiver.outlets import load_profiles
from archiver.recording.reader import iter_records, read_record
from archiver.research.replay import start_replay
from archiver.research.tools import tool

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.needs("wayback")]

ARTICLE_LINK = re.compile(r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+-a\d+")
NOT_FOUND_MARKERS = ("URL Not Found", "not found in this archive", "could not be found in this collection")
VIEWPORT = {"width": 1366, "height": 900}          # the crawl's ARCHIVER_VIEWPORT
# Mean absolute pixel difference bounds. The whole overlap varies with lazy images: the
# capture-time screenshot shows some below-the-fold images still as grey placeholders
# that replay loads (or not) depending on scroll timing, so it gets a looser bound; the
# first screen has no such race and must match closely.
MAX_MEAN_DIFF = 0.15 * 255
MAX_MEAN_DIFF_FIRST_SCREEN = 0.03 * 255


@pytest.fixture(scope="module")
def replay(sample_crawl):
    try:
        tool("wayback")
    except FileNotFoundError as exc:
        pytest.fail(str(exc))                       # says: run `make tools`
    with start_replay([sample_crawl.dirs["themoscowtimes"]], framed=False) as server:
        yield server


@dataclass
class Visit:
    page: Page
    replay_base: str
    not_found: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def on_response(self, response: Response) -> None:
        self.responses.append(response)
        if not response.url.startswith(self.replay_base):
            return
        if response.status == 404:
            self.not_found.append(response.url)
        elif "html" in (response.headers.get("content-type") or ""):
            try:
                body = response.text()
            except Exception:                       # a redirect or an aborted body has no text
                return
            if any(marker in body for marker in NOT_FOUND_MARKERS):
                self.not_found.append(response.url)

    def on_request(self, request) -> None:
        if not request.url.startswith((self.replay_base, "data:", "blob:", "about:")):
            self.leaked.append(request.url)

    def assert_complete(self) -> None:
        assert not self.not_found, f"pywb found no capture for: {self.not_found}"
        assert not self.leaked, f"requests escaped the archive to the live web: {self.leaked}"


def visit(browser, replay, url: str, timestamp: str | None = None) -> Visit:
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    result = Visit(page, replay.url)
    page.on("response", result.on_response)
    page.on("request", result.on_request)
    page.goto(replay.replay_url(url, timestamp), wait_until="networkidle", timeout=60_000)
    consent = page.locator(load_profiles()["themoscowtimes"].consent_selector).first
    if consent.is_visible():                        # as the crawl did before its screenshot
        consent.click()
        page.wait_for_load_state("networkidle")
    return result


def _scroll_through(page: Page) -> None:
    """As the crawl did before its screenshot: a screen at a time, so lazy images load, then back up."""
    page.evaluate("""async () => {
        for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 50));
        }
        window.scrollTo(0, 0);
    }""")
    page.wait_for_load_state("networkidle")


def _capture(sample_crawl, uri: str):
    for record in iter_records([sample_crawl.dirs["themoscowtimes"]]):
        if record.uri == uri:
            return record
    raise AssertionError(f"{uri} not in the crawl")


def mean_pixel_difference(captured: bytes, replayed: bytes, max_height: int | None = None
                          ) -> tuple[float, tuple[int, int]]:
    """Mean absolute difference (0-255, over RGB) on the area both images cover (down to *max_height*)."""
    a = Image.open(io.BytesIO(captured)).convert("RGB")
    b = Image.open(io.BytesIO(replayed)).convert("RGB")
    box = (0, 0, min(a.width, b.width), min(a.height, b.height, max_height or a.height))
    diff = ImageChops.difference(a.crop(box), b.crop(box))
    return sum(ImageStat.Stat(diff).mean) / 3, box[2:]


def test_front_page_replays_with_its_javascript_article_list(sample, sample_crawl, replay, browser):
    front = sample.urls["themoscowtimes"] + "/"
    dom = _capture(sample_crawl, f"urn:dom:{front}")
    result = visit(browser, replay, front, dom.date)
    _scroll_through(result.page)
    result.assert_complete()
    links = set(ARTICLE_LINK.findall(result.page.content()))
    assert len(links) >= 10, "the JS-built article list did not appear in the replay"
    assert any("/api/1/home" in r.url and r.status == 200 for r in result.responses)

    shot = result.page.screenshot(full_page=True, type="png")
    captured = read_record(_capture(sample_crawl, f"urn:fullPage:{front}"))
    difference, size = mean_pixel_difference(captured, shot)
    first, first_size = mean_pixel_difference(captured, shot, VIEWPORT["height"])
    print(f"\nreplayed front page vs capture screenshot: mean abs pixel difference "
          f"{difference:.2f}/255 ({difference / 255:.2%}) over {size[0]}x{size[1]} px; first screen "
          f"{first:.2f}/255 ({first / 255:.2%}) over {first_size[0]}x{first_size[1]} px")
    assert first < MAX_MEAN_DIFF_FIRST_SCREEN
    assert difference < MAX_MEAN_DIFF


def test_article_replays(sample, sample_crawl, replay, browser):
    item = next(i for i in sample_crawl.items("themoscowtimes") if i["lead_image"])
    result = visit(browser, replay, item["url"], item["captured_at"])
    result.assert_complete()
    assert item["title"] in result.page.inner_text("h1")
    assert item["body"][0][:60] in result.page.inner_text("body")
    images = result.page.evaluate("() => [...document.images].map(i => [i.src, i.naturalWidth])")
    assert images and all(width > 0 for _, width in images), f"images not replayed: {images}"


def test_section_load_more_replays(sample, replay, browser):
    """The section's "load more" XHR (/news/6), recorded during the crawl, replays too."""
    section = sample.urls["themoscowtimes"] + "/news"
    result = visit(browser, replay, section)
    result.assert_complete()
    before = len(set(ARTICLE_LINK.findall(result.page.content())))
    selector = load_profiles()["themoscowtimes"].load_more_selector
    with result.page.expect_response(lambda r: "/news/6" in r.url) as more:
        result.page.locator(selector).first.click()
    assert more.value.status == 200
    result.page.wait_for_load_state("networkidle")
    after = len(set(ARTICLE_LINK.findall(result.page.content())))
    result.assert_complete()
    assert after > before, f"load more added no articles ({before} -> {after})"
