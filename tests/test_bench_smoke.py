"""Smoke test of the benchmark (``bench/run.py --quick``): every crawler runs, every figure is there.

The benchmark itself is not a test; this only checks that its harness works
end to end on a tiny site (one round, no soak).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.needs("nginx", "wget", "wayback")]

ROOT = Path(__file__).resolve().parents[1]
CRAWLERS = ("bare scrapy", "wget", "bare scrapy-playwright (8 pages)", "bare scrapy-playwright +png (8 pages)",
            "bare scrapy-playwright (16 pages)", "bare scrapy-playwright +png (16 pages)",
            "archiver static", "archiver static (2 workers)", "archiver static (4 workers)", "archiver render (8 tabs)",
            "archiver render +png (8 tabs)", "archiver render (2 workers, 16 tabs)",
            "archiver render +png (2 workers, 16 tabs)")
TARGETS = 14                       # the last two: 4 workers not slower than 2, replay QA pages/s over the crawl's


def test_quick_benchmark_reports_every_crawler_and_target(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "bench/run.py", "--quick", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = proc.stdout
    for crawler in CRAWLERS:
        assert f"│ {crawler} " in text, f"no table row for {crawler}"
    assert sum(line.startswith("target ") for line in text.splitlines()) == TARGETS
    report = json.loads(out.read_text())
    rows = {(row["tier"], row["crawler"]): row for row in report["summary"]}
    assert {crawler for _, crawler in rows} == set(CRAWLERS)
    for key, row in rows.items():
        for metric in ("pages/s", "CPU ms/page", "peak PSS MB", "req/page"):
            assert row[metric] > 0, f"{key}: {metric} is {row[metric]}"
        if not row["crawler"].startswith("bare"):
            assert row["WARC KB/page"] > 0, f"{key}: no WARC"
    assert all(run["returncode"] == 0 for run in report["runs"]), "a crawler failed"
    assert [t for t in report["targets"] if t["value"] is not None and t["value"] <= 0] == []
