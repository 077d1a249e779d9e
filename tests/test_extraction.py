"""extract_article and its layers: names, dates, structured data, reconciliation, charsets."""

from __future__ import annotations

import pytest

from archiver.extraction import extract_article
from archiver.extraction.dates import parse_date
from archiver.extraction.document import decode_html
from archiver.extraction.names import normalize_authors, split_byline
from archiver.extraction.structured import loads_lenient

URL = "https://news.example.com/2025/01/12/story"
PARAS = "".join(f"<p>Paragraph number {i} has enough words in it to count as real article text.</p>" for i in range(5))


def page(head: str = "", body: str = "", lang: str = "en", charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}"><title>T</title>{head}</head>'
            f"<body><article><h1>Headline here</h1>{body}<div class='content'>{PARAS}</div></article></body></html>")


def ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


# -- names ---------------------------------------------------------------------------

@pytest.mark.parametrize("byline, names", [
    ("By AFP", ["AFP"]),
    ("By Jane Doe, John Roe and Max Mustermann", ["Jane Doe", "John Roe", "Max Mustermann"]),
    ("Von Anna Müller und Peter Schmidt", ["Anna Müller", "Peter Schmidt"]),
    ("Von Anna Müller, Berlin", ["Anna Müller"]),
    ("Por Juan Pérez y María López", ["Juan Pérez", "María López"]),
    ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
    ("Przez Jan Kowalski i Anna Nowak", ["Jan Kowalski", "Anna Nowak"]),
    ("Door Jan de Vries", ["Jan de Vries"]),
    ("Di Mario Rossi", ["Mario Rossi"]),
    ("By Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
    ("By Jane Doe, Reuters", ["Jane Doe"]),
    ("Anna Müller (dpa)", ["Anna Müller"]),
    ("(dpa)", ["dpa"]),
    ("dpa/AFP", ["dpa", "AFP"]),
    ("By Jane Doe and AFP", ["Jane Doe", "AFP"]),
    ("By JANE DOE, Staff Writer", ["Jane Doe"]),
    ("By HYUNG-JIN KIM Associated Press", ["Hyung-Jin Kim"]),
    ("Jane Doe Staff Writer", ["Jane Doe"]),
    ("By Jane Doe, Washington Correspondent", ["Jane Doe"]),
    ("Shaun Walker in Kyiv", ["Shaun Walker"]),
    ("By Jane Doe | Updated March 3, 2022 at 10:00 a.m.", ["Jane Doe"]),
    ("By Robert E. Lee and Jane Doe", ["Robert E. Lee", "Jane Doe"]),
    ("Jane Doe @janedoe jane@example.com", ["Jane Doe"]),
    ("新华社记者张三、李四", ["张三", "李四"]),
    ("（山田太郎）", ["山田太郎"]),
    ("By", []),
    ("By the end of the year", []),
    ("Staff", []),
])
def test_split_byline(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


def test_normalize_authors_dedupes_and_keeps_order() -> None:
    assert normalize_authors(["By Jane Doe", "jane doe", "John Roe", "https://x/author/z"]) == ["Jane Doe", "John Roe"]


# -- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, iso", [
    ("2025-01-12T10:05:00+03:00", "2025-01-12T10:05:00+03:00"),
    ("2025-01-12T07:05:00Z", "2025-01-12T07:05:00+00:00"),
    ("2025-01-12 10:05:00+0300", "2025-01-12T10:05:00+03:00"),
    ("2022-05-03T10:00:00.000+02:00", "2022-05-03T10:00:00+02:00"),
    ("2025-01-12", "2025-01-12"),
    ("3. Mai 2022", "2022-05-03"),
    ("3. Mai 2022, 14:30 Uhr", "2022-05-03T14:30:00"),
    ("12 de enero de 2025", "2025-01-12"),
    ("12 janvier 2025 à 10h05", "2025-01-12T10:05:00"),
    ("12.jan.2025 às 10h05", "2025-01-12T10:05:00"),
    ("12 stycznia 2025, 10:05", "2025-01-12T10:05:00"),
    ("2025年1月12日", "2025-01-12"),
    ("2025年1月12日 10時05分", "2025-01-12T10:05:00"),
    ("Sun, 12 Jan 2025 10:05:00 +0300", "2025-01-12T10:05:00+03:00"),
    ("January 12, 2025", "2025-01-12"),
    ("Jan. 12, 2025 10:05 a.m. EST", "2025-01-12T10:05:00-05:00"),
    ("Sun 12 Jan 2025 12.00 GMT", "2025-01-12T12:00:00+00:00"),
    ("12.01.2025", "2025-01-12"),
    ("vor 3 Stunden", None),
    ("", None),
])
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_numeric_dates_follow_the_page_language() -> None:
    assert parse_date("01/12/2025", language="en-US") == "2025-01-12"
    assert parse_date("01/12/2025", language="fr") == "2025-12-01"


