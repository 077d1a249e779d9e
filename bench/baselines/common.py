"""What the bare Scrapy baselines share: link following, page counting and the run."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse

BASE_SETTINGS = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": True,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
}


def same_host_links(response: Response) -> Iterator[str]:
    """Absolute same-host <a href> targets, fragments dropped."""
    if not isinstance(response, TextResponse):
        return
    host = urlsplit(response.url).netloc
    for href in response.css("a::attr(href)").getall():
        url = response.urljoin(href).split("#", 1)[0]
        if urlsplit(url).netloc == host:
            yield url


class CountingSpider(scrapy.Spider):
    """Counts HTML pages and writes the count when it closes."""
    stats_path: str = ""
    pages = 0

    def count_page(self, response: Response) -> None:
        if isinstance(response, TextResponse) and b"html" in response.headers.get("Content-Type", b""):
            self.pages += 1

    def closed(self, reason: str) -> None:
        Path(self.stats_path).write_text(json.dumps({"pages": self.pages, "reason": reason}))


def main(spidercls: type[CountingSpider], settings: dict, description: str) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("url")
    parser.add_argument("--stats", required=True)
    parser.add_argument("--screenshots", action="store_true")
    parser.add_argument("--pages-at-once", type=int, help="pages rendered at once (PLAYWRIGHT_MAX_PAGES_PER_CONTEXT)")
    args = parser.parse_args()
    if args.pages_at_once:
        settings = {**settings, "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": args.pages_at_once}
    process = CrawlerProcess({**BASE_SETTINGS, **settings})
    process.crawl(spidercls, start_urls=[args.url], stats_path=args.stats, screenshots=args.screenshots)
    process.start()
