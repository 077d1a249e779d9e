"""The shared request queue with leases: Redis scripts, no Scrapy.

A worker leases a request (``lease``): it moves from the queue into the pending
hash, and a lease key holding the worker id is set with an expiry. The worker
renews its leases while it is alive (``renew``) and acknowledges a request
(``ack``) once its response and records are written and its callback's output
is handed on. The leases of a dead or frozen worker lapse; ``reclaim`` (run by
every worker) puts their requests back at the head of the queue. Every move is
one Lua script, so no request is ever in neither place.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from archiver.distributed.keys import CrawlKeys

# KEYS: seen, queue, requests, counter, pending, stats, parent lease, page budget
# ARGV: fingerprint, blob, priority, dont_filter (0/1), parent id ('' if none), max pages (0: none),
#       counted (1: a new page or article, which takes one from the crawl-wide --max-pages budget)
_ENQUEUE = """
local added = 0
local fresh = redis.call('sadd', KEYS[1], ARGV[1])
local force = ARGV[4] == '1'
if fresh == 1 and ARGV[7] == '1' and tonumber(ARGV[6]) > 0 then
  if redis.call('incr', KEYS[8]) > tonumber(ARGV[6]) then
    redis.call('hincrby', KEYS[6], 'over_budget', 1)
    fresh = 0
    force = false
  end
end
if fresh == 1 or force then
  added = redis.call('incr', KEYS[4])
  redis.call('hset', KEYS[3], added, ARGV[2])
  redis.call('zadd', KEYS[2], -tonumber(ARGV[3]) * 1e9 + added, added)
end
if ARGV[5] ~= '' then
  if redis.call('hdel', KEYS[5], ARGV[5]) == 1 then
    redis.call('hdel', KEYS[3], ARGV[5])
    redis.call('hincrby', KEYS[6], 'handed_over', 1)
  end
  redis.call('del', KEYS[7])
