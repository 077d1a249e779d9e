"""Offline tests of the sample outlets: real servers on 127.0.0.1, plain HTTP, no browser."""

from __future__ import annotations

import gzip
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from lxml import etree, html

from archiver.sample import copy_sample_data, load_articles, serve_sample

SEED = "/2025/01/12/seoul-confirms-ukraine-captured-2-north-korean-soldiers-a87577"
SEED_CANONICAL = "https://www.themoscowtimes.com" + SEED
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def get(url: str, gzip_ok: bool = False, method: str = "GET") -> tuple[int, dict, bytes, object]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    req = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers, r.read(), r.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read(), err.headers


@pytest.fixture(scope="module")
def outlets():
    with serve_sample() as running:
        yield running


def test_urls_and_ports(outlets):
    mt, hg = outlets.urls["themoscowtimes"], outlets.urls["harbourgazette"]
    assert mt.startswith("http://127.0.0.1:") and hg.startswith("http://127.0.0.1:") and mt != hg


def test_seed_article_page(outlets):
    base = outlets.urls["themoscowtimes"]
    status, headers, body, _ = get(base + SEED)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    doc = html.fromstring(body)
    seed = next(a for a in load_articles("themoscowtimes") if a["url"] == SEED)
    expected = seed["expected"]
    assert doc.xpath("string(//article[contains(@class,'article--news')]//h1)").strip() == seed["title"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [SEED_CANONICAL]
    assert doc.xpath("//meta[@property='og:url']/@content") == [SEED_CANONICAL]
    assert doc.xpath("string(//div[@class='byline__author'])").split() == ["By", "AFP"]
    assert doc.xpath("//time[contains(@class,'byline__datetime')]/@datetime") == ["2025-01-12T11:23:00+03:00"]
    assert doc.xpath("string(//span[contains(@class,'featured-image__credits')])") == "Volodymyr Zelensky / Telegram"
    assert doc.xpath("string(//span[contains(@class,'featured-image__caption')])") == ""
    paragraphs = [p.text_content() for p in doc.xpath("//div[@class='article__content']//p")]
    assert paragraphs == seed["body"]
    for paragraph in paragraphs:
        assert paragraph in expected
    # the related block sits between the 4th and 5th paragraphs
    blocks = doc.xpath("//div[@class='article__content']/div")
    assert [len(b.xpath(".//p")) for b in blocks] == [4, 0, 9]
    assert blocks[1].xpath("string(.//h3)").strip() == "Ukraine Says Questioning 2 Captured North Korean Soldiers"
    assert "Related article: [Ukraine Says Questioning 2 Captured North Korean Soldiers](#)" in expected
    ld = [json.loads(s) for s in doc.xpath("//script[@type='application/ld+json']/text()")]
    article = next(x for x in ld if x.get("@type") == "NewsArticle")
    assert article["datePublished"] == "2025-01-12T11:23:00+03:00" and article["url"] == SEED_CANONICAL


def test_no_external_urls_and_navigation_points_at_server(outlets):
    base = outlets.urls["themoscowtimes"]
    for path in ["/", "/news", SEED]:
        doc = html.fromstring(get(base + path)[2])
        for attr in doc.xpath("//a/@href | //img/@src | //script/@src | //link[@rel='stylesheet']/@href"):
            assert attr.startswith(base) or attr.startswith("data:"), attr


def test_front_page_has_no_article_links_but_json_does(outlets):
    base = outlets.urls["themoscowtimes"]
    doc = html.fromstring(get(base + "/")[2])
    assert not [h for h in doc.xpath("//a/@href") if "-a8" in h]
    api = doc.xpath("//*[@id='home-articles']/@data-url")[0]
    data = json.loads(get(api)[2])
    assert any(item["url"] == base + SEED for item in data["articles"])


def test_section_load_more(outlets):
    base = outlets.urls["themoscowtimes"]
    doc = html.fromstring(get(base + "/news")[2])
    assert len(doc.xpath("//div[contains(@class,'article-excerpt-default ')]")) == 6
    more = doc.xpath("//div[@y-use='More']")[0]
    assert more.xpath("string(.//span[@class='button'])") == "View more articles"
    fragment = get(more.get("data-url").replace("{{offset}}", more.get("data-start")))[2].decode()
    assert fragment.count('class="col-4 col-12-md col-4-sm"') == 6
    assert doc.xpath("//button[@id='onetrust-accept-btn-handler']")


def test_gzip_etag_cookies_links_head(outlets):
    base = outlets.urls["themoscowtimes"]
    status, headers, body, raw = get(base + SEED, gzip_ok=True)
    assert headers["Content-Encoding"] == "gzip" and int(headers["Content-Length"]) == len(body)
    assert b"article__content" in gzip.decompress(body)
    assert headers["ETag"] and headers["Last-Modified"] and headers["Cache-Control"]
    assert len(raw.get_all("Set-Cookie")) == 2 and len(raw.get_all("Link")) == 2
    status, headers, body, _ = get(base + SEED, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert get(base + "/no/such/page")[0] == 404


def test_feeds_and_sitemaps_are_well_formed(outlets):
    base = outlets.urls["themoscowtimes"]
    rss = etree.fromstring(get(base + "/rss/news")[2])
    links = rss.xpath("//item/link/text()")
    assert base + SEED in links and all(link.startswith(base) for link in links)
    static = outlets.companions["themoscowtimes"]
    robots = get(base + "/robots.txt")[2].decode()
    index = robots.split("Sitemap: ")[1].strip()
    assert index == static + "/sitemap/sitemap.xml"              # on the second host, as on the real site
    assert get(base + "/sitemap.xml")[0] == 404
    months = etree.fromstring(get(index)[2]).xpath("//sm:loc/text()", namespaces=NS)
    assert months == [static + "/sitemap/2025-1.xml", static + "/sitemap/2024-12.xml"]
    monthly = [loc for month in months for loc in etree.fromstring(get(month)[2]).xpath("//sm:loc/text()",
                                                                                       namespaces=NS)]
    assert sorted(monthly) == sorted(base + a["url"] for a in load_articles("themoscowtimes"))
    status, headers, body, _ = get(base + "/sitemap/newsmap.xml")           # www redirects to the static host
    sections = etree.fromstring(body).xpath("//sm:loc/text()", namespaces=NS)
    assert static + "/sitemap/ukraine_war.xml" in sections and len(sections) == 9
    news = etree.fromstring(get(static + "/sitemap/news.xml")[2])
    assert news.xpath("//news:title/text()", namespaces=NS)
    hg = outlets.urls["harbourgazette"]
    assert get(hg + "/feed/")[0] == 404
    posts = etree.fromstring(get(hg + "/wp-sitemap-posts-post-1.xml")[2])
    assert len(posts.xpath("//sm:url", namespaces=NS)) == len(load_articles("harbourgazette"))


def test_harbourgazette_conventions(outlets):
    hg = outlets.urls["harbourgazette"]
    records = load_articles("harbourgazette")
    first = records[0]
    doc = html.fromstring(get(hg + first["url"])[2])
    assert doc.xpath("//article[@itemscope]//h1[@itemprop='headline']/text()") == [first["title"]]
    assert not doc.xpath("//script[@type='application/ld+json']")
    content = [p.text_content() for p in doc.xpath("//div[@itemprop='articleBody']/p")]
    assert content[0] == first["byline"] and content[1:] == first["body"]
    status, headers, _, _ = get(hg + "/wp-json/wp/v2/posts?per_page=6&page=2")
    assert status == 200 and headers["X-WP-TotalPages"] == "3"
    assert doc.xpath("//link[@rel='shortlink']/@href") == [f"{hg}/?p={first['id']}"]
    spanish = next(a for a in records if a["language"] == "es")
    assert "10 de marzo de 2025" in get(hg + spanish["url"])[2].decode()


def test_data_reload_after_change(tmp_path: Path):
    data = copy_sample_data(tmp_path / "data")
    with serve_sample(data_dir=data) as running:
        base = running.urls["themoscowtimes"]
        path = data / "themoscowtimes" / "articles.json"
        records = json.loads(path.read_text())
        seed = next(a for a in records if a["url"] == SEED)
        seed["date_modified"] = "2025-01-13T09:00:00+03:00"
        seed["body"][1] = "An edited second paragraph."
        new = dict(seed, id=99001, url="/2025/01/13/a-new-story-a99001", title="A New Story",
                   original_url="https://www.themoscowtimes.com/2025/01/13/a-new-story-a99001",
                   date_published="2025-01-13T10:00:00+03:00", date_modified="2025-01-13T10:00:00+03:00")
        new.pop("expected")
        records.append(new)
        time.sleep(0.01)
        path.write_text(json.dumps(records))
        assert b"An edited second paragraph." in get(base + SEED)[2]
        assert get(base + new["url"])[0] == 200
        assert base + new["url"] in get(base + "/rss/news")[2].decode()
        sitemap = etree.fromstring(get(running.companions["themoscowtimes"] + "/sitemap/2025-1.xml")[2])
        lastmod = sitemap.xpath(f"//sm:url[sm:loc='{base}{SEED}']/sm:lastmod/text()", namespaces=NS)
        assert lastmod == ["2025-01-13T09:00:00+03:00"]


def test_lantern_serves_one_shell_and_a_json_api(outlets):
    """The client-rendered outlet: the same shell on every path, 8 + 6 stories from the API, no sitemap."""
    base = outlets.urls["lantern"]
    stories = load_articles("lantern")
    shells = {get(base + path)[2] for path in ("/", stories[0]["url"], stories[-1]["url"], "/no/such/page")}
    assert len(shells) == 1
    shell = shells.pop().decode()
    assert '<div id="root"></div>' in shell and "You need to enable JavaScript to run this app." in shell
    assert stories[0]["title"] not in shell
    first = json.loads(get(base + "/api/stories")[2])
    assert [s["path"] for s in first["stories"]] == [a["url"] for a in stories[:8]]
    more = json.loads(get(base + f"/api/stories?offset={first['next']['offset']}&limit={first['next']['limit']}")[2])
    assert [s["path"] for s in more["stories"]] == [a["url"] for a in stories[8:14]] and more["next"] is None
    slug = stories[3]["url"].rsplit("/", 1)[-1]
    story = json.loads(get(base + f"/api/stories/{slug}")[2])["story"]
    assert story["body"] == stories[3]["body"] and story["authors"] == stories[3]["authors"]
    assert get(base + "/api/stories/no-such-story")[0] == 404
    assert "Sitemap:" not in get(base + "/robots.txt")[2].decode()
