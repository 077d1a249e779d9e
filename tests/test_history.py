"""Article history end to end: two crawls of the sample outlet that edits its articles.

The first crawl archives harbourgazette; the outlet then publishes its edits
(headline, paragraph, correction, byline, whitespace-only); the second crawl
(``--revisit``) re-checks every article with conditional requests. Versions are
read from the crawl state, their records back from the WARC files with warcio.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sqlite3
import time
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.recording.records import NOT_MODIFIED_PROFILE
from archiver.sample.edits import EDITS
from archiver.sample.server import copy_sample_data, load_articles, serve_sample
from tests.conftest import crawl, run_archiver
from tests.warc_helpers import read_records

HG = "harbourgazette"
SEED_BYTES = (Path(__file__).parent / "sample_data" / "seed_article.txt").read_bytes()  # the shared seed export
FAST = ("--render", "never")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory):
    """(sample, root, first run, second run) of the editing outlet."""
    data = copy_sample_data(tmp_path_factory.mktemp("edits-data"))
    root = tmp_path_factory.mktemp("history") / "archive"
    with serve_sample(data_dir=data, edits=True) as sample:
        first = crawl(root, sample, HG, extra=FAST)
        assert first.returncode == 0, first.stderr[-3000:]
        sample.publish_edits()
        second = crawl(root, sample, HG, extra=(*FAST, "--revisit"))
        assert second.returncode == 0, second.stderr[-3000:]
        yield sample, root, first, second


def _paths(sample) -> dict[str, str]:
    """Fetched URL of each edited article -> its edit kind."""
    by_id = {a["id"]: a["url"] for a in load_articles(HG, sample.data_dir)}
    return {sample.urls[HG] + by_id[e.article_id]: e.kind for e in EDITS if e.outlet == HG}


def _versions(root: Path) -> dict[str, list[dict]]:
    db = sqlite3.connect(root / "state.sqlite")
    db.row_factory = sqlite3.Row
    found: dict[str, list[dict]] = {}
    for row in db.execute("SELECT * FROM versions ORDER BY url, version"):
        found.setdefault(row["url"], []).append(dict(row))
    db.close()
    return found


def _record_at(root: Path, filename: str, offset: int):
    """The record at *offset* of *filename* (somewhere under the root), read with warcio."""
    path = next(root.glob(f"*/warc/{filename}"))
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        body = record.content_stream().read()
        return record.rec_type, record.rec_headers.get_header("WARC-Record-ID"), body


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_two_crawls_give_exactly_the_expected_versions(two_crawls):
    sample, root, first, second = two_crawls
    edited = _paths(sample)
    counted = {url for url, kind in edited.items() if kind != "whitespace"}
    versions = _versions(root)
    articles = {sample.urls[HG] + a["url"] for a in load_articles(HG, sample.data_dir)}
    assert set(versions) == articles
    assert {url for url, rows in versions.items() if len(rows) == 2} == counted
    assert all(len(rows) <= 2 for rows in versions.values())
    assert [r["version"] for r in versions[next(iter(counted))]] == [1, 2]
    # what changed, field by field
    changed = {edited[url]: json.loads(rows[1]["changed"]) for url, rows in versions.items() if len(rows) == 2}
    assert changed["headline"] == ["title"]
    assert changed["paragraph"] == ["body"]
    assert changed["correction"] == ["body", "date_modified"]
    assert set(changed["byline"]) >= {"byline", "authors"}

    # items: the first run exports every article as version 1, the second only the new versions
    first_items = {i["url"]: i for i in first.items(HG)}
    assert {i["version"] for i in first_items.values()} == {1}
    assert all(i["previous"] is None for i in first_items.values())
    second_items = second.items(HG)
    assert {i["url"] for i in second_items} == counted
    for item in second_items:
        assert item["version"] == 2
        assert item["previous"]["version"] == 1
        assert item["previous"]["warc"] == first_items[item["url"]]["warc"]
    report = second.report(HG)["counts"]
    assert report["new_versions"] == 4 and report["same_versions"] == 1


def test_the_whitespace_only_change_is_fetched_but_is_not_a_version(two_crawls):
    sample, root, first, second = two_crawls
    url = next(u for u, kind in _paths(sample).items() if kind == "whitespace")
    bodies = [r.payload for r in read_records(second.warcs(HG)) if r.type == "response" and r.uri == url]
    assert len(bodies) == 1, "the changed page is fetched again (a 200, not a 304)"
    old = [r.payload for r in read_records(first.warcs(HG)) if r.type == "response" and r.uri == url][0]
    assert bodies[0] != old
    assert re.sub(r"\s+", "", bodies[0].decode()) == re.sub(r"\s+", "", old.decode()), "only whitespace changed"
    assert len(_versions(root)[url]) == 1
    assert url not in {i["url"] for i in second.items(HG)}


def test_each_version_points_at_a_warc_record_holding_its_text(two_crawls):
    sample, root, first, second = two_crawls
    for url, rows in _versions(root).items():
        for row in rows:
            rec_type, record_id, body = _record_at(root, row["warc_filename"], row["warc_offset"])
            assert rec_type == "response" and record_id == row["record_id"]
            if body[:2] == b"\x1f\x8b":
                body = gzip.decompress(body)
            text = _words(html.unescape(body.decode("utf-8")))
            assert _words(row["title"]) in text, (url, row["version"])
            for paragraph in row["body"].split("\n\n"):
                assert _words(paragraph) in text, (url, row["version"], paragraph)
    edited = {kind: url for url, kind in _paths(sample).items()}
    headline = _versions(root)[edited["headline"]]
    assert headline[1]["title"] == "Harbour Bridge Lanes to Close Until September as Repairs Begin"
    assert "Owen Grant" in _versions(root)[edited["byline"]][1]["byline"]


def test_unchanged_articles_cost_a_304_recorded_as_server_not_modified_revisits(two_crawls):
    sample, root, first, second = two_crawls
    edited = set(_paths(sample))
    unchanged = {sample.urls[HG] + a["url"] for a in load_articles(HG, sample.data_dir)} - edited
    originals = {r.uri: r for r in read_records(first.warcs(HG)) if r.type == "response" and r.uri in unchanged}
    records = read_records(second.warcs(HG))
    revisits = {r.uri: r for r in records if r.type == "revisit" and r.headers.get("WARC-Profile") == NOT_MODIFIED_PROFILE}
    assert set(revisits) == unchanged
    for url, revisit in revisits.items():
        original = originals[url]
        assert revisit.http_status == 304 and revisit.raw_payload == b""
        assert revisit.headers["WARC-Refers-To"] == original.headers["WARC-Record-ID"]
        assert revisit.headers["WARC-Refers-To-Target-URI"] == url
        assert revisit.headers["WARC-Refers-To-Date"] == original.headers["WARC-Date"]
        assert "WARC-Payload-Digest" not in revisit.headers
        etags = {k.lower(): v for k, v in original.http_headers}, {k.lower(): v for k, v in revisit.http_headers}
        assert etags[0]["etag"] == etags[1]["etag"]
    requests = [r for r in records if r.type == "request" and r.uri in unchanged]
    assert requests and all(any(k.lower() == "if-none-match" for k, _ in r.http_headers) for r in requests)
    assert not [r for r in records if r.type == "response" and r.uri in unchanged]
    report = second.report(HG)["counts"]
    assert report["not_modified"] == len(unchanged) and report["articles_rechecked"] == 13
    assert (second.dirs[HG] / "index.cdxj").read_text().count('"status": "304"') == len(unchanged)
    verify = run_archiver("verify", root)
    assert verify.returncode == 0, verify.stdout[-3000:]


def test_replay_of_a_rechecked_article_shows_the_capture_its_304_confirmed(two_crawls):
    from archiver.research.replay import start_replay

    sample, root, first, second = two_crawls
    article = next(a for a in load_articles(HG, sample.data_dir) if a["id"] not in {e.article_id for e in EDITS})
    url = sample.urls[HG] + article["url"]
    with start_replay([first.dirs[HG], second.dirs[HG]], framed=False) as server:
        with urllib.request.urlopen(server.replay_url(url), timeout=30) as response:   # the latest capture
            assert response.status == 200
            assert html.escape(article["title"], quote=False) in response.read().decode("utf-8")


def test_history_lists_the_versions(two_crawls):
    sample, root, first, second = two_crawls
    article = next(a for a in load_articles(HG, sample.data_dir) if a["id"] == EDITS[0].article_id)
    result = run_archiver("history", article["original_url"], root)     # the canonical URL works too
    assert result.returncode == 0, result.stderr
    assert "2 version(s)" in result.stdout
    rows = [line for line in result.stdout.splitlines() if re.match(r"^│ [12] ", line)]
    assert len(rows) == 2 and "first capture" in rows[0] and "title" in rows[1]


def test_diff_names_the_added_and_removed_words(two_crawls, tmp_path):
    sample, root, first, second = two_crawls
    url = next(u for u, kind in _paths(sample).items() if kind == "headline")
    page = tmp_path / "diff.html"
    result = run_archiver("diff", url, root, "--from", "1", "--to", "2", "--html", page)
    assert result.returncode == 0, result.stderr
    removed = " ".join(re.findall(r"\[-(.*?)-\]", result.stdout, re.S))
    added = " ".join(re.findall(r"\{\+(.*?)\+\}", result.stdout, re.S))
    assert "Summer" in removed and "Through" in removed and "September" not in removed
    assert "September" in added and "Begin" in added and "Summer" not in added
    assert "words added" in result.stdout
    doc = page.read_text()
    assert re.search(r"<del>[^<]*Summer[^<]*</del>", doc) and re.search(r"<ins>[^<]*September[^<]*</ins>", doc)

    correction = next(u for u, kind in _paths(sample).items() if kind == "correction")
    result = run_archiver("diff", correction, root)                       # default: the last two versions
    added = " ".join(re.findall(r"\{\+(.*?)\+\}", result.stdout, re.S))
    assert "Correction" in added and "opening hours" in added


def test_a_url_without_versions_says_so(two_crawls, tmp_path):
    sample, root, first, second = two_crawls
    for command in ("history", "diff"):
        result = run_archiver(command, sample.urls[HG] + "/2099/01/01/never-published/", root)
        assert result.returncode != 0
        assert "no versions of" in result.stderr and "Traceback" not in result.stderr
    result = run_archiver("history", sample.urls[HG] + "/", tmp_path)        # not an output root
    assert result.returncode != 0 and "no crawl state" in result.stderr
    once = next(a for a in load_articles(HG, sample.data_dir) if a["id"] not in {e.article_id for e in EDITS})
    result = run_archiver("diff", sample.urls[HG] + once["url"], root)
    assert result.returncode != 0 and "only version 1" in result.stderr


def test_the_demo_archives_real_dates_and_ends_with_a_second_run_finding_the_edits(tmp_path):
    """The demo serves the dates the articles were published with: the first run's seed export is the
    seed byte for byte; the second run still finds the edits (--revisit under a schedule reaching them)."""
    root = tmp_path / "demo"
    result = run_archiver("demo", "--out", root, "--render", "never")
    assert result.returncode == 0, result.stderr[-3000:]
    runs = sorted((json.loads(p.read_text()) | {"dir": p.parent} for p in root.glob("*/crawl.json")),
                  key=lambda r: r["dir"].name)
    first_mt = next(r["dir"] for r in runs if r["outlet"] == "themoscowtimes")
    exports = [p.read_bytes() for p in (first_mt / "articles").glob("*.txt")]
    assert SEED_BYTES in exports
    items = [json.loads(line) for line in (first_mt / "items.jsonl").read_text().splitlines()]
    by_url = {a["original_url"]: a for a in load_articles("themoscowtimes")}
    for item in items:
        expected = by_url[item["original_url"]]["date_published"]
        assert item["date_published"] == expected, item["url"]
    assert any(item["date_published"].startswith("2025-01-12") for item in items)
    assert "harbourgazette, second run: 13 articles re-checked, 8 unchanged (304), 4 new versions" in result.stdout
    assert "themoscowtimes, second run: 31 articles re-checked, 31 unchanged (304), 0 new versions" in result.stdout
    commands = [line.split(None, 1)[1].split() for line in result.stdout.splitlines()
                if line.startswith("  archiver ")]
    assert [c[0] for c in commands] == ["history", "diff"]
    shown = run_archiver(*commands[0])
    assert shown.returncode == 0 and "2 version(s)" in shown.stdout
    diffed = run_archiver(*commands[1])
    assert diffed.returncode == 0 and "{+Lanes+}" in diffed.stdout
    assert (root / "diff.html").read_text().count("<ins>") >= 2


def test_scheduled_runs_recheck_only_the_articles_that_are_due(tmp_path):
    """No --revisit: the schedule decides, by article age and time since the last check."""
    root = tmp_path / "archive"
    with serve_sample(data_dir=copy_sample_data(tmp_path / "data"), edits=True) as sample:
        assert crawl(root, sample, HG, extra=FAST).returncode == 0
        runs = {}
        # the newest article (dated 10.5 hours ago) is due every second, the rest once a day
        for name, schedule in (("young", "12h:1s 60d:1d"), ("all", "60d:1s"), ("none", "60d:1d")):
            time.sleep(1.1)                                # the young article is due again a second after its check
            run = crawl(root, sample, HG, extra=(*FAST, "--set", f"ARCHIVER_REVISIT_SCHEDULE={schedule}"))
            assert run.returncode == 0, run.stderr[-3000:]
            runs[name] = run.report(HG)["counts"]
    assert runs["young"]["articles_rechecked"] == runs["young"]["not_modified"] == 1
    assert runs["all"]["articles_rechecked"] == runs["all"]["not_modified"] == 13
    assert runs["none"]["articles_rechecked"] == 0 and runs["none"]["articles_unchanged"] == 13


@pytest.mark.browser
def test_rendered_articles_are_rechecked_by_plain_conditional_fetches(tmp_path):
    """First capture in Chromium; the re-check is a plain fetch that gets its 304s; a changed page is rendered again."""
    root = tmp_path / "archive"
    with serve_sample(data_dir=copy_sample_data(tmp_path / "data"), edits=True) as sample:
        first = crawl(root, sample, HG, extra=("--render", "always"))
        assert first.returncode == 0, first.stderr[-3000:]
        assert first.report(HG)["counts"]["rendered"] >= 13
        sample.publish_edits()
        second = crawl(root, sample, HG, extra=("--render", "always", "--revisit"))
        assert second.returncode == 0, second.stderr[-3000:]
    counts = second.report(HG)["counts"]
    assert (counts["not_modified"], counts["new_versions"], counts["same_versions"]) == (8, 4, 1)
    for item in second.items(HG):            # each new version has its capture-time screenshot
        assert item["version"] == 2 and item["screenshot"], item["url"]
        assert (second.dirs[HG] / item["screenshot"]).stat().st_size > 0
    for rows in _versions(root).values():
        for row in rows:
            rec_type, record_id, body = _record_at(root, row["warc_filename"], row["warc_offset"])
            assert rec_type == "response" and record_id == row["record_id"]
            assert _words(row["title"]) in _words(html.unescape(body.decode("utf-8")))
