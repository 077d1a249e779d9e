"""The search index: ``<root>/search.sqlite``, an FTS5 table over every article version.

``versions`` holds one row per archived version (its fields, filters and WARC
location), keyed by record, URL and version: one record may hold the payload of
several URLs' versions (identical app shells, revisits); ``versions_fts`` is an external-content FTS5 table over its title,
byline and body, kept in step by triggers. The tokenizer is ``unicode61
remove_diacritics 2`` without stemming: outlets publish in many languages, and
an English stemmer would mangle the rest.

The index is derived data: ``rebuild`` makes it again from the WARC files alone
(the ``urn:article:`` metadata records), into a new file that replaces the old
one only when it is complete.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from archiver import settings as defaults
from archiver.readonly import connect_readonly
from archiver.search.entry import IndexedVersion

TOKENIZER = "unicode61 remove_diacritics 2"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL, url TEXT NOT NULL, version INTEGER NOT NULL, outlet TEXT,
    title TEXT, byline TEXT, body TEXT, authors TEXT, section TEXT, date_published TEXT,
    published_utc TEXT, language TEXT, captured_at TEXT, warc_filename TEXT, warc_offset INTEGER,
    crawl TEXT, item TEXT NOT NULL,
    UNIQUE (record_id, url, version)
);
CREATE INDEX IF NOT EXISTS versions_by_url ON versions (url, version, captured_at);
CREATE VIRTUAL TABLE IF NOT EXISTS versions_fts USING fts5(
    title, byline, body, content='versions', content_rowid='id',
    tokenize='{TOKENIZER}'
);
CREATE TRIGGER IF NOT EXISTS versions_added AFTER INSERT ON versions BEGIN
    INSERT INTO versions_fts (rowid, title, byline, body) VALUES (new.id, new.title, new.byline, new.body);
END;
CREATE TRIGGER IF NOT EXISTS versions_removed AFTER DELETE ON versions BEGIN
    INSERT INTO versions_fts (versions_fts, rowid, title, byline, body)
    VALUES ('delete', old.id, old.title, old.byline, old.body);
END;
"""
# 2: a version is keyed by (record, URL, version), not by its record alone: several URLs can share one
# payload (byte-identical app shells are one record and revisits of it), and a URL's payload can be a
# revisit of an earlier crawl's record.
SCHEMA_VERSION = 2
MIGRATE_FROM_1 = """
DROP TRIGGER IF EXISTS versions_added;
DROP TRIGGER IF EXISTS versions_removed;
DROP TABLE IF EXISTS versions_fts;
DROP INDEX IF EXISTS versions_by_url;
ALTER TABLE versions RENAME TO versions_1;
"""
ARTICLE_PREFIX = "urn:article:"
BUSY_TIMEOUT = 10.0        # s; the crawls of one root (one process or several) share the file


def index_path(root: Path) -> Path:
    return Path(root) / defaults.ARCHIVER_SEARCH_INDEX


class SearchIndex:
    """A connection to one output root's index; writers add versions, readers query (see ``query``)."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        if readonly:
            if not self.path.exists():
                raise FileNotFoundError(f"no search index at {self.path}; build it with "
                                        f"`archiver search --reindex {self.path.parent}`")
            self.db = connect_readonly(self.path, timeout=BUSY_TIMEOUT)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT)
            self.db.execute("PRAGMA journal_mode=WAL")      # readers (the research page) never block a crawl
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._create()
        self.db.row_factory = sqlite3.Row

    def _create(self) -> None:
        """The schema, made or brought up to SCHEMA_VERSION in one transaction (rows kept)."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        old = self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'versions'").fetchone()
        columns = ", ".join(IndexedVersion.COLUMNS)
        script = (MIGRATE_FROM_1 if old else "") + SCHEMA
        if old:
            script += f"INSERT INTO versions ({columns}) SELECT {columns} FROM versions_1;\nDROP TABLE versions_1;\n"
        self.db.executescript(f"BEGIN;\n{script}PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;")

    @classmethod
    def of_root(cls, root: Path, *, readonly: bool = False) -> "SearchIndex":
        return cls(index_path(root), readonly=readonly)

    def add(self, versions: Iterable[IndexedVersion]) -> int:
        """Add (or replace, by record, URL and version) versions in one transaction; returns how many."""
        rows = list({v.key: v.row() for v in versions}.values())
        if not rows:
            return 0
        columns = ", ".join(IndexedVersion.COLUMNS)
        marks = ", ".join("?" * len(IndexedVersion.COLUMNS))
        with self.db:
            self.db.executemany("DELETE FROM versions WHERE record_id = ? AND url = ? AND version = ?",
                                [r[:3] for r in rows])
            self.db.executemany(f"INSERT INTO versions ({columns}) VALUES ({marks})", rows)
        return len(rows)

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SearchIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def crawl_folder_of(warc: Path) -> str:
    """The crawl folder a WARC file belongs to (``<root>/<crawl>/warc/<file>``)."""
    return warc.parent.parent.name if warc.parent.name == "warc" else warc.parent.name


def archived_versions(root: Path) -> Iterator[IndexedVersion]:
    """Every version the WARC files under *root* hold, from their ``urn:article:`` metadata records."""
    from archiver.recording.reader import iter_records, read_record

    for record in iter_records([Path(root)]):
        if record.type == "metadata" and record.uri.startswith(ARTICLE_PREFIX):
            item = json.loads(read_record(record))
            version = IndexedVersion.from_item(item, crawl_folder_of(record.source.path))
            if version is not None:
                yield version


def rebuild(root: Path, batch: int = defaults.ARCHIVER_SEARCH_BATCH, *, target: Path | None = None) -> int:
    """Build the index of *root* again from its WARC files alone, into *target* (default: the root's
    own index file); returns the number of versions."""
    target = Path(target) if target else index_path(root)
    partial = target.with_name(target.name + ".part")
    for leftover in (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm")):
        leftover.unlink(missing_ok=True)
    total = 0
    with SearchIndex(partial) as index:
        pending: list[IndexedVersion] = []
        for version in archived_versions(root):
            pending.append(version)
            if len(pending) >= batch:
                total += index.add(pending)
                pending.clear()
        total += index.add(pending)
        with index.db:
            index.db.execute("INSERT INTO versions_fts (versions_fts) VALUES ('optimize')")
        index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index.db.execute("PRAGMA journal_mode=DELETE")     # one self-contained file to move into place
    os.replace(partial, target)
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    return total
