"""News archiver: Scrapy spiders, headless Chromium and WARC files for preserving news coverage."""

__version__ = "0.1.0"
