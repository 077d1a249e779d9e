"""Every worker that joined a crawl, from this machine or another, and whether it is still at work.

A worker adds its id to the crawl's ``:workers`` set and publishes its figures
and state (``crawling`` until its spider closes, then how it ended) in
``:w:<id>``, and ``exited`` there once its files are closed; while it lives it keeps its heartbeat key ``:alive:<id>`` (set with
the lease TTL, on Redis's clock, so machines' clocks need not agree). The
coordinator ends a crawl only when no joined worker is still at work with a
live heartbeat: each has said it is done (its files closed), or its heartbeat lapsed (it died, and
its leases lapse back into the queue with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import redis

from archiver.distributed.keys import CrawlKeys

CRAWLING = "crawling"       # a worker's state until its spider closes


@dataclass(frozen=True)
class JoinedWorker:
    worker_id: str
    state: str
    exited: bool             # its WARC files, items and report are closed
    alive: bool              # its heartbeat has not lapsed
    host: str
    folder: Path | None      # its crawl folder, as its own machine names it

    @property
    def at_work(self) -> bool:
        return self.alive and not self.exited


def joined_workers(client: redis.Redis, keys: CrawlKeys) -> list[JoinedWorker]:
    ids = sorted(member.decode() for member in client.smembers(keys.workers))
    pipe = client.pipeline(transaction=False)
    for worker_id in ids:
        pipe.hmget(keys.worker(worker_id), "state", "host", "folder", "exited")
        pipe.exists(keys.alive(worker_id))
    answers = pipe.execute()
    workers = []
    for n, worker_id in enumerate(ids):
        state, host, folder, exited = (value.decode() if value is not None else "" for value in answers[2 * n])
        workers.append(JoinedWorker(worker_id, state or CRAWLING, bool(exited), bool(answers[2 * n + 1]), host,
                                    Path(folder) if folder else None))
    return workers


def mark_exited(client: redis.Redis, keys: CrawlKeys, worker_id: str) -> None:
    """Said by a worker once its files are closed: the coordinator may take them in."""
    client.hset(keys.worker(worker_id), "exited", 1)
