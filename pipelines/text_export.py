"""Writes the plain-text export of every article into ``articles/`` of the crawl folder."""

from __future__ import annotations

from scrapy.crawler import Crawler

from archiver.crawl.session import ArchiveSession
from archiver.filenames import article_filename
from archiver.itemfiles import ARTICLES_DIR, write_text_export


class TextExportPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "TextExportPipeline":
        return cls(crawler)

    def process_item(self, item, spider=None):
        session = ArchiveSession.of(self.crawler)
        write_text_export(session.path(ARTICLES_DIR, article_filename(item)), item)
        return item
