"""The memory soak: whole-tree PSS of one long render crawl, at 500, 1,000 and N pages.

The crawl's own plain progress line ("progress NAME: R responses, P rendered,
...", every 10 s when stderr is not a terminal) says how many pages were
rendered; every PSS sample is tagged with the latest count read from the log.
PSS "at N pages" is the median of the samples tagged with counts within
WINDOW_PAGES / 2 of N. A browser's memory swings by a few hundred MB as tabs
close and open (a tab renders ARCHIVER_TAB_RENDERS = 25 pages, 8 tabs at
once) and as Chromium is recycled, so the window spans one whole rotation of
the tabs (200 renders). Sampling PSS costs CPU (it walks every mapping of
every process), so the long soak samples once a second, not five times.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Measured, Sample, run_measured

SOAK_SAMPLE_INTERVAL = 1.0
WINDOW_PAGES = 200                     # 8 tabs x 25 renders: every tab opened and closed once
PROGRESS = re.compile(r"progress \S+: (\d+) responses, (\d+) rendered")


@dataclass
class LogFollower:
    """Reads the crawl log as it grows and keeps the latest rendered count."""
    path: Path
    offset: int = 0
    rendered: int = 0
    tagged: list[tuple[int, Sample]] = field(default_factory=list)

    def __call__(self, sample: Sample) -> None:
        try:
            with open(self.path, "rb") as log:
                log.seek(self.offset)
                chunk = log.read()
        except OSError:
            chunk = b""
        complete = chunk.rfind(b"\n") + 1
        self.offset += complete
        for match in PROGRESS.finditer(chunk[:complete].decode("utf-8", "replace")):
            self.rendered = int(match.group(2))
        self.tagged.append((self.rendered, sample))

    def pss_at(self, pages: int) -> float | None:
        """Median PSS (bytes) of the samples taken within WINDOW_PAGES / 2 pages of ``pages``."""
        half = WINDOW_PAGES // 2
        samples = [s.pss for count, s in self.tagged if pages - half <= count <= pages + half]
        return statistics.median(samples) if samples else None


@dataclass
class SoakResult:
    checkpoints: dict[int, float | None]     # pages -> PSS bytes
    rendered: int
    measured: Measured

    @property
    def growth(self) -> float | None:
        """PSS at the last checkpoint over PSS at the first."""
        first, last = (self.checkpoints[k] for k in (min(self.checkpoints), max(self.checkpoints)))
        return last / first if first and last else None


def soak(command: list[str], *, cwd: Path, log: Path, pages: int) -> SoakResult:
    checkpoints = sorted({min(500, pages), min(1000, pages), pages})
    follower = LogFollower(log)
    measured = run_measured(command, cwd=cwd, log=log, on_sample=follower, interval=SOAK_SAMPLE_INTERVAL)
    return SoakResult({n: follower.pss_at(n) for n in checkpoints}, follower.rendered, measured)
