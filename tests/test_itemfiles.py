"""items.csv is safe to open in a spreadsheet; items.jsonl keeps every value as archived.

Both writers of the item files (one crawl process, and the join of a
distributed crawl's workers) go through ``archiver.itemfiles``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

from archiver.distributed import merge
from archiver.itemfiles import ItemFiles
from archiver.items import Article

HOSTILE = {
    "title": '=HYPERLINK("http://evil.example/","click")',
    "subtitle": "+1 for the council",
    "byline": "-2+3",
    "section": "@SUM(A1:A9)",
    "description": "\tindented",
    "language": "\rcarriage",
}


def _article(url: str = "http://news.example/a") -> Article:
    return Article(url=url, outlet="news", authors=["=cmd|' /C calc'!A0", "Ann Lee"], body=["plain text"],
                   **HOSTILE)


def _csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _check(crawl_dir: Path) -> None:
    row = _csv_rows(crawl_dir / "items.csv")[0]
    for name, value in HOSTILE.items():
        assert row[name] == "'" + value, name          # a spreadsheet shows it as text, never runs it
    assert row["authors"].startswith("'=cmd")
    assert row["url"] == "http://news.example/a" and row["body"] == "plain text"
    item = json.loads((crawl_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {name: item[name] for name in HOSTILE} == HOSTILE   # the JSON lines keep the values as archived


def test_a_crawls_csv_escapes_formula_cells(tmp_path):
    files = ItemFiles(tmp_path)
    files.append(_article())
    files.close()
    _check(tmp_path)


def test_a_merged_crawls_csv_escapes_formula_cells(tmp_path):
    crawl_dir = tmp_path / "news-20261207T210000.000Z"
    worker = crawl_dir / "workers" / "host-w1"
    worker.mkdir(parents=True)
    (worker / "items.jsonl").write_text(json.dumps(asdict(_article())) + "\n", encoding="utf-8")
    merge.finish(crawl_dir)
    _check(crawl_dir)
