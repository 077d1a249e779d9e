"""``archiver qa``: real crawls replayed in real pywb and Chromium, compared with their captures.

The sample outlets (consent dialogs, lazy images, "load more") must replay as captured, article by
article; the QA site's broken page must be flagged with the right diagnosis for each fault; a copy
of an archive with one record cut out must be flagged where that record is missing.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from archiver.recording.reader import iter_records, warc_files
from tests.conftest import run_archiver
from tests.qa_site import BROKEN, CLEAN, profile_toml, serve_qa_site

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.needs("wayback")]

QA_BELOW = 10         # ExitCode.QA_BELOW, documented in docs/commands.md


def qa_lines(crawl_dir: Path) -> dict[str, dict]:
    lines = (crawl_dir / "qa.jsonl").read_text().splitlines()
    return {row["url"]: row for row in map(json.loads, lines)}


def codes(row: dict) -> set[str]:
    return {d["code"] for d in row["diagnosis"]}


@pytest.fixture(scope="module")
def qa_site_crawl(tmp_path_factory):
    """The QA site crawled with ``--qa --qa-min-score 0.9``: the process, and the crawl folder."""
    root = tmp_path_factory.mktemp("qa-site")
    with serve_qa_site() as base:
        config = root / "qagazette.toml"
        config.write_text(profile_toml(base))
        proc = run_archiver("crawl", "qagazette", "--config", config, "--out", root / "out", "--render", "always",
                            "--no-block-private-addresses", "--qa", "--qa-min-score", "0.9", timeout=900)
    crawl_dir = next((root / "out").glob("qagazette-*"))
    return proc, crawl_dir, base


@pytest.mark.timeout(1800)          # the first to need the QA site's crawl and its QA
def test_crawl_qa_exits_10_when_an_article_is_below_the_minimum(qa_site_crawl):
    proc, crawl_dir, _ = qa_site_crawl
    assert proc.returncode == QA_BELOW, proc.stderr[-3000:]
    assert "scored below 0.9" in proc.stderr
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["exit_status"] == 0                         # the crawl itself succeeded
    assert report["qa"]["pages"] == 3 and report["qa"]["failed"] == 1


def test_broken_page_is_flagged_with_each_fault(qa_site_crawl):
    _, crawl_dir, base = qa_site_crawl
    rows = qa_lines(crawl_dir)
    broken = rows[base + BROKEN]
    assert not broken["passed"]
    assert codes(broken) >= {"overlay", "query-mismatch", "lazy-image"}, broken["diagnosis"]
    detail = {d["code"]: d["detail"] for d in broken["diagnosis"]}
    assert "#newsletter" in detail["overlay"]
    assert "/embed/widget?r=" in detail["query-mismatch"]
    assert "/img/late.png" in detail["lazy-image"]
    assert broken["failed"].get("script") == 1
    assert broken["article"] == 1.0                          # the body is there, under the overlay
    assert broken["text"] < 0.9                               # the overlay's text is not the capture's


def test_clean_page_passes(qa_site_crawl):
    _, crawl_dir, base = qa_site_crawl
    clean = qa_lines(crawl_dir)[base + CLEAN]
    assert clean["passed"] and clean["diagnosis"] == [], clean
    assert clean["screenshot"] == 1.0 and clean["text"] == 1.0 and clean["article"] == 1.0
    assert clean["loaded"] == {"document": 1, "image": 1}
    assert (crawl_dir / clean["replay_screenshot"]).is_file()


def _cut_record(crawl_dir: Path, uri: str) -> None:
    """Rewrite the crawl's WARC files without the response record of *uri* (each record is its own gzip member)."""
    for source in warc_files([crawl_dir / "warc"]):
        cut = [r for r in iter_records([source]) if r.uri == uri and r.type == "response"]
        if not cut:
            continue
        data = source.path.read_bytes()
        for record in sorted(cut, key=lambda r: r.offset, reverse=True):
            data = data[:record.offset] + data[record.offset + record.length:]
        source.path.write_bytes(data)
        return
    raise AssertionError(f"no response record for {uri}")


