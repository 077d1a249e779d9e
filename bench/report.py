"""Figures per run, their summary per crawler, the targets, and the one table that shows them."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from rich.console import Console
from rich.table import Table


@dataclass
class RunResult:
    tier: str
    crawler: str
    round: int
    returncode: int
    pages: int
    wall_s: float
    cpu_s: float
    peak_pss: int
    requests: int
    warc_bytes: int
    load_avg: float            # 1-minute load average when the run started
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def over_load(self) -> bool:
        """Started while more was runnable than the machine has cores: its wall figures are suspect."""
        return self.load_avg > self.cores

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_s / self.pages if self.pages else 0.0

    @property
    def requests_per_page(self) -> float:
        return self.requests / self.pages if self.pages else 0.0

    @property
    def warc_bytes_per_page(self) -> float:
        return self.warc_bytes / self.pages if self.pages else 0.0


METRICS: dict[str, Callable[[RunResult], float]] = {
    "pages/s": lambda r: r.pages_per_s,
    "CPU ms/page": lambda r: r.cpu_ms_per_page,
    "peak PSS MB": lambda r: r.peak_pss / 1e6,
    "req/page": lambda r: r.requests_per_page,
    "WARC KB/page": lambda r: r.warc_bytes_per_page / 1e3,
}


@dataclass
class Summary:
    tier: str
    crawler: str
    baseline: bool
    runs: list[RunResult] = field(default_factory=list)

    def median(self, metric: str) -> float:
        return statistics.median(METRICS[metric](r) for r in self.runs)

    def spread(self, metric: str) -> str:
        values = [METRICS[metric](r) for r in self.runs]
        fmt = (lambda v: f"{v:.0f}") if max(values) >= 100 else (lambda v: f"{v:.3g}")
        text = fmt(statistics.median(values))
        if len(values) > 1:
            text += f" ({fmt(min(values))}–{fmt(max(values))})"
        return text

    @property
    def failed_runs(self) -> int:
        return sum(1 for r in self.runs if r.returncode != 0)


def summarize(results: list[RunResult], baselines: set[str]) -> list[Summary]:
    summaries: dict[tuple[str, str], Summary] = {}
    for r in results:
        key = (r.tier, r.crawler)
        summaries.setdefault(key, Summary(r.tier, r.crawler, r.crawler in baselines)).runs.append(r)
    return list(summaries.values())


def ratio(summaries: list[Summary], tier: str, crawler: str, baseline: str) -> float | None:
    """Median pages/s of ``crawler`` over that of ``baseline`` in the same tier."""
    found = {(s.tier, s.crawler): s for s in summaries}
    a, b = found.get((tier, crawler)), found.get((tier, baseline))
    if not a or not b or not b.median("pages/s"):
        return None
    return a.median("pages/s") / b.median("pages/s")


@dataclass
class Target:
    name: str
    value: float | None
    limit: float
    higher_is_better: bool
    unit: str = "x"
    aim: float | None = None

    @property
    def met(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.limit if self.higher_is_better else self.value < self.limit

    def line(self) -> str:
        op = ">=" if self.higher_is_better else "<"
        value = "n/a" if self.value is None else f"{self.value:.3g}{self.unit}"
        aim = f" (aim {self.aim:g}{self.unit})" if self.aim else ""
        return f"target {'MET' if self.met else 'NOT MET'}: {self.name}: {value} {op} {self.limit:g}{self.unit}{aim}"


def table(summaries: list[Summary]) -> Table:
    out = Table("tier", "crawler", "runs", *METRICS, "pages/s vs baselines (median ratio)",
                title="news-archiver benchmark: median (min–max) per crawler")
    for s in summaries:
        ratios = ", ".join(
            f"{_fmt_ratio(ratio(summaries, s.tier, s.crawler, b.crawler))} {b.crawler}"
            for b in summaries if b.tier == s.tier and b.baseline and b.crawler != s.crawler
        ) if not s.baseline else "baseline"
        failed = f" ({s.failed_runs} failed)" if s.failed_runs else ""
        loaded = sum(1 for r in s.runs if r.over_load)
        failed += f" ({loaded} over load)" if loaded else ""
        out.add_row(s.tier, s.crawler, f"{len(s.runs)}{failed}", *(s.spread(m) for m in METRICS), ratios)
    return out


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def print_report(summaries: list[Summary], targets: list[Target], notes: list[str], console: Console) -> None:
    console.print(table(summaries))
    for note in notes:
        console.print(note, highlight=False)
    for target in targets:
        console.print(target.line(), highlight=False)


def as_json(results: list[RunResult], summaries: list[Summary], targets: list[Target], extra: dict) -> dict:
    return {
        "runs": [asdict(r) for r in results],
        "summary": [{"tier": s.tier, "crawler": s.crawler, "baseline": s.baseline,
                     **{m: s.median(m) for m in METRICS}} for s in summaries],
        "targets": [{**asdict(t), "met": t.met} for t in targets],
        **extra,
    }
