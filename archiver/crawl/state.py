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
``checks`` — the last look at each known article, for re-visits (``archiver.history``):
    url TEXT PRIMARY KEY, checked_at TEXT (last request, 200 or 304), etag TEXT and
    last_modified TEXT (validators of the last 200, sent back as If-None-Match /
    If-Modified-Since), confirms_uri TEXT, confirms_date TEXT, confirms_record_id TEXT
    (the response record holding that 200's payload: what a 304 revisit refers to), wall_at TEXT and
    wall_reason TEXT (the last re-check that met a wall or a teaser instead of the article, and why:
    ``challenge``, ``soft-404``, ``consent-wall``, ``partial``; the versions stay as they were).
``versions`` — every version of every article (``archiver.history.versions``):
    url TEXT, version INTEGER (1, 2, ...), fingerprint TEXT (sha1 of the normalized
    fields), captured_at TEXT (WARC-Date), crawl_id TEXT, warc_filename TEXT,
    record_id TEXT, warc_offset INTEGER (the response record whose body holds this
    version), title TEXT, subtitle TEXT, byline TEXT, authors TEXT (JSON list),
    date_modified TEXT, body TEXT (paragraphs joined by blank lines), changed TEXT
    (JSON list of the fields that differ from the version before), words_added INTEGER,
    words_removed INTEGER, PRIMARY KEY (url, version).

A re-run archives new articles and those whose listed date or dateModified
moved, and re-checks known articles the re-visit schedule says are due
(``archiver.history.tracker``); the others are counted, not fetched. Front and section pages are
never in ``articles``: they are re-captured every run.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from archiver.extraction.dates import parse_date
from archiver.history.versions import Version
from archiver.readonly import connect_readonly

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
CREATE TABLE IF NOT EXISTS checks (
    url TEXT PRIMARY KEY, checked_at TEXT, etag TEXT, last_modified TEXT,
    confirms_uri TEXT, confirms_date TEXT, confirms_record_id TEXT, wall_at TEXT, wall_reason TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    url TEXT NOT NULL, version INTEGER NOT NULL, fingerprint TEXT NOT NULL, captured_at TEXT, crawl_id TEXT,
    warc_filename TEXT, record_id TEXT, warc_offset INTEGER, title TEXT, subtitle TEXT, byline TEXT,
    authors TEXT, date_modified TEXT, body TEXT, changed TEXT, words_added INTEGER, words_removed INTEGER,
    PRIMARY KEY (url, version)
);
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
class KnownArticle:
    """What a re-visit needs to know about an archived article."""
    url: str
    listed_version: str | None          # articles.version
    date_published: str | None
    first_captured_at: str | None       # version 1, else the last archive
    checked_at: str | None
    etag: str | None
    last_modified: str | None
    confirms: dict | None               # {"uri", "date", "record_id"} of the payload a 304 confirms

    def born(self) -> datetime | None:
        """Its age counts from datePublished, else from its first capture."""
        return _instant(self.date_published) or _instant(self.first_captured_at)

    def last_checked(self) -> datetime | None:
        return _instant(self.checked_at) or _instant(self.first_captured_at)


@dataclass(frozen=True)
class FrontierEntry:
    url: str
    kind: str
    depth: int
    listed_date: str | None


class CrawlState:
    def __init__(self, path: Path, *, readonly: bool = False):
        """*readonly*: queries only, on a file that must exist (history, diff, coverage; ``archiver.readonly``)."""
        self._lock = threading.Lock()
        if readonly:
            self._db = connect_readonly(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")   # WAL stays consistent; a power cut may lose the last rows
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(frontier)")}
        if "reason" not in columns:                  # a state.sqlite from before failure reasons
            self._db.execute("ALTER TABLE frontier ADD COLUMN reason TEXT")
        checks = {row[1] for row in self._db.execute("PRAGMA table_info(checks)")}
        for column in ("wall_at", "wall_reason"):    # a state.sqlite from before walls (archiver.verdict)
            if column not in checks:
                self._db.execute(f"ALTER TABLE checks ADD COLUMN {column} TEXT")

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

    def known_article(self, url: str) -> KnownArticle | None:
        rows = self._run(
            "SELECT a.version, a.date_published, COALESCE(MIN(v.captured_at), a.captured_at), c.checked_at, "
            "c.etag, c.last_modified, c.confirms_uri, c.confirms_date, c.confirms_record_id "
            "FROM articles a LEFT JOIN checks c ON c.url = a.url LEFT JOIN versions v ON v.url = a.url "
            "WHERE a.url = ? GROUP BY a.url", (url,))
        if not rows:
            return None
        listed, published, first, checked, etag, modified, uri, date, record_id = rows[0]
        confirms = {"uri": uri, "date": date, "record_id": record_id} if uri and date and record_id else None
        return KnownArticle(url, listed, published, first, checked, etag, modified, confirms)

    def record_check(self, url: str, checked_at: str, *, etag: str | None = None,
                     last_modified: str | None = None, confirms: dict | None = None) -> None:
        """A look at *url*: a 200 (with its validators and payload record) or a 304 (time only)."""
        self._run("INSERT INTO checks (url, checked_at) VALUES (?, ?) "
                  "ON CONFLICT(url) DO UPDATE SET checked_at = excluded.checked_at", (url, checked_at))
        if confirms is not None:
            self._run("UPDATE checks SET etag = ?, last_modified = ?, confirms_uri = ?, confirms_date = ?, "
                      "confirms_record_id = ? WHERE url = ?",
                      (etag, last_modified, confirms["uri"], confirms["date"], confirms["record_id"], url))

    def record_wall(self, url: str, at: str, reason: str) -> None:
        """A re-check that met a wall or a teaser: kept with its reason; checked_at and versions stay."""
        self._run("INSERT INTO checks (url, wall_at, wall_reason) VALUES (?, ?, ?) ON CONFLICT(url) DO UPDATE "
                  "SET wall_at = excluded.wall_at, wall_reason = excluded.wall_reason", (url, at, reason))

    def last_wall(self, url: str) -> tuple[str, str] | None:
        """(wall_at, wall_reason) of the last re-check that met a wall, if any."""
        rows = self._run("SELECT wall_at, wall_reason FROM checks WHERE url = ? AND wall_reason IS NOT NULL", (url,))
        return rows[0] if rows else None

    # --- versions (archiver.history) ----------------------------------------------
    def versions(self, url: str) -> list[Version]:
        """The versions of the article fetched at *url*, oldest first."""
        rows = self._run(f"SELECT {', '.join(Version.COLUMNS)} FROM versions WHERE url = ? ORDER BY version",
                         (url,))
        return [Version.from_row(row) for row in rows]

    def article_urls(self, outlet: str | None = None, *, alias: str | None = None) -> list[str]:
        """Fetched URLs of archived articles: of one outlet, or those fetched at or canonical to *alias*."""
        if alias is not None:
            rows = self._run("SELECT url FROM articles WHERE url = ? OR original_url = ? "
                             "UNION SELECT DISTINCT url FROM versions WHERE url = ? ORDER BY url", (alias,) * 3)
        else:
            rows = self._run("SELECT url FROM articles WHERE outlet = ? ORDER BY url", (outlet,))
        return [row[0] for row in rows]

    def add_version(self, version: Version) -> None:
        columns = Version.COLUMNS
        self._run(f"INSERT INTO versions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                  version.to_row())

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

    def frontier_rows(self, crawl_id: str) -> list[tuple[FrontierEntry, bool, str | None]]:
        """Every page the crawl scheduled: (entry, done, failure reason), for a resume elsewhere."""
        rows = self._run("SELECT url, kind, depth, listed_date, done, reason FROM frontier WHERE crawl_id = ?",
                         (crawl_id,))
        return [(FrontierEntry(*row[:4]), bool(row[4]), row[5]) for row in rows]

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
