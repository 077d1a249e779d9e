"""Appends every article to ``items.jsonl`` and ``items.csv`` of the crawl folder, durably.

Runs after the WARC metadata record and the text export: once its item has
passed (``item_scraped``), the item is on disk and the spider commits the
article to the crawl state. The fsyncs that make it so are shared: an item
waits for the next fsync of both files to begin after it was written, and
every item written while one fsync runs shares the next (a group commit, run
in a thread so the crawl goes on meanwhile). A lone item is synced at once; under
load one fsync pair serves many items.
"""

from __future__ import annotations

from collections.abc import Callable

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from archiver.itemfiles import ItemFiles
from archiver.crawl.session import ArchiveSession


class GroupSync:
    """Runs *sync* in a thread for everyone waiting; those who arrive meanwhile share the next run."""

    def __init__(self, sync: Callable[[], None]):
        self._sync = sync
        self._running = False
        self._waiting: list[Deferred] = []

    def wait(self) -> Deferred:
        """Fires once a sync that began after this call has finished (errbacks with its error)."""
        done: Deferred = Deferred()
        self._waiting.append(done)
        if not self._running:
            self._start()
        return done

    def _start(self) -> None:
        waiters, self._waiting = self._waiting, []
        self._running = True

        def finished(result):
            self._running = False
            for waiter in waiters:
                if isinstance(result, Failure):
                    waiter.errback(result)
                else:
                    waiter.callback(None)
            if self._waiting:
                self._start()

        threads.deferToThread(self._sync).addBoth(finished)


class ItemFilesPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._files: ItemFiles | None = None
        self._synced: GroupSync | None = None

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
            self._synced = GroupSync(self._files.sync)
        return self._files

    async def process_item(self, item, spider=None):
        self._opened().append(item)
        await maybe_deferred_to_future(self._synced.wait())
        return item

    def close(self) -> None:
        self._opened().close()            # a crawl without articles still leaves both files, empty
