"""The seed text format: byte-identical round trip and the rules for missing parts."""

from __future__ import annotations

import pathlib

from archiver.extraction import extract_article
from archiver.outlets import load_profiles
from archiver.items import Article
from archiver.textexport import article_to_text, format_date

MOSCOW_TIMES_SELECTORS = load_profiles()["themoscowtimes"].selectors

SEED = pathlib.Path(__file__).parent / "sample_data" / "seed_article.txt"   # a copy of the shared seed export
MT_FIXTURE = pathlib.Path(__file__).parent / "extraction_corpus" / "moscowtimes_seed"


def _seed_page() -> tuple[bytes, str]:
    return (MT_FIXTURE / "page.html").read_bytes(), (MT_FIXTURE / "url.txt").read_text().strip()


def test_seed_round_trip_from_mt_fixture() -> None:
    html, url = _seed_page()
    article = extract_article(html, url, outlet="themoscowtimes", selectors=MOSCOW_TIMES_SELECTORS)
    assert article_to_text(article) == SEED.read_text(encoding="utf-8")


def _article(**kwargs) -> Article:
    base = dict(url="https://example.com/a", title="Title", authors=["Jane Doe"],
                date_published="2025-01-12T10:00:00+03:00", body=["One.", "Two."])
    base.update(kwargs)
    return Article(**base)


def test_several_authors_share_one_byline_line() -> None:
    text = article_to_text(_article(authors=["A One", "B Two", "C Three"]))
    assert "\n\nBy [A One](#), [B Two](#) and [C Three](#)\n\n" in text


def test_missing_date_image_and_authors_are_omitted() -> None:
    text = article_to_text(_article(authors=[], date_published=None, lead_image=None))
    assert text == "\n\nTitle\n\nOne.\n\nTwo.\n\nOriginal url:\n\n<https://example.com/a>"


def test_caption_and_credit_share_one_line() -> None:
    text = article_to_text(_article(lead_image={"url": "x.jpg", "caption": "Kyiv at night.", "credit": "AFP"}))
    assert "January 12, 2025\n\n\n\nKyiv at night. AFP\n\nOne." in text


def test_image_without_caption_leaves_only_the_empty_block() -> None:
    text = article_to_text(_article(lead_image={"url": "x.jpg", "caption": None, "credit": None}))
    assert "January 12, 2025\n\n\n\nOne." in text


def test_links_and_related_positions() -> None:
    article = _article(body=["See the report here.", "Two."],
                       links=[{"text": "report", "url": "https://x", "paragraph": 0}],
                       related=[{"title": "Before", "url": "u", "position": 0},
                                {"title": "Middle", "url": "u", "position": 1},
                                {"title": "After", "url": "u", "position": 2}])
    text = article_to_text(article)
    assert ("Related article: [Before](#)\n\nSee the [report](#) here.\n\nRelated article: [Middle](#)"
            "\n\nTwo.\n\nRelated article: [After](#)\n\nOriginal url:") in text
    assert not text.endswith("\n")


def test_date_keeps_the_pages_local_day() -> None:
    assert format_date("2025-01-12T01:00:00+09:00") == "January 12, 2025"
    assert format_date("2022-05-03") == "May 3, 2022"
