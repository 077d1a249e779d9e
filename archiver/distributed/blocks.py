"""A blocked host is blocked for the whole crawl: the walls in a row, the probes and the give-up in Redis.

``archiver.capture.walls.WallMiddleware`` asks through ``BlockSharing``; every
worker of a ``--workers`` crawl counts into the same keys
(``<prefix>:<crawl id>:host:<host>:walls|probes|blocked``), so the crawl as a
whole sends at most ``ARCHIVER_BLOCK_PROBES`` probes after a block, and once
one worker gives the host up, none requests it again.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from archiver.capture.walls import BlockSharing
from archiver.distributed.connection import shared_client
from archiver.distributed.keys import CrawlKeys

TTL_S = 24 * 3600          # the keys outlive any crawl, then go


class RedisBlockSharing(BlockSharing):
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.keys = CrawlKeys(settings.get("ARCHIVER_REDIS_PREFIX"), settings.get("ARCHIVER_CRAWL_ID"))
        self.client = shared_client(settings.get("ARCHIVER_REDIS_URL"))

    def walls_in_row(self, host: str, wall: bool) -> int | None:
        key = self.keys.host(host, "walls")
        if not wall:                            # the host answers: the count and any block's probes start over
            self.client.pipeline(transaction=False).set(key, 0, ex=TTL_S).delete(self.keys.host(host, "probes")).execute()
            return 0
        with self.client.pipeline() as pipe:
            count, _ = pipe.incr(key).expire(key, TTL_S).execute()
        return int(count)

    def block_started(self, host: str, probes: int) -> None:
        self.client.set(self.keys.host(host, "probes"), probes, nx=True, ex=TTL_S)

    def take_probe(self, host: str) -> bool:
        return int(self.client.decr(self.keys.host(host, "probes"))) >= 0

    def given_up(self, host: str) -> str | None:
        vendor = self.client.get(self.keys.host(host, "blocked"))
        return vendor.decode() if isinstance(vendor, bytes) else vendor

    def give_up(self, host: str, vendor: str) -> None:
        self.client.set(self.keys.host(host, "blocked"), vendor or "unknown", ex=TTL_S)
