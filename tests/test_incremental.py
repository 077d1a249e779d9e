"""Scheduled runs: incremental re-crawls, resume after interruption, the outlet lock, --since, robots.txt."""

from __future__ import annotations

import copy
import json
import signal
import subprocess
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urljoin

import pytest

from archiver.localserver import serve_http
from archiver.sample.server import copy_sample_data, load_articles, serve_sample
from tests.conftest import ARCHIVER, ROOT, crawl, run_archiver
from tests.warc_helpers import read_records

MT = "themoscowtimes"


@pytest.fixture
def own_sample(tmp_path):
    """A sample server over a data copy this test may change."""
    data = copy_sample_data(tmp_path / "data")
    with serve_sample(data_dir=data) as outlets:
        yield outlets


def _article_responses(run_dirs: list[Path], base: str) -> Counter:
    """How many times each article URL was archived (as a 200 response record)."""
    paths = [p for d in run_dirs for p in sorted((d / "warc").glob("*.warc.gz"))]
    urls = Counter()
    for record in read_records(paths):
        if record.type == "response" and record.http_status == 200 and record.uri.startswith(base) \
                and "/20" in record.uri and record.uri.count("/") >= 6:
            urls[record.uri] += 1
    return urls


def _mutate(data_dir: Path) -> tuple[list[str], str]:
    """Add two articles and modify one; return the new paths and the modified path."""
    path = data_dir / MT / "articles.json"
    records = json.loads(path.read_text())
    template = max(records, key=lambda r: r["date_published"])
    added = []
    for n in (1, 2):
        new = copy.deepcopy(template)
        new["id"] = 99000 + n
        new["title"] = f"Fresh Coverage Number {n}"
        new["url"] = f"/2025/01/13/fresh-coverage-number-{n}-a{new['id']}"
        new["original_url"] = "https://www.themoscowtimes.com" + new["url"]
        new["date_published"] = new["date_modified"] = f"2025-01-13T0{n}:00:00+03:00"
        new["related"] = []
        records.append(new)
        added.append(new["url"])
    modified = records[5]
    modified["date_modified"] = "2025-01-14T10:00:00+03:00"
    modified["body"][0] = modified["body"][0] + " (Updated with new figures.)"
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1))
    return added, modified["url"]


@pytest.mark.slow
def test_second_run_archives_exactly_the_new_and_changed_articles(own_sample, tmp_path):
    root = tmp_path / "archive"
    first = crawl(root, own_sample, MT, extra=("--render", "never"))
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.report(MT)["counts"]["articles"] == 31
    added, modified = _mutate(own_sample.data_dir)

    second = crawl(root, own_sample, MT, extra=("--render", "never"))
    assert second.returncode == 0, second.stderr[-3000:]
    base = own_sample.urls[MT]
    archived = _article_responses([second.dirs[MT]], base)
    expected = {urljoin(base, p) for p in (*added, modified)}
    assert set(archived) == expected
    items = second.items(MT)
    assert {i["url"] for i in items} == expected
    assert next(i for i in items if i["url"] == urljoin(base, modified))["date_modified"] == \
        "2025-01-14T10:00:00+03:00"
    report = second.report(MT)
    assert report["counts"]["articles"] == 3
    assert report["counts"]["articles_unchanged"] == 30   # 31 before, one of them changed
    # front and section pages are the coverage record: captured again (a revisit when unchanged)
    pages = {r.uri for r in read_records(second.warcs(MT)) if r.type in ("response", "revisit")}
    assert base + "/" in pages and base + "/news" in pages


