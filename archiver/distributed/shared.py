"""Spider state that every worker must see: sets kept in Redis.

The news spider learns some things from one response that decide how others
are read: the hosts robots.txt names sitemaps on (``robots_hosts``). In a
distributed crawl the worker that read robots.txt is often not the one that
reads the sitemap, so such a set lives in Redis (``<prefix>:<crawl>:spider:<name>``).
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

SHARED_SPIDER_SETS = ("robots_hosts",)


class RedisSet:
    """The part of ``set`` the spider uses (``add``, ``update``, ``in``), in Redis."""

    def __init__(self, client: redis.Redis, key: str, initial: Iterable[str] = ()):
        self.client = client
        self.key = key
        self.update(initial)

    def add(self, value: str) -> None:
        self.client.sadd(self.key, value)

    def update(self, values: Iterable[str]) -> None:
        values = list(values)
        if values:
            self.client.sadd(self.key, *values)

    def __contains__(self, value: object) -> bool:
        return bool(self.client.sismember(self.key, str(value)))

    def __iter__(self):
        return (member.decode() for member in self.client.smembers(self.key))

    def __len__(self) -> int:
        return self.client.scard(self.key)


def share_spider_sets(spider, client: redis.Redis, base_key: str) -> None:
    """Replace the spider's per-process sets named in SHARED_SPIDER_SETS with Redis ones."""
    for name in SHARED_SPIDER_SETS:
        if isinstance(getattr(spider, name, None), set):
            setattr(spider, name, RedisSet(client, f"{base_key}:spider:{name}", getattr(spider, name)))
