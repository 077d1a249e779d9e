"""Every item points at its WARC record: an article whose page was not recorded is not kept."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archiver.items import Article
from pipelines.warc_metadata import ItemWarcPipeline


def test_an_article_without_a_warc_record_is_dropped_and_counted():
    crawler = get_crawler(Spider)
    pipeline = ItemWarcPipeline.from_crawler(crawler)
    article = Article(url="http://127.0.0.1:9/story", outlet="sample", title="A story", body=["Text."],
                      captured_at="2026-12-08T01:00:00Z", warc=None)
    with pytest.raises(DropItem, match="no WARC record"):
        pipeline.process_item(article)
    assert crawler.stats.get_value("archiver/items/dropped_unrecorded") == 1
