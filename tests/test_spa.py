"""A client-rendered outlet end to end: the `lantern` sample (one HTML shell for every path, articles
from a JSON API, 8 stories and 6 more behind "Load more stories", JSON-LD added in the browser, no sitemap).

One real crawl with the outlet's profile (render = "auto": pages are fetched plainly and the shells
rendered); its items are compared with the outlet's data, rebuilt from the WARC alone, and one article
is replayed in pywb through `archiver replay`, its headline read from the replayed DOM.
"""

from __future__ import annotations

import json
import subprocess
from urllib.parse import urljoin

import pytest

from archiver.sample import load_articles
from archiver.sample.lantern import FIRST_PAGE
from tests.conftest import ARCHIVER, ROOT, crawl, run_archiver
from tests.warc_helpers import read_records

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OUTLET = "lantern"
FIELDS = ("title", "subtitle", "authors", "byline", "date_published", "date_modified", "section", "tags",
          "description", "body", "original_url")


@pytest.fixture(scope="module")
def lantern_crawl(sample, tmp_path_factory):
    run = crawl(tmp_path_factory.mktemp("spa"), sample, OUTLET)
    assert run.returncode == 0, run.stderr[-4000:]
    return run


def test_every_article_is_an_item_with_its_fields_right(sample, lantern_crawl):
    items = {i["url"]: i for i in lantern_crawl.items(OUTLET)}
    articles = load_articles(OUTLET, sample.data_dir)
    assert set(items) == {urljoin(sample.urls[OUTLET], a["url"]) for a in articles}
    for article in articles:
        item = items[urljoin(sample.urls[OUTLET], article["url"])]
        wrong = {name: item[name] for name in FIELDS if item[name] != article[name]}
        assert not wrong, f"{article['url']}: {wrong}"
        assert "enable JavaScript" not in item["text"]
        assert item["extraction"]["source"]["body"] == "dom"
        assert item["extraction"]["shell"]["shell"] is True


def test_the_stories_behind_load_more_are_archived(sample, lantern_crawl):
    later = load_articles(OUTLET, sample.data_dir)[FIRST_PAGE:]
    assert len(later) == 6
    urls = {i["url"] for i in lantern_crawl.items(OUTLET)}
    assert {urljoin(sample.urls[OUTLET], a["url"]) for a in later} <= urls
    front = next(row for row in lantern_crawl.report(OUTLET)["discovery"]
                 if row["url"] == sample.urls[OUTLET] + "/")
    assert front["articles"] == 14               # the rendered front page, after the button, listed all


def test_shells_were_rendered_and_counted(lantern_crawl):
    counts = lantern_crawl.report(OUTLET)["counts"]
    assert counts["rendered_shells"] == 15            # the front page and 14 articles, each fetched plainly first
    assert counts["rendered"] == 15 and counts["articles"] == 14


def test_items_point_at_the_dom_record_and_the_index_has_them_all(lantern_crawl):
    records = {r.headers.get("WARC-Record-ID"): r for r in read_records(lantern_crawl.warcs(OUTLET))}
    items = lantern_crawl.items(OUTLET)
    for item in items:
        text_record = records[item["warc"]["record_id"]]
        assert text_record.type == "resource" and text_record.uri == f"urn:dom:{item['url']}"
        assert item["title"].encode() in text_record.payload
        server = records[item["extraction"]["records"]["server"]["record_id"]]
        assert server.type in ("response", "revisit") and server.uri == item["url"]
    assert "not indexed" not in lantern_crawl.stderr
    proc = run_archiver("search", '"night buses"', lantern_crawl.root, "--json")    # a story behind the button
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["title"] for line in proc.stdout.splitlines()] == ["Night Buses to Run Every Half Hour"]


def test_extract_from_the_warc_gives_the_same_items(lantern_crawl, tmp_path):
    out = tmp_path / "items.jsonl"
    proc = run_archiver("extract", *lantern_crawl.warcs(OUTLET), "-o", out)
    assert proc.returncode == 0, proc.stderr
    rebuilt = {i["url"]: i for i in map(json.loads, out.read_text().splitlines())}
    crawled = {i["url"]: i for i in lantern_crawl.items(OUTLET)}
    assert rebuilt.keys() == crawled.keys()
    for url, item in crawled.items():
        assert rebuilt[url] == item, url


@pytest.mark.needs("wayback", "wb-manager")
def test_archiver_replay_renders_the_article_again(sample, lantern_crawl, browser):
    """The archived shell, script and API response let the app render in pywb: its headline is in the DOM."""
    article = load_articles(OUTLET, sample.data_dir)[FIRST_PAGE + 1]        # one behind "Load more stories"
    url = urljoin(sample.urls[OUTLET], article["url"])
    replay = subprocess.Popen([*ARCHIVER, "replay", str(lantern_crawl.dirs[OUTLET]), "--frameless", "--open", url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        lines = [replay.stdout.readline() for _ in range(2)]
        replay_url = next(line.split(" ", 1)[1].strip() for line in lines if line.startswith("replay: "))
        leaked: list[str] = []
        page = browser.new_page()
        try:
            base = replay_url.split("/", 3)[:3]
            page.on("request", lambda r: None if r.url.startswith(("/".join(base), "data:", "about:", "blob:"))
                    else leaked.append(r.url))
            page.goto(replay_url, wait_until="networkidle", timeout=60_000)
            headline = page.locator("article.story h1")
            headline.wait_for(timeout=30_000)
            assert headline.inner_text() == article["title"]
            assert page.locator(".story-body p").first.inner_text() == article["body"][0]
        finally:
            page.close()
        assert not leaked, f"requests escaped the archive: {leaked}"
    finally:
        replay.terminate()
        replay.wait(timeout=30)
