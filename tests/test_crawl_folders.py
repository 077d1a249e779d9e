"""Every crawl gets a folder of its own, however many start in the same second.

Folders are named to the millisecond and made with an ``mkdir`` that fails on
an existing name, so a clash takes the next ``-02`` suffix; the per-outlet
lock still keeps two crawls of one outlet apart (the later one exits 4).
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from archiver.crawl.folder import create_crawl_folder
from archiver.crawl.report import ExitCode
from tests.conftest import ARCHIVER, ROOT
from tests.hostile_text_site import OUTLET, serve_hostile_text


def test_folders_of_one_instant_get_numbered_suffixes_in_sorted_order(tmp_path):
    now = datetime(2026, 12, 7, 21, 0, 5, 123456, tzinfo=timezone.utc)
    made = [create_crawl_folder(tmp_path, "wire/hostile", now) for _ in range(3)]
    assert [p.name for p in made] == ["wire-hostile-20261207T210005.123Z", "wire-hostile-20261207T210005.123Z-02",
                                      "wire-hostile-20261207T210005.123Z-03"]
    later = create_crawl_folder(tmp_path, "wire/hostile", now.replace(microsecond=124000))
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in [*made, later]]   # names sort by start
    assert all(p.is_dir() and not any(p.iterdir()) for p in made)


@pytest.fixture(scope="module")
def site():
    with serve_hostile_text() as served:
        yield served


def _start(root: Path, *argv: str) -> subprocess.Popen:
    return subprocess.Popen([*ARCHIVER, "crawl", *argv, "--out", str(root), "--render", "never",
                             "--no-block-private-addresses", "--quiet"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _reports(root: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in root.glob("*/crawl.json")}


@pytest.mark.slow
def test_two_crawls_of_one_outlet_started_together_never_share_a_folder(site, tmp_path):
    config = tmp_path / "outlet.toml"
    config.write_text(site.profile())
    root = tmp_path / "out"
    procs = [_start(root, OUTLET, "--config", str(config)) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, int(ExitCode.LOCKED)]), results
    for code, stderr in results:
        if code == ExitCode.LOCKED:
            assert "another crawl of this outlet is running" in stderr
    reports = _reports(root)
    assert len(reports) == codes.count(0)                   # one folder per crawl that ran, each its own
    assert all(r["exit_status"] == 0 and r["counts"]["responses"] > 0 for r in reports.values())
    assert len([p for p in root.iterdir() if p.name.startswith("wire-hostile-")]) == codes.count(0)


@pytest.mark.slow
def test_two_targets_at_once_each_get_a_folder(site, tmp_path):
    """Two URL targets of one host in one run share a name (and its lock), and still get two folders;
    a run of another site started beside it gets its own."""
    root = tmp_path / "out"
    with serve_hostile_text() as other_site:
        one_run = _start(root, site.base + "/", site.article_url)
        other = _start(root, other_site.article_url)
        for proc in (one_run, other):
            assert proc.wait(timeout=300) == 0, proc.stderr.read()[-3000:]
    reports = _reports(root)
    assert len(reports) == 3, sorted(reports)
    assert {r["crawl_id"] for r in reports.values()} == set(reports)     # each report is its own folder's
    assert all(r["counts"]["responses"] > 0 for r in reports.values())
