"""News archiver: Scrapy spiders, headless Chromium and WARC files for preserving news coverage."""

from archiver.offline import keep_libraries_offline

__version__ = "0.1.0"

keep_libraries_offline()  # before anything imports Scrapy's cookies middleware (and tldextract)
