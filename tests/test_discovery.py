"""Discovery as the site itself lists it: robots.txt, sitemaps on a second host, a site by URL,
hostile sitemaps under a memory bound, and the coverage report.

Every crawl is the real CLI against servers on 127.0.0.1, static fetches (--render never),
WARC files read back with warcio.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.discovery import ListingTooLarge, parse_feed, parse_sitemap, robots_sitemaps
from archiver.sample.server import load_articles
from tests.conftest import ARCHIVER, ROOT, run_archiver
from tests.discovery_site import Page, Site, gzip_bomb, millions_of_urls, paginated_news_site, sitemap

MT = "themoscowtimes"
PEAK_RSS_LIMIT_MB = 500


def _crawl_dir(out: Path, name: str) -> Path:
    return next(out.glob(f"{name}-*"))


def _uris(crawl_dir: Path) -> list[str]:
    """Target URIs of the crawl's response and revisit records (payloads are not read)."""
    uris = []
    for path in sorted((crawl_dir / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            uris += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                     if r.rec_type in ("response", "revisit")]
    return uris


# --- parsing: pure functions ------------------------------------------------------------------

def test_robots_sitemap_lines_are_joined_to_the_robots_url():
    body = b"User-agent: *\nDisallow: /x\nSitemap: /sitemap.xml\nsitemap: https://static.example/s.xml\n"
    assert robots_sitemaps(body, "https://www.example/robots.txt") == [
        "https://www.example/sitemap.xml", "https://static.example/s.xml"]


def test_relative_locs_are_joined_and_news_dates_kept():
    body = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            b"<url><loc>/2025/01/02/a-story</loc><news:news><news:publication_date>2025-01-02T10:00:00Z"
            b"</news:publication_date><news:title>A story</news:title></news:news></url></urlset>")
    listing = parse_sitemap(body, "https://www.example/sitemap/news.xml")
    assert [(e.url, e.date, e.title) for e in listing.entries] == [
        ("https://www.example/2025/01/02/a-story", "2025-01-02T10:00:00Z", "A story")]
    feed = parse_feed(b"<rss><channel><item><link>/2025/01/03/b</link><pubDate>Fri, 03 Jan 2025 10:00:00 GMT"
                      b"</pubDate></item></channel></rss>", "https://www.example/rss/all")
    assert feed.entries[0].url == "https://www.example/2025/01/03/b"


