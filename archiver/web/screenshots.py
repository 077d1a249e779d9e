"""The capture-time screenshot of a page: the ``urn:fullPage:`` resource record in its crawl's WARC files.

The crawl folder's ``index.cdxj`` says where the record is; without an index
(a crawl killed before it was written) the folder's WARC files are scanned.
"""

from __future__ import annotations

import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.recording.reader import iter_records, read_record, warc_files
from archiver.research.replay import timestamp14

SCREENSHOT_PREFIX = "urn:fullPage:"


def capture_screenshot(crawl_dir: Path, url: str, captured_at: str | None) -> bytes | None:
    """The PNG taken when *url* was captured in *crawl_dir* (the one nearest *captured_at*), or None."""
    crawl_dir = Path(crawl_dir)
    wanted = timestamp14(captured_at or "") or "0"
    located = sorted(_indexed(crawl_dir, SCREENSHOT_PREFIX + url),
                     key=lambda found: abs(int(found[0]) - int(wanted)))
    if located:
        _, path, offset = located[0]
        with open(path, "rb") as fh:
            fh.seek(offset)
            return next(iter(ArchiveIterator(fh))).content_stream().read()
    records = [r for r in iter_records(warc_files([crawl_dir / "warc"])) if r.type == "resource"
               and r.uri == SCREENSHOT_PREFIX + url] if (crawl_dir / "warc").is_dir() else []
    if not records:
        return None
    nearest = min(records, key=lambda r: abs(int(timestamp14(r.date) or 0) - int(wanted)))
    return read_record(nearest)


def _indexed(crawl_dir: Path, uri: str) -> list[tuple[str, Path, int]]:
    """(timestamp, WARC path, offset) of each record for *uri* in the crawl's CDXJ index."""
    index = crawl_dir / "index.cdxj"
    if not index.is_file():
        return []
    found = []
    with open(index, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith(SCREENSHOT_PREFIX.lower()):
                continue
            _key, stamp, blob = line.split(" ", 2)
            entry = json.loads(blob)
            path = (crawl_dir / entry["filename"]).resolve()
            if entry.get("url") == uri and path.is_relative_to(crawl_dir.resolve()) and path.is_file():
                found.append((stamp, path, int(entry["offset"])))
    return found
