"""One crawl folder from many workers: items, index, page list and crawl.json for all of them.

Each worker leaves ``warc/archiver-<outlet>-<worker>-*.warc.gz`` and
``workers/<worker>/`` (its items and report) in the crawl folder. ``finish``
joins them: ``items.jsonl``/``items.csv`` (one item per article URL),
``index.cdxj`` and ``pages.jsonl`` over every WARC file (one read of them, which
also gives the items), and ``crawl.json``
with the totals and a ``workers`` section. A worker killed before it wrote its
report is recovered from what it left: its WARC files are repaired (a
partial last record cut off), and items come from the workers' items.jsonl
files and, for any article missing there (a killed worker's buffered lines),
from the article ``metadata`` records in the WARC files, which are written
unbuffered before a request is acknowledged.
``copy_into`` brings a folder from another machine into the crawl folder first
(``archiver merge``).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from archiver.recording.verify import repair_file
from archiver.crawl.report import CrawlReport, _exit_status
from archiver.crawl.folder import finish_crawl_folder, index_crawl_folder
from archiver.itemfiles import write_item_files

_SUMMED = ("counts", "failures", "browser")


def worker_ids(crawl_dir: Path) -> list[str]:
    return sorted(p.name for p in (crawl_dir / "workers").glob("*") if p.is_dir())


def repair_unfinished(crawl_dir: Path) -> list[Path]:
    """Close the ``.open`` WARC files of workers that were killed (a running writer's files are refused)."""
    repaired = []
    for partial in sorted((crawl_dir / "warc").glob("*.warc.gz.open")):
        result = repair_file(partial)
        if not result.refused:
            repaired.append(partial)
    return repaired


def _jsonl_items(path: Path) -> list[dict]:
    """A worker's items.jsonl; a line cut off by a kill is skipped (its item is in the WARC)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else ():
        try:
            items.append(json.loads(line))
        except ValueError:
            continue
    return items


# Every worker reads the same listings, so these are the same articles seen by each: not summed.
_SEEN_BY_EACH = ("articles_unchanged", "articles_skipped_since")


def _sum(reports: list[dict], section: str) -> dict[str, int]:
    total: dict[str, int] = {}
    for report in reports:
        for key, value in report.get(section, {}).items():
            combine = max if key in _SEEN_BY_EACH else int.__add__
            total[key] = combine(total.get(key, 0), value)
    return total


def finish(crawl_dir: Path, *, redis: dict | None = None, lost_workers: dict[str, dict] | None = None,
           max_error_rate: float = 0.5, frontier_done: bool = True) -> dict:
    """Write the crawl folder's joint outputs; returns the crawl report (also in crawl.json)."""
    crawl_dir = Path(crawl_dir)
    repair_unfinished(crawl_dir)
    reports, workers, items, seen = [], {}, [], set()
    lost_workers = lost_workers or {}
    ids = worker_ids(crawl_dir)
    # the index's read of the WARC files also gives the items of their article metadata records
    collected = index_crawl_folder(crawl_dir) if any((crawl_dir / "warc").glob("*.warc.gz")) else None
    found = [item for w in ids for item in _jsonl_items(crawl_dir / "workers" / w / "items.jsonl")]
    for item in found + (collected.articles() if collected is not None else []):
        if item.get("url") not in seen:            # a page retaken after its worker died may be archived twice
            seen.add(item.get("url"))
            items.append(item)
    for worker_id in ids:
        path = crawl_dir / "workers" / worker_id / "crawl.json"
        report = json.loads(path.read_text()) if path.exists() else None
        if report is None:
            figures = lost_workers.get(worker_id, {})
            report = {"finish_reason": "killed", "exit_status": None,
                      "counts": {"responses": int(figures.get("responses", 0)),
                                 "pages": int(figures.get("pages", 0)),
                                 "articles": int(figures.get("articles", 0))}}
        reports.append(report)
        workers[worker_id] = {k: report.get(k) for k in ("finish_reason", "exit_status", "counts",
                                                          "failures", "started", "finished", "warc_bytes")}
    write_item_files(crawl_dir, items)
    finished = [r for r in reports if r.get("finish_reason") != "killed"]
    counts, failures, browser = (_sum(reports, section) for section in _SUMMED)
    counts["articles"] = len(items)
    reasons = {r.get("finish_reason") for r in finished}
    reason = "finished" if frontier_done and reasons <= {"finished"} and finished else (
        next((r for r in ("redis_lost", "disk_full", "session_expired", "shutdown") if r in reasons), None)
        or ("finished" if frontier_done and finished else "incomplete"))
    starts = [r["started"] for r in finished if r.get("started")]
    ends = [r["finished"] for r in finished if r.get("finished")]
    started, ended = min(starts, default=None), max(ends, default=datetime.now().astimezone().isoformat())
    duration = ((datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()
                if started else 0.0)
    first = finished[0] if finished else {}
    report = CrawlReport(
        crawl_id=crawl_dir.name, spider=first.get("spider", ""), outlet=first.get("outlet", ""),
        started=started, finished=ended, duration_s=round(duration, 3), finish_reason=reason,
        exit_status=int(_exit_status(reason, counts, failures, max_error_rate)), counts=counts,
        failures=failures, browser=browser, blocked=[block for r in reports for block in r.get("blocked") or []])
    extra = {"workers": workers, **({"redis": redis} if redis is not None else {})}
    return finish_crawl_folder(crawl_dir, report, extra=extra, index=False)    # indexed above


def copy_into(source: Path, target: Path) -> list[str]:
    """Copy a crawl folder from another machine into *target* (nothing overwritten); returns worker ids."""
    source, target = Path(source), Path(target)
    repair_unfinished(source)
    for sub in ("warc", "screenshots", "articles", "workers"):
        if not (source / sub).is_dir():
            continue
        for path in sorted((source / sub).rglob("*")):
            if path.is_dir() or path.name.endswith(".open"):
                continue
            destination = target / sub / path.relative_to(source / sub)
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
    return worker_ids(source)
