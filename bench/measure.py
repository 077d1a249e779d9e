"""One measurement harness for every crawler: wall time, CPU and PSS of the whole process tree.

``/usr/bin/time -v`` sees only the largest process; a browser crawl is Python
plus a node driver plus a dozen Chromium processes. A sampler thread walks the
tree every 0.2 s (by default) and sums PSS (shared pages split fairly, so nothing is
counted twice). CPU comes from ``wait4``: the child's rusage includes every
descendant it reaped, recursively; CPU last seen per pid covers any orphan
that was reaped elsewhere, and the larger of the two is kept.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_INTERVAL = 0.2


@dataclass
class Sample:
    t: float            # seconds since start
    pss: int            # bytes, whole tree
    processes: int


@dataclass
class Measured:
    """What one process tree cost."""
    returncode: int
    wall_s: float
    cpu_s: float
    peak_pss: int
    samples: list[Sample] = field(default_factory=list)


class TreeSampler(threading.Thread):
    def __init__(self, pid: int, on_sample: Callable[[Sample], None] | None = None,
                 interval: float = SAMPLE_INTERVAL):
        super().__init__(daemon=True)
        self.interval = interval
        self.root = psutil.Process(pid)
        self.on_sample = on_sample
        self.samples: list[Sample] = []
        self.cpu_seen: dict[tuple[int, float], float] = {}    # (pid, create_time) -> user+sys
        self.stopped = threading.Event()
        self.started_at = time.monotonic()

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []

    def sample(self) -> None:
        pss = 0
        procs = self._tree()
        for proc in procs:
            try:
                with proc.oneshot():
                    pss += proc.memory_full_info().pss
                    cpu = proc.cpu_times()
                    self.cpu_seen[(proc.pid, proc.create_time())] = cpu.user + cpu.system
            except psutil.Error:
                continue
        if procs:
            sample = Sample(time.monotonic() - self.started_at, pss, len(procs))
            self.samples.append(sample)
            if self.on_sample:
                self.on_sample(sample)

    def run(self) -> None:
        self.sample()
        while not self.stopped.wait(self.interval):
            self.sample()


def run_measured(cmd: list[str], *, cwd: Path, log: Path, env: dict[str, str] | None = None,
                 on_sample: Callable[[Sample], None] | None = None, timeout: float = 3600,
                 interval: float = SAMPLE_INTERVAL) -> Measured:
    """Run ``cmd`` to completion (output to ``log``) and measure its whole process tree."""
    with open(log, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
        sampler = TreeSampler(proc.pid, on_sample, interval)
        sampler.start()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        timer.cancel()
        sampler.stopped.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    reaped = usage.ru_utime + usage.ru_stime
    seen = sum(sampler.cpu_seen.values())
    peak = max((s.pss for s in sampler.samples), default=0)
    return Measured(proc.returncode, wall, max(reaped, seen), peak, sampler.samples)
