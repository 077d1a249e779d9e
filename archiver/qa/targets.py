"""What QA checks, read from a crawl's WARC files alone: one ``QaTarget`` per rendered page and article.

A rendered page left ``urn:fullPage:`` (screenshot), ``urn:dom:``, ``urn:text:``
(visible text) and ``urn:pageinfo:`` (viewport, the consent click's cookies)
resource records, all with the page's ``WARC-Page-ID``; the responses the browser
loaded for it carry the same id and their ``WARC-Resource-Type``. An article has
its ``urn:article:`` metadata record (the item, with its body paragraphs).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from archiver.recording.reader import RecordInfo, iter_records, read_record, warc_files

PREFIXES = {"screenshot": "urn:fullPage:", "dom": "urn:dom:", "text": "urn:text:",
            "pageinfo": "urn:pageinfo:", "article": "urn:article:"}


@dataclass
class QaTarget:
    """One page of a crawl to replay, and what its capture recorded."""
    url: str
    ts: str                                  # WARC-Date of its document (the replay's timestamp)
    crawl_dir: Path
    page_id: str | None = None
    records: dict[str, RecordInfo] = field(default_factory=dict)   # "screenshot", "text", ... -> record
    loaded: Counter = field(default_factory=Counter)               # the capture's responses by resource type
    loaded_urls: list[tuple[str, str]] = field(default_factory=list)   # (resource type, url) of those responses

    @property
    def is_article(self) -> bool:
        return "article" in self.records

    def read(self, kind: str) -> bytes | None:
        record = self.records.get(kind)
        return read_record(record) if record is not None else None

    def text(self) -> str | None:
        data = self.read("text")
        return data.decode("utf-8", "replace") if data is not None else None

    def pageinfo(self) -> dict:
        data = self.read("pageinfo")
        return json.loads(data) if data else {}

    def paragraphs(self) -> list[str]:
        data = self.read("article")
        return list(json.loads(data).get("body") or []) if data else []


@dataclass
class ArchiveContents:
    """The targets of some crawl folders, and every URL their WARCs answer (for the diagnosis)."""
    targets: list[QaTarget]
    archived_urls: set[str]


def collect_targets(crawl_dirs: list[Path]) -> ArchiveContents:
    targets: list[QaTarget] = []
    archived: set[str] = set()
    for crawl_dir in crawl_dirs:
        found, urls = _crawl_targets(Path(crawl_dir))
        targets += found
        archived |= urls
    return ArchiveContents(targets, archived)


def _crawl_targets(crawl_dir: Path) -> tuple[list[QaTarget], set[str]]:
    by_url: dict[str, QaTarget] = {}
    documents: dict[str, str] = {}
    loaded: dict[str, Counter] = {}
    loaded_urls: dict[str, list[tuple[str, str]]] = {}
    archived: set[str] = set()
    for record in iter_records(warc_files([crawl_dir / "warc"])):
        if record.type in ("response", "revisit"):
            archived.add(record.uri)
            page_id = record.header("WARC-Page-ID")
            if page_id:
                kind = record.header("WARC-Resource-Type") or "other"
                loaded.setdefault(page_id, Counter())[kind] += 1
                loaded_urls.setdefault(page_id, []).append((kind, record.uri))
            if record.status == 200 and "html" in record.mime:
                documents.setdefault(record.uri, record.date)
            continue
        for kind, prefix in PREFIXES.items():
            if record.uri.startswith(prefix) and record.type in ("resource", "metadata"):
                url = record.uri[len(prefix):]
                target = by_url.setdefault(url, QaTarget(url=url, ts=record.date, crawl_dir=crawl_dir))
                target.records.setdefault(kind, record)
                if kind != "article" and target.page_id is None:
                    target.page_id = record.header("WARC-Page-ID")
                break
    targets = []
    for url, target in by_url.items():
        if not ({"dom", "article"} & target.records.keys()):
            continue
        target.ts = documents.get(url, target.ts)
        target.loaded = loaded.get(target.page_id or "", Counter())
        target.loaded_urls = loaded_urls.get(target.page_id or "", [])
        targets.append(target)
    return sorted(targets, key=lambda t: (t.ts, t.url)), archived
