"""Bare Scrapy: follow links, fetch page requisites (img, css, js), store nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import scrapy
from scrapy.http import Response, TextResponse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CountingSpider, main, same_host_links  # noqa: E402

REQUISITES = "img::attr(src), link[rel=stylesheet]::attr(href), script::attr(src)"


class StaticSpider(CountingSpider):
    name = "bare_static"
    screenshots = False

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        self.count_page(response)
        if not isinstance(response, TextResponse):
            return
        for src in response.css(REQUISITES).getall():
            yield response.follow(src, callback=self.requisite)
        for url in same_host_links(response):
            yield scrapy.Request(url, callback=self.parse)

    def requisite(self, response: Response) -> None:
        pass


if __name__ == "__main__":
    main(StaticSpider, {}, __doc__)
