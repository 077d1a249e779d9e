"""What a package says about how it was made: each crawl's report and warcinfo, and its logs.

Read from the crawl folders being packaged: ``crawl.json`` (run start, end, outcome,
counts) and the ``warcinfo`` record that opens the first WARC (software and versions,
operator, host, user agent, robots policy, crawl settings). Only these whitelisted
facts go in; the crawl log and QA results go in as ``logs/<crawl folder>-<file>``
(flat: py-wacz's validator accepts only two-level paths).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.recording.reader import warc_files
from archiver.signing.signature import SOFTWARE

REPORT_FIELDS = ("crawl_id", "outlet", "started", "finished", "duration_s", "finish_reason", "exit_status", "counts")
LOG_FILES = ("crawl.log", "qa.jsonl", "crawl.json")       # copied into the package when present


def crawl_provenance(crawl_dir: Path) -> dict:
    """One crawl's facts: its report fields and the warcinfo of its first WARC file."""
    crawl_dir = Path(crawl_dir)
    entry: dict = {"folder": crawl_dir.name}
    try:
        report = json.loads((crawl_dir / "crawl.json").read_text(encoding="utf-8"))
        entry |= {name: report.get(name) for name in REPORT_FIELDS}
    except (OSError, ValueError):
        entry["report"] = "missing: crawl.json was not written (an interrupted crawl?)"
    sources = warc_files([crawl_dir / "warc"]) if (crawl_dir / "warc").is_dir() else []
    if sources:
        entry["warcinfo"] = read_warcinfo(sources[0].path)
    return entry


def read_warcinfo(path: Path) -> dict[str, str]:
    """The ``key: value`` fields of the warcinfo record that opens the WARC file at *path*."""
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "warcinfo":
                return {}
            text = record.content_stream().read().decode("utf-8", "replace")
            fields = {}
            for line in text.splitlines():
                key, sep, value = line.partition(":")
                if sep:
                    fields[key.strip()] = value.strip()
            return fields
    return {}


def package_provenance(crawl_dirs: list[Path]) -> dict:
    """The ``provenance`` object of ``datapackage.json`` for a package of *crawl_dirs*."""
    return {"packagedBy": SOFTWARE, "packagedOn": socket.gethostname(),
            "crawls": [crawl_provenance(d) for d in crawl_dirs]}


def package_logs(crawl_dirs: list[Path]) -> dict[str, Path]:
    """``logs/<crawl folder>-<file>`` -> the file, for each log the crawl folders hold."""
    return {f"logs/{Path(d).name}-{name}": Path(d) / name
            for d in crawl_dirs for name in LOG_FILES if (Path(d) / name).is_file()}
