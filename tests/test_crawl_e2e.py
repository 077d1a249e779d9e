"""End to end: crawl each sample outlet in real Chromium and read the WARC files back."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

from archiver.sample.server import load_articles
from tests.warc_helpers import by_uri, png_is_valid_and_not_blank, read_records

pytestmark = [pytest.mark.browser, pytest.mark.slow]      # the session's rendered crawl of both outlets

SEED_BYTES = (Path(__file__).parent / "sample_data" / "seed_article.txt").read_bytes()
OUTLETS = ("themoscowtimes", "harbourgazette")


def _records(sample_crawl, outlet):
    return read_records(sample_crawl.warcs(outlet))


def test_every_article_page_is_archived(sample, sample_crawl):
    for outlet in OUTLETS:
        responses = by_uri(_records(sample_crawl, outlet), "response", "revisit")
        base = sample.urls[outlet]
        for article in load_articles(outlet, sample.data_dir):
            url = urljoin(base, article["url"])
            assert url in responses, f"{outlet}: {url} not archived"
            assert any(r.http_status == 200 for r in responses[url])


def test_every_subresource_of_a_render_is_archived(sample, sample_crawl):
    """Every image, script and stylesheet in a rendered DOM has a response or revisit record."""
    for outlet in OUTLETS:
        records = _records(sample_crawl, outlet)
        archived = by_uri(records, "response", "revisit")
        doms = [r for r in records if r.type == "resource" and r.uri.startswith("urn:dom:")]
        assert len(doms) >= 10, f"{outlet}: too few rendered pages"
        checked = 0
        for dom in doms:
            page_url = dom.uri[len("urn:dom:"):]
            tree = lxml_html.fromstring(dom.payload)
            refs = tree.xpath("//img/@src | //script/@src | //link[@rel='stylesheet']/@href")
            for ref in refs:
                if ref.startswith("data:"):
                    continue
                url = urljoin(page_url, ref)
                assert url in archived, f"{outlet}: {url} (on {page_url}) not archived"
                checked += 1
        assert checked > 50


def test_front_page_article_list_comes_from_javascript(sample, sample_crawl):
    records = _records(sample_crawl, "themoscowtimes")
    front = sample.urls["themoscowtimes"] + "/"
    served = by_uri(records, "response")[front][0].payload.decode()
    assert not re.search(r'href="[^"]*/\d{4}/\d{2}/\d{2}/[^"]+-a\d+"', served), \
        "the served front page should hold no article links"
    dom = by_uri(records, "resource")[f"urn:dom:{front}"][0].payload.decode()
    assert len(set(re.findall(r'/\d{4}/\d{2}/\d{2}/[a-z0-9-]+-a\d+', dom))) >= 10
    assert any("/api/1/home" in uri for uri in by_uri(records, "response"))


def test_front_page_links_alone_find_articles(sample, tmp_path):
    """A profile without sitemaps or feeds still finds articles through the rendered front page."""
    config = tmp_path / "outlets.toml"
    config.write_text(
        '[mtfront]\nbase_url = "https://www.themoscowtimes.com"\nstart_urls = ["/"]\n'
        "article_pattern = '^/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+-a\\d+/?$'\n")
    from tests.conftest import run_archiver
    proc = run_archiver("crawl", "mtfront", "--config", config, "--out", tmp_path / "out",
                        f"--base-url=mtfront={sample.urls['themoscowtimes']}", "--depth", "1",
                        "--no-screenshots", "--no-block-private-addresses")
    assert proc.returncode == 0, proc.stderr[-3000:]
    items_file = next((tmp_path / "out").glob("mtfront-*/items.jsonl"))
    assert len(items_file.read_text().splitlines()) >= 10


def test_screenshots_are_valid_non_blank_pngs(sample_crawl):
    for outlet in OUTLETS:
        records = _records(sample_crawl, outlet)
        shots = [r for r in records if r.type == "resource" and r.uri.startswith("urn:fullPage:")]
        assert len(shots) >= 10
        for shot in shots:
            assert shot.headers["Content-Type"] == "image/png"
            assert png_is_valid_and_not_blank(shot.payload), shot.uri
        files = list((sample_crawl.dirs[outlet] / "screenshots").glob("*.png"))
        assert len(files) == len(shots)


def test_items_have_every_article_with_correct_fields(sample, sample_crawl):
    for outlet in OUTLETS:
        items = {item["original_url"]: item for item in sample_crawl.items(outlet)}
        for article in load_articles(outlet, sample.data_dir):
            item = items.get(article["original_url"])
            assert item is not None, f"{outlet}: no item for {article['original_url']}"
            assert item["url"] == urljoin(sample.urls[outlet], article["url"])
            for field in ("title", "authors", "date_published", "body"):
                assert item[field] == article[field], (outlet, article["url"], field)
            assert item["warc"]["filename"].endswith(".warc.gz")
            assert item["warc"]["record_id"].startswith("<urn:uuid:")


def test_item_points_at_the_record_it_came_from(sample_crawl):
    for outlet in OUTLETS:
        records = _records(sample_crawl, outlet)
        by_id = {r.headers["WARC-Record-ID"]: r for r in records}
        for item in sample_crawl.items(outlet):
            record = by_id[item["warc"]["record_id"]]
            assert record.type in ("response", "revisit")
            assert record.uri == item["url"]


def test_seed_article_export_is_byte_identical(sample_crawl):
    exports = [p.read_bytes() for p in (sample_crawl.dirs["themoscowtimes"] / "articles").glob("*.txt")]
    assert len(exports) == len(load_articles("themoscowtimes"))
    assert SEED_BYTES in exports


def test_crawl_report(sample_crawl):
    for outlet in OUTLETS:
        report = sample_crawl.report(outlet)
        assert report["exit_status"] == 0 and report["finish_reason"] == "finished"
        assert report["counts"]["articles"] == len(load_articles(outlet))
        assert all(name.endswith(".warc.gz") for name in report["files"]["warc"])
        assert not list(sample_crawl.dirs[outlet].glob("warc/*.open"))


def test_tabs_render_several_pages_and_each_page_keeps_its_own_records(sample_crawl):
    """A tab is reused for the next page (ARCHIVER_TAB_RENDERS), yet every page's document is recorded
    once, under its own page id: the recorder of the page before has let go of the tab."""
    for outlet in OUTLETS:
        report = sample_crawl.report(outlet)
        assert report["browser"]["tabs_opened"] < report["counts"]["rendered"] / 2, report["browser"]
        records = _records(sample_crawl, outlet)
        doms = [r for r in records if r.type == "resource" and r.uri.startswith("urn:dom:")]
        assert len(doms) == report["counts"]["rendered"]
        page_ids = [dom.headers["WARC-Page-ID"] for dom in doms]
        assert len(set(page_ids)) == len(page_ids)
        by_page: dict[str, list] = {}
        for record in records:
            if record.type in ("response", "revisit") and "WARC-Page-ID" in record.headers:
                by_page.setdefault(record.headers["WARC-Page-ID"], []).append(record)
        for dom, page_id in zip(doms, page_ids):
            page_url = dom.uri[len("urn:dom:"):]
            documents = [r for r in by_page.get(page_id, []) if r.uri == page_url]
            assert len(documents) == 1, f"{outlet}: {page_url} recorded {len(documents)} times as page {page_id}"
            others = [pid for pid, recs in by_page.items()
                      if pid != page_id and any(r.uri == page_url and r.http_status == 200 for r in recs)]
            assert not others, f"{outlet}: {page_url} also recorded under pages {others}"


def test_shared_assets_come_from_the_browser_cache_and_are_recorded_once_fetched(sample_crawl):
    """The guard leaves Chromium's cache on: a cacheable stylesheet shared by every page is fetched
    (and recorded) far less often than pages are rendered, and a cache hit is not recorded as if
    the server had sent it again. Each recorded copy is a real exchange with its request."""
    for outlet in OUTLETS:
        report = sample_crawl.report(outlet)
        records = _records(sample_crawl, outlet)
        stylesheets = [r for r in records if r.type in ("response", "revisit") and r.uri.split("?")[0].endswith(".css")]
        assert stylesheets, f"{outlet}: no stylesheet archived"
        per_url: dict[str, int] = {}
        for record in stylesheets:
            per_url[record.uri] = per_url.get(record.uri, 0) + 1
        shared = max(per_url, key=per_url.get)
        assert per_url[shared] < report["counts"]["rendered"] / 2, (shared, per_url[shared], report["counts"])
        requests = {r.headers["WARC-Concurrent-To"] for r in records if r.type == "request" and r.uri == shared}
        assert all(r.headers["WARC-Record-ID"] in requests for r in stylesheets if r.uri == shared)
