"""Payload-digest index shared by every crawl under one output root.

Hourly crawls of the same outlets fetch the same logos, fonts and scripts again
and again; with this index the second and later copies become ``revisit``
records (profile identical-payload-digest) that point at the first stored copy.

Storage: one SQLite file in WAL mode, so several crawl processes can read while
one writes; writes wait up to ``busy_timeout`` for the lock. First writer wins
(``INSERT OR IGNORE``), so every revisit points at the oldest stored copy.

Schema (``PRAGMA user_version = 1``)::

    CREATE TABLE payload_digest (
        digest         TEXT PRIMARY KEY,  -- WARC-Payload-Digest as written, "sha1:BASE32" / "sha256:BASE32"
        uri            TEXT NOT NULL,     -- WARC-Target-URI of the stored response
        warc_date      TEXT NOT NULL,     -- its WARC-Date
        record_id      TEXT NOT NULL,     -- its WARC-Record-ID, "<urn:uuid:...>"
        filename       TEXT NOT NULL,     -- final WARC file name (no ".open"), relative to the output root's WARC folder
        offset         INTEGER NOT NULL,  -- offset of its gzip member in that file
        length         INTEGER NOT NULL,  -- length of that gzip member
        payload_length INTEGER NOT NULL   -- stored body length in bytes
    );

A revisit is only replayable when the file named here is part of the same
collection (pywb) or WACZ; packaging must follow these references.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archiver.readonly import connect_readonly

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS payload_digest (
    digest         TEXT PRIMARY KEY,
    uri            TEXT NOT NULL,
    warc_date      TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    filename       TEXT NOT NULL,
    offset         INTEGER NOT NULL,
    length         INTEGER NOT NULL,
    payload_length INTEGER NOT NULL
)
"""


@dataclass(frozen=True)
class StoredPayload:
    """Where the first copy of a payload lives."""

    digest: str
    uri: str
    warc_date: str
    record_id: str
    filename: str
    offset: int
    length: int
    payload_length: int


class DigestIndex:
    """digest -> first stored response; safe to share between threads and processes."""

    def __init__(self, path: Path, *, busy_timeout: float = 30.0, readonly: bool = False) -> None:
        """*readonly*: lookups only, on a file that must exist (researcher tools; ``archiver.readonly``)."""
        self.path = Path(path)
        self._lock = threading.Lock()
        if readonly:
            self._db = connect_readonly(self.path, timeout=busy_timeout)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=busy_timeout, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            self._db.close()
            raise RuntimeError(
                f"{self.path} has digest-index schema version {version}, this archiver understands "
                f"{SCHEMA_VERSION}; upgrade the archiver or start a new index file"
            )
        self._db.execute(_SCHEMA)
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def lookup(self, digest: str) -> StoredPayload | None:
        with self._lock:
            row = self._db.execute(
                "SELECT digest, uri, warc_date, record_id, filename, offset, length, payload_length "
                "FROM payload_digest WHERE digest = ?",
                (digest,),
            ).fetchone()
        return StoredPayload(*row) if row else None

    def add(self, entry: StoredPayload) -> bool:
        """Remember *entry*; returns False when the digest was already known (the older entry stays)."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO payload_digest VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.digest, entry.uri, entry.warc_date, entry.record_id, entry.filename,
                 entry.offset, entry.length, entry.payload_length),
            )  # fmt: skip
            return cursor.rowcount == 1

    def add_many(self, entries: Iterable[StoredPayload]) -> int:
        """Remember *entries* in one transaction (one commit, not one each); returns how many were new."""
        rows = [(e.digest, e.uri, e.warc_date, e.record_id, e.filename, e.offset, e.length, e.payload_length)
                for e in entries]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                cursor = self._db.executemany("INSERT OR IGNORE INTO payload_digest VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                              rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return max(cursor.rowcount, 0)

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM payload_digest").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> DigestIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
