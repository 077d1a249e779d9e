"""extract_article on the bundled sample Moscow Times outlet, page by page.

The sample outlet renders its pages from the MT templates and its article
records are the expected values; the seed article must export byte for byte.
"""

from __future__ import annotations

from email.message import Message
from pathlib import Path

import pytest

from archiver.extraction import extract_article
from archiver.outlets import load_profiles
from archiver.sample import site as sample_site, store as sample_store, themoscowtimes as sample_mt
from archiver.textexport import article_to_text

MOSCOW_TIMES_SELECTORS = load_profiles()["themoscowtimes"].selectors

SEED = Path(__file__).parent / "sample_data" / "seed_article.txt"   # a copy of the shared seed export
BASE = "http://127.0.0.1:8081"
ARTICLES = sample_store.load_articles("themoscowtimes")


def render(record: dict) -> bytes:
    outlet = sample_mt.TheMoscowTimes(sample_store.ArticleStore("themoscowtimes"))
    response = outlet.article(sample_site.Request(record["url"], {}, Message(), BASE))
    assert response is not None and response.status == 200
    return response.body


@pytest.mark.parametrize("record", ARTICLES, ids=[str(a["id"]) for a in ARTICLES])
def test_sample_article_fields(record: dict) -> None:
    article = extract_article(render(record), BASE + record["url"], outlet="themoscowtimes",
                              selectors=MOSCOW_TIMES_SELECTORS)
    for name in ("title", "authors", "byline", "date_published", "section", "tags", "original_url", "body"):
        assert getattr(article, name) == record[name], name
    assert (article.subtitle or "") == record["subtitle"]
    assert (article.lead_image["caption"] or "", article.lead_image["credit"] or "") == (
        record["lead_image"]["caption"], record["lead_image"]["credit"])
    assert [(r["title"], r["position"]) for r in article.related] == [
        (r["title"], p) for r, p in zip(record["related"], record["layout"]["related_after"])]
    assert [(link["paragraph"], link["text"]) for link in article.links] == [
        (link["paragraph"], link["text"]) for link in record["layout"]["links"]]
    if "expected" in record:
        assert article_to_text(article) == record["expected"]


def test_seed_export_from_sample_page() -> None:
    seed = SEED.read_text(encoding="utf-8")
    url = seed.rsplit("\n\n", 1)[1].strip("<>")
    record = next(a for a in ARTICLES if a["original_url"] == url)
    article = extract_article(render(record), BASE + record["url"], selectors=MOSCOW_TIMES_SELECTORS)
    assert article_to_text(article) == seed


@pytest.mark.parametrize("record", ARTICLES, ids=[str(a["id"]) for a in ARTICLES])
def test_sample_article_without_profile(record: dict) -> None:
    """The generic layers alone still find title, authors and date on MT pages."""
    article = extract_article(render(record), BASE + record["url"])
    assert article.title == record["title"]
    assert article.authors == record["authors"]
    assert article.date_published == record["date_published"]
