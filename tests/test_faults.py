"""Faults around the crawl: Chromium killed mid-crawl, a full disk, hostile file names."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin

import psutil
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.items import Article
from archiver.sample.server import load_articles
from archiver.crawl.session import ArchiveSession
from archiver.filenames import article_filename, screenshot_filename
from tests.conftest import ARCHIVER, ROOT, WARCIO, run_archiver
from tests.warc_helpers import by_uri, read_records

OUTLET = "harbourgazette"


def _chromium_children(pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "chrom" in (child.name() or "").lower():
                found.append(child)
        except (psutil.Error, OSError):
            pass                        # exited meanwhile
    return found


def _crawl_with_chromium_fault(sample, out: Path, fault, *extra: str):
    """Crawl Harbour Gazette rendered; mid-crawl, apply `fault` to every Chromium process."""
    base = sample.urls[OUTLET]
    proc = subprocess.Popen([*ARCHIVER, "crawl", OUTLET, "--out", str(out), f"--base-url={OUTLET}={base}",
                             "--render", "always", "--no-screenshots", "--quiet", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    hit: list[psutil.Process] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            written = sum(p.stat().st_size for p in out.glob("*/warc/*.warc.gz*"))
        except FileNotFoundError:            # a file was renamed meanwhile
            continue
        chromium = _chromium_children(proc.pid)
        # mid-crawl: the WARC has grown past the first pages and Chromium is busy
        if chromium and written > 60_000:
            for child in chromium:
                try:
                    fault(child)
                    hit.append(child)
                except psutil.NoSuchProcess:
                    pass
            break
        time.sleep(0.2)
    try:
        stdout, stderr = proc.communicate(timeout=400)
    finally:
        for child in hit:                    # a frozen browser must not outlive the test
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
    assert hit, "the crawl ended before the fault could be applied"
    return proc.returncode, stderr, next(out.glob(f"{OUTLET}-*"))


def _assert_every_article_archived(sample, crawl_dir: Path) -> None:
    base = sample.urls[OUTLET]
    responses = by_uri(read_records(sorted((crawl_dir / "warc").glob("*.warc.gz"))), "response", "revisit")
    for article in load_articles(OUTLET, sample.data_dir):
        url = urljoin(base, article["url"])
        assert url in responses, f"{url} not archived after the browser fault"
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["counts"]["rendered"] > 0


@pytest.mark.browser
@pytest.mark.slow
def test_killed_browser_is_relaunched_and_crawl_completes(sample, tmp_path):
    returncode, stderr, crawl_dir = _crawl_with_chromium_fault(sample, tmp_path, psutil.Process.kill)
    assert "Chromium disconnected" in stderr, stderr[-3000:]
    assert returncode == 0, stderr[-3000:]
    _assert_every_article_archived(sample, crawl_dir)
    browser = json.loads((crawl_dir / "crawl.json").read_text())["browser"]
    assert browser["crashes"] == 1, browser


@pytest.mark.browser
@pytest.mark.slow
def test_frozen_browser_is_replaced_and_crawl_completes(sample, tmp_path):
    """SIGSTOP: Chromium stays connected but never answers; the page budget must catch it."""
    started = time.monotonic()
    returncode, stderr, crawl_dir = _crawl_with_chromium_fault(sample, tmp_path, psutil.Process.suspend,
                                                               "--page-timeout", "5")
    assert "Chromium stopped answering; killed it" in stderr, stderr[-3000:]
    assert returncode == 0, stderr[-3000:]
    # budget: 2 x 5 s + 30 s per hung page, pages hung together; then a fresh browser
    assert time.monotonic() - started < 180
    _assert_every_article_archived(sample, crawl_dir)
    browser = json.loads((crawl_dir / "crawl.json").read_text())["browser"]
    assert browser["hangs"] >= 1 and browser["pages_retried"] >= 1, browser


@pytest.mark.browser
@pytest.mark.slow
def test_browser_is_recycled_without_losing_pages(sample, tmp_path):
    """ARCHIVER_BROWSER_RECYCLE_PAGES: Chromium is closed and relaunched between pages, never under one."""
    base = sample.urls[OUTLET]
    proc = run_archiver("crawl", OUTLET, "--out", tmp_path, f"--base-url={OUTLET}={base}", "--render", "always",
                        "--no-screenshots", "--quiet", "--set", "ARCHIVER_BROWSER_RECYCLE_PAGES=6", timeout=400)
    assert proc.returncode == 0, proc.stderr[-3000:]
    crawl_dir = next(tmp_path.glob(f"{OUTLET}-*"))
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["counts"]["rendered"] >= 18
    assert report["browser"]["recycles"] >= report["counts"]["rendered"] // 6 - 1, report["browser"]
    assert report["browser"]["crashes"] == 0 and report["browser"]["pages_retried"] == 0, report["browser"]
    assert not report["failures"], report["failures"]
    _assert_every_article_archived(sample, crawl_dir)


def test_set_rejects_a_malformed_setting(tmp_path):
    proc = run_archiver("crawl", OUTLET, "--out", tmp_path, "--set", "recycle=5")
    assert proc.returncode != 0
    assert "--set takes NAME=VALUE" in proc.stderr


@pytest.fixture
def small_disk(tmpfs):
    return tmpfs("3m")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.root
def test_disk_full_stops_cleanly(sample, small_disk):
    base = sample.urls[OUTLET]
    started = time.monotonic()
    proc = run_archiver("crawl", OUTLET, "--out", small_disk, f"--base-url={OUTLET}={base}",
                        "--render", "always", "--quiet", timeout=300)
    assert time.monotonic() - started < 240
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "disk full" in proc.stderr and "No space left on device" in proc.stderr, proc.stderr[-3000:]
    crawl_dir = next(small_disk.glob(f"{OUTLET}-*"))
    report_file = crawl_dir / "crawl.json"
    if report_file.exists():                 # a full disk may have no room left for the report
        report = json.loads(report_file.read_text())
        assert report["finish_reason"] == "disk_full"
        assert report["exit_status"] == 3
        assert report["failures"].get("disk-full") == 1
    else:
        assert "could not write" in proc.stderr and "crawl.json" in proc.stderr
    assert not (crawl_dir / "crawl.json.part").exists()
    # every complete record reads back; repair (if needed) leaves verifiable files
    repair = run_archiver("verify", "--repair", crawl_dir / "warc")
    assert repair.returncode == 0, repair.stdout[-3000:]
    records = 0
    for path in sorted((crawl_dir / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                record.content_stream().read()
                records += 1
    assert records > 2
    check = subprocess.run([str(WARCIO), "check", *map(str, (crawl_dir / "warc").glob("*.warc.gz"))],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:]


@pytest.mark.parametrize("name", [
    "../escape.txt", "../../etc/passwd", "/etc/passwd", "articles/../../x",
    "a/" + "../" * 40 + "tmp/x",
])
def test_session_paths_cannot_escape(tmp_path, name):
    session = ArchiveSession(crawl_id="c", output_dir=tmp_path / "crawl", writer=None, dedup=None, state=None)
    with pytest.raises(ValueError, match="outside the crawl folder"):
        session.path(*name.split("/")) if not name.startswith("/") else session.path(name)


def test_session_refuses_symlink_escape(tmp_path):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "link").symlink_to(tmp_path.parent)
    session = ArchiveSession(crawl_id="c", output_dir=crawl, writer=None, dedup=None, state=None)
    with pytest.raises(ValueError):
        session.path("link", "x.txt")


@pytest.mark.parametrize("url", [
    "http://example.com/../../etc/passwd",
    "http://example.com/" + "a" * 5000,
    "http://example.com/CON/aux/nul?x=<>:\"|?*\\",
    "http://example.com/%2e%2e/%2e%2e/etc/passwd",
    "http://example.com/\u202eevil\u0000name",
])
def test_names_from_urls_and_titles_are_safe(tmp_path, url):
    """Screenshot and text-export names are short, plain ASCII and inside the folder."""
    session = ArchiveSession(crawl_id="c", output_dir=tmp_path / "crawl", writer=None, dedup=None, state=None)
    article = Article(url=url, title="../../" + "<>:|?*" * 50)
    for name in (f"screenshots/{screenshot_filename(url, '2025-01-12T10:00:00Z')}", f"articles/{article_filename(article)}"):
        folder, _, filename = name.partition("/")
        assert len(filename) <= 110 and filename.replace(".", "").replace("-", "").isalnum()
        path = session.path(folder, filename)
        path.write_text("x")
        assert path.is_relative_to((tmp_path / "crawl").resolve())
