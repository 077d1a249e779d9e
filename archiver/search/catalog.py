"""What the search index holds besides full-text matches: versions by URL, by id, by crawl; the outlets.

The research page reads articles through here; it never opens the WARC files
for fields (the index keeps each item as exported), only for screenshots and replay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from archiver.search.index import SearchIndex


@dataclass
class StoredVersion:
    """One archived version of an article, as indexed."""

    id: int
    url: str
    version: int
    captured_at: str | None
    crawl: str
    item: dict[str, Any] = field(repr=False)

    @property
    def title(self) -> str | None:
        return self.item.get("title")


def _version(row) -> StoredVersion:
    return StoredVersion(id=row["id"], url=row["url"], version=row["version"], captured_at=row["captured_at"],
                         crawl=row["crawl"], item=json.loads(row["item"]))


_SELECT = "SELECT id, url, version, captured_at, crawl, item FROM versions"


def versions_of(index: SearchIndex, url: str) -> list[StoredVersion]:
    """Every version of *url*, oldest first (by version number, then capture time)."""
    rows = index.db.execute(f"{_SELECT} WHERE url = ? ORDER BY version, captured_at", (url,)).fetchall()
    return [_version(r) for r in rows]


def version_by_id(index: SearchIndex, version_id: int) -> StoredVersion | None:
    row = index.db.execute(f"{_SELECT} WHERE id = ?", (version_id,)).fetchone()
    return _version(row) if row else None


def versions_in_crawl(index: SearchIndex, crawl: str) -> list[StoredVersion]:
    rows = index.db.execute(f"{_SELECT} WHERE crawl = ? ORDER BY captured_at", (crawl,)).fetchall()
    return [_version(r) for r in rows]


def outlet_names(index: SearchIndex) -> list[str]:
    return [r[0] for r in index.db.execute(
        "SELECT DISTINCT outlet FROM versions WHERE outlet IS NOT NULL ORDER BY outlet")]
