"""Which earlier WARC files the revisits of a crawl point into.

Crawls under one output root share ``digests.sqlite``, so a revisit's original
may sit in an earlier crawl folder. Packaging (WACZ) and replay (pywb) only
resolve a revisit when that file is included; this module finds it: first by
the digest index (payload digest -> file name), then, for anything still
missing, by scanning the WARC headers of the sibling crawl folders.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.recording.dedup import DigestIndex
from archiver.recording.reader import WarcSource, iter_records

DIGEST_INDEX = "digests.sqlite"


def output_root(source: WarcSource) -> Path | None:
    """ROOT of ROOT/<crawl>/warc/<file>, when the file sits in that layout."""
    if source.member is None and source.path.parent.name == "warc":
        return source.path.resolve().parent.parent.parent
    return None


def referenced_warcs(sources: Iterable[WarcSource]) -> list[WarcSource]:
    """WARC files outside *sources* that hold the originals of their revisits (ordered, no duplicates)."""
    sources = list(sources)
    wanted: dict[str, str] = {}                 # record id -> payload digest
    present: set[str] = set()
    for record in iter_records(sources):
        present.add(record.record_id)
        if record.type == "revisit" and (target := record.header("WARC-Refers-To")):
            wanted[target] = record.header("WARC-Payload-Digest") or ""
    wanted = {rid: digest for rid, digest in wanted.items() if rid not in present}
    if not wanted:
        return []
    roots = {root for s in sources if (root := output_root(s))}
    own = {s.path.resolve() for s in sources if s.member is None}
    candidates = [p for root in sorted(roots) for p in sorted(root.glob("*/warc/*.warc.gz"))
                  if p.resolve() not in own]
    found: list[Path] = []
    for root in sorted(roots):
        if not (root / DIGEST_INDEX).exists():
            continue
        with DigestIndex(root / DIGEST_INDEX) as index:
            names = {hit.filename for d in set(wanted.values()) if d and (hit := index.lookup(d))}
        for path in candidates:
            if path.name in names and path not in found and _drop_found(path, wanted):
                found.append(path)
    for path in candidates:                     # fallback: the index is missing or was rebuilt
        if not wanted:
            break
        if path not in found and _drop_found(path, wanted):
            found.append(path)
    return [WarcSource(p) for p in found]


def _drop_found(path: Path, wanted: dict[str, str]) -> bool:
    """Remove from *wanted* the record ids stored in *path*; True if there were any."""
    hit = False
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_headers.get_header("WARC-Record-ID") in wanted:
                del wanted[record.rec_headers.get_header("WARC-Record-ID")]
                hit = True
    return hit
