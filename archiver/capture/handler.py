"""scrapy-playwright's download handler, shared by the http and https schemes.

Scrapy builds one handler per scheme; registering scrapy-playwright for both
would start two node drivers and two browsers. This subclass hands the same
instance to both schemes and closes it once.
"""

from __future__ import annotations

import weakref

from scrapy.crawler import Crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

_HANDLERS: "weakref.WeakKeyDictionary[Crawler, SharedPlaywrightHandler]" = weakref.WeakKeyDictionary()


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    _closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SharedPlaywrightHandler":
        handler = _HANDLERS.get(crawler)
        if handler is None:
            handler = _HANDLERS[crawler] = cls(crawler)
        return handler

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await super().close()
