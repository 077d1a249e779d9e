"""Appends every article to ``items.jsonl`` and ``items.csv`` of the crawl folder, durably.

Runs after the WARC metadata record and the text export: once it returns, the
item is on disk and the spider commits the article to the crawl state.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

from archiver.itemfiles import ItemFiles
from archiver.crawl.session import ArchiveSession


class ItemFilesPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._files: ItemFiles | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ItemFilesPipeline":
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.close, signal=signals.spider_closed)
        return pipeline

    def _opened(self) -> ItemFiles:
        """Opened with the first item (a resumed crawl has rebuilt the files by then), or at the end."""
        if self._files is None:
            folder = ArchiveSession.of(self.crawler).output_dir / self.crawler.settings.get("ARCHIVER_ITEM_FILES_DIR")
            self._files = ItemFiles(folder)
        return self._files

    def process_item(self, item, spider=None):
        self._opened().append(item)
        return item

    def close(self) -> None:
        self._opened().close()            # a crawl without articles still leaves both files, empty
