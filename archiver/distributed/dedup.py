"""The payload-digest index in Redis, behind the interface of ``archiver.recording.DigestIndex``.

Keys follow Browsertrix Crawler's dedupe index (``docs/docs/user-guide/dedupe.md``),
so its tools can read ours:

``h:<crawl id>``  hash: digest (the base32 part of ``sha1:...``) ->
    ``"<WARC file> <WARC-Date> <url> <payload length> <record id> <offset> <length>"``
    (Browsertrix's first four fields are index, date, url, size; ours name the
    WARC file instead of a WACZ index, and add what a revisit record needs)
``allhashes``  hash: digest -> the crawl id that stored it (filled by ``commit``)
``allcrawls``  set of committed crawl ids

Within a crawl, every worker sees a payload as soon as one stored it. Across
crawls on the same Redis, a crawl's digests join ``allhashes`` when it is
committed at its end, as in Browsertrix. The output root's ``digests.sqlite``
is consulted too, and receives the crawl's entries on commit, so single-process
crawls under the same root dedupe against distributed ones and back.

Two workers that meet a new payload at the same moment do not both store it:
the first claims the digest (a short-lived key), the other waits for its entry.
"""

from __future__ import annotations

import time

import redis

from archiver.distributed.keys import DIGEST_ALL_CRAWLS, DIGEST_ALL_HASHES, digest_crawl_key
from archiver.recording.dedup import DigestIndex, StoredPayload

# KEYS: h:<crawl>, allhashes, claim key; ARGV: digest, worker, claim ttl
_LOOKUP_OR_CLAIM = """
local v = redis.call('hget', KEYS[1], ARGV[1])
if v then return v end
local owner = redis.call('hget', KEYS[2], ARGV[1])
if owner then
  v = redis.call('hget', 'h:' .. owner, ARGV[1])
  if v then return v end
end
if redis.call('set', KEYS[3], ARGV[2], 'NX', 'EX', tonumber(ARGV[3])) then return false end
return '?'
"""


_COMMIT_BATCH = 500        # digests per pipeline and SQLite transaction when a crawl's digests are committed


def _key(digest: str) -> str:
    return digest.split(":")[-1]


class RedisDigestIndex:
    def __init__(self, client: redis.Redis, crawl_id: str, worker_id: str, local: DigestIndex | None, *,
                 claim_ttl: int = 10, claim_wait: float = 3.0):
        self.client = client
        self.crawl_id = crawl_id
        self.worker_id = worker_id
        self.local = local
        self.claim_ttl = claim_ttl
        self.claim_wait = claim_wait
        self.crawl_key = digest_crawl_key(crawl_id)
        self.path = f"redis {self.crawl_key}"      # named in the writer's log lines
        self._lookup = client.register_script(_LOOKUP_OR_CLAIM)

    def _claim_key(self, digest: str) -> str:
        return f"{self.crawl_key}:claim:{_key(digest)}"

    def lookup(self, digest: str) -> StoredPayload | None:
        """The stored copy, or None: then this worker holds the claim and stores the payload itself."""
        deadline = time.monotonic() + self.claim_wait
        while True:
            value = self._lookup(keys=[self.crawl_key, DIGEST_ALL_HASHES, self._claim_key(digest)],
                                 args=[_key(digest), self.worker_id, self.claim_ttl])
            if value is None:
                stored = self.local.lookup(digest) if self.local is not None else None
                if stored is not None:
                    self.client.delete(self._claim_key(digest))
                return stored
            if value != b"?":
                return _parse(digest, value.decode())
            if time.monotonic() > deadline:       # the claimer is slow or gone: store a copy
                return None
            time.sleep(0.01)

    def add(self, entry: StoredPayload) -> bool:
        value = " ".join(map(str, (entry.filename, entry.warc_date, entry.uri, entry.payload_length,
                                   entry.record_id, entry.offset, entry.length)))
        pipe = self.client.pipeline(transaction=False)     # one round trip; no MULTI/EXEC needed
        pipe.hsetnx(self.crawl_key, _key(entry.digest), value)
        pipe.delete(self._claim_key(entry.digest))
        return bool(pipe.execute()[0])

    def commit(self) -> int:
        """The crawl's digests join the shared index and the root's SQLite index; returns how many.

        In batches of ``_COMMIT_BATCH``: one pipeline and one SQLite transaction each,
        not a round trip and a commit per digest.
        """
        count = 0
        pipe = self.client.pipeline(transaction=False)
        entries: list[StoredPayload] = []
        for digest, value in self.client.hscan_iter(self.crawl_key, count=_COMMIT_BATCH):
            pipe.hsetnx(DIGEST_ALL_HASHES, digest, self.crawl_id)
            algorithm = "sha256" if len(digest) > 32 else "sha1"
            entries.append(_parse(f"{algorithm}:{digest.decode()}", value.decode()))
            count += 1
            if len(entries) >= _COMMIT_BATCH:
                self._commit_batch(pipe, entries)
        self._commit_batch(pipe, entries)
        self.client.sadd(DIGEST_ALL_CRAWLS, self.crawl_id)
        return count

    def _commit_batch(self, pipe, entries: list[StoredPayload]) -> None:
        pipe.execute()
        if self.local is not None and entries:
            self.local.add_many(entries)
        entries.clear()

    def __len__(self) -> int:
        return self.client.hlen(self.crawl_key)

    def close(self) -> None:
        if self.local is not None:
            self.local.close()


def _parse(digest: str, value: str) -> StoredPayload:
    filename, warc_date, rest = value.split(" ", 2)
    uri, payload_length, record_id, offset, length = rest.rsplit(" ", 4)
    return StoredPayload(digest, uri, warc_date, record_id, filename, int(offset), int(length), int(payload_length))
