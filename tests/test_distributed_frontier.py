"""The shared frontier's leases against a real redis-server: lease, lapse, retake, acknowledge, hand over."""

from __future__ import annotations

import json
import time

import pytest

from archiver.distributed.connection import RedisUnavailable, connect
from archiver.distributed.frontier import RedisFrontier
from archiver.distributed.keys import CrawlKeys
from archiver.distributed.server import PrivateRedis


@pytest.fixture
def redis_url(tmp_path):
    with PrivateRedis(tmp_path / "redis") as server:
        yield server.url


# Leases are counted in multiples of TTL seconds, and a lapse is waited for (the lease key
# gone from Redis), never slept for: a busy machine only makes the tests slower.
TTL = 3
PATIENCE = 120          # s; how long a lapse that is due may take to show


def _frontiers(url: str, *workers: str, ttl: int = TTL) -> list[RedisFrontier]:
    client = connect(url)
    keys = CrawlKeys("test", "crawl-1")
    return [RedisFrontier(client, keys, worker, lease_ttl=ttl, max_retakes=2) for worker in workers]


def _lease_key(frontier: RedisFrontier, request_id: str) -> str:
    return frontier.keys.lease_prefix + request_id


def _wait_until_lapsed(frontier: RedisFrontier, request_id: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while frontier.client.exists(_lease_key(frontier, request_id)):
        assert time.monotonic() < deadline, f"the lease of {request_id} never lapsed"
        time.sleep(0.05)


def test_seen_requests_are_queued_once_and_by_priority(redis_url):
    (a,) = _frontiers(redis_url, "a")
    assert a.enqueue("fp-article", b"article", 0)
    assert a.enqueue("fp-page", b"page", 1)
    assert a.enqueue("fp-page", b"page again", 1) is None          # seen
    assert a.enqueue("fp-page", b"retry", 1, dont_filter=True)      # dont_filter passes
    assert [a.lease().blob for _ in range(3)] == [b"page", b"retry", b"article"]
    assert a.lease() is None


def test_a_lapsed_lease_goes_back_to_the_queue_and_another_worker_takes_it(redis_url):
    dead, alive = _frontiers(redis_url, "dead", "alive")
    dead.enqueue("fp", b"request", 0)
    lease = dead.lease()
    assert alive.lease() is None and alive.has_work()               # leased, not done: the crawl goes on
    assert alive.reclaim() == 0                                     # the lease still runs (for TTL s)
    _wait_until_lapsed(alive, lease.request_id)
    assert alive.reclaim() == 1
    retaken = alive.lease()
    assert retaken.blob == b"request"
    assert not dead.ack(lease.request_id)                           # too late: the other worker holds it
    assert alive.ack(retaken.request_id)
    assert not alive.has_work()
    assert alive.stats()["retaken"] == 1 and alive.stats()["acked"] == 1


def test_a_renewed_lease_does_not_lapse(redis_url):
    """Renewing sets the lease's expiry a whole TTL ahead again, however late it comes."""
    (a,) = _frontiers(redis_url, "a", ttl=30)
    a.enqueue("fp", b"request", 0)
    lease = a.lease()
    key = _lease_key(a, lease.request_id)
    for _ in range(2):
        granted = a.client.pttl(key)
        deadline = time.monotonic() + PATIENCE
        while a.client.pttl(key) > granted - 200:                    # let the lease run down a little
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert a.renew([lease.request_id]) == 0
        assert a.client.pttl(key) > granted - 200                    # back to a whole TTL
        assert a.reclaim() == 0
    assert a.ack(lease.request_id)


def test_a_retry_hands_its_lease_over(redis_url):
    (a,) = _frontiers(redis_url, "a")
    a.enqueue("fp", b"first try", 0)
    lease = a.lease()
    assert a.enqueue("fp", b"second try", 0, dont_filter=True, parent=lease.request_id)
    assert a.client.hlen(a.keys.pending) == 0                       # the first lease is closed
    assert a.lease().blob == b"second try"


def test_a_request_whose_workers_keep_dying_is_given_up(redis_url):
    (a,) = _frontiers(redis_url, "a", ttl=1)                       # three lapses: no need to wait long
    a.enqueue("fp", b"poison", 0)
    for _ in range(3):
        lease = a.lease()
        assert lease is not None
        _wait_until_lapsed(a, lease.request_id)
        a.reclaim()
    assert a.lease() is None
    assert a.client.llen(a.keys.failed) == 1


def test_unreachable_redis_is_a_clear_error(tmp_path):
    with pytest.raises(RedisUnavailable, match="cannot reach Redis at redis://127.0.0.1:9/0"):
        connect("redis://127.0.0.1:9/0", timeout=1)


def test_a_coordinator_s_workers_split_a_host_s_concurrency_and_redis_keeps_the_whole(tmp_path):
    """--host-share N: each local worker's own Scrapy sends 1/N; the crawl-wide Redis limit stays whole."""
    from archiver.crawl.runner import CrawlOptions, CrawlTarget
    from archiver.distributed.worker import worker_settings
    from archiver.outlets import Politeness

    options = CrawlOptions(targets=["http://127.0.0.1:9/"], out=tmp_path)
    target = CrawlTarget("site", {"url": "http://127.0.0.1:9/"}, tmp_path / "site-1", Politeness(concurrency=5))
    alone = worker_settings("redis://127.0.0.1:9/0", "w1")(options, target)
    assert alone.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 5 and not alone.getint("ARCHIVER_HOST_CONCURRENCY")
    shared = worker_settings("redis://127.0.0.1:9/0", "w1", host_share=2)(options, target)
    assert shared.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 3        # ceil(5 / 2)
    assert shared.getint("ARCHIVER_HOST_CONCURRENCY") == 5


def test_a_batch_lease_takes_requests_in_queue_order_and_each_is_acknowledged_alone(redis_url):
    a, b = _frontiers(redis_url, "a", "b")
    for n in range(8):
        a.enqueue(f"fp-{n}", f"request {n}".encode(), 8 - n)
    batch = a.lease_many(3)
    assert [lease.blob for lease in batch] == [b"request 0", b"request 1", b"request 2"]
    # never more than half of what is queued, so the other workers get their share of a short queue
    assert [lease.blob for lease in b.lease_many(4)] == [b"request 3", b"request 4"]
    assert [lease.blob for lease in b.lease_many(4)] == [b"request 5"]
    assert [lease.blob for lease in b.lease_many(4)] == [b"request 6"]
    assert [lease.blob for lease in b.lease_many(4)] == [b"request 7"]      # the last one: one at least
    assert b.lease_many(4) == []
    assert all(a.ack(lease.request_id) for lease in batch)
    assert a.stats()["leased"] == 8 and a.stats()["acked"] == 3


def test_a_frontier_entry_is_marked_done_or_failed_in_place(redis_url, tmp_path):
    from archiver.crawl.state import CrawlState
    from archiver.distributed.state import RedisCrawlState

    state = RedisCrawlState(connect(redis_url), "test", CrawlState(tmp_path / "state.sqlite"), "crawl-1")
    state.enqueue("crawl-1", "https://news.example/a", "article", 2, None)
    state.enqueue("crawl-1", "https://news.example/b", "page", 1, "2024-01-02")
    state.mark_done("crawl-1", "https://news.example/a")
    state.mark_failed("crawl-1", "https://news.example/b", 'http 503 "busy"')
    state.mark_done("crawl-1", "https://news.example/never-queued")       # not in the frontier: stays out
    assert state.is_done("crawl-1", "https://news.example/a")
    assert not state.is_done("crawl-1", "https://news.example/b")
    assert not state.is_scheduled("crawl-1", "https://news.example/never-queued")
    pending = state.pending("crawl-1")
    assert [(e.url, e.kind, e.depth, e.listed_date) for e in pending] == [
        ("https://news.example/b", "page", 1, "2024-01-02")]
    raw = state.client.hget(CrawlKeys("test", "crawl-1").frontier, "https://news.example/b")
    assert json.loads(raw)["reason"] == 'http 503 "busy"'


def test_a_worker_refuses_a_request_it_already_queued_without_asking_redis(redis_url):
    """The seen set only grows: a second request for a URL this worker queued needs no round trip."""
    from scrapy import Request, Spider
    from scrapy.utils.reactor import install_reactor, is_reactor_installed
    from scrapy.utils.test import get_crawler

    from archiver import settings as defaults

    if not is_reactor_installed():      # the crawl's reactor, before anything imports Twisted's default one
        install_reactor(defaults.TWISTED_REACTOR)
    from archiver.distributed.scheduler import RedisScheduler

    settings = {name: getattr(defaults, name) for name in dir(defaults) if name.isupper()}
    settings.update(ARCHIVER_REDIS_URL=redis_url, ARCHIVER_CRAWL_ID="crawl-1", ARCHIVER_WORKER_ID="w1")
    crawler = get_crawler(Spider, settings_dict=settings)
    scheduler = RedisScheduler.from_crawler(crawler)
    client = connect(redis_url)

    def enqueue_scripts() -> int:
        return sum(v["calls"] for k, v in client.info("commandstats").items() if k in ("cmdstat_evalsha",
                                                                                     "cmdstat_eval"))
    assert scheduler.enqueue_request(Request("https://news.example/a"))
    before = enqueue_scripts()
    assert not scheduler.enqueue_request(Request("https://news.example/a"))            # refused here
    assert enqueue_scripts() == before
    assert crawler.stats.get_value("dupefilter/filtered") == 1
    assert scheduler.enqueue_request(Request("https://news.example/a", dont_filter=True))   # still goes
    assert enqueue_scripts() == before + 1
    other = RedisScheduler.from_crawler(get_crawler(Spider, settings_dict={**settings, "ARCHIVER_WORKER_ID": "w2"}))
    assert not other.enqueue_request(Request("https://news.example/a"))    # another worker asks Redis: seen
    assert enqueue_scripts() == before + 2


def test_a_crawl_s_digests_are_committed_in_batches_to_redis_and_the_root_s_index(redis_url, tmp_path):
    from archiver.distributed import dedup as redis_dedup
    from archiver.distributed.keys import DIGEST_ALL_HASHES
    from archiver.recording.dedup import DigestIndex, StoredPayload

    client = connect(redis_url)
    local = DigestIndex(tmp_path / "digests.sqlite")
    index = redis_dedup.RedisDigestIndex(client, "crawl-1", "w1", local)
    entries = [StoredPayload(f"sha1:{n:032d}", f"https://news.example/{n}", "2026-12-08T01:00:00Z",
                             f"<urn:uuid:{n}>", "a.warc.gz", n * 100, 90, 80) for n in range(1203)]
    for entry in entries:
        index.add(entry)
    local.add(entries[7])                                         # already known here: kept, counted once
    assert index.commit() == 1203                                 # three batches of at most 500
    assert client.hlen(DIGEST_ALL_HASHES) == 1203 and len(local) == 1203
    assert local.lookup(entries[1202].digest) == entries[1202]
    assert local.add_many([entries[0], StoredPayload("sha1:" + "9" * 32, "u", "d", "r", "f", 1, 2, 3)]) == 1
