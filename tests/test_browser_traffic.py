"""A crawl opens no doors and its browser talks to nobody the pages did not ask for.

Both are checked on a real rendered crawl of the sample outlets: the process
tree's sockets with psutil, and every request through a logging proxy of the
test's own (``tests.logging_proxy``), which records browser and plain fetches alike.
"""

from __future__ import annotations

import collections
import subprocess
import time
from urllib.parse import urlsplit

import psutil
import pytest

from tests.conftest import ARCHIVER, ROOT
from tests.logging_proxy import logging_proxy

# Scrapy fetches a page every 1.6 s (on average) per outlet: Chromium gets over a
# minute of life, past its component updater's first check (60 s after start).
SLOW = ("--set", "DOWNLOAD_DELAY=1.6", "--set", "AUTOTHROTTLE_ENABLED=false")


def _crawl_command(sample, out, *extra: str) -> list[str]:
    bases = [f"--base-url={name}={url}" for name, url in sample.urls.items()]
    return [*ARCHIVER, "crawl", *sample.urls, "--out", str(out), "--render", "always", *bases,
            "--quiet", *extra]


def _listening(root: psutil.Process) -> tuple[set[int], set[str]]:
    """TCP ports in LISTEN state anywhere in the process tree, and the tree's process names."""
    ports, names = set(), set()
    for proc in [root, *root.children(recursive=True)]:
        try:
            names.add(proc.name())
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    ports.add(conn.laddr.port)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return ports, names


def _watch_listeners(command: list[str]) -> tuple[int, set[int], set[str], int]:
    """Run a crawl, sampling its listeners while it runs: (exit, ports, names, samples with Chromium up)."""
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    ports: set[int] = set()
    names: set[str] = set()
    with_browser = 0
    try:
        while proc.poll() is None:
            seen, running = _listening(root)
            ports |= seen
            names |= running
            if any("chrom" in name for name in running):
                with_browser += 1
            time.sleep(0.5)
        stderr = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr[-3000:]
    return proc.returncode, ports, names, with_browser


@pytest.mark.browser
@pytest.mark.slow
def test_a_rendered_crawl_listens_on_no_port(sample, tmp_path):
    _, ports, names, with_browser = _watch_listeners(_crawl_command(sample, tmp_path / "out", *SLOW[:2]))
    assert with_browser >= 5, f"Chromium was never seen running in the crawl's process tree: {names}"
    assert not ports, f"the crawl listened on TCP ports {sorted(ports)} (processes: {sorted(names)})"


@pytest.mark.browser
@pytest.mark.slow
def test_remote_control_listens_only_when_asked(sample, tmp_path):
    """The control above: the same sampling does see Scrapy's remote-control server once it is on."""
    _, ports, _, _ = _watch_listeners(_crawl_command(sample, tmp_path / "out", "--set", "REMOTE_CONTROL_ENABLED=true",
                                                     "--max-pages", "6"))
    assert ports, "REMOTE_CONTROL_ENABLED=true opened no port: the sampling cannot see listeners"


@pytest.mark.browser
@pytest.mark.slow
def test_browser_contacts_only_the_pages_hosts_through_a_proxy(sample, tmp_path):
    # the outlets, and the Moscow Times' second host that its robots.txt names for sitemaps
    sample_hosts = {urlsplit(url).netloc for url in [*sample.urls.values(), *sample.companions.values()]}
    with logging_proxy() as (proxy, log):
        started = time.monotonic()
        proc = subprocess.run(_crawl_command(sample, tmp_path / "out", "--proxy", proxy, *SLOW),
                              cwd=ROOT, capture_output=True, text=True, timeout=900)
        elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    destinations = collections.Counter(f"{r.host}:{r.port}" for r in log.requests)
    print(f"{elapsed:.0f} s crawl; requests per destination: {dict(destinations)}")
    assert elapsed > 70, f"the crawl ended after {elapsed:.0f} s, before Chromium's first update check"
    # the browser's own requests went through the proxy too: images are fetched only by Chromium
    images = [r for r in log.requests if urlsplit(r.target).path.endswith((".jpg", ".png"))]
    assert images, "no image request reached the proxy: the browser bypassed it"
    assert set(destinations) <= sample_hosts, (
        f"requests to hosts no page asked for: {sorted(set(destinations) - sample_hosts)}")


def test_switches_keep_playwrights_disabled_features_and_its_socks_resolver_rule():
    """Chromium keeps only the last --disable-features and --host-resolver-rules it is given."""
    from archiver.chromium import launch_options
    from archiver.chromium import PLAYWRIGHT_DISABLED_FEATURES

    args = launch_options("/usr/bin/chromium", "http://127.0.0.1:3128")["args"]
    [features] = [a for a in args if a.startswith("--disable-features=")]
    assert set(PLAYWRIGHT_DISABLED_FEATURES) <= set(features.split("=", 1)[1].split(","))
    assert "--host-resolver-rules=MAP *.invalid ~NOTFOUND" in args
    socks = launch_options("/usr/bin/chromium", "socks5://127.0.0.1:1080")
    assert not any(a.startswith("--host-resolver-rules") for a in socks["args"])   # Playwright's maps all
    assert socks["proxy"]["bypass"] == "*.invalid"