# -- JSON-LD quirks --------------------------------------------------------------------

def test_lenient_json_survives_trailing_commas_and_raw_newlines() -> None:
    value = loads_lenient('{"a": "line\nbreak", "b": [1, 2,],}')
    assert value == {"a": "line\nbreak", "b": [1, 2]}


def test_jsonld_graph_with_author_references() -> None:
    graph = ('{"@context":"https://schema.org","@graph":[{"@type":"Article","headline":"Headline here",'
             '"author":[{"@id":"#p1"},{"@id":"#p2"}],"datePublished":"2025-01-12T10:00:00+01:00"},'
             '{"@type":"Person","@id":"#p1","name":"Ann Lee"},{"@type":"Person","@id":"#p2","name":"Bo Chan"}]}')
    article = extract_article(page(ld(graph)), URL)
    assert article.authors == ["Ann Lee", "Bo Chan"]
    assert article.extraction["sources"]["authors"] == "json-ld"
    assert article.date_published == "2025-01-12T10:00:00+01:00"


@pytest.mark.parametrize("author", ['"Ann Lee"', '{"@type":"Person","name":"Ann Lee"}', '[{"name":"Ann Lee"}]',
                                    '{"@type":"Person","givenName":"Ann","familyName":"Lee"}'])
def test_jsonld_author_shapes(author: str) -> None:
    article = extract_article(page(ld(f'{{"@type":"NewsArticle","author":{author}}}')), URL)
    assert article.authors == ["Ann Lee"]


def test_broken_jsonld_is_still_read() -> None:
    broken = '{"@type": "NewsArticle", "headline": "Headline here",\n"author": {"name": "Ann Lee"},}'
    assert extract_article(page(ld(broken)), URL).authors == ["Ann Lee"]


def test_organization_author_named_like_the_site_is_dropped() -> None:
    head = ('<meta property="og:site_name" content="Example News">'
            + ld('{"@type":"NewsArticle","author":{"@type":"Organization","name":"Example News"}}'))
    article = extract_article(page(head), URL)
    assert article.authors == []
    assert "no authors found" in article.extraction["warnings"]


# -- reconciliation ---------------------------------------------------------------------

def test_printed_byline_beats_shorter_jsonld_list() -> None:
    head = ld('{"@type":"NewsArticle","author":{"@type":"Person","name":"Lena Hoffmann"}}')
    body = '<div class="byline">By Lena Hoffmann, Carlos Mendes and Aiko Tanaka</div>'
    article = extract_article(page(head, body), URL)
    assert article.authors == ["Lena Hoffmann", "Carlos Mendes", "Aiko Tanaka"]
    assert article.byline == "By Lena Hoffmann, Carlos Mendes and Aiko Tanaka"


def test_jsonld_wins_when_printed_byline_disagrees() -> None:
    head = ld('{"@type":"NewsArticle","author":{"@type":"Person","name":"Lena Hoffmann"}}')
    article = extract_article(page(head, '<div class="byline">By Someone Else</div>'), URL)
    assert article.authors == ["Lena Hoffmann"]


def test_date_published_beats_meta_carrying_the_modified_time() -> None:
    head = ('<meta property="article:published_time" content="2025-01-12T18:40:00+00:00">'
            '<meta property="article:modified_time" content="2025-01-12T18:40:00+00:00">'
            + ld('{"@type":"NewsArticle","datePublished":"2025-01-11T07:15:00+00:00",'
                 '"dateModified":"2025-01-12T18:40:00+00:00"}'))
    article = extract_article(page(head), URL)
    assert article.date_published == "2025-01-11T07:15:00+00:00"
    assert article.date_modified == "2025-01-12T18:40:00+00:00"


def test_meta_date_later_than_printed_date_is_the_update() -> None:
    head = '<meta name="date" content="2025-01-12T09:41:00+01:00">'
    article = extract_article(page(head, '<time>10.01.2025, 06:00</time>', lang="de"), URL)
    assert article.date_published == "2025-01-10T06:00:00"


