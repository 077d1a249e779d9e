"""Readable file names: date, words, hash; stable across runs, safe everywhere, never colliding."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from archiver.filenames import SLUG_MAX, article_filename, readable_name, screenshot_filename
from archiver.items import Article

NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}|undated)-[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{10}\.(txt|png)$")
MT_URL = "https://www.themoscowtimes.com/2025/01/12/kremlin-signs-new-media-law-a87001"


def test_article_name_has_date_url_words_and_hash():
    article = Article(url=MT_URL + "?utm_source=x", original_url=MT_URL, title="Kremlin Signs a New Law",
                      date_published="2025-01-12T01:00:00+03:00")
    name = article_filename(article)
    assert name.startswith("2025-01-12-kremlin-signs-new-media-law-a87001-") and name.endswith(".txt")
    assert NAME.match(name)


def test_title_gives_the_words_when_the_url_has_none():
    article = Article(url="https://news.example/?p=12345", title="Пожар в порту: «всё сгорело»",
                      date_published="2024-03-05")
    assert article_filename(article).startswith("2024-03-05-pozhar-v-portu-vse-sgorelo-")


def test_no_date_is_undated_never_invented():
    article = Article(url="https://news.example/section/storm-hits-harbour.html")
    assert article_filename(article).startswith("undated-storm-hits-harbour-")


def test_screenshot_uses_the_day_it_was_taken_and_matches_its_warc_date():
    taken = datetime(2026, 11, 30, 21, 5, tzinfo=timezone.utc)
    name = screenshot_filename(MT_URL, taken)
    assert name.startswith("2026-11-30-kremlin-signs-new-media-law-a87001-") and name.endswith(".png")
    assert screenshot_filename(MT_URL, "2026-11-30T21:05:00Z") == name   # as research/extract derives it


@pytest.mark.parametrize("url,title", [
    ("https://example.com/../../etc/passwd", "../" * 400),
    ("https://example.com/" + "a" * 5000, None),
    ("http://example.com/CON/aux/nul?x=<>:\"|?*\\", "CON"),
    ("http://example.com/%2e%2e/%2e%2e/etc/passwd", None),
    ("http://example.com/\u202eevil\u0000name", "\u202e\u0000"),
    ("", ""),
    ("https://example.com/" + "слово-" * 200, None),
])
def test_names_are_safe_on_every_file_system(url, title):
    name = readable_name(url, day="2025-01-12", title=title, ext="txt")
    assert NAME.match(name), name
    slug = name[len("2025-01-12-"):-len("-0123456789.txt")]
    assert 0 < len(slug) <= SLUG_MAX
    assert len(name.encode()) <= 110


def test_stable_across_runs():
    """The same inputs give the same name in another interpreter (no per-process salt, no clock)."""
    article = Article(url=MT_URL, title="Kremlin", date_published="2025-01-12")
    code = ("from archiver.filenames import article_filename; from archiver.items import Article; "
            f"print(article_filename(Article(url={MT_URL!r}, title='Kremlin', date_published='2025-01-12')))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert other == article_filename(article)


def test_never_collide_however_alike_the_articles():
    """20,000 articles with one title, one date and URLs differing only in an id: 20,000 names."""
    names = {article_filename(Article(url=f"https://news.example/2025/01/12/storm-{i}?ref=home",
                                      original_url=f"https://news.example/2025/01/12/storm-{i}",
                                      title="Storm", date_published="2025-01-12"))
             for i in range(20_000)}
    same_slug = {readable_name(f"https://news.example/story?id={i}", day="2025-01-12", title="Storm", ext="txt")
                 for i in range(20_000)}
    assert len(names) == 20_000 and len(same_slug) == 20_000
