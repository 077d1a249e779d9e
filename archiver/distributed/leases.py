"""A worker's leases: which requests it holds, renewing them, and acknowledging them.

A request is acknowledged when it is finished with, never before:

* its callback's output was handed on (new requests queued in Redis, items
  through the pipelines): ``LeaseSpiderMiddleware``, after the output ends;
* or its download failed for good (after retries), or a downloader middleware
  dropped it (robots.txt, already archived), or the spider's errback is done
  with it (``archiver.failures.failure_handled``): ``LeaseDownloaderMiddleware``;
* a retry or redirect of it hands the lease over to the new request when that
  is queued (one Lua script: ``RedisFrontier.enqueue``).

The response records are written before any of this (the recorder runs on
``response_downloaded``, before the middlewares), so a worker killed at any
moment leaves its unacknowledged requests to be crawled again by another: a
page may be archived twice, never lost.
"""

from __future__ import annotations

import logging
import weakref

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from archiver.distributed.connection import safe_url, shared_client
from archiver.distributed.frontier import RedisFrontier
from archiver.distributed.keys import CrawlKeys
from archiver.failures import failure_handled

logger = logging.getLogger(__name__)

LEASE_META_KEY = "archiver_lease"        # the id of the queued request this one works off
_BOOKS: "weakref.WeakKeyDictionary[Crawler, LeaseBook]" = weakref.WeakKeyDictionary()


class LeaseBook:
    """The leases one worker holds for one crawl; renews them while the worker lives."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.url = settings.get("ARCHIVER_REDIS_URL")
        self.keys = CrawlKeys(settings.get("ARCHIVER_REDIS_PREFIX"), settings.get("ARCHIVER_CRAWL_ID"))
        self.worker_id = settings.get("ARCHIVER_WORKER_ID")
        self.frontier = RedisFrontier(shared_client(self.url), self.keys, self.worker_id,
                                      lease_ttl=settings.getint("ARCHIVER_REDIS_LEASE_TTL"),
                                      max_retakes=settings.getint("ARCHIVER_REDIS_MAX_RETAKES"))
        self.held: set[str] = set()
        self.lost_redis: Exception | None = None
        self.server_run = self.call(self._server_run)   # a restarted Redis has a new run_id
        self._loop = task.LoopingCall(self.tick)

    @classmethod
    def of(cls, crawler: Crawler) -> "LeaseBook":
        book = _BOOKS.get(crawler)
        if book is None:
            if not crawler.settings.get("ARCHIVER_REDIS_URL"):
                raise NotConfigured("ARCHIVER_REDIS_URL is not set: not a distributed crawl")
            book = _BOOKS[crawler] = cls(crawler)
        return book

    # --- lifecycle -------------------------------------------------------------
    def start(self) -> None:
        self.call(self.frontier.renew, [])            # alive from the start
        if not self._loop.running:
            self._loop.start(max(1.0, self.frontier.lease_ttl / 3), now=False)

    def stop(self) -> None:
        if self._loop.running:
            self._loop.stop()
        if self.lost_redis is None:
            self.call(self.frontier.release, sorted(self.held))

    def _server_run(self) -> str:
        return self.frontier.client.info("server")["run_id"]

    def tick(self) -> None:
        """Renew own leases, put lapsed ones of others back in the queue; notice a restarted Redis."""
        run = self.call(self._server_run)
        if run is not None and run != self.server_run:
            self.redis_lost(RuntimeError("Redis was restarted during the crawl; what it held may be older "
                                         "than what the workers archived"))
            return
        lost = self.call(self.frontier.renew, sorted(self.held)) or 0
        if lost:
            self.crawler.stats.inc_value("archiver/redis/leases_lost", lost)
        retaken = self.call(self.frontier.reclaim) or 0
        if retaken:
            logger.info("%d requests whose worker stopped renewing their lease went back into the queue", retaken)

    # --- requests ---------------------------------------------------------------
    def took(self, request_id: str) -> None:
        self.held.add(request_id)
        self.crawler.stats.inc_value("archiver/redis/leased")

    def ack(self, request: Request | None) -> None:
        request_id = request.meta.get(LEASE_META_KEY) if request is not None else None
        if request_id is None or request_id not in self.held:
            return
        self.held.discard(request_id)
        if self.call(self.frontier.ack, request_id):
            self.crawler.stats.inc_value("archiver/redis/acked")
        else:
            self.crawler.stats.inc_value("archiver/redis/acked_after_retake")

    def handed_over(self, request: Request) -> str | None:
        """The lease a retry or redirect of a held request takes over (None for a new request)."""
        request_id = request.meta.get(LEASE_META_KEY)
        if request_id is not None and request_id in self.held:
            self.held.discard(request_id)
            return request_id
        return None

    # --- Redis errors --------------------------------------------------------
    def call(self, fn, *args, **kwargs):
        """Run a Redis call; if Redis is gone, stop the crawl cleanly (the WARCs are closed as usual)."""
        if self.lost_redis is not None:
            return None
        try:
            return fn(*args, **kwargs)
        except redis.RedisError as exc:
            self.redis_lost(exc)
            return None

    def redis_lost(self, exc: Exception) -> None:
        if self.lost_redis is not None:
            return
        self.lost_redis = exc
        logger.error("lost the shared Redis at %s (%s): this worker stops; what it archived is kept, "
                     "and the requests it held are crawled again when the crawl continues",
                     safe_url(self.url), exc)
        self.crawler.stats.set_value("archiver/finish_reason", "redis_lost")
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="redis_lost"))


class LeaseSpiderMiddleware:
    """Acknowledges a request once its callback's (or errback's) output has been handed on.

    Requests it yields are queued in Redis as they pass; items are counted, and
    the acknowledgement waits until each has left the item pipelines (scraped,
    dropped or failed), so a worker killed while an item is being written
    leaves the page to be crawled again.
    """

    def __init__(self, crawler: Crawler):
        self.book = LeaseBook.of(crawler)
        self._items: dict[int, int] = {}        # id(response) -> its items still in the pipelines
        self._ended: dict[int, Request] = {}    # responses whose output has ended, by id
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_left, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "LeaseSpiderMiddleware":
        return cls(crawler)

    async def process_spider_output(self, response, result, spider=None):
        key = id(response)
        self._items[key] = 0
        try:
            async for output in result:
                if output is not None and not isinstance(output, Request):
                    self._items[key] += 1
                yield output
        finally:
            self._ended[key] = response.request
            self._settle(key)

    def item_left(self, item=None, response=None, **kwargs) -> None:
        key = id(response)
        if key in self._items:
            self._items[key] -= 1
            self._settle(key)

    def _settle(self, key: int) -> None:
        if key in self._ended and self._items.get(key, 0) <= 0:
            self._items.pop(key, None)
            self.book.ack(self._ended.pop(key))


class LeaseDownloaderMiddleware:
    """Acknowledges a request whose download failed for good or was dropped (IgnoreRequest)."""

    def __init__(self, crawler: Crawler):
        self.book = LeaseBook.of(crawler)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.failure_handled, signal=failure_handled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "LeaseDownloaderMiddleware":
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception, spider=None):
        self.book.ack(request)
        return None

    def request_dropped(self, request: Request, spider=None) -> None:
        self.book.ack(request)

    def failure_handled(self, request: Request, **kwargs) -> None:
        """The spider's errback is done with it (a failure no process_exception saw: too large, say)."""
        self.book.ack(request)
