"""Per-host politeness for the whole crawl, not per worker: budgets in Redis.

Before a request goes out, its worker takes a slot for the host in Redis: at
most the outlet's ``concurrency`` requests to one host at once across all
workers, at least its ``delay`` between two starts, and none before a
Retry-After (429/503) that any worker was told has passed. Time is Redis's
own clock, so workers on machines with skewed clocks agree. A slot is freed
when its worker's sign of life (renewed with its leases) lapses, and in any
case after the longest a request may take.

Each worker's Scrapy still applies its own per-domain limits and AutoThrottle
on top; robots.txt is fetched and obeyed by each worker. The N workers one
coordinator starts each get 1/N of a host's concurrency as their own Scrapy
limit (``ARCHIVER_HOST_CONCURRENCY`` keeps the crawl-wide one), so they seldom
ask Redis for a slot none is free for; a worker that joins from elsewhere gets the
whole, and Redis still holds all of them to it.
"""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.internet import task

from archiver.capture.backoff import BACKOFF_STATUSES, retry_after_seconds
from archiver.distributed.connection import shared_client
from archiver.distributed.keys import CrawlKeys
from archiver.distributed.leases import LeaseBook

# KEYS: active slots (zset "worker|token" -> expiry ms), not-before (ms)
# ARGV: worker|token, limit, delay ms, hold ms
_ACQUIRE = """
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
local not_before = tonumber(redis.call('get', KEYS[2]) or '0')
if not_before > now then return not_before - now end
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('zadd', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
local delay = tonumber(ARGV[3])
if delay > 0 then redis.call('set', KEYS[2], now + delay, 'PX', delay + 1000) end
return 0
"""

# Slots of workers whose sign of life lapsed: freed by every worker every few seconds
# (SWEEP_INTERVAL), not on each request, which would cost a lookup per slot held per request.
# KEYS: active slots; ARGV: alive-key prefix
_SWEEP = """
local freed = 0
for _, slot in ipairs(redis.call('zrange', KEYS[1], 0, -1)) do
  local worker = string.match(slot, '^(.*)|')
  if worker and redis.call('exists', ARGV[1] .. worker) == 0 then
    redis.call('zrem', KEYS[1], slot)
    freed = freed + 1
  end
end
return freed
"""

# KEYS: not-before; ARGV: seconds
_PAUSE = """
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + math.floor(tonumber(ARGV[1]) * 1000)
local current = tonumber(redis.call('get', KEYS[1]) or '0')
if until_ms > current then redis.call('set', KEYS[1], until_ms, 'PX', until_ms - now + 1000) end
return until_ms - now
"""

SLOT_META_KEY = "archiver_host_slot"
_BUSY_WAIT = 0.02          # s between tries when every slot of a host is taken
SWEEP_INTERVAL = 2.0       # s between sweeps for slots of dead workers


class HostBudgetMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.book = LeaseBook.of(crawler)
        self.keys = CrawlKeys(settings.get("ARCHIVER_REDIS_PREFIX"), settings.get("ARCHIVER_CRAWL_ID"))
        client = shared_client(settings.get("ARCHIVER_REDIS_URL"))
        self._acquire = client.register_script(_ACQUIRE)
        self._sweep = client.register_script(_SWEEP)
        self._hosts_used: set[str] = set()       # active-slot keys this worker took slots in
        self._sweeper = task.LoopingCall(self.sweep)
        self._pause = client.register_script(_PAUSE)
        self._release_client = client
        self.limit = max(1, settings.getint("ARCHIVER_HOST_CONCURRENCY")
                         or settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.delay_ms = int(settings.getfloat("DOWNLOAD_DELAY") * 1000)
        longest = max(settings.getfloat("DOWNLOAD_TIMEOUT"), 2 * settings.getfloat("ARCHIVER_PAGE_TIMEOUT") + 30)
        self.hold_ms = int(longest * 1000)
        self.max_retry_after = settings.getfloat("ARCHIVER_MAX_RETRY_AFTER")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "HostBudgetMiddleware":
        if not crawler.settings.get("ARCHIVER_REDIS_URL"):
            raise NotConfigured("ARCHIVER_REDIS_URL is not set: politeness is per process")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider=None) -> None:
        self._sweeper.start(SWEEP_INTERVAL, now=False)

    def spider_closed(self, spider=None) -> None:
        if self._sweeper.running:
            self._sweeper.stop()

    def sweep(self) -> None:
        """Free the slots of workers that died holding them (their sign of life lapsed)."""
        for active in sorted(self._hosts_used):
            self.book.call(self._sweep, keys=[active], args=[self.keys.alive_prefix])

    def _host_keys(self, request: Request) -> tuple[str, str]:
        host = urlsplit(request.url).hostname or ""
        return self.keys.host(host, "active"), self.keys.host(host, "not_before")

    async def process_request(self, request: Request, spider=None):
        active, not_before = self._host_keys(request)
        self._hosts_used.add(active)
        token = f"{self.book.worker_id}|{uuid.uuid4().hex}"
        waited = 0.0
        while True:
            wait_ms = self.book.call(self._acquire, keys=[active, not_before],
                                     args=[token, self.limit, self.delay_ms, self.hold_ms])
            if wait_ms is None or wait_ms == 0:       # None: Redis is gone, the crawl is stopping
                break
            pause = _BUSY_WAIT if wait_ms < 0 else wait_ms / 1000
            waited += pause
            await asyncio.sleep(pause)
        if waited:
            self.crawler.stats.inc_value("archiver/politeness/waits")
        request.meta[SLOT_META_KEY] = token
        return None

    def _release(self, request: Request) -> None:
        token = request.meta.pop(SLOT_META_KEY, None)
        if token is not None:
            self.book.call(self._release_client.zrem, self._host_keys(request)[0], token)

    def process_response(self, request: Request, response: Response, spider=None):
        self._release(request)
        if response.status in BACKOFF_STATUSES:
            wanted = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
            seconds = min(self.max_retry_after, wanted if wanted is not None else 1.0)
            self.book.call(self._pause, keys=[self._host_keys(request)[1]], args=[seconds])
            self.crawler.stats.inc_value("archiver/politeness/retry_after")
        return response

    def process_exception(self, request: Request, exception: Exception, spider=None):
        self._release(request)
        return None
