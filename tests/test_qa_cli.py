"""``archiver qa`` and ``crawl --qa`` refuse bad input with exit 2 and a message, before any replay."""

from __future__ import annotations

from tests.conftest import run_archiver


def test_qa_of_a_folder_that_holds_no_crawl(tmp_path):
    proc = run_archiver("qa", tmp_path)
    assert proc.returncode == 2 and "no crawl folder (with crawl.json)" in proc.stderr
    proc = run_archiver("qa", tmp_path / "missing")
    assert proc.returncode == 2 and "is not a crawl folder or an output root" in proc.stderr


def test_min_score_must_be_a_share(tmp_path):
    proc = run_archiver("qa", tmp_path, "--min-score", "95")
    assert proc.returncode == 2 and "between 0 and 1" in proc.stderr


def test_crawl_qa_min_score_needs_qa(tmp_path):
    proc = run_archiver("crawl", "harbourgazette", "--out", tmp_path, "--qa-min-score", "0.9")
    assert proc.returncode == 2 and "--qa-min-score needs --qa" in proc.stderr
    assert not any(tmp_path.iterdir()), "nothing was crawled"
