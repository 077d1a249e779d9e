"""The crawl's Python processes look up no name and open no connection the crawl did not ask for.

A real rendered crawl of the sample outlets runs with ``tests/lookup_recorder`` first
on PYTHONPATH: its ``sitecustomize`` records every name lookup and connect of every
Python process of the crawl (audit hooks). The machine is made fresh for the
libraries that cache downloads (an empty tldextract cache), so a library that
fetches on first use (the Public Suffix List) is caught even where a previous run
filled the cache. The browser's own traffic is checked in test_browser_traffic.py.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ARCHIVER, ROOT

RECORDER = ROOT / "tests" / "lookup_recorder"


def _recorded_run(command: list[str], log: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ARCHIVER_TEST_LOOKUP_LOG": str(log), "TLDEXTRACT_CACHE": str(cache),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(RECORDER), os.environ.get("PYTHONPATH")]))}
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def _events(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _is_loopback(address) -> bool:
    if isinstance(address, str):
        return True   # a Unix socket: a local process (Playwright's driver, Chromium's pipe)
    try:
        return ipaddress.ip_address(address[0]).is_loopback
    except ValueError:
        return False


@pytest.mark.browser
@pytest.mark.slow
def test_a_rendered_crawl_looks_up_only_its_targets(sample, tmp_path):
    bases = [f"--base-url={name}={url}" for name, url in sample.urls.items()]
    log = tmp_path / "lookups.jsonl"
    proc = _recorded_run([*ARCHIVER, "crawl", *sample.urls, "--out", str(tmp_path / "out"), "--render", "always",
                          *bases, "--quiet"], log, tmp_path / "fresh-cache")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    events = _events(log)
    targets = {urlsplit(url).hostname for url in [*sample.urls.values(), *sample.companions.values()]}
    ports = {urlsplit(url).port for url in [*sample.urls.values(), *sample.companions.values()]}
    # the control: the recorder saw the crawl's own connections to the sample servers
    reached = {e["address"][1] for e in events if e["event"] == "socket.connect" and not isinstance(e["address"], str)}
    assert ports <= reached, f"the recorder saw no connection to the sample servers {ports}: {events[:20]}"
    names = {e["host"] for e in events if e["event"] != "socket.connect"}
    assert names <= targets | {"localhost"}, f"names looked up beyond the crawl's targets: {sorted(names - targets)}"
    elsewhere = [e for e in events if e["event"] == "socket.connect" and not _is_loopback(e["address"])]
    assert not elsewhere, f"connections beyond this machine: {elsewhere[:10]}"


def test_the_recorder_sees_a_library_fetch(tmp_path):
    """The recorder's control: tldextract told to fetch the list is seen looking up publicsuffix.org."""
    log = tmp_path / "lookups.jsonl"
    code = "import tldextract; tldextract.TLDExtract()('news.example.co.uk')"   # without archiver's setting
    _recorded_run([sys.executable, "-c", code], log, tmp_path / "fresh-cache")
    assert "publicsuffix.org" in {e.get("host") for e in _events(log)}


def test_the_archiver_uses_the_bundled_public_suffix_list(tmp_path):
    """Importing archiver (as every entry point does) leaves tldextract, and so Scrapy's cookies, offline."""
    log = tmp_path / "lookups.jsonl"
    code = ("import archiver, tldextract\n"
            "print(tldextract.TLDExtract()('news.example.co.uk').suffix)")
    proc = _recorded_run([sys.executable, "-c", code], log, tmp_path / "fresh-cache")
    assert proc.stdout.strip() == "co.uk", proc.stderr
    assert not [e for e in _events(log) if e["event"] != "socket.connect"], _events(log)
