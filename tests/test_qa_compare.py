"""The QA comparisons and the diagnosis, on images and replays made here (no browser)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from archiver.qa.compare import article_check, screenshot_match, text_match
from archiver.qa.diagnose import diagnose
from archiver.qa.replayer import Replay, ReplayedRequest
from archiver.qa.results import PageResult, Thresholds, terminal_lines


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_screenshot_match_is_the_share_of_matching_pixels():
    page = Image.new("RGB", (200, 100), "white")
    changed = page.copy()
    ImageDraw.Draw(changed).rectangle((0, 0, 49, 99), fill="red")         # a quarter of the page
    assert screenshot_match(png(page), png(page)).score == 1.0
    match = screenshot_match(png(page), png(changed))
    assert match.score == 0.75 and match.size == (200, 100)
    assert Image.open(io.BytesIO(match.diff_png())).size == (200, 100)


def test_screenshot_match_counts_what_the_replay_does_not_cover():
    page = Image.new("RGB", (200, 100), "white")
    assert screenshot_match(png(page), png(page.crop((0, 0, 200, 50)))).score == 0.5
    assert screenshot_match(png(page), png(Image.new("RGB", (200, 300), "white"))).score == 1.0


def test_text_match_and_article_check():
    assert text_match("A  ferry\nroute", "A ferry route") == 1.0
    assert 0.5 < text_match("A ferry route", "A ferry rout") < 1.0
    assert article_check(["A ferry route.", "Night noise."], "Headline A ferry route. More") == (0.5, ["Night noise."])
    assert article_check([], "anything") == (1.0, [])


def replay(**kwargs) -> Replay:
    return Replay(url="http://o.test/a", replay_url="http://r/a", viewport_height=900, **kwargs)


def test_diagnosis_of_each_fault():
    archived = {"http://o.test/a", "http://o.test/widget?r=abc", "http://o.test/photo.png"}
    found = diagnose(replay(
        requests=[ReplayedRequest("http://o.test/widget?r=xyz", "GET", "script", "load", 404),
                  ReplayedRequest("http://o.test/more.png", "GET", "image", "interaction", 404),
                  ReplayedRequest("http://o.test/next", "GET", "fetch", "interaction", 404),
                  ReplayedRequest("http://o.test/vote", "POST", "xhr", "load", 404),
                  ReplayedRequest("http://o.test/gone.css", "GET", "stylesheet", "load", 404),
                  ReplayedRequest("http://o.test/photo.png", "GET", "image", "load", 200)],
        overlays=[{"id": "cmp", "cls": "", "text": "We use cookies", "share": 1.0}],
        missing_images=[{"src": "http://o.test/late.png", "top": 4000, "lazy": True, "loaded": False}],
        service_workers=["/sw.js"], escaped=["https://tracker.test/p"]),
        "Headline and the article body", archived, [("xhr", "http://o.test/news/6")])
    assert [f.code for f in found] == ["overlay", "query-mismatch", "lazy-image", "lazy-image", "after-interaction",
                                       "capture-interaction", "post", "service-worker", "not-archived", "escaped"]


def test_overlay_the_capture_showed_too_is_not_a_fault():
    found = diagnose(replay(overlays=[{"id": "bar", "cls": "", "text": "Breaking news", "share": 0.4}]),
                     "Breaking news and the rest", set())
    assert found == []


def test_terminal_lists_failing_pages_first_within_80_columns():
    results = [PageResult(url="http://o.test/ok", ts="", crawl="c", kind="article", screenshot=1.0, text=1.0,
                          article=1.0),
               PageResult(url="http://o.test/" + "very-long-slug-" * 8, ts="", crawl="c", kind="article",
                          screenshot=0.5, text=0.9, article=1.0,
                          diagnosis=[{"code": "capture-interaction", "detail": ""}, {"code": "post", "detail": ""}])]
    for result in results:
        result.judge(Thresholds())
    lines = terminal_lines(results)
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].startswith("0.50  0.50  0.90  1.00  capture-interacti+1 ")
    assert lines[2].endswith("o.test/ok")
