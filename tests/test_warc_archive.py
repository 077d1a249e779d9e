"""Archive-grade WARC output of real crawls: validity, encodings, dedup, crash safety."""

from __future__ import annotations

import gzip
import os
import queue
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.recording.verify import repair_file, verify_file
from tests.conftest import ARCHIVER, ROOT, WARCIO, crawl
from tests.warc_helpers import read_records

pytestmark = [pytest.mark.browser, pytest.mark.slow]    # rendered crawls of the sample outlets

OUTLETS = ("themoscowtimes", "harbourgazette")


def _header(record, name: str) -> str | None:
    return next((v for k, v in record.http_headers if k.lower() == name.lower()), None)


def test_warcio_check_passes_and_every_record_reads(sample_crawl):
    for outlet in OUTLETS:
        files = sample_crawl.warcs(outlet)
        assert files
        proc = subprocess.run([str(WARCIO), "check", "-v", *map(str, files)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        for path in files:
            with open(path, "rb") as fh:
                types = [rec.rec_type for rec in ArchiveIterator(fh)]
            assert types[0] == "warcinfo"
            assert {"response", "request", "resource", "metadata"} <= set(types)


def test_warcinfo_describes_the_crawl(sample_crawl):
    record = read_records(sample_crawl.warcs("themoscowtimes"))[0]
    fields = dict(line.split(": ", 1) for line in record.payload.decode().splitlines() if ": " in line)
    assert fields["software"].startswith("news-archiver/")
    assert "Chromium 156" in fields["browser"]
    assert fields["isPartOf"] == sample_crawl.dirs["themoscowtimes"].name
    assert fields["format"] == "WARC File Format 1.1"
    assert {"operator", "hostname", "settings"} <= set(fields)


def test_stored_bodies_agree_with_their_headers(sample_crawl):
    records = read_records(sample_crawl.warcs("themoscowtimes"))
    plain_gzip = browser_decoded = 0
    for record in records:
        if record.type != "response":
            continue
        length = _header(record, "Content-Length")
        assert length is not None and int(length) == len(record.raw_payload), record.uri
        assert _header(record, "Transfer-Encoding") is None
        encoding = _header(record, "Content-Encoding")
        if encoding == "gzip":                       # a plain fetch: stored as sent, still compressed
            assert record.raw_payload[:2] == b"\x1f\x8b", record.uri
            assert gzip.decompress(record.raw_payload)
            assert "WARC-Page-ID" not in record.headers
            plain_gzip += 1
        if _header(record, "X-Archive-Orig-Content-Encoding") == "gzip":   # decoded by Chromium
            assert encoding is None and record.raw_payload[:2] != b"\x1f\x8b", record.uri
            assert record.headers.get("WARC-Page-ID")
            browser_decoded += 1
    assert plain_gzip >= 3 and browser_decoded >= 20


def test_browser_records_keep_real_headers_and_ties(sample_crawl):
    records = read_records(sample_crawl.warcs("themoscowtimes"))
    by_id = {r.headers["WARC-Record-ID"]: r for r in records}
    requests = [r for r in records if r.type == "request"]
    for request in requests:
        response = by_id[request.headers["WARC-Concurrent-To"]]
        assert response.uri == request.uri
    articles = [r for r in requests if r.headers.get("WARC-Page-ID") and "-a87" in r.uri]
    assert sum(1 for r in articles if "OptanonAlertBoxClosed" in (_header(r, "Cookie") or "")) >= 20, \
        "article pages are requested with the browser's cookies (the consent cookie included)"
    assert all("news-archiver/" in _header(r, "User-Agent") for r in articles)
    pages = [r for r in records if r.type == "response" and r.headers.get("WARC-Page-ID")
             and _header(r, "Content-Type", ) and "text/html" in _header(r, "Content-Type")]
    cookies = [v for k, v in pages[0].http_headers if k.lower() == "set-cookie"]
    assert len(cookies) >= 2, "repeated Set-Cookie headers are kept"
    assert all(r.headers.get("WARC-IP-Address") == "127.0.0.1" for r in records if r.type == "response")
    shots = [r for r in records if r.uri.startswith("urn:fullPage:")]
    page_ids = {r.headers.get("WARC-Page-ID") for r in records if r.type == "response"}
    assert shots and all(s.headers.get("WARC-Page-ID") in page_ids for s in shots)
    items = [r for r in records if r.type == "metadata"]
    assert items and all(by_id[m.headers["WARC-Refers-To"]].type in ("response", "revisit") for m in items)


def test_second_crawl_of_unchanged_site_writes_revisits(sample, tmp_path):
    root = tmp_path / "archive"
    first = crawl(root, sample, "harbourgazette", extra=("--no-screenshots",))
    assert first.returncode == 0, first.stderr[-3000:]
    second = crawl(root, sample, "harbourgazette", extra=("--no-screenshots",))
    assert second.returncode == 0, second.stderr[-3000:]
    first_bytes = sum(p.stat().st_size for p in first.warcs("harbourgazette"))
    second_bytes = sum(p.stat().st_size for p in second.warcs("harbourgazette"))
    records = read_records(second.warcs("harbourgazette"))
    revisits = [r for r in records if r.type == "revisit"]
    assert len(revisits) >= 20
    for revisit in revisits:
        assert revisit.headers["WARC-Profile"].endswith("/revisit/identical-payload-digest")
        assert revisit.headers["WARC-Refers-To-Target-URI"] and revisit.headers["WARC-Refers-To-Date"]
    images = [r for r in records if r.type == "response" and (_header(r, "Content-Type") or "").startswith("image/")]
    assert not images, "no image is stored twice under one output root"
    fraction = second_bytes / first_bytes
    print(f"\nsecond crawl of the unchanged site: {second_bytes} / {first_bytes} bytes = {fraction:.1%}")
    assert fraction < 0.5


def _complete_record_ids(path: Path) -> list[str]:
    """Record ids of every complete record in a (possibly partial) WARC file."""
    ids = []
    try:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                rec.raw_stream.read()
                ids.append(rec.rec_headers.get_header("WARC-Record-ID"))
    except Exception:
        pass                 # the tail is partial: the ids so far are complete records
    return ids[:-1] if ids else ids      # the last one may have been cut mid-member


def test_kill_9_never_loses_a_written_record(sample, tmp_path):
    rng = random.Random(20250112)
    base = sample.urls["themoscowtimes"]
    for trial in range(5):
        root = tmp_path / f"trial{trial}"
        proc = subprocess.Popen([*ARCHIVER, "crawl", "themoscowtimes", "--out", str(root),
                                 f"--base-url=themoscowtimes={base}", "--quiet"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 300
        while not list(root.glob("*/warc/*.open")) and time.monotonic() < deadline:
            time.sleep(0.1)
        kill_at = time.monotonic() + rng.uniform(1, 15)
        snapshot_ids: dict[str, list[str]] = {}
        while time.monotonic() < kill_at and proc.poll() is None:
            for open_file in root.glob("*/warc/*.warc.gz.open"):
                copy = tmp_path / "snapshot.warc.gz"
                shutil.copyfile(open_file, copy)
                snapshot_ids[open_file.name] = _complete_record_ids(copy)
            time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGKILL)        # the crawler, its node driver and Chromium at once
        proc.wait(timeout=30)
        assert snapshot_ids, f"trial {trial}: no WARC file was being written"
        for name, ids in snapshot_ids.items():
            path = next(root.glob(f"*/warc/{name}"), None) or next(root.glob(f"*/warc/{name[:-5]}"))
            if path.name.endswith(".open"):
                path = repair_file(path).path
            assert verify_file(path).ok, f"trial {trial}: {path} does not verify after repair"
            check = subprocess.run([str(WARCIO), "check", str(path)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout
            with open(path, "rb") as fh:
                final_ids = {rec.rec_headers.get_header("WARC-Record-ID") for rec in ArchiveIterator(fh)}
            lost = [i for i in ids if i not in final_ids]
            assert not lost, f"trial {trial}: {len(lost)} records written before the kill are gone"


def _open_bytes(root: Path) -> int:
    total = 0
    for path in root.glob("*/warc/*.open"):
        try:
            total += path.stat().st_size
        except FileNotFoundError:               # closed and renamed since the listing
            pass
    return total


def test_second_ctrl_c_stops_at_once_and_closes_the_files(sample, tmp_path):
    """Each Ctrl-C is sent once the crawl has shown the last one arrived (its log line), never after a sleep."""
    base = sample.urls["themoscowtimes"]
    proc = subprocess.Popen([*ARCHIVER, "crawl", "themoscowtimes", "--out", str(tmp_path),
                             f"--base-url=themoscowtimes={base}", "--log-level", "INFO"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 300
        while True:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            if text in line:
                return

    deadline = time.monotonic() + 300                # the crawl is under way: records in an open WARC file
    while _open_bytes(tmp_path) < 100_000:
        assert time.monotonic() < deadline and proc.poll() is None, "no WARC file grew"
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    wait_for("shutting down gracefully")
    proc.send_signal(signal.SIGINT)
    wait_for("forcing unclean shutdown")
    proc.wait(timeout=120)
    assert proc.returncode != 0
    assert not list(tmp_path.glob("*/warc/*.open")), "WARC files were left open"
    for path in tmp_path.glob("*/warc/*.warc.gz"):
        assert verify_file(path).ok
