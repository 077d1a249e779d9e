"""One crawl per outlet at a time, across machines: the lock is a Redis key with an expiry.

Same interface as ``archiver.crawl.lock.OutletLock``. The holder renews the key while
it runs (``renew``); a holder that died leaves a key that lapses after
``ttl`` seconds, so no stale lock outlives it for long.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timezone

import redis

from archiver.distributed.keys import lock_key
from archiver.crawl.lock import LockHeld


class RedisOutletLock:
    def __init__(self, client: redis.Redis, prefix: str, outlet: str, *, ttl: int = 120):
        self.client = client
        self.key = lock_key(prefix, outlet)
        self.ttl = ttl
        self.holder = f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
        self._held = False

    def acquire(self) -> "RedisOutletLock":
        if not self.client.set(self.key, self.holder, nx=True, ex=self.ttl):
            holder = (self.client.get(self.key) or b"unknown").decode()
            raise LockHeld(f"another crawl of this outlet is running ({holder}); Redis key {self.key}")
        self._held = True
        return self

    def renew(self) -> None:
        if self._held:
            self.client.set(self.key, self.holder, xx=True, ex=self.ttl)

    def release(self) -> None:
        if self._held:
            self._held = False
            try:
                if self.client.get(self.key) == self.holder.encode():
                    self.client.delete(self.key)
            except redis.RedisError:
                pass                        # Redis is gone: the key lapses on its own
