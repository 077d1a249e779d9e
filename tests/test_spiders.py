"""The spiders' parsing on saved pages, offline: no browser, no crawl, no network.

Pages are taken once from the sample outlet's server and handed to the
callbacks as Scrapy responses, the way the engine would.
"""

from __future__ import annotations

import urllib.request

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from archiver import settings as archiver_settings
from archiver.discovery import parse_feed, parse_sitemap, robots_sitemaps
from archiver.extraction.workers import ExtractionWorkers
from archiver.items import Article
from archiver.sample.server import load_articles
from spiders.news import NewsSpider
from spiders.themoscowtimes import MoscowTimesSpider
from tests.conftest import run_async

MT = "themoscowtimes"


def _settings(**overrides) -> dict:
    """The archiver's own defaults (archiver/settings.py), as a crawl gets them."""
    defaults = {name: getattr(archiver_settings, name) for name in dir(archiver_settings) if name.isupper()}
    return {**defaults, **overrides}


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:      # no Accept-Encoding: plain bytes
        return response.read()


@pytest.fixture(scope="module")
def saved(sample):
    """Saved copies of the MT pages the spider parses."""
    base, static = sample.urls[MT], sample.companions[MT]
    seed = load_articles(MT, sample.data_dir)
    seed = next(a for a in seed if a["url"].endswith("-a87577"))
    paths = {"robots": "/robots.txt", "index": static + "/sitemap/newsmap.xml", "news": static + "/sitemap/news.xml",
             "feed": "/rss/all", "section": "/news", "front": "/", "seed": seed["url"]}
    return base, {name: _fetch(path if path.startswith("http") else base + path) for name, path in paths.items()}, seed


@pytest.fixture
def spider(sample, tmp_path):
    crawler = get_crawler(MoscowTimesSpider, _settings(
        ARCHIVER_OUTPUT_ROOT=str(tmp_path), ARCHIVER_OUTPUT_DIR=str(tmp_path / "crawl"),
        ARCHIVER_CRAWL_ID="offline", ARCHIVER_RENDER="never"))
    crawler.spider = crawler._create_spider(base_url=sample.urls[MT])
    return crawler.spider


def _requests(results) -> list[Request]:
    return [r for r in results if isinstance(r, Request)]


def test_discovery_reads_sitemaps_news_extensions_and_feeds(saved):
    base, pages, _ = saved
    static = robots_sitemaps(pages["robots"])[0].rsplit("/sitemap/", 1)[0]
    assert robots_sitemaps(pages["robots"]) == [static + "/sitemap/sitemap.xml"] and static != base
    index = parse_sitemap(pages["index"])
    assert index.is_index and {e.url for e in index.entries} >= {static + "/sitemap/news.xml"}
    news = parse_sitemap(pages["news"])
    assert not news.is_index and len(news.entries) == 13          # the news section's Google News sitemap
    seed = next(e for e in news.entries if e.url.endswith("-a87577"))
    assert seed.url.startswith(base)                                                  # pages on www
    assert seed.title == "Seoul Confirms Ukraine Captured 2 North Korean Soldiers"   # <news:title> kept
    assert seed.date.startswith("2025-01-12")                                         # <news:publication_date>
    feed = parse_feed(pages["feed"]).entries
    assert len(feed) >= 20 and all(e.url.startswith(base) and e.date for e in feed)


def test_sitemap_callback_follows_indexes_and_schedules_articles(spider, saved):
    base, pages, _ = saved
    followed = _requests(spider.parse_sitemap(XmlResponse(base + "/sitemap/newsmap.xml", body=pages["index"])))
    assert {r.meta["archiver_kind"] for r in followed} == set()     # the static host: robots.txt not read yet
    list(spider.parse_robots(TextResponse(base + "/robots.txt", body=pages["robots"])))
    followed = _requests(spider.parse_sitemap(XmlResponse(base + "/sitemap/newsmap.xml", body=pages["index"])))
    assert {r.meta["archiver_kind"] for r in followed} == {"sitemap"} and len(followed) == 9
    assert all(r.meta["allow_offsite"] and r.meta["download_maxsize"] for r in followed)
    articles = _requests(spider.parse_sitemap(XmlResponse(base + "/sitemap/news.xml", body=pages["news"])))
    assert len(articles) == 13
    assert all(r.meta["archiver_kind"] == "article" and r.callback == spider.parse_article for r in articles)
    assert all(r.meta["archiver_listed_date"] for r in articles)


def test_feed_callback_skips_what_the_sitemap_already_scheduled(spider, saved):
    base, pages, _ = saved
    _requests(spider.parse_sitemap(XmlResponse(base + "/sitemap/news.xml", body=pages["news"])))
    again = _requests(spider.parse_feed(XmlResponse(base + "/rss/all", body=pages["feed"])))
    assert len(again) == 31 - 13                  # only the articles the news sitemap did not list


def test_section_page_links_are_articles_and_sections(spider, saved):
    base, pages, _ = saved
    response = HtmlResponse(base + "/news", body=pages["section"], request=Request(base + "/news", meta={"archiver_depth": 0}))
    requests = _requests(spider.parse_page(response))
    kinds = {r.meta["archiver_kind"] for r in requests}
    assert kinds == {"article", "page", "requisite"}      # not rendered: it asks for its own images and CSS
    requisites = [r.url for r in requests if r.meta["archiver_kind"] == "requisite"]
    assert any(".css" in u for u in requisites) and any(u.endswith(".jpg") for u in requisites)
    assert all(spider.profile.is_own(r.url) for r in requests if r.meta["archiver_kind"] != "requisite")
    assert sum(r.meta["archiver_kind"] == "article" for r in requests) >= 6


def test_front_page_without_javascript_has_no_article_links(spider, saved):
    base, pages, _ = saved
    response = HtmlResponse(base + "/", body=pages["front"], request=Request(base + "/", meta={"archiver_depth": 0}))
    assert not [r for r in _requests(spider.parse_page(response)) if r.meta["archiver_kind"] == "article"]



async def _collect(results) -> list:
    return [result async for result in results]


@pytest.mark.parametrize("workers", [0, 1], ids=["inline", "worker-process"])
def test_article_callback_extracts_the_seed(spider, saved, workers):
    base, pages, seed = saved
    url = base + seed["url"]
    response = HtmlResponse(url, body=pages["seed"], encoding="utf-8", request=Request(url, meta={"archiver_depth": 1}))
    spider._extraction = ExtractionWorkers(workers)
    try:
        results = run_async(_collect(spider.parse_article(response)))
    finally:
        spider._extraction.close()
    items = [r for r in results if isinstance(r, Article)]
    assert any(isinstance(r, Request) for r in results)      # its links and requisites are followed too
    assert len(items) == 1
    article = items[0]
    assert article.original_url == seed["original_url"]
    assert (article.title, article.authors, article.date_published) == (seed["title"], ["AFP"], seed["date_published"])
    assert article.body == seed["body"]
    assert "no WARC record for this response" in article.extraction["warnings"]   # offline: nothing archived


def test_generic_spider_needs_a_target(tmp_path):
    crawler = get_crawler(NewsSpider, _settings(ARCHIVER_OUTPUT_ROOT=str(tmp_path)))
    with pytest.raises(ValueError, match="outlet name or a start URL"):
        crawler._create_spider()
    with pytest.raises(ValueError, match="unknown outlet"):
        crawler._create_spider(outlet="no-such-paper")
