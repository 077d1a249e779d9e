"""End to end against the hostile outlet (archiver/sample/hostile.py): walls never become items,
versions or search hits; paywalled items are labelled; a blocked host costs a bounded number of
requests and the run exits 8 (ExitCode.BLOCKED); a re-check meeting a wall leaves the last full version as it was."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rich.console import Console

from archiver.crawl.report import ExitCode
from archiver.crawl.summary import crawl_summary
from archiver.distributed.server import PrivateRedis
from archiver.sample.hostile import ORDINARY, PAYWALLED, SHORT, WALL_NAMES, HostileState, serve_hostile_outlet
from archiver.web.app import SiteConfig, create_app
from tests.conftest import run_archiver

pytestmark = pytest.mark.slow
BLOCK_AFTER, PROBES, CONCURRENCY = 3, 2, 4            # the settings the bound is made of
ARTICLES = len(ORDINARY) + len(PAYWALLED) + len(SHORT)


def crawl(root: Path, base: str, *extra: str, render: str = "never"):
    config = root / "hostilewire.toml"
    config.write_text(f'[hostilewire]\nbase_url = "{base}"\nstart_urls = ["/"]\narticle_pattern = "^/news/"\n')
    before = set(root.glob("out/*/crawl.json"))
    proc = run_archiver("crawl", "hostilewire", "--config", config, "--out", root / "out", "--render", render,
                        "--no-block-private-addresses", "--quiet", "--set", f"ARCHIVER_BLOCK_AFTER={BLOCK_AFTER}",
                        "--set", f"ARCHIVER_BLOCK_PROBES={PROBES}", "--set", "ARCHIVER_BLOCK_BACKOFF=1",
                        "--set", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}", *extra, timeout=600)
    folder = (set(root.glob("out/*/crawl.json")) - before).pop().parent
    items = [json.loads(line) for line in (folder / "items.jsonl").read_text().splitlines() if line.strip()]
    return proc, json.loads((folder / "crawl.json").read_text()), items


def search(root: Path, query: str, *flags: str) -> list[dict]:
    proc = run_archiver("search", query, root / "out", *flags, "--json", "--limit", "500")
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("render", ["never", pytest.param("always", marks=pytest.mark.browser)])
def test_walls_are_failures_and_paywalls_are_labelled(tmp_path, render):
    state = HostileState()
    with serve_hostile_outlet(state=state) as site:
        # every vendor's wall in one run: walls in a row must not block the host here
        proc, report, items = crawl(tmp_path, site.base, "--set", "ARCHIVER_BLOCK_AFTER=1000", render=render)
    assert proc.returncode == 0, proc.stderr[-2000:]
    walls = {s.path for s in state.served if s.what in WALL_NAMES}
    assert len(walls) == len(WALL_NAMES)
    assert {item["url"].split(site.base, 1)[1] for item in items}.isdisjoint(walls)
    assert report["failures"] == {"challenge": len(WALL_NAMES) - 2, "soft-404": 1, "consent-wall": 1}
    access = {item["url"].rsplit("/", 1)[1]: item["access"] for item in items}
    assert access.pop("paywalled-teaser") == "partial"
    assert access.pop("paywalled-subscriber") == "subscriber"
    assert set(access.values()) == {"free"} and len(access) == len(ORDINARY) + len(SHORT)
    teaser = next(item for item in items if item["url"].endswith("paywalled-teaser"))
    assert "Subscribe" not in teaser["text"] and "Ferry fares will double" in teaser["text"]
    assert report["counts"]["new_versions"] == ARTICLES and report["blocked"] == []
    assert [hit["url"].rsplit("/", 1)[1] for hit in search(tmp_path, "ferry", "--access", "partial")] == [
        "paywalled-teaser"]
    # the research page (the real Flask app over this archive) filters and labels them too
    client = create_app(SiteConfig(tmp_path / "out", "http://127.0.0.1:8090")).test_client()
    found = client.get("/", query_string={"q": "ferry", "access": "partial"}).get_data(as_text=True)
    assert "paywalled-teaser" in found and "ferry-story-01" not in found
    shown = client.get("/article", query_string={"url": teaser["url"]}).get_data(as_text=True)
    assert "<strong>partial</strong>" in shown and "isAccessibleForFree=false" in shown
    # the WARC kept the walls; the search index has none of them
    assert search(tmp_path, "Incapsula") == [] and search(tmp_path, "moment") == []
    assert search(tmp_path, "ferry")


def test_a_blocked_host_costs_a_bounded_number_of_requests_and_exits_7(tmp_path):
    state = HostileState(block_after=4, list_walls=False, retry_after=1)
    with serve_hostile_outlet(state=state) as site:
        proc, report, items = crawl(tmp_path, site.base)
    assert proc.returncode == ExitCode.BLOCKED, proc.stderr[-2000:]
    after = len(state.after_block())
    # walls until the block is declared, what was already out, then the probes
    assert 0 < after <= BLOCK_AFTER + CONCURRENCY + PROBES, [(s.path, s.what) for s in state.served]
    [block] = report["blocked"]
    assert block["gave_up"] and block["vendor"] == "cloudflare" and block["requests_after_block"] == PROBES
    untried = report["counts"]["untried_blocked"]
    assert untried > 0 and untried + len(items) + after <= ARTICLES + 1
    assert "blocked" not in report["failures"]            # untried is not a failure of the page
    assert len(items) <= 4 and all(item["access"] in ("free", "partial", "subscriber") for item in items)
    console = Console(width=100, record=True)
    console.print(crawl_summary([("hostilewire", next((tmp_path / "out").glob("hostilewire-*")))]))
    assert f"{untried} URLs left untried" in console.export_text()


def test_on_block_wait_backs_off_longer_and_probes_again(tmp_path):
    state = HostileState(block_after=4, list_walls=False, retry_after=1)
    with serve_hostile_outlet(state=state) as site:
        proc, report, _ = crawl(tmp_path, site.base, "--on-block", "wait", "--set", "ARCHIVER_BLOCK_MAX_WAIT=6")
    assert proc.returncode == ExitCode.BLOCKED, proc.stderr[-2000:]
    [block] = report["blocked"]
    assert len(block["waits_s"]) >= 2 and block["waits_s"][1] > block["waits_s"][0]    # doubled
    assert PROBES < block["requests_after_block"] <= PROBES * len(block["waits_s"])


def test_a_wall_during_a_recheck_leaves_the_last_version(tmp_path):
    state = HostileState(list_walls=False)
    with serve_hostile_outlet(state=state) as site:
        proc, _, first = crawl(tmp_path, site.base)
        assert proc.returncode == 0, proc.stderr[-2000:]
        state.wall_mode = True
        proc, report, second = crawl(tmp_path, site.base, "--revisit", "--set", "ARCHIVER_BLOCK_AFTER=1000")
    assert len(first) == ARTICLES and second == []
    assert report["failures"].get("challenge", 0) >= ARTICLES and report["counts"]["new_versions"] == 0
    with sqlite3.connect(tmp_path / "out" / "state.sqlite") as db:
        versions = dict(db.execute("SELECT url, MAX(version) FROM versions GROUP BY url"))
        walled = dict(db.execute("SELECT url, wall_reason FROM checks WHERE wall_reason IS NOT NULL"))
    assert set(versions.values()) == {1} and len(versions) == ARTICLES
    assert set(walled) == set(versions) and set(walled.values()) == {"challenge"}
    assert search(tmp_path, "ferry") and search(tmp_path, "moment") == []


def test_a_url_target_fetches_every_sitemap_page_and_judges_it_from_the_page(tmp_path):
    state = HostileState(list_walls=False)
    with serve_hostile_outlet(state=state) as site:
        proc = run_archiver("crawl", site.base + "/", "--out", tmp_path / "out", "--render", "never",
                            "--no-block-private-addresses", "--quiet", timeout=600)
        base = site.base
    assert proc.returncode == 0, proc.stderr[-2000:]
    folder = next((tmp_path / "out").glob("*/crawl.json")).parent
    urls = {json.loads(line)["url"].split(base, 1)[1]
            for line in (folder / "items.jsonl").read_text().splitlines() if line.strip()}
    served = {s.path for s in state.served}
    assert set(SHORT) <= urls                         # /news/a01: no URL pattern says article, the page does
    assert "/about" in served and "/about" not in urls   # fetched from the sitemap, judged a page


@pytest.mark.needs("redis-server")
def test_a_block_is_crawl_wide_across_workers(tmp_path):
    """Two workers share the walls, the probes and the give-up in Redis: the bound is the crawl's, not each one's."""
    state = HostileState(block_after=4, list_walls=False, retry_after=1)
    with PrivateRedis(tmp_path / "redis") as server, serve_hostile_outlet(state=state) as site:
        proc, report, items = crawl(tmp_path, site.base, "--workers", "2", "--redis", server.url)
    assert proc.returncode == ExitCode.BLOCKED, proc.stderr[-2000:]
    after = len(state.after_block())
    # both workers' requests in flight when the walls began, the shared walls in a row, the shared probes
    assert 0 < after <= BLOCK_AFTER + 2 * CONCURRENCY + PROBES, [(s.path, s.what) for s in state.served]
    assert sum(block["requests_after_block"] for block in report["blocked"]) <= PROBES
    assert report["counts"]["untried_blocked"] > 0
