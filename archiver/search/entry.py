"""One article version as the search index stores it, built from an exported item.

Items come from the crawl's item pipeline or from the ``urn:article:`` metadata
records of the WARC files; both carry the same JSON, so both paths build the
same row. A missing ``version`` means 1 (items from before versions existed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ClassVar


def utc_instant(value: str | None) -> str | None:
    """An ISO 8601 date or time as a comparable UTC string (bare dates count as midnight UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class IndexedVersion:
    """A row of the ``versions`` table, unique by ``key``: record, URL and version."""

    record_id: str
    url: str
    version: int
    outlet: str | None
    title: str | None
    byline: str | None
    body: str
    authors: str                    # JSON list
    section: str | None
    date_published: str | None
    published_utc: str | None       # date_published in UTC, else the capture time: what --since/--until compare
    language: str | None
    captured_at: str | None
    warc_filename: str | None
    warc_offset: int | None
    crawl: str                      # the crawl folder's name under the output root
    item: str                       # the item as exported (JSON, sorted keys)

    COLUMNS: ClassVar[tuple[str, ...]] = ("record_id", "url", "version", "outlet", "title", "byline", "body", "authors", "section",
               "date_published", "published_utc", "language", "captured_at", "warc_filename", "warc_offset",
               "crawl", "item")

    @property
    def key(self) -> tuple[str, str, int]:
        """What makes a version unique: its record may hold other URLs' versions too (shared payloads)."""
        return (self.record_id, self.url, self.version)

    def row(self) -> tuple:
        return tuple(getattr(self, name) for name in self.COLUMNS)

    @classmethod
    def from_item(cls, item: dict[str, Any], crawl: str) -> "IndexedVersion | None":
        """The row for *item*, or None when it points at no WARC record (nothing to replay or cite)."""
        warc = item.get("warc") or {}
        if not warc.get("record_id"):
            return None
        body = item.get("text") or "\n\n".join(item.get("body") or [])
        return cls(
            record_id=warc["record_id"], url=item["url"], version=int(item.get("version") or 1),
            outlet=item.get("outlet"), title=item.get("title"), byline=item.get("byline"), body=body,
            authors=json.dumps(item.get("authors") or [], ensure_ascii=False), section=item.get("section"),
            date_published=item.get("date_published"),
            published_utc=utc_instant(item.get("date_published")) or utc_instant(item.get("captured_at")),
            language=item.get("language"), captured_at=item.get("captured_at"),
            warc_filename=warc.get("filename"), warc_offset=warc.get("offset"), crawl=crawl,
            item=json.dumps(item, ensure_ascii=False, sort_keys=True))