@pytest.mark.browser
@pytest.mark.slow
def test_interrupted_crawl_resumes_and_archives_every_page_once(own_sample, tmp_path):
    root = tmp_path / "archive"
    base = own_sample.urls[MT]
    cmd = [*ARCHIVER, "crawl", MT, "--out", str(root), f"--base-url={MT}={base}",
           "--no-screenshots", "--concurrency", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    state = root / "state.sqlite"
    while len(list(root.glob(f"{MT}-*/articles/*.txt"))) < 5:    # interrupt once some articles are archived
        assert time.monotonic() < deadline and proc.poll() is None, "no five articles archived"
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    assert proc.returncode == 130, "an interrupted crawl exits 130"
    folder = next(root.glob(f"{MT}-*"))
    assert json.loads((folder / "crawl.json").read_text())["finish_reason"] == "shutdown"
    done_before = len(list(folder.glob("articles/*.txt")))
    assert 5 <= done_before < 31
    assert not list(folder.glob("warc/*.open")), "WARC files are closed and renamed on Ctrl-C"

    resumed = run_archiver("crawl", MT, "--out", root, f"--base-url={MT}={base}", "--no-screenshots",
                           "--resume")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert [p for p in root.glob(f"{MT}-*")] == [folder], "resume continues in the same folder"
    archived = _article_responses([folder], base)
    expected = {urljoin(base, a["url"]) for a in load_articles(MT, own_sample.data_dir)}
    assert set(archived) == expected
    assert max(archived.values()) == 1, [u for u, n in archived.items() if n > 1]
    assert state.exists()


@pytest.mark.browser
def test_overlapping_runs_exit_with_the_lock_code(own_sample, tmp_path):
    root = tmp_path / "archive"
    base = own_sample.urls[MT]
    cmd = [*ARCHIVER, "crawl", MT, "--out", str(root), f"--base-url={MT}={base}", "--quiet"]
    first = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = root / "locks" / f"{MT}.lock"
        deadline = time.monotonic() + 300
        while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.2)
        second = run_archiver("crawl", MT, "--out", root, f"--base-url={MT}={base}", "--quiet", timeout=300)
        assert second.returncode == 4
        assert "another crawl of this outlet is running" in second.stderr
        assert first.poll() is None, "the first run is still going"
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=120)


def test_since_skips_older_articles_without_fetching_them(own_sample, tmp_path):
    root = tmp_path / "archive"
    since = "2025-01-10"
    run = crawl(root, own_sample, MT, extra=("--render", "never", "--depth", "0", "--since", since))
    assert run.returncode == 0, run.stderr[-3000:]
    base = own_sample.urls[MT]
    articles = load_articles(MT, own_sample.data_dir)
    newer = {urljoin(base, a["url"]) for a in articles if a["date_published"][:10] >= since}
    older = {urljoin(base, a["url"]) for a in articles} - newer
    assert newer and older
    archived = set(_article_responses([run.dirs[MT]], base))
    assert archived == newer
    assert {i["url"] for i in run.items(MT)} == newer
    assert run.report(MT)["counts"]["articles_skipped_since"] == len(older)


class _RobotsSite(BaseHTTPRequestHandler):
    pages = {
        "/robots.txt": "User-agent: *\nDisallow: /private/\n",
        "/": '<html><body><a href="/public/one">one</a> <a href="/private/two">two</a></body></html>',
        "/public/one": "<html><head><title>One</title></head><body><p>Public page.</p></body></html>",
        "/private/two": "<html><head><title>Two</title></head><body><p>Private page.</p></body></html>",
    }

    def do_GET(self):
        body = self.pages.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/plain" if self.path.endswith(".txt") else "text/html")
        data = (body or "not found").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_robots_txt_is_obeyed_and_archived(tmp_path):
    with serve_http(_RobotsSite) as base:
        config = tmp_path / "site.toml"
        config.write_text(f'[robotsite]\nbase_url = "{base}"\nstart_urls = ["/"]\n'
                          "article_pattern = '^/(public|private)/'\n")
        proc = run_archiver("crawl", "robotsite", "--config", config, "--out", tmp_path / "out",
                            "--render", "never", "--no-block-private-addresses")
    assert proc.returncode == 0, proc.stderr[-3000:]
    folder = next((tmp_path / "out").glob("robotsite-*"))
    uris = {r.uri for r in read_records(sorted((folder / "warc").glob("*.warc.gz"))) if r.type == "response"}
    assert base + "/robots.txt" in uris
    assert base + "/public/one" in uris
    assert base + "/private/two" not in uris
