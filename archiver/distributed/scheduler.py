"""A Scrapy scheduler over the shared Redis frontier (Scrapy's ``BaseScheduler`` interface).

Requests are stored as ``Request.to_dict()`` pickled (callbacks are spider
methods, so any worker can run them). ``next_request`` leases the next one;
the lease book acknowledges it when it is done (``leases.py``).

A request whose fingerprint this worker already sent to Redis is refused
here without asking again (the seen set only grows while the crawl runs),
as Scrapy's own dupefilter holds every fingerprint of a one-process crawl.

Scrapy's engine asks a scheduler that had nothing for more only every 5
seconds; a worker whose queue ran dry therefore polls Redis every
``ARCHIVER_REDIS_POLL`` seconds and hands a request it finds to the engine
with ``engine.crawl()``, which wakes it at once.

The same poll closes the spider as soon as the whole crawl is done (nothing
queued or leased anywhere, nothing running here), where the engine would
only notice at its next 5-second heartbeat.

``--max-pages`` is a budget for the whole crawl: every new page or article
queued takes one from a counter in Redis (in the enqueue script), so N workers
archive at most that many between them.

A worker holds at most ``ARCHIVER_REDIS_MAX_HELD`` leases (default: the
per-host concurrency), so it never hoards requests that wait in its own
downloader while other workers have nothing to do. It leases up to
``ARCHIVER_REDIS_LEASE_BATCH`` of them in one round trip and keeps those the
engine has not asked for yet in its own queue (their leases are renewed and
released like any other).
"""

from __future__ import annotations

import logging
import pickle
from collections import deque

from scrapy import Request, Spider
from scrapy.core.scheduler import BaseScheduler
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict
from twisted.internet import task

from archiver.distributed.leases import LEASE_META_KEY, LeaseBook

BUDGETED_KINDS = ("page", "article")     # what --max-pages counts (NewsSpider's pages_scheduled)

logger = logging.getLogger(__name__)


def _picklable_meta(meta: dict) -> dict:
    """Meta without the live objects some middlewares park in it (pages, sessions)."""
    kept = {}
    for key, value in meta.items():
        try:
            pickle.dumps(value)
        except Exception:
            continue
        kept[key] = value
    return kept


class RedisScheduler(BaseScheduler):
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.book = LeaseBook.of(crawler)
        self.frontier = self.book.frontier
        self.fingerprinter = crawler.request_fingerprinter
        self.poll_interval = crawler.settings.getfloat("ARCHIVER_REDIS_POLL")
        self.max_pages = crawler.settings.getint("ARCHIVER_MAX_PAGES")    # crawl-wide, held in Redis
        self.max_held = (crawler.settings.getint("ARCHIVER_REDIS_MAX_HELD")
                         or crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.lease_batch = max(1, crawler.settings.getint("ARCHIVER_REDIS_LEASE_BATCH"))
        self.spider: Spider | None = None
        self._ready: deque[Request] = deque()   # leased by the poller, for the engine
        # fingerprints this worker sent to the seen set, which only grows during a crawl: another
        # request for one of them (no retry or redirect, no dont_filter) needs no round trip to be refused
        self._sent: set[str] = set()
        self._waking: Request | None = None
        self._dry = False
        self._closing = False
        self._poller = task.LoopingCall(self._poll)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedisScheduler":
        return cls(crawler)

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.book.start()
        self._poller.start(self.poll_interval, now=False)

    def close(self, reason: str) -> None:
        if self._poller.running:
            self._poller.stop()
        self.book.stop()

    # --- the interface -------------------------------------------------------
    def has_pending_requests(self) -> bool:
        if self._ready:
            return True
        return bool(self.book.call(self.frontier.has_work))

    def enqueue_request(self, request: Request) -> bool:
        if request is self._waking:               # leased by the poller: run it here
            self._waking = None
            self._ready.append(request)
            return True
        parent = self.book.handed_over(request)
        try:
            data = request.to_dict(spider=self.spider)
        except ValueError:                        # a callback that is no spider method: keep it here
            if parent is not None:
                self.book.held.add(parent)
            self._ready.append(request)
            self.crawler.stats.inc_value("scheduler/enqueued/local")
            return True
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        stats = self.crawler.stats
        if parent is None and not request.dont_filter and fingerprint in self._sent:
            stats.inc_value("dupefilter/filtered")      # in the seen set already: Redis would say so
            return False
        data["meta"] = _picklable_meta({k: v for k, v in data["meta"].items() if k != LEASE_META_KEY})
        blob = pickle.dumps(data, protocol=4)
        added = self.book.call(self.frontier.enqueue, fingerprint, blob, request.priority,
                               dont_filter=request.dont_filter, parent=parent, max_pages=self.max_pages,
                               counted=request.meta.get("archiver_kind") in BUDGETED_KINDS)
        if self.book.lost_redis is None:
            self._sent.add(fingerprint)
        if added:
            stats.inc_value("scheduler/enqueued/redis")
            return True
        if self.book.lost_redis is None:
            stats.inc_value("dupefilter/filtered")
        return False

    def next_request(self) -> Request | None:
        if self._ready:
            return self._ready.popleft()
        if len(self.book.held) >= self.max_held:
            return None                           # the engine asks again when one is done
        request = self._lease()
        self._dry = request is None
        return request

    # --- internals -----------------------------------------------------------
    def _lease(self) -> Request | None:
        """The next leased request; leases a batch (within ``max_held``) when none is left here."""
        if not self._ready:
            room = max(1, min(self.lease_batch, self.max_held - len(self.book.held)))
            for lease in self.book.call(self.frontier.lease_many, room) or ():
                request = request_from_dict(pickle.loads(lease.blob), spider=self.spider)
                request.meta[LEASE_META_KEY] = lease.request_id
                self.book.took(lease.request_id)
                self.crawler.stats.inc_value("scheduler/dequeued/redis")
                self._ready.append(request)
        return self._ready.popleft() if self._ready else None

    def _poll(self) -> None:
        engine = self.crawler.engine
        if not self._dry or engine is None or engine.spider is None or engine.needs_backout() \
                or len(self.book.held) >= self.max_held:
            return
        request = self._lease()
        if request is not None:
            self._dry = False
            self._waking = request
            engine.crawl(request)
        elif not self._closing and engine.spider_is_idle():      # asks has_pending_requests() too
            self._closing = True
            deferred_from_coro(engine.close_spider_async(reason="finished"))
