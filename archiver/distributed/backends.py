"""Chooses the shared (Redis) crawl state and digest index for a worker of a distributed crawl."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from archiver.distributed.connection import shared_client
from archiver.distributed.dedup import RedisDigestIndex
from archiver.distributed.state import RedisCrawlState
from archiver.recording import DigestIndex
from archiver.crawl.state import CrawlState


def shared_backends(settings: BaseSettings, crawl_id: str, state: CrawlState,
                    dedup: DigestIndex | None) -> tuple[RedisCrawlState, RedisDigestIndex | None]:
    """The Redis state and digest index over the root's SQLite ones (fallback and commit target)."""
    client = shared_client(settings.get("ARCHIVER_REDIS_URL"))
    shared_state = RedisCrawlState(client, settings.get("ARCHIVER_REDIS_PREFIX"), state, crawl_id)
    shared_dedup = None
    if dedup is not None:
        shared_dedup = RedisDigestIndex(client, crawl_id, settings.get("ARCHIVER_WORKER_ID") or "", dedup)
    return shared_state, shared_dedup
