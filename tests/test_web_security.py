"""The research page and replay over real HTTP: host names, query errors, symlinks, outlet names.

``archiver ui`` and ``archiver replay`` run as subprocesses over the hostile-text
archive (tests/hostile_text_site.py, whose outlet is called ``wire/hostile``);
requests go through http.client, so the Host header is the test's to choose.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import pytest

from tests.hostile_text_site import OUTLET
from tests.local_http import get, serving

pytestmark = pytest.mark.slow           # two crawls, then a server per test


@pytest.fixture(scope="module")
def research_page(hostile_archive) -> Iterator[str]:
    with serving("ui", str(hostile_archive.root), "--port", "0", "--no-replay", "--allowed-host", "archive.lan",
                 ready="research page") as (url, _):
        yield url


def test_the_page_answers_only_to_its_own_host_names(research_page):
    port = urlsplit(research_page).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"archive.lan:{port}"):
        assert get(research_page, host=host)[0] == 200, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"archive.lan.evil:{port}"):
        status, _ = get(research_page, host=host)
        assert status in (400, 421), host            # a DNS-rebinding page gets nothing


@pytest.mark.parametrize("query, message", [("*xyz", "unknown special query"), ('"unterminated', "unterminated"),
                                            ("nosuchcolumn:x", "no such column"), ("AND", "syntax error")])
def test_every_query_error_is_a_400_with_the_message(research_page, query, message):
    from urllib.parse import quote
    status, body = get(research_page, f"/?q={quote(query)}")
    assert status == 400 and message in unescape(body)


def test_an_outlet_whose_name_holds_a_slash_is_reachable(research_page):
    status, page = get(research_page)
    links = [unescape(href) for href in re.findall(r'href="(/outlet/[^"]+)"', page)]
    assert links, "no outlet link on the search page"
    for href in links:
        status, body = get(research_page, href)
        assert status == 200 and f"<h1>{OUTLET}</h1>" in body, href


def test_the_screenshot_scan_follows_no_symlink_out_of_the_root(hostile_archive, tmp_path):
    secret = tmp_path / "passwd"                           # a system file, as far as the page knows
    secret.write_text("SECRET-FIRST-LINE root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\n")
    root = tmp_path / "root"
    shutil.copytree(hostile_archive.root, root, symlinks=True)
    folder = root / hostile_archive.folders[0].name
    (folder / "index.cdxj").unlink()                       # the scan, not the index, looks for the record
    (folder / "warc" / "zzz-elsewhere.warc.gz").symlink_to(secret)
    db = sqlite3.connect(f"file:{root / 'search.sqlite'}?mode=ro&immutable=1", uri=True)
    version_id = db.execute("SELECT id FROM versions WHERE crawl = ?", (folder.name,)).fetchone()[0]
    db.close()
    with serving("ui", str(root), "--port", "0", "--no-replay", ready="research page") as (url, process):
        status, body = get(url, f"/screenshot/{version_id}.png")
        assert status == 404 and "SECRET" not in body      # crawled without a browser: no screenshot at all
        process.terminate()
        log = process.stderr.read()
    assert "SECRET" not in log and "Traceback" not in log, log[-2000:]


@pytest.mark.needs("wayback", "wb-manager")
def test_replay_answers_only_to_its_own_host_names(hostile_archive):
    with serving("replay", str(hostile_archive.folders[1]), "--port", "0", "--allowed-host", "archive.lan",
                 ready="pages") as (pages, _):
        path = urlsplit(pages).path
        port = urlsplit(pages).port
        assert get(pages, path)[0] == 200
        assert get(pages, path, host=f"archive.lan:{port}")[0] == 200
        assert get(pages, path, host=f"evil.example:{port}")[0] == 421
