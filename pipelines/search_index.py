"""Adds every article version to the output root's search index as it is written.

Rows are buffered and handed ``ARCHIVER_SEARCH_BATCH`` at a time to one
writer thread, which adds each batch in one transaction (SQLite releases the
GIL while it works), so the crawl's reactor never waits on the index. The
rest is written when the spider closes. Versions a killed crawl had not
flushed are still in the WARC: ``archiver search --reindex`` recovers them.
"""

from __future__ import annotations

import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archiver.search import SearchIndex, index_path
from archiver.search.entry import IndexedVersion
from archiver.crawl.session import ArchiveSession

logger = logging.getLogger(__name__)


class SearchIndexPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.root = Path(crawler.settings.get("ARCHIVER_OUTPUT_ROOT") or "warcs")
        self.batch = crawler.settings.getint("ARCHIVER_SEARCH_BATCH")
        self.pending: list[IndexedVersion] = []
        self.index: SearchIndex | None = None          # opened and used by the writer thread only
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-index")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SearchIndexPipeline":
        if not crawler.settings.getbool("ARCHIVER_SEARCH_ENABLED"):
            raise NotConfigured("ARCHIVER_SEARCH_ENABLED is off: no search index")
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item, spider=None):
        crawl = ArchiveSession.of(self.crawler).output_dir.name
        version = IndexedVersion.from_item(ItemAdapter(item).asdict(), crawl)
        if version is not None:
            self.pending.append(version)
            if len(self.pending) >= self.batch:
                self.flush()
        return item

    def flush(self) -> None:
        """Queue the pending versions for the writer thread."""
        batch, self.pending = self.pending, []
        if batch:
            self.writer.submit(self._write, batch)

    def drain(self) -> None:
        """Write everything still pending and wait until it is in the index."""
        self.flush()
        self.writer.submit(lambda: None).result()

    def _write(self, batch: list[IndexedVersion]) -> None:
        """A failure (disk full) costs the index only, never the items: they are exported and in the WARC."""
        try:
            if self.index is None:
                self.index = SearchIndex.of_root(self.root)
            added = self.index.add(batch)
        except sqlite3.Error as exc:
            logger.error("search index %s: %d article versions not indexed (%s); they are in the WARC, "
                         "`archiver search --reindex %s` adds them", index_path(self.root), len(batch),
                         exc, self.root)
            self.crawler.stats.inc_value("archiver/search/not_indexed", len(batch))
        else:
            self.crawler.stats.inc_value("archiver/search/indexed", added)

    def spider_closed(self, spider, reason: str) -> None:
        self.drain()
        self.writer.shutdown(wait=True)
        if self.index is not None:
            self.index.close()
            self.index = None
