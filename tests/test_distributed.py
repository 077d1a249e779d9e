"""Distributed crawls end to end: workers over a real redis-server crawl the sample outlets in real Chromium.

The one-process crawl they are compared with is conftest's ``sample_crawl``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis

from archiver.distributed.keys import CrawlKeys
from archiver.distributed.server import PrivateRedis
from archiver.recording.reader import iter_records, warc_files
from tests.conftest import ARCHIVER, ROOT, crawl, in_terminal, run_archiver
from tests.warc_helpers import read_records

OUTLETS = ("themoscowtimes", "harbourgazette")
# What a browser fetches while it renders (lazy images, responsive image sizes, teasers
# from the sample's JSON API) depends on timing, not on the frontier: the URL sets are
# compared over documents, feeds, sitemaps, stylesheets and scripts.
def _frontier_kind(mime: str) -> bool:
    return not mime.startswith("image/") and "json" not in mime


@pytest.fixture
def redis_url(tmp_path):
    with PrivateRedis(tmp_path / "redis") as server:     # Debian's redis-server, stopped by its PID
        yield server.url


def _captures(crawl_dir: Path) -> list:
    return read_records(sorted((crawl_dir / "warc").glob("*.warc.gz")))


def _worker_of(filename: str, workers: list[str]) -> str:
    return next(w for w in workers if f"-{w}-" in filename)


def _comparable(item: dict) -> dict:
    """The item without what names this crawl's records (which WARC file, which offset)."""
    extraction = {k: v for k, v in item["extraction"].items() if k != "records"}
    return {**{k: v for k, v in item.items() if k not in ("captured_at", "warc", "screenshot")},
            "extraction": extraction}


def _archived_urls(crawl_dir: Path) -> set[str]:
    return {r.uri for r in iter_records(warc_files([crawl_dir / "warc"]))
            if r.type in ("response", "revisit") and _frontier_kind(r.mime)}


def _article_response_counts(crawl_dir: Path, article_urls: set[str]) -> Counter:
    return Counter(r.uri for r in iter_records(warc_files([crawl_dir / "warc"]))
                   if r.type == "response" and r.uri in article_urls)


