"""Per-page, per-field tests on real pages other people wrote (tests/real_corpus), web-poet style.

Every page asserts each field it has truth for, so a regression on one page fails its own test
instead of hiding in an average. Where we disagree with the published truth, the reasoned value in
disagreements.json is asserted instead; where our extractor is known to miss, known_misses.json
says so and the test is a strict xfail (fixing the page makes it fail until the entry is removed).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate_extraction as ev  # noqa: E402

from archiver.extraction import extract_article  # noqa: E402
from archiver.extraction.names import name_key  # noqa: E402

PAGES = {page.id: page for page in ev.load_real_corpus()}
OVERRIDES = ev.disagreements()
KNOWN_MISSES: dict[str, dict[str, str]] = json.loads(
    (ev.REAL_CORPUS / "known_misses.json").read_text(encoding="utf-8"))
FIELDS = ("title", "authors", "date_published", "body", "snippets")
MIN_BODY_F1 = 0.8


def _has_truth(truth: dict, key: str) -> bool:
    if key == "snippets":
        return bool(truth.get("must_contain") or truth.get("must_not_contain"))
    return truth.get(key) is not None


def _cases() -> list:
    cases = []
    for page_id, page in PAGES.items():
        truth = ev.adjudicated(page, OVERRIDES)
        for key in FIELDS:
            if not _has_truth(truth, key):
                continue
            miss = KNOWN_MISSES.get(page_id, {}).get(key)
            marks = [pytest.mark.xfail(strict=True, reason=miss)] if miss else []
            cases.append(pytest.param(page_id, key, id=f"{page_id}-{key}", marks=marks))
    return cases


@lru_cache(maxsize=None)
def _extract(page_id: str):
    page = PAGES[page_id]
    return extract_article(page.html(), page.url)


def test_corpus_size_sites_and_languages() -> None:
    assert len(PAGES) >= 300
    sites = {p.url.split("/")[2] if "fakehost" not in p.url else p.id for p in PAGES.values()}
    assert len(sites) >= 100
    assert len({p.language for p in PAGES.values()} - {"und"}) >= 5


def test_every_disagreement_has_a_reason() -> None:
    for page_id, fields in OVERRIDES.items():
        assert page_id in PAGES
        for key, entry in fields.items():
            assert key in FIELDS and len(entry["reason"]) > 20, (page_id, key)


@pytest.mark.parametrize("page_id, key", _cases())
def test_real_page_field(page_id: str, key: str) -> None:
    truth = ev.adjudicated(PAGES[page_id], OVERRIDES)
    article = _extract(page_id)
    if key == "title":
        assert ev._norm(article.title) == ev._norm(truth["title"])
    elif key == "authors":
        assert {name_key(n) for n in article.authors} == {name_key(n) for n in truth["authors"]}
    elif key == "date_published":
        assert (article.date_published or "")[:10] == truth["date_published"][:10]
    elif key == "body":
        assert ev.token_f1(truth["body"], article.text or "") >= MIN_BODY_F1
    else:
        assert ev.snippet_score(truth, article.text or "") == 1.0
