"""The scheduled runs of an outlet, from the ``crawl.json`` each crawl folder keeps."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class CrawlRun:
    folder: str                     # the crawl folder's name under the output root
    report: dict[str, Any]

    @property
    def started(self) -> str:
        return self.report.get("started") or ""

    @property
    def failures(self) -> dict[str, int]:
        return dict(sorted(self.report.get("failures", {}).items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class OutletRuns:
    outlet: str
    runs: list[CrawlRun] = field(default_factory=list)      # newest first

    @property
    def failures(self) -> dict[str, int]:
        """Failures by reason over every run, most frequent first."""
        total: Counter[str] = Counter()
        for run in self.runs:
            total.update(run.report.get("failures", {}))
        return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))


def outlet_runs(root: Path, outlet: str) -> OutletRuns:
    """Every crawl of *outlet* under *root* that left a readable crawl.json."""
    runs = []
    for path in Path(root).glob("*/crawl.json"):
        if not path.resolve().is_relative_to(Path(root).resolve()):
            continue                     # a symlink out of the root
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue                     # a crawl still running, or killed before its report
        if report.get("outlet") == outlet:
            runs.append(CrawlRun(path.parent.name, report))
    return OutletRuns(outlet, sorted(runs, key=lambda r: (r.started, r.folder), reverse=True))