end
return added
"""

# Up to ARGV[4] requests in one round trip, first in queue order, but never more than half of what
# is queued (one at least), so a short queue is shared among the workers; returns {id, blob, id, blob, ...}
# KEYS: queue, pending, requests, stats, worker hash; ARGV: worker id, ttl s, lease prefix, count
_LEASE = """
local count = math.max(1, math.min(tonumber(ARGV[4]), math.floor(redis.call('zcard', KEYS[1]) / 2)))
local popped = redis.call('zpopmin', KEYS[1], count)
local taken = {}
for i = 1, #popped, 2 do
  local id = popped[i]
  redis.call('hset', KEYS[2], id, ARGV[1])
  redis.call('set', ARGV[3] .. id, ARGV[1], 'EX', tonumber(ARGV[2]))
  taken[#taken + 1] = id
  taken[#taken + 1] = redis.call('hget', KEYS[3], id)
end
if #taken > 0 then
  redis.call('hincrby', KEYS[4], 'leased', #taken / 2)
  redis.call('hincrby', KEYS[5], 'leased', #taken / 2)
end
return taken
"""

# KEYS: pending, lease, requests, queue, stats, worker hash; ARGV: id, worker id
_ACK = """
local holder = redis.call('hget', KEYS[1], ARGV[1])
if holder == ARGV[2] then
  redis.call('hdel', KEYS[1], ARGV[1])
  redis.call('del', KEYS[2])
  redis.call('hdel', KEYS[3], ARGV[1])
  redis.call('hincrby', KEYS[5], 'acked', 1)
  redis.call('hincrby', KEYS[6], 'acked', 1)
  return 1
end
if redis.call('zrem', KEYS[4], ARGV[1]) == 1 then
  redis.call('hdel', KEYS[3], ARGV[1])
  redis.call('hincrby', KEYS[5], 'acked_late', 1)
  return 2
end
return 0
"""

# KEYS: pending; ARGV: worker id, ttl, lease prefix, ids...
_RENEW = """
local lost = 0
for i = 4, #ARGV do
  if redis.call('hget', KEYS[1], ARGV[i]) == ARGV[1] then
    redis.call('set', ARGV[3] .. ARGV[i], ARGV[1], 'EX', tonumber(ARGV[2]))
  else
    lost = lost + 1
  end
end
return lost
"""

# KEYS: pending, queue, failed, retakes, stats; ARGV: lease prefix, max retakes
_RECLAIM = """
local entries = redis.call('hgetall', KEYS[1])
local back = 0
for i = 1, #entries, 2 do
  local id = entries[i]
  if redis.call('exists', ARGV[1] .. id) == 0 then
    redis.call('hdel', KEYS[1], id)
    local n = redis.call('hincrby', KEYS[4], id, 1)
    if n > tonumber(ARGV[2]) then
      redis.call('rpush', KEYS[3], id)
      redis.call('hincrby', KEYS[5], 'given_up', 1)
    else
      redis.call('zadd', KEYS[2], -1e15 + tonumber(id), id)
      redis.call('hincrby', KEYS[5], 'retaken', 1)
      back = back + 1
    end
  end
end
return back
"""


@dataclass(frozen=True)
class Lease:
    request_id: str
    blob: bytes


class RedisFrontier:
    """Queue, seen set and leases of one crawl, for one worker."""

    def __init__(self, client: redis.Redis, keys: CrawlKeys, worker_id: str, *,
                 lease_ttl: int = 30, max_retakes: int = 3):
        self.client = client
        self.keys = keys
        self.worker_id = worker_id
        self.lease_ttl = lease_ttl
        self.max_retakes = max_retakes
        self._enqueue = client.register_script(_ENQUEUE)
        self._lease = client.register_script(_LEASE)
        self._ack = client.register_script(_ACK)
        self._renew = client.register_script(_RENEW)
        self._reclaim = client.register_script(_RECLAIM)

    def enqueue(self, fingerprint: str, blob: bytes, priority: int, *, dont_filter: bool = False,
                parent: str | None = None, max_pages: int = 0, counted: bool = False) -> str | None:
        """Queue a request unless seen; a retry or redirect hands over its parent's lease.

        A *counted* request (a new page or article) takes one from the crawl-wide
        budget of *max_pages* (0: none); past it, it is not queued.
        """
        k = self.keys
        added = self._enqueue(
            keys=[k.seen, k.queue, k.requests, k.counter, k.pending, k.stats, k.lease(parent or "-"), k.budget],
            args=[fingerprint, blob, priority, "1" if dont_filter else "0", parent or "", max_pages,
                  "1" if counted and not parent else "0"])
        return str(added) if added else None

    def lease(self) -> Lease | None:
        leases = self.lease_many(1)
        return leases[0] if leases else None

    def lease_many(self, count: int) -> list[Lease]:
        """Lease up to *count* requests (at most half the queue, one at least), first in queue order, in one round trip."""
        k = self.keys
        result = self._lease(keys=[k.queue, k.pending, k.requests, k.stats, k.worker(self.worker_id)],
                             args=[self.worker_id, self.lease_ttl, k.lease_prefix, max(1, count)])
        return [Lease(request_id.decode() if isinstance(request_id, bytes) else str(request_id), blob)
                for request_id, blob in zip(result[::2], result[1::2])]

    def ack(self, request_id: str) -> bool:
        """Done: True if this worker still held the lease (else the request was retaken)."""
        k = self.keys
        return self._ack(keys=[k.pending, k.lease(request_id), k.requests, k.queue, k.stats,
                               k.worker(self.worker_id)], args=[request_id, self.worker_id]) != 0

    def renew(self, request_ids: list[str]) -> int:
        """Extend this worker's leases (and its sign of life); returns how many it no longer holds."""
        self.client.set(self.keys.alive(self.worker_id), 1, ex=self.lease_ttl)
        if not request_ids:
            return 0
        return self._renew(keys=[self.keys.pending],
                           args=[self.worker_id, self.lease_ttl, self.keys.lease_prefix, *request_ids])

    def release(self, request_ids: list[str]) -> None:
        """Give leases up at once (a closing worker), so others need not wait for them to lapse."""
        held = [rid for rid in request_ids if self.client.hget(self.keys.pending, rid) == self.worker_id.encode()]
        if held:
            self.client.delete(*(self.keys.lease(rid) for rid in held))
        self.reclaim()

    def reclaim(self) -> int:
        """Requeue requests whose lease lapsed (their worker died or froze)."""
        k = self.keys
        return self._reclaim(keys=[k.pending, k.queue, k.failed, k.retakes, k.stats],
                             args=[k.lease_prefix, self.max_retakes])

    def has_work(self) -> bool:
        """Anything queued or leased anywhere: a leased page may still find new links."""
        pipe = self.client.pipeline(transaction=False)
        pipe.zcard(self.keys.queue)
        pipe.hlen(self.keys.pending)
        queued, pending = pipe.execute()
        return bool(queued or pending)

    def stats(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.client.hgetall(self.keys.stats).items()}
