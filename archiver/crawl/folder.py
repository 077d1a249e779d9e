"""Finishing a crawl folder: its CDXJ index, page list, file listing and ``crawl.json``.

One crawl process (``CrawlReporter``) and the join of a distributed crawl's
workers (``distributed.merge.finish``) end the same way, here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.research.index import write_crawl_index
from archiver.research.pages import write_pages_jsonl

if TYPE_CHECKING:
    from archiver.crawl.report import CrawlReport

logger = logging.getLogger(__name__)


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
        write_crawl_index(crawl_dir)      # index.cdxj, for pywb and WACZ readers
        write_pages_jsonl(crawl_dir)      # pages.jsonl, the WACZ page list
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
