"""The names of the files a crawl writes for people: ``<YYYY-MM-DD>-<slug>-<hash>.<ext>``.

Readers find an article in ``articles/`` or ``screenshots/`` by date and words;
the hash of the URL keeps two names apart however alike their dates and slugs.

- The slug comes from the URL's last wordy path segment (a headline edited
  after publication does not rename the file), else from the title; it is
  transliterated to lower-case ASCII letters, digits and hyphens, at most 80
  characters: safe on every file system, case-insensitive ones included.
- The date of an article export is its publication date as the page gave it
  (``undated`` when the page gives none; never a guessed one). The date of a
  screenshot is the day it was taken: it shows the page as it was that day.
- Names are functions of the archived data only, so a crawl and a later
  re-extraction from its WARC files (``archiver extract``) agree.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

from slugify import slugify

from archiver.items import Article

SLUG_MAX = 80
HASH_HEX = 10                 # 40 bits of sha1: unique within any archive a person browses
UNDATED = "undated"
# Path segments that name a page type, not its subject.
GENERIC_SEGMENTS = {"index", "amp", "print", "article", "articles", "story", "news", "default", "page"}
PAGE_SUFFIX = re.compile(r"\.(s?html?|php|aspx?|jsp|cms)$", re.I)


def readable_name(url: str, *, day: str | None, title: str | None = None, ext: str) -> str:
    """``<day or "undated">-<slug>-<hash of url>.<ext>``; *day* is anything starting YYYY-MM-DD."""
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:HASH_HEX]
    slug = url_slug(url) or slugify(title or "", max_length=SLUG_MAX, word_boundary=True) or "page"
    return f"{_day(day)}-{slug}-{digest}.{ext}"


def article_filename(article: Article, ext: str = "txt") -> str:
    """An article's export name: its publication date, its canonical URL (tracking parameters aside)."""
    return readable_name(article.original_url or article.url or "", day=article.date_published,
                         title=article.title, ext=ext)


def screenshot_filename(url: str, taken: datetime | str) -> str:
    """A page's screenshot name: the day it was taken (a datetime, or a WARC-Date)."""
    day = taken.isoformat() if isinstance(taken, datetime) else taken
    return readable_name(url, day=day, ext="png")


def url_slug(url: str) -> str:
    """The slug of the URL's last path segment that has words in it ('' if none has)."""
    for segment in reversed(urlsplit(url).path.split("/")):
        words = slugify(PAGE_SUFFIX.sub("", unquote(segment)), max_length=SLUG_MAX, word_boundary=True)
        if re.search(r"[a-z]{3,}", words) and words not in GENERIC_SEGMENTS:
            return words
    return ""


def _day(value: str | None) -> str:
    try:
        return date.fromisoformat((value or "")[:10]).isoformat()
    except ValueError:
        return UNDATED
