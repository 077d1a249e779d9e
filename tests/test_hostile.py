"""End to end: crawl the hostile site in real Chromium; every trap ends with its reason, and the crawl ends."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, run_archiver
from tests.hostile_server import ARTICLES, TRAPS, serve_hostile
from tests.warc_helpers import by_uri, read_records

PAGE_TIMEOUT_S = 15
CRAWL_TIMEOUT_S = 900        # a hang fails the test; how long the crawl takes is not (see make bench)


@pytest.fixture(scope="module")
def hostile():
    with serve_hostile() as server:
        yield server


@pytest.fixture(scope="module")
def hostile_crawl(hostile, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    config = root / "hostile.toml"
    config.write_text(f'''[hostile]
base_url = "{hostile.base}"
start_urls = ["/"]
article_pattern = "^/news/"
listing_pattern = "^/trap/"
''')
    proc = run_archiver("crawl", "hostile", "--config", config, "--out", root / "out", "--render", "always",
                        "--page-timeout", PAGE_TIMEOUT_S, "--no-block-private-addresses", "--depth", 1,
                        "--quiet", timeout=CRAWL_TIMEOUT_S)
    crawl_dir = next((root / "out").glob("hostile-*"))
    return proc, crawl_dir


def _failed_pages(stderr: str) -> dict[str, str]:
    """url path -> reason, from the one-line `page failed [reason] url` messages."""
    found = {}
    for reason, url in re.findall(r"page failed \[([a-z0-9-]+)\] (\S+)", stderr):
        found[re.sub(r"^https?://[^/]+", "", url).rstrip(":")] = reason
    return found


@pytest.mark.browser
@pytest.mark.slow
def test_the_hostile_crawl_finishes(hostile_crawl):
    proc, crawl_dir = hostile_crawl
    report = json.loads((crawl_dir / "crawl.json").read_text())
    assert report["finish_reason"] == "finished", proc.stderr[-3000:]
    # most pages are traps: the error rate is over ARCHIVER_MAX_ERROR_RATE, and says so
    assert proc.returncode == report["exit_status"] == 5, proc.stderr[-3000:]


@pytest.mark.browser
@pytest.mark.slow
def test_every_trap_has_its_reason(hostile_crawl):
    proc, crawl_dir = hostile_crawl
    report = json.loads((crawl_dir / "crawl.json").read_text())
    failed = _failed_pages(proc.stderr)
    wrong = {path: (failed.get(path), expected) for path, expected in TRAPS.items()
             if failed.get(path) not in (expected if isinstance(expected, tuple) else (expected,))}
    assert not wrong, f"(got, expected) per trap: {wrong}\n{proc.stderr[-4000:]}"
    expected_counts: dict[str, int] = {}
    for reason in TRAPS.values():
        if isinstance(reason, str):
            expected_counts[reason] = expected_counts.get(reason, 0) + 1
    for reason, count in expected_counts.items():
        assert report["failures"].get(reason, 0) >= count, (reason, report["failures"])
    assert not any(name[0].isupper() for name in report["failures"]), "exception names leaked into failures"


@pytest.mark.browser
@pytest.mark.slow
def test_normal_pages_archived_and_extracted(hostile, hostile_crawl):
    _, crawl_dir = hostile_crawl
    records = read_records(sorted((crawl_dir / "warc").glob("*.warc.gz")))
    responses = by_uri(records, "response", "revisit")
    items = {json.loads(line)["url"]: json.loads(line)
             for line in (crawl_dir / "items.jsonl").read_text().splitlines() if line.strip()}
    for path, (title, text, _charset) in ARTICLES.items():
        url = hostile.base + path
        assert url in responses, f"{url} not archived"
        assert url in items, f"{url} not extracted"
        assert items[url]["title"] == title
        assert text.split(".")[0][:30] in " ".join(items[url]["body"])


@pytest.mark.browser
@pytest.mark.slow
def test_archived_where_it_makes_sense(hostile, hostile_crawl):
    _, crawl_dir = hostile_crawl
    records = read_records(sorted((crawl_dir / "warc").glob("*.warc.gz")))
    responses = by_uri(records, "response")
    status = {uri: [r.http_status for r in recs] for uri, recs in responses.items()}
    assert 404 in status[hostile.base + "/trap/404"]
    assert 410 in status[hostile.base + "/trap/410"]
    assert 302 in status[hostile.base + "/trap/redirect-loop"]
    for path in ("/trap/dialogs", "/trap/popup", "/trap/navigate-away", "/trap/infinite-scroll",
                 "/trap/malformed", "/trap/truncated-html", "/trap/wrong-charset", "/trap/binary-as-html",
                 "/trap/attachment"):
        assert hostile.base + path in responses, f"{path} not archived"
    assert hostile.base + "/trap/elsewhere" not in responses, "the page navigated itself away"
    assert hostile.base + "/trap/popup-target" not in responses, "a pop-up was archived"


@pytest.mark.browser
@pytest.mark.slow
def test_warcio_check_passes(hostile_crawl):
    _, crawl_dir = hostile_crawl
    warcs = sorted((crawl_dir / "warc").glob("*.warc.gz"))
    assert warcs and not list((crawl_dir / "warc").glob("*.open"))
    warcio = Path(sys.executable).with_name("warcio")
    result = subprocess.run([str(warcio), "check", *map(str, warcs)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_private_addresses_refused(hostile, tmp_path):
    proc = run_archiver("crawl", hostile.base + "/news/2024/05/harbour-council-approves-ferry-route",
                        "--out", tmp_path, "--render", "never", "--block-private-addresses", "--quiet",
                        timeout=120)
    report = json.loads(next(tmp_path.glob("*/crawl.json")).read_text())
    assert report["failures"].get("blocked-private-address", 0) >= 1, proc.stderr[-2000:]
    assert "blocked-private-address" in proc.stderr
    assert proc.returncode == 1                  # nothing archived


def test_gzip_bomb_plain_fetch(hostile, tmp_path):
    """HttpCompressionMiddleware caps the inflated size at DOWNLOAD_MAXSIZE; the raw gzip is archived."""
    url = hostile.base + "/trap/gzip-bomb"
    proc = run_archiver("crawl", url, "--out", tmp_path, "--render", "never", "--no-block-private-addresses",
                        "--quiet", timeout=300)
    assert f"page failed [too-large] {url}" in proc.stderr, proc.stderr[-2000:]
    crawl_dir = next(tmp_path.glob("*/crawl.json")).parent
    sizes = []
    for path in sorted((crawl_dir / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):        # not read_records: it would inflate the bomb
                if rec.rec_type == "response" and rec.rec_headers.get_header("WARC-Target-URI") == url:
                    sizes.append(len(rec.raw_stream.read()))
    assert sizes and sizes[0] < 2_000_000          # stored as sent: compressed


@pytest.mark.browser
@pytest.mark.slow
def test_rendered_pages_keep_the_bytes_and_charset_they_were_served_in(hostile, hostile_crawl):
    """Chromium hands text bodies over as UTF-8; the archive must hold the served cp1251/Shift-JIS bytes."""
    from tests.hostile_server import _article_html
    _, crawl_dir = hostile_crawl
    records = by_uri(read_records(sorted((crawl_dir / "warc").glob("*.warc.gz"))), "response")
    for path, (title, text, charset) in ARTICLES.items():
        served = _article_html(title, text, charset)
        archived = [r for r in records[hostile.base + path] if r.headers.get("WARC-Page-ID")]
        assert archived, f"{path} has no browser record"
        assert archived[0].payload == served, f"{path}: archived bytes differ from the {charset} served"
