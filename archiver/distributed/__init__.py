"""One crawl, many workers, one Redis: the crawl state that workers share.

What lives in Redis (keys under ``ARCHIVER_REDIS_PREFIX``, see ``keys.py``):
the request queue, the seen set, the leases of requests being worked on, the
crawl configuration workers join with, per-worker progress, host politeness
budgets, the outlet lock, the archived-articles state and the payload-digest
index. What stays with each worker: its Scrapy engine, its browser, its WARC
writer and its own files. Crawl state (this package) is kept apart from the
recorder and the writer (``archiver.recording``), as in Browsertrix Crawler.
"""
