"""Scrapy spiders: the generic ``news`` spider and per-outlet subclasses."""
