"""Downloader middleware: send plain fetches through the proxy the browser uses too.

Institutions crawl through proxies, and a mirror can be crawled under its real
URLs by pointing the proxy at it. The browser gets the same proxy at launch
(``archiver.chromium.launch_options``). Twisted's HTTP client speaks only HTTP
proxies, so a socks5 proxy serves rendered pages only.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class ProxyMiddleware:
    def __init__(self, proxy: str):
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProxyMiddleware":
        proxy = crawler.settings.get("ARCHIVER_PROXY")
        if not proxy:
            raise NotConfigured
        if proxy.startswith("socks5://") and crawler.settings.get("ARCHIVER_RENDER") == "never":
            raise NotConfigured("ARCHIVER_PROXY: a socks5 proxy needs rendering; use an http(s) proxy "
                                "with --render never")
        return cls(proxy)

    def process_request(self, request: Request, spider=None):
        if not self.proxy.startswith("socks5://") and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
        return None
