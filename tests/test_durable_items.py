"""A crawl killed with SIGKILL at any point, then resumed, lists every article exactly once.

The crawl state counts an article as archived only once its item is on disk,
and ``--resume`` rebuilds the item files from the WARC's ``urn:article:``
metadata records, so items.jsonl, items.csv, articles/ and the WARC agree with
an uninterrupted crawl of the same site.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from archiver.itemfiles import archived_items, rebuild_item_files
from archiver.items import Article
from archiver.sample.server import copy_sample_data, serve_sample
from archiver.filenames import article_filename
from tests.conftest import ARCHIVER, ROOT
from tests.warc_helpers import read_records

MT = "themoscowtimes"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serve_sample(data_dir=copy_sample_data(tmp_path_factory.mktemp("data"))) as outlets:
        yield outlets


def _command(site, root: Path, *extra: str) -> list[str]:
    return [*ARCHIVER, "crawl", MT, "--out", str(root), f"--base-url={MT}={site.urls[MT]}",
            "--render", "never", "--no-screenshots", "--quiet", *extra]


def _texts(root: Path) -> int:
    return len(list(root.glob(f"{MT}-*/articles/*.txt")))


def _crawl_killed_when(site, root: Path, ready: Callable[[], bool], *extra: str) -> None:
    """Run a crawl and SIGKILL its whole process group once *ready()* holds."""
    proc = subprocess.Popen(_command(site, root, *extra), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    try:
        while not ready():
            assert proc.poll() is None, "the crawl ended before the kill point"
            assert time.monotonic() < deadline, "the kill point never came"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _listed(folder: Path) -> dict[str, Counter]:
    """The articles each output lists, with how often."""
    jsonl = [json.loads(line)["url"] for line in (folder / "items.jsonl").read_text().splitlines()]
    with open(folder / "items.csv", newline="", encoding="utf-8") as fh:
        rows = [row["url"] for row in csv.DictReader(fh)]
    records = read_records(sorted((folder / "warc").glob("*.warc.gz")))
    metadata = [r.uri.removeprefix("urn:article:") for r in records if r.type == "metadata"]
    texts = sorted(p.name for p in (folder / "articles").glob("*.txt"))
    return {"items.jsonl": Counter(jsonl), "items.csv": Counter(rows), "metadata": Counter(metadata),
            "texts": Counter(texts)}


@pytest.mark.slow
def test_sigkill_at_several_points_then_resume_lists_every_article_once(site, tmp_path):
    reference_root, root = tmp_path / "uninterrupted", tmp_path / "killed"
    finished = subprocess.run(_command(site, reference_root), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-3000:]
    expected = _listed(next(reference_root.glob(f"{MT}-*")))
    assert len(expected["metadata"]) >= 30 and max(expected["metadata"].values()) == 1

    # killed as soon as the first WARC is open, then with a few articles archived, then deep into the crawl
    _crawl_killed_when(site, root, lambda: any(root.glob(f"{MT}-*/warc/*.open")))
    _crawl_killed_when(site, root, lambda: _texts(root) >= 3, "--resume")
    killed_at = _texts(root)
    _crawl_killed_when(site, root, lambda: _texts(root) >= killed_at + 10, "--resume")
    assert len(list(root.glob(f"{MT}-*"))) == 1, "every run continued the first crawl folder"
    resumed = subprocess.run(_command(site, root, "--resume"), cwd=ROOT, capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    folder = next(root.glob(f"{MT}-*"))
    listed = _listed(folder)
    for output, counts in listed.items():
        assert set(counts) == set(expected[output]), f"{output} lists other articles than an uninterrupted crawl"
        assert max(counts.values()) == 1, f"{output} repeats {[a for a, n in counts.items() if n > 1]}"
    record_ids = {r.headers["WARC-Record-ID"] for r in read_records(sorted((folder / "warc").glob("*.warc.gz")))}
    items = [json.loads(line) for line in (folder / "items.jsonl").read_text().splitlines()]
    assert all(item["warc"]["record_id"] in record_ids for item in items), "an item points at no WARC record"


def test_rebuilt_item_files_hold_exactly_the_given_items(tmp_path):
    """The rebuild replaces cut-off files whole and drops text exports of items it was not given."""
    folder = tmp_path / "crawl"
    (folder / "articles").mkdir(parents=True)
    (folder / "items.jsonl").write_text('{"url": "https://news.example/a"}\n{"url": "https://news.ex')
    (folder / "articles" / "0000000000000000.txt").write_text("a stale export")
    items = [Article(url=f"https://news.example/2025/01/{n}", title=f"Story {n}", body=["One.", "Two."],
                     authors=["A. Writer"]) for n in (1, 2)]
    assert rebuild_item_files(folder, items) == 2
    assert [json.loads(line)["url"] for line in (folder / "items.jsonl").read_text().splitlines()] == \
        [item.url for item in items]
    with open(folder / "items.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["url"] for row in rows] == [item.url for item in items] and rows[0]["authors"] == "A. Writer"
    assert sorted(p.name for p in (folder / "articles").iterdir()) == sorted(article_filename(i) for i in items)
    assert list(archived_items(folder)) == []          # no WARC files: no items
