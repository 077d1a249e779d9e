"""The search index pipeline: batches, and a broken index never costs an item."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.utils.test import get_crawler

from archiver import settings as defaults
from archiver.items import Article
from archiver.search import SearchIndex, search
from archiver.crawl.session import ArchiveSession
from pipelines.search_index import SearchIndexPipeline


def _crawler(root, **settings):
    project = {name: value for name, value in vars(defaults).items() if name.startswith("ARCHIVER_")}
    return get_crawler(Spider, {**project, "ARCHIVER_OUTPUT_ROOT": str(root),
                                "ARCHIVER_OUTPUT_DIR": str(root / "crawl-1"), "ARCHIVER_CRAWL_ID": "crawl-1",
                                "ARCHIVER_RENDER": "never",
                                **settings})


def _article(n: int) -> Article:
    return Article(url=f"http://127.0.0.1:9/story-{n}", outlet="sample", title=f"Story number {n}",
                   body=[f"Paragraph about harbour item{n}."], captured_at="2026-11-30T10:00:00Z",
                   warc={"filename": "a.warc.gz", "record_id": f"<urn:uuid:{n:08d}>", "offset": n * 100})


def test_versions_are_written_in_batches_and_the_rest_at_close(tmp_path):
    crawler = _crawler(tmp_path, ARCHIVER_SEARCH_BATCH=3)
    pipeline = SearchIndexPipeline.from_crawler(crawler)
    for n in range(4):
        assert pipeline.process_item(_article(n)) is not None
    pipeline.writer.submit(lambda: None).result()     # the batches queued so far are written
    with SearchIndex.of_root(tmp_path, readonly=True) as index:
        assert index.count() == 3                      # one batch; the fourth version waits for the next
    pipeline.spider_closed(None, "finished")
    ArchiveSession.of(crawler).close()
    with SearchIndex.of_root(tmp_path, readonly=True) as index:
        hits = search(index, "item3")
    assert [(h.url, h.crawl, h.version) for h in hits] == [("http://127.0.0.1:9/story-3", "crawl-1", 1)]
    assert crawler.stats.get_value("archiver/search/indexed") == 4


def test_an_index_that_cannot_be_written_costs_no_item(tmp_path, caplog):
    (tmp_path / "search.sqlite").mkdir()               # SQLite cannot open a folder
    crawler = _crawler(tmp_path)
    pipeline = SearchIndexPipeline.from_crawler(crawler)
    item = _article(1)
    assert pipeline.process_item(item) is item
    with caplog.at_level(logging.ERROR):
        pipeline.spider_closed(None, "finished")
    ArchiveSession.of(crawler).close()
    assert "archiver search --reindex" in caplog.text
    assert crawler.stats.get_value("archiver/search/not_indexed") == 1
