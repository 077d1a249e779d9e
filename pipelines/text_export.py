"""Writes the plain-text export of every article into ``articles/`` of the crawl folder."""

from __future__ import annotations

from scrapy.crawler import Crawler

from archiver.session import ArchiveSession
from archiver.filenames import article_filename
from archiver.textexport import article_to_text


class TextExportPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "TextExportPipeline":
        return cls(crawler)

    def process_item(self, item, spider=None):
        session = ArchiveSession.of(self.crawler)
        session.path("articles", article_filename(item)).write_text(article_to_text(item), encoding="utf-8")
        return item