def test_a_gzip_bomb_stops_at_the_cap_in_bounded_memory():
    bomb = gzip_bomb(1)
    tracemalloc.start()
    try:
        with pytest.raises(ListingTooLarge):
            parse_sitemap(bomb, max_size=8 * 1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"decompressing the bomb peaked at {peak / 2**20:.0f} MiB"


def test_a_sitemap_over_the_url_cap_keeps_the_first_urls_and_says_so():
    body = sitemap([f"https://www.example/2025/01/02/story-{n}" for n in range(60_000)])
    listing = parse_sitemap(gzip.compress(body), max_urls=50_000)
    assert listing.too_large and len(listing.entries) == 50_000
    assert listing.entries[-1].url.endswith("story-49999")


_PARSE_GROWTH = """
import sys
from lxml import etree
from archiver.discovery import parse_sitemap
def peak_kb():   # VmHWM is this process's own peak; ru_maxrss would carry the test process's over exec
    return int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])
doc = open(sys.argv[2], "rb").read()
before = peak_kb()
if sys.argv[1] == "stream":
    count = len(parse_sitemap(doc).entries)
else:                                             # the whole tree at once, as before
    count = len([node[0].text for node in etree.fromstring(doc)])
assert count == 200_000
print((peak_kb() - before) / 1024)
"""


@pytest.mark.slow
def test_sitemaps_are_parsed_without_building_the_tree(tmp_path):
    """Peak memory grows by the entries read, not by a DOM of the whole document (200,000 URLs, 15 MB).

    The document is written by this process, so the measuring one starts its count
    after reading it: nothing but the parse moves its peak (VmHWM).
    """
    doc = sitemap([f"https://www.example/2025/01/02/a-story-with-a-slug-{n}" for n in range(200_000)])
    path = tmp_path / "sitemap.xml"
    path.write_bytes(doc if isinstance(doc, bytes) else doc.encode("utf-8"))
    growth = {}
    for mode in ("stream", "tree"):
        proc = subprocess.run([sys.executable, "-c", _PARSE_GROWTH, mode, str(path)], capture_output=True,
                              text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
        growth[mode] = float(proc.stdout.strip())
    assert growth["tree"] > 50, f"the tree parse did not move the peak: the measure is blind ({growth})"
    assert growth["stream"] < growth["tree"] / 2, growth


# --- the sample outlet: its sitemap index on a second host named in robots.txt ----------------------

@pytest.mark.slow
def test_sitemaps_on_a_second_host_named_in_robots_are_followed(sample, tmp_path):
    """Robots.txt is the only source: every article comes from the static host's monthly sitemaps."""
    base, static = sample.urls[MT], sample.companions[MT]
    config = tmp_path / "sitemaps-only.toml"
    config.write_text(f'''[mtsitemaps]
base_url = "{base}"
start_urls = []
feeds = []
article_pattern = '^/\\d{{4}}/\\d{{2}}/\\d{{2}}/[a-z0-9-]+-a\\d+/?$'
''')
    out = tmp_path / "out"
    proc = run_archiver("crawl", "mtsitemaps", "--config", config, "--out", out, "--render", "never",
                        "--no-block-private-addresses", "--quiet", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    crawl_dir = _crawl_dir(out, "mtsitemaps")
    items = [json.loads(line) for line in (crawl_dir / "items.jsonl").read_text().splitlines()]
    expected = {base + a["url"] for a in load_articles(MT, sample.data_dir)}
    assert {item["url"] for item in items} == expected
    uris = _uris(crawl_dir)
    assert base + "/robots.txt" in uris
    assert {static + "/sitemap/sitemap.xml", static + "/sitemap/2024-12.xml", static + "/sitemap/2025-1.xml"} <= set(uris)
    # the static host's sitemaps are read, but no page of that host is crawled
    assert not [u for u in uris if u.startswith(static) and "/sitemap/" not in u and not u.endswith("robots.txt")]
    report = json.loads((crawl_dir / "crawl.json").read_text())
    kinds = {row["url"]: row["kind"] for row in report["discovery"]}
    assert kinds[static + "/sitemap/sitemap.xml"] == "sitemap-index"
    assert report["coverage"] == {"listed": len(expected), "archived": len(expected), "failed": {},
                                  "not_attempted": 0}


@pytest.mark.slow
def test_bundled_profile_reads_the_templates_layout_without_fetching_articles(sample, tmp_path):
    """--discover-only on the bundled profile: robots, both sitemap indexes, the Google News sitemaps and
    every section feed are read, each says what it gave, and no article is fetched."""
    base, static = sample.urls[MT], sample.companions[MT]
    out = tmp_path / "out"
    proc = run_archiver("crawl", MT, f"--base-url={MT}={base}", "--out", out, "--render", "never",
                        "--discover-only", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    crawl_dir = _crawl_dir(out, MT)
    report = json.loads((crawl_dir / "crawl.json").read_text())
    rows = {row["url"]: row for row in report["discovery"]}
    assert rows[base + "/robots.txt"]["listed"] == 1
    assert rows[base + "/sitemap/newsmap.xml"]["kind"] == "sitemap-index"      # redirected to the static host
    assert rows[static + "/sitemap/news.xml"]["articles"] == 13                  # a Google News sitemap
    for feed in ("all", "news", "opinion", "arts-and-life", "meanwhile", "in-depth", "podcasts"):
        assert rows[base + f"/rss/{feed}"]["status"] == "ok", feed
    articles = len(load_articles(MT, sample.data_dir))
    assert sum(row["new"] for row in report["discovery"]) == articles
    assert report["counts"]["articles"] == 0
    assert not [u for u in _uris(crawl_dir) if "-a8" in u], "an article was fetched"
    assert static + "/sitemap/sitemap.xml" in proc.stdout and "new" in proc.stdout


# --- a site given by URL ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_site_by_url_is_crawled_within_its_host_up_to_depth(tmp_path):
    with Site() as site:
        paginated_news_site(site, sections=5, articles=40, per_page=10)
        depth = 3
        expected = {site.base + p for p in site.within("/", depth)} - {site.base + t for t in
                                                                       ("/login", "/search?q=ferry", "/share?url=x",
                                                                        "/print/page",
                                                                        "/events/calendar?month=2025-02")}
        proc = run_archiver("crawl", site.base + "/", "--out", tmp_path / "out", "--render", "never",
                            "--depth", depth, "--no-block-private-addresses", "--quiet", timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        crawl_dir = next((tmp_path / "out").glob("127.0.0.1-*"))
        html = {u for u in _uris(crawl_dir) if not u.endswith("robots.txt")}
        assert html == expected, (f"missing {sorted(expected - html)[:5]}, "
                                  f"unexpected {sorted(html - expected)[:5]}")
        # deeper pagination exists and was left alone: the depth bound is real
        assert site.base + "/section/section-1/page/4" in {site.base + p for p in site.routes}
        assert site.base + "/section/section-1/page/4" not in html
        assert site.base + "/section/section-1/page/3" in html
        assert not [u for u in html if "story-number-02" in u], "stories first linked at depth 4 were fetched"
        items = [json.loads(line) for line in (crawl_dir / "items.jsonl").read_text().splitlines()]
        assert {i["url"] for i in items} == {u for u in expected if "-story-number-" in u}


# --- hostile sitemaps -------------------------------------------------------------------------------

def _peak_rss_mb(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI in a fresh wrapper process; the wrapper's RUSAGE_CHILDREN is the crawl's own peak RSS."""
    wrapper = ("import resource, subprocess, sys\n"
               "proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + '\\n')\n"
               "sys.stderr.write(proc.stderr)\n"
               "sys.exit(proc.returncode)\n")
    proc = subprocess.run([sys.executable, "-c", wrapper, *ARCHIVER, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    return proc, int(proc.stdout.strip().splitlines()[-1]) / 1024


@pytest.mark.slow
def test_gzip_bomb_and_millions_of_urls_stay_under_the_memory_bound(tmp_path):
    with Site() as site:
        good = [f"/2025/01/0{n}/a-well-behaved-story-{n}" for n in range(1, 4)]
        for path in good:
            site.html(path, path, ["/"], "A story listed by a well-behaved sitemap. " * 20)
        site.html("/", "Front", good)
        site.routes["/robots.txt"] = Page(b"User-agent: *\nSitemap: /bomb.xml.gz\nSitemap: /huge.xml\n"
                                          b"Sitemap: /sitemap.xml\n", "text/plain")
        site.routes["/bomb.xml.gz"] = Page(gzip_bomb(3), "application/x-gzip")
        site.routes["/huge.xml"] = Page(millions_of_urls(site.base), "application/xml",
                                        headers=[("Content-Encoding", "gzip")])
        site.routes["/sitemap.xml"] = Page(sitemap([site.base + p for p in good]), "application/xml")
        out = tmp_path / "out"
        proc, peak_mb = _peak_rss_mb(["crawl", site.base + "/", "--out", str(out), "--render", "never",
                                      "--no-block-private-addresses", "--quiet"], timeout=600)
        crawl_dir = next(out.glob("127.0.0.1-*"))
        report = json.loads((crawl_dir / "crawl.json").read_text())
        assert report["finish_reason"] == "finished", proc.stderr[-3000:]
        assert peak_mb < PEAK_RSS_LIMIT_MB, f"the crawl peaked at {peak_mb:.0f} MB"
        assert report["failures"].get("too-large") == 2, (report["failures"], proc.stderr[-3000:])
        assert "too-large" in proc.stderr and "bomb.xml.gz" in proc.stderr and "huge.xml" in proc.stderr
        uris = _uris(crawl_dir)
        assert {site.base + "/bomb.xml.gz", site.base + "/huge.xml"} <= set(uris), "archived as fetched"
        assert {site.base + p for p in good} <= set(uris), "the other sources were still read"
        print(f"peak RSS {peak_mb:.0f} MB")


# --- coverage ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_coverage_puts_each_listed_article_in_its_column(tmp_path):
    """Seven articles listed: one 404s, one redirects elsewhere, one is left out by --max-pages, four are archived."""
    with Site() as site:
        listed = ["/2025/01/03/the-one-that-is-gone-a1", "/2025/01/04/an-archived-story-a2",
                  "/2025/01/04/an-archived-story-a3", "/2025/01/05/an-archived-story-a4",
                  "/2025/01/05/an-archived-story-a5", "/2025/01/05/a-moved-story-a6",
                  "/2025/01/06/the-one-over-the-budget-a9"]
        for path in listed[1:] + ["/2025/01/05/its-new-address-a7"]:
            site.html(path, path, [], "Text of a listed story, long enough to be an article. " * 20)
        site.routes[listed[5]] = Page(b"", status=301, headers=[("Location", "/2025/01/05/its-new-address-a7")])
        site.routes["/robots.txt"] = Page(b"User-agent: *\nSitemap: /sitemap.xml\n", "text/plain")
        site.routes["/sitemap.xml"] = Page(sitemap([site.base + p for p in listed]), "application/xml")
        config = tmp_path / "cov.toml"
        config.write_text(f'[cov]\nbase_url = "{site.base}"\nstart_urls = []\narticle_pattern = "-a[0-9]+$"\n')
        out = tmp_path / "out"
        proc = run_archiver("crawl", "cov", "--config", config, "--out", out, "--render", "never",
                            "--max-pages", 6, "--no-block-private-addresses", "--quiet", timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((_crawl_dir(out, "cov") / "crawl.json").read_text())
    expected = {"listed": 7, "archived": 4, "failed": {"http-404": 1, "no-item": 1}, "not_attempted": 1}
    assert report["coverage"] == expected
    result = run_archiver("coverage", out, "--outlet", "cov", "--json")
    assert result.returncode == 0, result.stderr
    cov = json.loads(result.stdout)["cov"]
    assert cov["totals"] == expected
    days = {d["day"]: d for d in cov["days"]}
    assert days["2025-01-03"]["failed"] == {"http-404": 1}
    assert days["2025-01-03"]["missing"] == [{"url": site.base + listed[0], "status": "http-404"}]
    assert days["2025-01-06"]["not_attempted"] == 1
    assert days["2025-01-06"]["missing"] == [{"url": site.base + listed[-1], "status": "not-attempted"}]
    assert days["2025-01-04"]["archived"] == 2 and days["2025-01-05"]["archived"] == 2
    assert days["2025-01-05"]["missing"] == [{"url": site.base + listed[5], "status": "no-item"}]
    narrowed = json.loads(run_archiver("coverage", out, "--json", "--since", "2025-01-04",
                                       "--until", "2025-01-04").stdout)["cov"]
    assert narrowed["totals"] == {"listed": 2, "archived": 2, "failed": {}, "not_attempted": 0}
    table = run_archiver("coverage", out)
    assert table.returncode == 0 and "http-404 1" in table.stdout and "2025-01-06" in table.stdout


def _offline_spider(tmp_path: Path, profile_toml: str, name: str, **settings):
    """A NewsSpider for one profile, its settings the archiver's own, to call its callbacks directly."""
    from scrapy.utils.test import get_crawler

    from archiver import settings as archiver_settings
    from spiders.news import NewsSpider

    config = tmp_path / f"{name}.toml"
    config.write_text(profile_toml)
    defaults = {key: getattr(archiver_settings, key) for key in dir(archiver_settings) if key.isupper()}
    crawler = get_crawler(NewsSpider, {**defaults, "ARCHIVER_OUTPUT_ROOT": str(tmp_path),
                                       "ARCHIVER_OUTPUT_DIR": str(tmp_path / "crawl"), "ARCHIVER_CRAWL_ID": name,
                                       "ARCHIVER_RENDER": "never", **settings})
    return crawler._create_spider(outlet=name, config=str(config))


def test_a_profile_narrows_the_links_followed(tmp_path):
    """Every same-host page is followed but non-content, and the profile's exclude_pattern, articles included."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    spider = _offline_spider(tmp_path, '[narrow]\nbase_url = "http://news.example"\nstart_urls = ["/"]\n'
                             'listing_pattern = "."\narticle_pattern = "^/(live/)?a/"\nexclude_pattern = "^/live/"\n',
                             "narrow")
    links = ["/a/a-story", "/live/a/a-live-story", "/live/", "/section/world", "/login", "/search?q=x",
             "/events?month=2025-02", "/share/a-story", "http://elsewhere.example/section", "mailto:desk@news.example"]
    body = "".join(f'<a href="{href}">x</a>' for href in links).encode()
    response = HtmlResponse("http://news.example/", body=body,
                            request=Request("http://news.example/", meta={"archiver_depth": 0}))
    followed = {r.url: r.meta["archiver_kind"] for r in spider._follow_links(response)}
    assert followed == {"http://news.example/a/a-story": "article", "http://news.example/section/world": "page"}


def test_since_skips_index_entries_last_changed_before_it(tmp_path):
    from scrapy.http import XmlResponse

    spider = _offline_spider(tmp_path, '[since]\nbase_url = "http://news.example"\n', "since",
                             ARCHIVER_SINCE="2025-01-01")
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>/sitemap/2025-1.xml</loc><lastmod>2025-01-12T10:00:00+03:00</lastmod></sitemap>"
             b"<sitemap><loc>/sitemap/2024-12.xml</loc><lastmod>2024-12-31T23:00:00+03:00</lastmod></sitemap>"
             b"<sitemap><loc>/sitemap/undated.xml</loc></sitemap></sitemapindex>")
    requests = list(spider.parse_sitemap(XmlResponse("http://news.example/sitemap/sitemap.xml", body=index)))
    assert [r.url for r in requests] == ["http://news.example/sitemap/2025-1.xml",
                                         "http://news.example/sitemap/undated.xml"]


def test_a_page_s_links_count_from_the_fewest_hops_it_was_queued_at(tmp_path):
    """A worker that found a section far away, but got the request another worker queued nearer, follows
    its links from the nearer depth (the shared queue refused the farther find as already seen)."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    spider = _offline_spider(tmp_path, '[hops]\nbase_url = "http://news.example"\nstart_urls = ["/"]\n'
                             'listing_pattern = "^/section/"\narticle_pattern = "^/a/"\n', "hops",
                             ARCHIVER_DEPTH=2)
    spider.page_depth["http://news.example/section/world"] = 2     # this process's own find: 2 hops
    body = b'<a href="/section/world/page-2.html">older</a>'
    response = HtmlResponse("http://news.example/section/world", body=body,
                            request=Request("http://news.example/section/world",
                                            meta={"archiver_depth": 1, "archiver_url": "http://news.example/section/world"}))
    followed = [r.url for r in spider._follow_links(response)]
    assert followed == ["http://news.example/section/world/page-2.html"]
