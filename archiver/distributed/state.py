"""Crawl state in Redis, behind the interface of ``archiver.crawl.state.CrawlState``.

Archived articles (``<prefix>:articles``: url -> JSON row) are shared by every
worker of every crawl that uses this Redis; an article not found there is
looked up in the output root's ``state.sqlite``, and when the crawl is
finished its rows are committed there too (``commit``), so a later
single-process run knows them. The ``--resume`` frontier of a crawl is the
hash ``<prefix>:<crawl>:frontier`` (url -> entry).

Everything else of ``CrawlState`` (article versions and checks for the
history, what listings gave for coverage) stays in the root's SQLite of the
machine a worker runs on: calls not defined here go to it, and archived
articles are written there too, so its history queries see them.
"""

from __future__ import annotations

import json

import redis

from archiver.distributed.keys import CrawlKeys, articles_key
from archiver.crawl.state import CrawlState, FrontierEntry, _instant, newest

# One round trip to change one field of a frontier entry (``done``, ``reason``), not a read and a write.
# KEYS: frontier; ARGV: url, field, JSON value
_SET_ENTRY_FIELD = """
local raw = redis.call('hget', KEYS[1], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
entry[ARGV[2]] = cjson.decode(ARGV[3])
redis.call('hset', KEYS[1], ARGV[1], cjson.encode(entry))
return 1
"""


class RedisCrawlState:
    def __init__(self, client: redis.Redis, prefix: str, local: CrawlState, crawl_id: str | None = None):
        self.client = client
        self.crawl_id = crawl_id          # articles this crawl archived are not "unchanged": the seen set has them
        self.prefix = prefix
        self.local = local                 # the output root's state.sqlite: fallback and commit target
        self._articles = articles_key(prefix)
        self._set_entry_field = client.register_script(_SET_ENTRY_FIELD)

    def _frontier(self, crawl_id: str) -> str:
        return CrawlKeys(self.prefix, crawl_id).frontier

    # --- incremental runs -------------------------------------------------------
    def is_unchanged(self, url: str, listed_date: str | None) -> bool:
        raw = self.client.hget(self._articles, url)
        if raw is None:
            return self.local.is_unchanged(url, listed_date)
        row = json.loads(raw)
        if row.get("crawl_id") == self.crawl_id:
            return False
        listed, archived = _instant(listed_date), _instant(row.get("version"))
        return listed is None or archived is None or listed <= archived

    def record_article(self, *, url: str, outlet: str, original_url: str | None, listed_date: str | None,
                       date_published: str | None, date_modified: str | None, payload_digest: str,
                       warc: dict | None, crawl_id: str, captured_at: str | None) -> None:
        row = dict(url=url, outlet=outlet, original_url=original_url, listed_date=listed_date,
                   date_published=date_published, date_modified=date_modified,
                   payload_digest=payload_digest, warc=warc, crawl_id=crawl_id, captured_at=captured_at,
                   version=newest(listed_date, date_modified, date_published))
        self.client.hset(self._articles, url, json.dumps(row))
        row.pop("version")
        self.local.record_article(**row)

    def article_count(self) -> int:
        return self.client.hlen(self._articles)

    def commit(self, crawl_id: str) -> int:
        """Copy this crawl's article rows into the root's state.sqlite; returns how many."""
        count = 0
        for _, raw in self.client.hscan_iter(self._articles, count=500):
            row = json.loads(raw)
            if row.get("crawl_id") != crawl_id:
                continue
            row.pop("version", None)
            self.local.record_article(**row)
            count += 1
        return count

    # --- resume -----------------------------------------------------------------
    def enqueue(self, crawl_id: str, url: str, kind: str, depth: int, listed_date: str | None) -> None:
        entry = json.dumps({"kind": kind, "depth": depth, "listed_date": listed_date, "done": 0})
        self.client.hsetnx(self._frontier(crawl_id), url, entry)

    def is_scheduled(self, crawl_id: str, url: str) -> bool:
        return bool(self.client.hexists(self._frontier(crawl_id), url))

    def mark_done(self, crawl_id: str, url: str) -> None:
        self._set_entry_field(keys=[self._frontier(crawl_id)], args=[url, "done", "1"])

    def mark_failed(self, crawl_id: str, url: str, reason: str) -> None:
        self._set_entry_field(keys=[self._frontier(crawl_id)], args=[url, "reason", json.dumps(reason)])

    def is_done(self, crawl_id: str, url: str) -> bool:
        raw = self.client.hget(self._frontier(crawl_id), url)
        return raw is not None and json.loads(raw)["done"] == 1

    def pending(self, crawl_id: str) -> list[FrontierEntry]:
        """Pages scheduled and not done, as the one-process state orders them (lists first, nearest first).

        Workers queue them again when a crawl resumes; the queue's seen set keeps
        each once, and a resumed distributed crawl has them queued already.
        """
        entries = []
        for url, raw in self.client.hscan_iter(self._frontier(crawl_id), count=500):
            entry = json.loads(raw)
            if not entry["done"]:
                entries.append(FrontierEntry(url.decode(), entry["kind"], entry["depth"], entry["listed_date"]))
        return sorted(entries, key=lambda e: (e.kind != "page", e.depth, e.url))

    def adopt_local_frontier(self, crawl_id: str) -> int:
        """A one-process crawl resumed by workers: its SQLite frontier (done flags too) into Redis.

        Entries already in Redis are kept (a resumed distributed crawl); returns how many were added.
        """
        key = self._frontier(crawl_id)
        pipe = self.client.pipeline(transaction=False)
        rows = self.local.frontier_rows(crawl_id)
        for entry, done, reason in rows:
            value = {"kind": entry.kind, "depth": entry.depth, "listed_date": entry.listed_date, "done": int(done)}
            if reason:
                value["reason"] = reason
            pipe.hsetnx(key, entry.url, json.dumps(value))
        return sum(pipe.execute()) if rows else 0

    def close(self) -> None:
        self.local.close()

    def __getattr__(self, name: str):
        """The rest of CrawlState's interface: this machine's SQLite."""
        return getattr(self.local, name)