def test_time_with_offset_beats_bare_date_on_same_day() -> None:
    head = (ld('{"@type":"NewsArticle","datePublished":"2025-01-12"}')
            + '<meta property="article:published_time" content="2025-01-12T21:30:00+09:00">')
    assert extract_article(page(head), URL).date_published == "2025-01-12T21:30:00+09:00"


def test_original_url_prefers_canonical_then_og_url() -> None:
    both = '<link rel="canonical" href="/canonical"><meta property="og:url" content="https://x.example/og">'
    assert extract_article(page(both), URL).original_url == "https://news.example.com/canonical"
    og = '<meta property="og:url" content="https://x.example/og">'
    assert extract_article(page(og), URL).original_url == "https://x.example/og"
    assert extract_article(page(), URL).original_url == URL


def test_missing_fields_stay_empty_with_warnings() -> None:
    article = extract_article("<html><body><p>Hi</p></body></html>", "https://news.example.com/story")
    assert article.authors == [] and article.date_published is None
    assert "no date_published found" in article.extraction["warnings"]


def test_selectors_come_first_and_build_related_and_links() -> None:
    body = ('<div class="story"><p>First with a <a href="/a">link</a>.</p><aside class="rel"><a href="/r">'
            '<h3>Related title</h3></a></aside><p>Second.</p><figure><figcaption>Caption</figcaption></figure>'
            '<div class="newsletter"><p>Sign up</p></div></div><div class="by">By Ann Lee and Bo Chan</div>')
    selectors = {"body": "div.story", "related": "div.story aside.rel", "byline": "div.by", "title": "h1"}
    article = extract_article(page(ld('{"@type":"NewsArticle","author":"Zed"}'), body), URL, selectors=selectors)
    assert article.body == ["First with a link.", "Second."]
    assert article.related == [{"title": "Related title", "url": "https://news.example.com/r", "position": 1}]
    assert article.links == [{"text": "link", "url": "https://news.example.com/a", "paragraph": 0}]
    assert article.authors == ["Ann Lee", "Bo Chan"]
    assert article.extraction["sources"]["authors"] == "selectors"


def test_date_from_url_via_htmldate_when_the_page_has_none() -> None:
    article = extract_article("<html><body><p>Hi</p></body></html>", URL)
    assert article.date_published == "2025-01-12"
    assert article.extraction["sources"]["date_published"] == "htmldate"


def test_language_from_html_lang() -> None:
    assert extract_article(page(lang="de_DE"), URL).language == "de-DE"


# -- charsets and broken HTML -------------------------------------------------------------

def test_cp1251_page_declared_in_meta() -> None:
    html = page(body='<div class="byline">Интерфакс</div>', charset="windows-1251").replace("Headline here", "Москва")
    article = extract_article(html.encode("cp1251"), URL)
    assert article.title == "Москва"


def test_shift_jis_page() -> None:
    html = page(charset="shift_jis").replace("Headline here", "港のフェリー")
    assert extract_article(html.encode("cp932"), URL).title == "港のフェリー"


def test_utf8_page_declaring_latin1() -> None:
    html = page(charset="iso-8859-1").replace("Headline here", "Müller’s Fähre")
    assert extract_article(html.encode("utf-8"), URL).title == "Müller’s Fähre"


def test_utf8_declared_but_cp1252_bytes() -> None:
    data = page().replace("Headline here", "Café Überfahrt").encode("cp1252")
    assert decode_html(data).text.count("Café Überfahrt") == 1


def test_explicit_encoding_argument_wins_over_meta() -> None:
    data = page(charset="utf-8").replace("Headline here", "Москва").encode("cp1251")
    assert extract_article(data, URL, encoding="cp1251").title == "Москва"


def test_truncated_and_empty_html() -> None:
    html = page(body='<div class="byline">By Ann Lee</div>').encode()[:-200]
    assert extract_article(html, URL).authors == ["Ann Lee"]
    empty = extract_article(b"", URL)
    assert empty.title is None and empty.extraction["warnings"]


def test_byline_printed_as_first_body_paragraph_leaves_the_body() -> None:
    body = ('<div itemprop="articleBody"><p>By Jane Doe and Tom Lee, Staff Writers</p>'
            '<p>First real paragraph with a <a href="/x">link</a>.</p><p>Second.</p></div>')
    article = extract_article(page(body=body), URL)
    assert article.body[0] == "First real paragraph with a link."
    assert article.links[0]["paragraph"] == 0
    assert article.authors == ["Jane Doe", "Tom Lee"]
