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
    listed_date TEXT, done INTEGER (0 queued, 1 archived), reason TEXT (why it failed, the
    crawl.json failure reason, else NULL), PRIMARY KEY (crawl_id, url).
``listed`` — every article URL the outlet's own sitemaps and feeds listed, per crawl and source:
    crawl_id TEXT, outlet TEXT, url TEXT, source TEXT (the sitemap or feed URL), kind TEXT
    ('sitemap' | 'feed'), listed_date TEXT, PRIMARY KEY (crawl_id, url, source). The coverage
    report compares it with ``articles`` and ``frontier``.

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
    listed_date TEXT, done INTEGER NOT NULL DEFAULT 0, reason TEXT, PRIMARY KEY (crawl_id, url)
);
CREATE TABLE IF NOT EXISTS listed (
    crawl_id TEXT NOT NULL, outlet TEXT NOT NULL, url TEXT NOT NULL, source TEXT NOT NULL,
    kind TEXT NOT NULL, listed_date TEXT, PRIMARY KEY (crawl_id, url, source)
);
CREATE INDEX IF NOT EXISTS listed_outlet ON listed (outlet, url);
CREATE INDEX IF NOT EXISTS frontier_url ON frontier (url);
"""


@dataclass(frozen=True)
class ListedArticle:
    """One article URL as the outlet listed it, with what became of it (for the coverage report)."""

    url: str
    listed_date: str | None
    archived: bool
    date_published: str | None
    failure: str | None          # the newest failure reason, if it was attempted and failed
    attempted: bool


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
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(frontier)")}
        if "reason" not in columns:                  # a state.sqlite from before failure reasons
            self._db.execute("ALTER TABLE frontier ADD COLUMN reason TEXT")
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
        self._run("INSERT OR IGNORE INTO frontier (crawl_id, url, kind, depth, listed_date, done) VALUES (?,?,?,?,?,0)",
                  (crawl_id, url, kind, depth, listed_date))

    def is_scheduled(self, crawl_id: str, url: str) -> bool:
        return bool(self._run("SELECT 1 FROM frontier WHERE crawl_id = ? AND url = ?", (crawl_id, url)))

    def mark_done(self, crawl_id: str, url: str) -> None:
        self._run("UPDATE frontier SET done = 1 WHERE crawl_id = ? AND url = ?", (crawl_id, url))

    def mark_failed(self, crawl_id: str, url: str, reason: str) -> None:
        self._run("UPDATE frontier SET reason = ? WHERE crawl_id = ? AND url = ?", (reason, crawl_id, url))

    def is_done(self, crawl_id: str, url: str) -> bool:
        return bool(self._run("SELECT 1 FROM frontier WHERE crawl_id = ? AND url = ? AND done = 1",
                              (crawl_id, url)))

    def pending(self, crawl_id: str) -> list[FrontierEntry]:
        rows = self._run("SELECT url, kind, depth, listed_date FROM frontier "
                         "WHERE crawl_id = ? AND done = 0 ORDER BY kind DESC, depth", (crawl_id,))
        return [FrontierEntry(*row) for row in rows]

    # --- coverage -----------------------------------------------------------------
    def record_listed(self, crawl_id: str, outlet: str, source: str, kind: str,
                      entries: list[tuple[str, str | None]]) -> None:
        """Article URLs (with their listed date) that one sitemap or feed listed."""
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO listed VALUES (?,?,?,?,?,?)",
                                 [(crawl_id, outlet, url, source, kind, date) for url, date in entries])

    def listed_articles(self, *, outlet: str | None = None, crawl_id: str | None = None) -> list[ListedArticle]:
        """Every listed article URL, once, with its archive state in any crawl (failures: newest crawl first)."""
        where, params = [], []
        if outlet:
            where.append("l.outlet = ?")
            params.append(outlet)
        if crawl_id:
            where.append("l.crawl_id = ?")
            params.append(crawl_id)
        rows = self._run(
            "SELECT l.url, MIN(l.listed_date), a.url IS NOT NULL, a.date_published, "
            "(SELECT f.reason FROM frontier f WHERE f.url = l.url AND f.reason IS NOT NULL "
            " ORDER BY f.crawl_id DESC LIMIT 1), "
            "EXISTS (SELECT 1 FROM frontier f WHERE f.url = l.url AND (f.done = 1 OR f.reason IS NOT NULL)) "
            "FROM listed l LEFT JOIN articles a ON a.url = l.url "
            + ("WHERE " + " AND ".join(where) if where else "") + " GROUP BY l.url", tuple(params))
        return [ListedArticle(url, date, bool(archived), published, reason, bool(attempted))
                for url, date, archived, published, reason, attempted in rows]

    def outlets_listed(self) -> list[str]:
        return [row[0] for row in self._run("SELECT DISTINCT outlet FROM listed ORDER BY outlet")]

    def close(self) -> None:
        with self._lock:
            self._db.close()
