"""Bare scrapy-playwright: render every page in Chromium (4 pages at once, or --pages-at-once), optionally
take a full-page PNG screenshot, follow links of the rendered DOM, store nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CountingSpider, main, same_host_links  # noqa: E402

from archiver.chromium import chromium_path, launch_options  # the same Chromium and flags  # noqa: E402

VIEWPORT = {"width": 1366, "height": 900}


class RenderSpider(CountingSpider):
    name = "bare_render"
    screenshots = False

    def _request(self, url: str) -> scrapy.Request:
        methods = [PageMethod("screenshot", full_page=True, type="png")] if self.screenshots else []
        return scrapy.Request(url, callback=self.parse,
                              meta={"playwright": True, "playwright_page_methods": methods})

    async def start(self):
        for url in self.start_urls:
            yield self._request(url)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        self.count_page(response)
        for url in same_host_links(response):
            yield self._request(url)


SETTINGS = {
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "DOWNLOAD_HANDLERS": {"http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"},
    "PLAYWRIGHT_BROWSER_TYPE": "chromium",
    "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(chromium_path()),
    "PLAYWRIGHT_MAX_CONTEXTS": 1,
    "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
    "PLAYWRIGHT_CONTEXTS": {"default": {"viewport": VIEWPORT}},
}

if __name__ == "__main__":
    main(RenderSpider, SETTINGS, __doc__)
