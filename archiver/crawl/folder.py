"""A crawl folder: made (uniquely named) when a crawl starts, and finished (its CDXJ index, page list,
file listing and ``crawl.json``) when it ends.

A crawl folder is ``<target>-<YYYYMMDDTHHMMSS.mmm>Z`` under the output root, the
UTC start time to the millisecond, so names sort by start. Two crawls that start
in the same millisecond (two targets of one run, a scheduler's retry) never share
one: the folder is made with ``mkdir`` that fails when the name exists, and the
later crawl takes the next free ``-02``, ``-03``... suffix.

One crawl process (``CrawlReporter``) and the join of a distributed crawl's
workers (``distributed.merge.finish``) end the same way, here.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.research.index import write_crawl_index
from archiver.research.pages import PageCollector, write_pages_jsonl

if TYPE_CHECKING:
    from archiver.crawl.report import CrawlReport

logger = logging.getLogger(__name__)


def folder_slug(name: str) -> str:
    """*name* (an outlet, a URL's host) as the start of a folder name: no "/", no spaces."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:60] or "crawl"


def create_crawl_folder(root: Path, name: str, now: datetime | None = None) -> Path:
    """Make and return a new, empty crawl folder for *name* under *root* (see the module's docstring)."""
    now = now or datetime.now(timezone.utc)
    base = f"{folder_slug(name)}-{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z"
    Path(root).mkdir(parents=True, exist_ok=True)
    for n in itertools.count(1):
        folder = Path(root) / (base if n == 1 else f"{base}-{n:02d}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise AssertionError("unreachable")


def index_crawl_folder(crawl_dir: Path) -> PageCollector:
    """``index.cdxj`` (for pywb and WACZ readers) and ``pages.jsonl`` (the WACZ page list) in one read
    of the folder's WARC files; returns what that read collected (the articles' items too)."""
    pages = PageCollector()
    write_crawl_index(crawl_dir, pages)
    write_pages_jsonl(crawl_dir, pages.pages())
    return pages


def finish_crawl_folder(crawl_dir: Path, report: "CrawlReport", *, warcs: Iterable[Path] | None = None,
                        index: bool = True, extra: dict | None = None,
                        report_path: Path | None = None) -> dict:
    """Index the folder's WARC files, list its files in *report* and write it as ``crawl.json``.

    *warcs* defaults to every closed WARC file in ``warc/`` (a worker passes only its own);
    *index* is off where the index would be wrong or cannot be written (a full disk, one worker
    of many). The report is written atomically; a failed write is logged, not raised, so the
    exit status still says why the crawl ended. Returns the report as written.
    """
    crawl_dir = Path(crawl_dir)
    warcs = sorted(Path(p) for p in (warcs if warcs is not None else (crawl_dir / "warc").glob("*.warc.gz")))
    if warcs and index:
        index_crawl_folder(crawl_dir)
    report.files = {
        "warc": [str(p.relative_to(crawl_dir)) for p in warcs],
        "screenshots": sorted(str(p.relative_to(crawl_dir)) for p in crawl_dir.glob("screenshots/*.png")),
        "articles": sorted(str(p.relative_to(crawl_dir)) for p in crawl_dir.glob("articles/*.txt")),
    }
    report.warc_bytes = sum(p.stat().st_size for p in warcs if p.exists())
    data = {**asdict(report), **(extra or {})}
    target = report_path or crawl_dir / "crawl.json"
    partial = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        logger.error("could not write %s: %s (the exit status still says why the crawl ended)", target, exc)
    return data