@pytest.mark.browser
@pytest.mark.slow
def test_three_workers_archive_what_one_process_does(sample, sample_crawl, redis_url, tmp_path):
    root = tmp_path / "archive"
    run = crawl(root, sample, *OUTLETS, extra=("--workers", "3", "--redis", redis_url, "--quiet"))
    assert run.returncode == 0, run.stderr[-4000:]
    revisited_elsewhere = []
    for outlet in OUTLETS:
        crawl_dir = run.dirs[outlet]
        report = run.report(outlet)
        assert report["finish_reason"] == "finished" and len(report["workers"]) == 3
        workers = sorted(report["workers"])
        assert report["redis"]["queued_left"] == 0 and report["redis"]["acked"] > 0
        # the same items and the same archived URLs as one process
        single = {i["url"]: _comparable(i) for i in sample_crawl.items(outlet)}
        multi = {i["url"]: _comparable(i) for i in run.items(outlet)}
        assert multi == single
        assert len(run.items(outlet)) == len(single)                     # each article once in items.jsonl
        assert _archived_urls(crawl_dir) == _archived_urls(sample_crawl.dirs[outlet])
        # each article fetched once, by one worker
        counts = _article_response_counts(crawl_dir, set(single))
        assert set(counts) == set(single) and set(counts.values()) == {1}
        # every worker's WARC files, and one index and page list over all of them
        assert {_worker_of(p.name, workers) for p in run.warcs(outlet)} <= set(workers)
        index_files = {json.loads(line.split(" ", 2)[2])["filename"]
                       for line in (crawl_dir / "index.cdxj").read_text().splitlines()}
        assert index_files == {f"warc/{p.name}" for p in run.warcs(outlet)}
        assert (crawl_dir / "pages.jsonl").read_text().count("\n") > len(single)
        # a stylesheet is stored once; the other workers' browsers made revisits of it
        records = _captures(crawl_dir)
        for url in {r.uri for r in records if r.uri.split("?")[0].endswith(".css")}:
            stored = [r for r in records if r.uri == url and r.type == "response"]
            assert len(stored) == 1, url
        files = {}
        for path in run.warcs(outlet):
            for record in read_records([path]):
                files.setdefault((record.type, record.uri), set()).add(_worker_of(path.name, workers))
        for (kind, url), by in files.items():
            if kind == "revisit" and url.split("?")[0].endswith(".css"):
                if by - files.get(("response", url), set()):
                    revisited_elsewhere.append(url)
    assert revisited_elsewhere, "no worker made a revisit of a stylesheet another worker stored"


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _start_crawl(sample, root: Path, *extra: str, own_group: bool = False) -> subprocess.Popen:
    base_urls = [f"--base-url={name}={sample.urls[name]}" for name in OUTLETS[:1]]
    return subprocess.Popen([*ARCHIVER, "crawl", OUTLETS[0], "--out", str(root), *base_urls, "--quiet", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=own_group)


def _verify_all(crawl_dir: Path) -> None:
    verify = run_archiver("verify", "--repair", crawl_dir / "warc")
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-2000:]
    for path in sorted((crawl_dir / "warc").glob("*.warc.gz")):
        check = subprocess.run([str(Path(ARCHIVER[0]).with_name("warcio")), "check", str(path)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    assert not list((crawl_dir / "warc").glob("*.open"))


def _items_point_at_records(crawl_dir: Path, items: list[dict]) -> None:
    """Provenance: each item's warc pointer is a response record of its page."""
    responses = {(r.source.path.name, r.offset): r.uri for r in iter_records(warc_files([crawl_dir / "warc"]))
                 if r.type == "response"}
    for item in items:
        assert responses[(item["warc"]["filename"], item["warc"]["offset"])] == item["url"]


@pytest.mark.browser
@pytest.mark.slow
def test_a_killed_worker_s_pages_are_crawled_by_the_others(sample, sample_crawl, redis_url, tmp_path):
    root = tmp_path / "archive"
    proc = _start_crawl(sample, root, "--workers", "3", "--redis", redis_url,
                        "--set", "ARCHIVER_REDIS_LEASE_TTL=6")
    client = redis.Redis.from_url(redis_url)
    crawl_id = _wait_for(lambda: [m.decode() for m in client.smembers("archiver:crawls")], 300, "the crawl")[0]
    keys = CrawlKeys("archiver", crawl_id)

    def busy_worker():
        """A worker that has finished a few pages and holds leases now."""
        holders = Counter(v.decode() for v in client.hvals(keys.pending))
        for worker, held in holders.items():
            figures = client.hgetall(keys.worker(worker))
            if held >= 2 and int(figures.get(b"acked", 0)) >= 3:
                return worker, figures
        return None

    victim, figures = _wait_for(busy_worker, 600, "a busy worker")
    held_at_kill = [rid.decode() for rid, w in client.hgetall(keys.pending).items() if w.decode() == victim]
    os.kill(int(figures[b"pid"]), signal.SIGKILL)
    leased_by_victim = int(client.hget(keys.worker(victim), "leased"))
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr[-4000:]

    crawl_dir = root / crawl_id
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["finish_reason"] == "finished"
    assert report["workers"][victim]["finish_reason"] == "killed"
    assert report["redis"]["workers_exit"][victim] == -signal.SIGKILL
    assert report["redis"]["retaken"] >= len(held_at_kill)
    items = [json.loads(line) for line in (crawl_dir / "items.jsonl").read_text().splitlines()]
    expected = {i["url"] for i in sample_crawl.items(OUTLETS[0])}
    assert {i["url"] for i in items} == expected                        # every article, none lost
    _verify_all(crawl_dir)
    _items_point_at_records(crawl_dir, items)
    print(f"\nkill -9 test: worker {victim} killed holding {len(held_at_kill)} leases after leasing "
          f"{leased_by_victim} requests; retaken {report['redis']['retaken']}; articles archived {len(items)} "
          f"of {len(expected)}; records lost 0 (verify and warcio check pass on "
          f"{len(report['files']['warc'])} files)")


def test_unreachable_redis_at_start_is_a_clear_error(sample, tmp_path):
    root = tmp_path / "archive"
    result = run_archiver("crawl", OUTLETS[0], "--out", root, f"--base-url={OUTLETS[0]}={sample.urls[OUTLETS[0]]}",
                          "--workers", "2", "--redis", "redis://127.0.0.1:9/0")
    assert result.returncode == 6, result.stderr
    assert "cannot reach Redis at redis://127.0.0.1:9/0" in result.stderr
    assert not list(root.glob(f"{OUTLETS[0]}-*"))                      # nothing started, nothing half-written


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.needs("redis-server")
def test_redis_restarted_mid_crawl_stops_the_workers_and_keeps_what_they_wrote(sample, tmp_path):
    server = PrivateRedis(tmp_path / "redis").start()
    try:
        root = tmp_path / "archive"
        proc = _start_crawl(sample, root, "--workers", "2", "--redis", server.url,
                            "--set", "ARCHIVER_REDIS_LEASE_TTL=3", "--set", "DOWNLOAD_DELAY=0.5")
        client = redis.Redis.from_url(server.url)
        crawl_id = _wait_for(lambda: [m.decode() for m in client.smembers("archiver:crawls")], 300, "the crawl")[0]
        _wait_for(lambda: client.hlen("archiver:articles") >= 3, 600, "some articles archived")
        assert proc.poll() is None, "the crawl ended before Redis went away: the test checked nothing"
        server.stop()
        server.start()                                  # same socket, same append-only file, a new run
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        server.stop()
    assert proc.returncode == 6, stderr[-3000:]
    crawl_dir = root / crawl_id
    logs = "".join(p.read_text() for p in (crawl_dir / "workers").glob("*.log"))
    assert "lost the shared Redis" in logs          # its connection broke, or its run_id changed
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["finish_reason"] == "redis_lost" and report["exit_status"] == 6
    _verify_all(crawl_dir)
    items = [json.loads(line) for line in (crawl_dir / "items.jsonl").read_text().splitlines()]
    assert items
    _items_point_at_records(crawl_dir, items)


class _CountingSite(BaseHTTPRequestHandler):
    """A front page linking 16 slow stories; logs when each request starts and ends."""

    log: list[tuple[float, float, str]] = []
    lock = threading.Lock()

    def do_GET(self) -> None:
        start = time.monotonic()
        if self.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        elif self.path == "/":
            body = "".join(f'<a href="/2025/01/0{1 + n % 9}/story-number-{n}">{n}</a>' for n in range(16)).encode()
        else:
            time.sleep(0.15)
            body = f"<html><head><title>{self.path}</title></head><body><p>Story.</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with self.lock:
            self.log.append((start, time.monotonic(), self.path))

    def log_message(self, *args) -> None:
        pass


class _BusySite(_CountingSite):
    """The same site; the fourth story answers 429 with Retry-After: 2 the first time."""

    log: list[tuple[float, float, str]] = []
    refused: list[float] = []

    def do_GET(self) -> None:
        if self.path.endswith("story-number-3") and not self.refused:
            self.refused.append(time.monotonic())
            self.send_response(429)
            self.send_header("Retry-After", "2")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def _crawl_counting_site(handler, redis_url: str, tmp_path: Path, concurrency: int, delay: float):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = tmp_path / "outlets.toml"
    config.write_text(f"""
[polite]
title = "Polite"
base_url = "{base}"
start_urls = ["/"]
article_pattern = '^/\\d{{4}}/\\d{{2}}/\\d{{2}}/[a-z0-9-]+$'
render_pattern = '^$'

[polite.politeness]
concurrency = {concurrency}
delay = {delay}
""")
    try:
        return run_archiver("crawl", "polite", "--config", config, "--out", tmp_path / "archive",
                            "--no-block-private-addresses", "--render", "never", "--workers", "2",
                            "--redis", redis_url, "--quiet", "--set", "AUTOTHROTTLE_ENABLED=false")
    finally:
        server.shutdown()


@pytest.mark.slow
def test_a_retry_after_told_to_one_worker_holds_for_both(redis_url, tmp_path):
    result = _crawl_counting_site(_BusySite, redis_url, tmp_path, concurrency=2, delay=0)
    assert result.returncode == 0, result.stderr[-3000:]
    refused = _BusySite.refused[0]
    starts = sorted(start for start, _, _ in _BusySite.log)
    # Retry-After: 2 holds the host for both workers. Requests already sent when the 429 arrived
    # (at most the host's concurrency, 2) may reach the server after it, however late a busy
    # machine delivers them; anything more within the 2 s would be a worker ignoring the pause
    # (without it, 0.15 s stories at concurrency 2 would be a dozen).
    held = [round(s - refused, 2) for s in starts if refused < s < refused + 1.8]
    assert len(held) <= 2, held
    assert any(s >= refused + 1.8 for s in starts)
    assert sum(1 for _, _, path in _BusySite.log if path.endswith("story-number-3")) == 1   # retried once


@pytest.mark.slow
def test_two_workers_keep_to_one_host_s_politeness(redis_url, tmp_path):
    result = _crawl_counting_site(_CountingSite, redis_url, tmp_path, concurrency=1, delay=0.4)
    assert result.returncode == 0, result.stderr[-3000:]
    log = sorted(_CountingSite.log)
    assert len([p for _, _, p in log if p.startswith("/2025/")]) == 16
    # at most one request at a time, and 0.4 s between two starts, across both workers
    overlaps = [(a, b) for a, b in zip(log, log[1:]) if b[0] < a[1] - 0.01]
    assert not overlaps
    # The budget is taken when a worker sends; on a loaded machine a request can reach the
    # server a few tenths of a second later, so the rate is checked over windows of seconds
    # (one request of slack): two workers each keeping 0.4 s on their own make twice as many.
    starts = [start for start, _, _ in log]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    # on average the configured 0.4 s, less 0.5 s of slack for when the first and the last
    # request reached the server (each worker alone keeping 0.4 s would average 0.2 s)
    assert starts[-1] - starts[0] >= 0.4 * len(gaps) - 0.5, gaps
    for window in (2.0, 4.0):
        busiest = max(sum(1 for s in starts if t <= s < t + window) for t in starts)
        assert busiest <= window / 0.4 + 2, (window, busiest, gaps)
    report = json.loads(next((tmp_path / "archive").glob("polite-*/crawl.json")).read_text())
    assert {w: v["counts"]["responses"] > 0 for w, v in report["workers"].items()} == dict.fromkeys(report["workers"], True)


@pytest.mark.slow
@pytest.mark.needs("tmux", "redis-server")
def test_live_table_shows_each_worker_and_the_total(sample, tmp_path):
    import shlex
    session = f"archiver-workers-{tmp_path.name}"
    command = " ".join(shlex.quote(part) for part in [
        *ARCHIVER, "crawl", OUTLETS[0], "--out", str(tmp_path / "out"),
        f"--base-url={OUTLETS[0]}={sample.urls[OUTLETS[0]]}", "--render", "never", "--workers", "2"])
    done = tmp_path / "done"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "40",
                    f"cd {shlex.quote(str(ROOT))} && {in_terminal(command)}; "
                    f"echo exit=$? > {shlex.quote(str(done))}; sleep 60"], check=True)
    try:
        screens = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not done.exists():
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                                    text=True).stdout
            if "total" in screen and "leased" in screen:
                screens.append(screen)
            time.sleep(0.3)
        assert done.exists() and done.read_text().strip() == "exit=0"
        assert screens, "the workers' live table never appeared"
        assert any("-w1 " in s and "-w2 " in s and "total" in s for s in screens), screens[-1]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


