"""Puts each extracted article into the WARC as a ``metadata`` record.

The record refers to the response record the article was extracted from, so
the WARC alone says which capture an item describes. An article whose page
has no record (its write failed, e.g. Redis went away mid-write) is dropped:
every item points at its WARC record, and the page stays uncommitted, so a
``--resume`` fetches it again.
"""

from __future__ import annotations

import json

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archiver.crawl.session import ArchiveSession


class ItemWarcPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ItemWarcPipeline":
        return cls(crawler)

    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        warc = adapter.get("warc")
        if not warc:
            self.crawler.stats.inc_value("archiver/items/dropped_unrecorded")
            raise DropItem(f"{adapter.get('url')}: its page has no WARC record; not kept as an item")
        payload = json.dumps(adapter.asdict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
        ArchiveSession.of(self.crawler).writer.write_metadata(
            f"urn:article:{adapter['url']}", payload, "application/json", refers_to=warc["record_id"])
        self.crawler.stats.inc_value("archiver/items/metadata_records")
        return item