def test_damaged_archive_is_flagged_where_the_record_is_missing(qa_site_crawl, tmp_path):
    _, crawl_dir, base = qa_site_crawl
    damaged = tmp_path / crawl_dir.name
    shutil.copytree(crawl_dir, damaged, ignore=shutil.ignore_patterns("qa", "qa.jsonl"))
    _cut_record(damaged, base + "/img/photo.png")
    assert not any(r.uri == base + "/img/photo.png" for r in iter_records([damaged / "warc"])
                   if r.type == "response")
    proc = run_archiver("qa", damaged, "--json", timeout=600)
    assert proc.returncode == 0, proc.stderr
    pages = [json.loads(line) for line in proc.stdout.splitlines()]
    clean = next(p for p in pages if p.get("url") == base + CLEAN)
    assert clean["failed"] == {"image": 1}
    assert [d for d in clean["diagnosis"] if d["code"] == "not-archived"] == [
        {"code": "not-archived", "detail": f"image {base}/img/photo.png"}]
    assert not clean["passed"] and clean["screenshot"] < 0.95
    assert (damaged / clean["diff_image"]).is_file()
    summary = pages[-1]
    assert summary["qa"]["diagnosis"]["not-archived"] == 1


@pytest.mark.timeout(2400)          # the session's sample crawl, then 57 pages replayed, on a shared machine
def test_sample_outlets_every_page_scored_and_every_article_replays(sample_crawl):
    proc = run_archiver("qa", sample_crawl.root, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    for outlet, crawl_dir in sample_crawl.dirs.items():
        rows = qa_lines(crawl_dir)
        rendered = {r.uri.split(":", 2)[2] for r in iter_records([crawl_dir / "warc"]) if r.uri.startswith("urn:dom:")}
        articles = {item["url"] for item in sample_crawl.items(outlet)}
        assert set(rows) == rendered | articles, f"{outlet}: pages not scored"
        for row in rows.values():
            assert row["score"] is not None and row["screenshot"] is not None and row["text"] is not None, row
        for url in articles:
            row = rows[url]
            assert row["article"] == 1.0, (url, row["missing_paragraphs"])
            # the consent dialog the crawler accepted stays accepted in replay, lazy images are there
            assert row["screenshot"] >= 0.95 and "overlay" not in codes(row), (url, row)
        summary = json.loads((crawl_dir / "crawl.json").read_text())["qa"]
        assert summary["pages"] == len(rows) and summary["article"]["min"] == 1.0
    scored = [line for line in lines[1:] if re.match(r"\d\.\d\d  ", line)]
    assert len(scored) == sum(len(qa_lines(d)) for d in sample_crawl.dirs.values()), "one line per page"


@pytest.mark.timeout(1800)          # may be the first to need the session's sample crawl
def test_replay_for_readers_shows_the_page_as_accepted_not_the_consent_dialog(sample_crawl, browser):
    """`archiver replay` / `archiver ui` (framed pywb): the cookie dialogs the crawler accepted stay accepted."""
    from archiver.research.replay import start_replay

    items = {outlet: sample_crawl.items(outlet)[0] for outlet in sample_crawl.dirs}
    banners = {"themoscowtimes": "#onetrust-consent-sdk", "harbourgazette": "#cmplz-cookiebanner-container"}
    with start_replay(list(sample_crawl.dirs.values())) as server:
        for outlet, item in items.items():
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(server.replay_url(item["url"], item["captured_at"]), wait_until="load", timeout=60_000)
            frame = page.frame_locator("#replay_iframe")
            page.wait_for_load_state("networkidle", timeout=60_000)
            assert item["title"] in frame.locator("h1").first.inner_text(timeout=30_000)
            assert frame.locator(banners[outlet]).count() == 0, f"{outlet}: the consent dialog is back in replay"
            page.close()