@pytest.mark.slow
def test_a_worker_on_another_machine_joins_and_merge_makes_one_crawl(sample, redis_url, tmp_path):
    """`archiver worker` with its own output root, then `archiver merge`: one crawl folder with everything."""
    main_root, other_root = tmp_path / "main", tmp_path / "other"
    proc = _start_crawl(sample, main_root, "--workers", "1", "--redis", redis_url, "--render", "never",
                        "--set", "DOWNLOAD_DELAY=0.3")
    client = redis.Redis.from_url(redis_url)
    crawl_id = _wait_for(lambda: [m.decode() for m in client.smembers("archiver:crawls")], 300, "the crawl")[0]
    other = subprocess.run([*ARCHIVER, "worker", "--redis", redis_url, "--out", str(other_root),
                            "--worker-id", "elsewhere"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0 and other.returncode == 0, stderr[-2000:] + other.stderr[-2000:]
    main_dir, other_dir = main_root / crawl_id, other_root / crawl_id
    remote_items = [json.loads(line) for line in (other_dir / "workers" / "elsewhere" / "items.jsonl").read_text().splitlines()]
    assert remote_items, "the joining worker archived nothing"
    merged = run_archiver("merge", main_dir, other_dir)
    assert merged.returncode == 0, merged.stderr
    report = json.loads((main_dir / "crawl.json").read_text())
    assert "elsewhere" in report["workers"] and len(report["workers"]) == 2
    items = [json.loads(line) for line in (main_dir / "items.jsonl").read_text().splitlines()]
    assert len(items) == len({i["url"] for i in items}) == 31
    assert any(p.name.startswith(f"archiver-{OUTLETS[0]}-elsewhere-") for p in (main_dir / "warc").glob("*.warc.gz"))
    _verify_all(main_dir)
    _items_point_at_records(main_dir, items)


@pytest.mark.browser                     # compared with the session's rendered crawl
@pytest.mark.slow
@pytest.mark.needs("redis-server")
def test_resume_continues_a_killed_distributed_crawl_from_its_private_redis(sample, sample_crawl, tmp_path):
    """kill -9 of the whole run (coordinator, workers, redis-server); --resume restarts Redis from its file."""
    import tempfile
    short = Path(tempfile.mkdtemp(prefix="resume-", dir="/tmp"))   # the Unix socket's path must be short
    root = short / "archive"
    slow = ("--render", "never", "--set", "DOWNLOAD_DELAY=0.2", "--set", "ARCHIVER_REDIS_LEASE_TTL=4")
    proc = _start_crawl(sample, root, "--workers", "2", *slow, own_group=True)
    socket_path = _wait_for(lambda: next(root.glob("*/redis/redis.sock"), None), 300, "the private Redis")
    client = redis.Redis(unix_socket_path=str(socket_path))
    crawl_id = socket_path.parent.parent.name
    keys = CrawlKeys("archiver", crawl_id)
    _wait_for(lambda: int(client.hget(keys.stats, "acked") or 0) >= 10, 600, "some pages done")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1)
    resumed = run_archiver("crawl", OUTLETS[0], "--out", root, f"--base-url={OUTLETS[0]}={sample.urls[OUTLETS[0]]}",
                           "--workers", "2", "--resume", "--quiet", *slow)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    crawl_dir = root / crawl_id
    assert [p.name for p in root.glob(f"{OUTLETS[0]}-*")] == [crawl_id]         # the same folder, continued
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["finish_reason"] == "finished" and report["redis"]["acked"] >= 10
    items = [json.loads(line) for line in (crawl_dir / "items.jsonl").read_text().splitlines()]
    assert {i["url"] for i in items} == {i["url"] for i in sample_crawl.items(OUTLETS[0])}
    _verify_all(crawl_dir)
    _items_point_at_records(crawl_dir, items)
    assert not (crawl_dir / "redis").exists()                                 # removed once finished
    shutil.rmtree(short, ignore_errors=True)


def _page_and_article_responses(crawl_dir: Path) -> set[str]:
    """URLs of the HTML pages and articles fetched (responses and revisits), over every WARC file."""
    return {r.uri for r in iter_records(warc_files([crawl_dir / "warc"]))
            if r.type in ("response", "revisit") and r.mime.startswith("text/html")}


@pytest.mark.slow
def test_max_pages_is_one_budget_for_all_workers(sample, tmp_path):
    """--max-pages 10 with 2 workers: 10 pages and articles between them, not 10 each."""
    root = tmp_path / "out"
    proc = _start_crawl(sample, root, "--workers", "2", "--render", "never", "--max-pages", "10")
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr[-3000:]
    [crawl_dir] = root.glob(f"{OUTLETS[0]}-*")
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert len(report["workers"]) == 2
    counts = report["counts"]
    assert 5 <= counts["pages"] + counts["articles"] <= 10, counts
    fetched = {url for url in _page_and_article_responses(crawl_dir) if "sitemap" not in url}
    assert len(fetched) <= 10, sorted(fetched)
    assert report["redis"]["over_budget"] > 0, report["redis"]       # the budget did turn requests away


@pytest.mark.slow
def test_a_remote_worker_s_files_reach_the_crawl_folder_without_merge(sample, redis_url, tmp_path):
    """A worker with its own output root, which the coordinator's machine sees (a shared mount): no merge needed.

    The coordinator waits for it (it joined, by its heartbeat) and takes its files in.
    """
    main_root, other_root = tmp_path / "main", tmp_path / "mnt" / "other-machine"
    proc = _start_crawl(sample, main_root, "--workers", "1", "--redis", redis_url, "--render", "never",
                        "--set", "DOWNLOAD_DELAY=0.3")
    client = redis.Redis.from_url(redis_url)
    crawl_id = _wait_for(lambda: [m.decode() for m in client.smembers("archiver:crawls")], 60, "the crawl")[0]
    other = subprocess.Popen([*ARCHIVER, "worker", "--redis", redis_url, "--out", str(other_root),
                              "--worker-id", "elsewhere"], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    _, other_err = other.communicate(timeout=600)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0 and other.returncode == 0, stderr[-2000:] + other_err[-2000:]
    main_dir = main_root / crawl_id
    report = json.loads((main_dir / "crawl.json").read_text())
    assert set(report["workers"]) >= {"elsewhere"} and len(report["workers"]) == 2
    assert report["workers"]["elsewhere"]["finish_reason"] == "finished", report["workers"]   # its own report
    assert report["workers"]["elsewhere"]["counts"]["responses"] > 0
    assert report["redis"]["workers_elsewhere"] == {}
    assert any(p.name.startswith(f"archiver-{OUTLETS[0]}-elsewhere-") for p in (main_dir / "warc").glob("*.warc.gz"))
    assert (main_dir / "workers" / "elsewhere" / "items.jsonl").exists()
    items = [json.loads(line) for line in (main_dir / "items.jsonl").read_text().splitlines()]
    assert len(items) == len({i["url"] for i in items}) == 31
    _verify_all(main_dir)
    _items_point_at_records(main_dir, items)
    merged = run_archiver("merge", main_dir)            # `archiver merge` stays, and changes nothing here
    assert merged.returncode == 0, merged.stderr
    assert len((main_dir / "items.jsonl").read_text().splitlines()) == 31


@pytest.mark.slow
@pytest.mark.browser
def test_workers_resume_a_one_process_crawl_without_archiving_again(sample, sample_crawl, tmp_path):
    """kill -9 of a one-process crawl, then --workers 2 --resume: what SQLite says is done is not fetched again."""
    import sqlite3
    root = tmp_path / "archive"
    slow = ("--render", "never", "--set", "DOWNLOAD_DELAY=0.2")
    proc = _start_crawl(sample, root, *slow, own_group=True)
    crawl_dir = _wait_for(lambda: next(root.glob(f"{OUTLETS[0]}-*"), None), 60, "the crawl folder")

    def done_urls() -> set[str]:
        try:
            with sqlite3.connect(root / "state.sqlite") as db:
                return {url for (url,) in db.execute("SELECT url FROM frontier WHERE crawl_id = ? AND done = 1",
                                                     (crawl_dir.name,))}
        except sqlite3.Error:
            return set()
    _wait_for(lambda: len(done_urls()) >= 10, 240, "ten pages done")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = done_urls()
    first_files = set((crawl_dir / "warc").glob("*.warc.gz*"))
    resumed = run_archiver("crawl", OUTLETS[0], "--out", root, f"--base-url={OUTLETS[0]}={sample.urls[OUTLETS[0]]}",
                           "--workers", "2", "--resume", "--quiet", *slow)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert [p.name for p in root.glob(f"{OUTLETS[0]}-*")] == [crawl_dir.name]     # the same folder, continued
    worker_files = [p for p in (crawl_dir / "warc").glob("*.warc.gz") if "-w1-" in p.name or "-w2-" in p.name]
    assert worker_files and not set(worker_files) & first_files
    again = {r.uri for r in iter_records(warc_files(worker_files)) if r.type in ("response", "revisit")} & done
    assert not again, f"pages done before the resume were fetched again: {sorted(again)}"
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["finish_reason"] == "finished"
    items = [json.loads(line) for line in (crawl_dir / "items.jsonl").read_text().splitlines()]
    assert {i["url"] for i in items} == {i["url"] for i in sample_crawl.items(OUTLETS[0])}
    _verify_all(crawl_dir)
