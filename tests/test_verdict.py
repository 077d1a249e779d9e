"""archiver.verdict: one saved wall page per vendor (archiver/sample/data/walls, origins in their
.json), pages that only look like walls, and the access label of paywalled articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extraction import extract_article
from archiver.verdict import PageKind, WallKind, find_wall, page_verdict
from archiver.verdict.walls import RULES

WALLS = Path(__file__).resolve().parent.parent / "archiver" / "sample" / "data" / "walls"

# saved page -> (kind, vendor) the verdict must give
EXPECTED = {
    "cloudflare": (WallKind.CHALLENGE, "cloudflare"),
    "cloudflare-turnstile": (WallKind.CHALLENGE, "cloudflare-turnstile"),
    "akamai": (WallKind.CHALLENGE, "akamai"),
    "perimeterx": (WallKind.CHALLENGE, "perimeterx"),
    "datadome": (WallKind.CHALLENGE, "datadome"),
    "imperva": (WallKind.CHALLENGE, "imperva"),
    "kasada": (WallKind.CHALLENGE, "kasada"),
    "aws-waf": (WallKind.CHALLENGE, "aws-waf"),
    "recaptcha": (WallKind.CHALLENGE, "recaptcha"),
    "hcaptcha": (WallKind.CHALLENGE, "hcaptcha"),
    "soft-404": (WallKind.SOFT_404, "site"),
    "consent-wall": (WallKind.CONSENT_WALL, "consent"),
}


def saved(name: str) -> tuple[int, dict[str, str], bytes]:
    meta = json.loads((WALLS / f"{name}.json").read_text(encoding="utf-8"))
    assert meta["origin"].count("http") >= 1, f"{name}.json must name its public source"
    return meta["status"], meta["headers"], (WALLS / f"{name}.html").read_bytes()


def test_every_saved_page_is_tested():
    assert {p.stem for p in WALLS.glob("*.html")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_vendor_wall(name):
    status, headers, body = saved(name)
    wall = find_wall(status, headers, body)
    assert wall is not None, name
    assert (wall.kind, wall.vendor) == EXPECTED[name]
    assert wall.source.startswith("https://")
    assert page_verdict(wall) == PageKind(EXPECTED[name][0].value)


@pytest.mark.parametrize("name", ["cloudflare", "datadome", "imperva", "kasada", "aws-waf", "akamai"])
def test_headers_alone_or_markup_alone_are_enough(name):
    """A wall answered with a bare body still has its headers, and a 200 copy still has its markup."""
    status, headers, body = saved(name)
    by_markup = find_wall(status, {}, body)
    by_headers = find_wall(status, headers, b"<html><body></body></html>")
    assert by_markup is not None or by_headers is not None
    if name in ("cloudflare", "aws-waf"):          # the vendors' documented headers
        assert by_headers is not None and by_headers.vendor == name


def test_every_rule_cites_a_public_source():
    assert all(rule.source.startswith("https://") for rule in RULES)


ARTICLE_WORDS = ("The harbour council voted on Tuesday to approve a new ferry route between the old docks "
                 "and the island, after months of debate about cost and noise. ") * 12


def article_page(extra_head: str = "", extra_body: str = "", title: str = "Council approves ferry route",
                 text: str = ARTICLE_WORDS) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{extra_head}</head>"
            f"<body><article><h1>{title}</h1><p>{text}</p>{extra_body}</article></body></html>")


@pytest.mark.parametrize("page", [
    # an article about captchas, quoting the walls' own words
    article_page(text=ARTICLE_WORDS + " Readers complained about a captcha saying 'Press and hold' and "
                 "'Just a moment' before every page, and about the Access Denied reference numbers."),
    # a comment form with hCaptcha and reCAPTCHA under a real article
    article_page(extra_head="<script src='https://js.hcaptcha.com/1/api.js'></script>"
                            "<script src='https://www.google.com/recaptcha/api.js'></script>",
                 extra_body="<form><div class='h-captcha' data-sitekey='x'></div><div class='g-recaptcha'></div></form>"),
    # Cloudflare's JavaScript Detections and Imperva's injected script on ordinary pages
    article_page(extra_head="<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script>"
                            "<script src='/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3'></script>"
                            "<script>window._pxAppId = 'PXabc';</script>"),
    # an article about a 404 error, and one with a consent banner
    article_page(title="Why the 404 page of the council site was not found by anyone",
                 extra_body="<div id='onetrust-consent-sdk'>We use cookies</div>"),
])
def test_articles_that_look_like_walls_are_articles(page):
    assert find_wall(200, {"content-type": "text/html"}, page) is None


def test_a_403_without_a_vendor_signature_is_no_wall():
    assert find_wall(403, {"server": "nginx"}, "<html><title>403 Forbidden</title><h1>403 Forbidden</h1></html>") is None


# --- access --------------------------------------------------------------------------------------

def paywalled(full: bool, box: bool = True, word_count: int | None = None) -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Council approves ferry route",
            "isAccessibleForFree": False,
            "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywalled"}}
    if word_count:
        node["wordCount"] = word_count
    teaser = "<p>The harbour council voted on Tuesday to approve a new ferry route.</p><p>It took months.</p>"
    rest = f"<div class='paywalled'><p>{ARTICLE_WORDS}</p></div>" if full else ""
    offer = ("<div class='piano-offer' id='piano-offer'><h2>Subscribe to continue reading</h2>"
             "<p>Already a subscriber? Sign in.</p><a href='/subscribe'>Subscribe now</a></div>") if box else ""
    return (f"<html><head><title>Council approves ferry route</title><script type='application/ld+json'>"
            f"{json.dumps(node)}</script><script src='https://cdn.tinypass.com/api/tinypass.min.js'></script></head>"
            f"<body><article><h1>Council approves ferry route</h1>{teaser}{rest}{offer}</article></body></html>")


def test_teaser_is_partial_and_the_subscribe_box_is_not_in_the_body():
    article = extract_article(paywalled(full=False), "http://127.0.0.1/news/a01")
    assert article.access == "partial"
    assert any("isAccessibleForFree=false" in e for e in article.access_evidence)
    assert any("'.paywalled': absent" in e for e in article.access_evidence)
    assert any("piano" in e for e in article.access_evidence)
    assert "Subscribe" not in (article.text or "") and "subscriber" not in (article.text or "")
    assert "ferry route" in article.text
    assert page_verdict(None, article.access) == PageKind.PARTIAL


def test_full_paywalled_text_is_subscriber():
    article = extract_article(paywalled(full=True, box=False), "http://127.0.0.1/news/a01")
    assert article.access == "subscriber"
    assert "months of debate" in article.text


def test_text_shorter_than_word_count_is_partial():
    page = article_page(extra_head="<script type='application/ld+json'>"
                        + json.dumps({"@type": "NewsArticle", "headline": "x", "wordCount": 2000}) + "</script>")
    article = extract_article(page, "http://127.0.0.1/news/a01")
    assert article.access == "partial"
    assert any("2000 words wordCount" in e for e in article.access_evidence)


def test_free_article_is_free_with_no_evidence():
    article = extract_article(article_page(), "http://127.0.0.1/news/a01")
    assert (article.access, article.access_evidence) == ("free", [])
    assert page_verdict(None, article.access) == PageKind.ARTICLE
    assert page_verdict(None, article.access, has_body=False) == PageKind.LISTING


def test_text_export_says_partial_and_free_stays_as_before():
    from archiver.textexport import article_to_text
    teaser = extract_article(paywalled(full=False), "http://127.0.0.1/news/a01")
    assert "\n\nAccess: partial (json-ld isAccessibleForFree=false; " in article_to_text(teaser)
    free = extract_article(article_page(), "http://127.0.0.1/news/a01")
    assert "Access:" not in article_to_text(free)
