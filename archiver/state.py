"""The persistent crawl state under the output root (``state.sqlite``).

It makes scheduled runs incremental and interrupted runs resumable:

``articles`` — one row per archived article URL (any crawl):
    url TEXT PRIMARY KEY, outlet TEXT, original_url TEXT, version TEXT (the newest
    of sitemap lastmod / feed date / dateModified / datePublished seen when it
    was archived, ISO 8601), date_published TEXT, date_modified TEXT,
    payload_digest TEXT (sha1 of the archived HTML), warc_filename TEXT,
    record_id TEXT, warc_offset INTEGER, crawl_id TEXT, captured_at TEXT.
``frontier`` — every page a crawl scheduled, so ``--resume`` can continue it:
    crawl_id TEXT, url TEXT, kind TEXT ('page' | 'article'), depth INTEGER,
    listed_date TEXT, done INTEGER (0 queued, 1 archived), PRIMARY KEY (crawl_id, url).

A re-run archives new articles and those whose listed date or dateModified
moved; unchanged ones are counted, not fetched. Front and section pages are
never in ``articles``: they are re-captured every run.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from archiver.extraction.dates import parse_date

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY, outlet TEXT, original_url TEXT, version TEXT,
    date_published TEXT, date_modified TEXT, payload_digest TEXT,
    warc_filename TEXT, record_id TEXT, warc_offset INTEGER, crawl_id TEXT, captured_at TEXT
);
CREATE TABLE IF NOT EXISTS frontier (
    crawl_id TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, depth INTEGER NOT NULL,
    listed_date TEXT, done INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (crawl_id, url)
);
"""


def _instant(value: str | None) -> datetime | None:
    """A comparable UTC instant for an ISO or listing date (bare dates count as midnight UTC)."""
    iso = parse_date(value)
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def newest(*dates: str | None) -> str | None:
    known = [(instant, d) for d in dates if (instant := _instant(d)) is not None]
    return max(known)[1] if known else None


@dataclass(frozen=True)
class FrontierEntry:
    url: str
    kind: str
    depth: int
    listed_date: str | None


class CrawlState:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")   # WAL stays consistent; a power cut may lose the last rows
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # --- incremental runs -------------------------------------------------------
    def is_unchanged(self, url: str, listed_date: str | None) -> bool:
        """Archived before, and the listing gives no newer date than we archived."""
        rows = self._run("SELECT version FROM articles WHERE url = ?", (url,))
        if not rows:
            return False
        listed, archived = _instant(listed_date), _instant(rows[0][0])
        return listed is None or archived is None or listed <= archived

    def record_article(self, *, url: str, outlet: str, original_url: str | None, listed_date: str | None,
                       date_published: str | None, date_modified: str | None, payload_digest: str,
                       warc: dict | None, crawl_id: str, captured_at: str | None) -> None:
        warc = warc or {}
        self._run(
            "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (url, outlet, original_url, newest(listed_date, date_modified, date_published),
             date_published, date_modified, payload_digest, warc.get("filename"),
             warc.get("record_id"), warc.get("offset"), crawl_id, captured_at))

    def article_count(self) -> int:
        return self._run("SELECT COUNT(*) FROM articles")[0][0]

    # --- resume -----------------------------------------------------------------
    def enqueue(self, crawl_id: str, url: str, kind: str, depth: int, listed_date: str | None) -> None:
        self._run("INSERT OR IGNORE INTO frontier VALUES (?,?,?,?,?,0)",
                  (crawl_id, url, kind, depth, listed_date))

    def is_scheduled(self, crawl_id: str, url: str) -> bool:
        return bool(self._run("SELECT 1 FROM frontier WHERE crawl_id = ? AND url = ?", (crawl_id, url)))

    def mark_done(self, crawl_id: str, url: str) -> None:
        self._run("UPDATE frontier SET done = 1 WHERE crawl_id = ? AND url = ?", (crawl_id, url))

    def is_done(self, crawl_id: str, url: str) -> bool:
        return bool(self._run("SELECT 1 FROM frontier WHERE crawl_id = ? AND url = ? AND done = 1",
                              (crawl_id, url)))

    def pending(self, crawl_id: str) -> list[FrontierEntry]:
        rows = self._run("SELECT url, kind, depth, listed_date FROM frontier "
                         "WHERE crawl_id = ? AND done = 0 ORDER BY kind DESC, depth", (crawl_id,))
        return [FrontierEntry(*row) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
