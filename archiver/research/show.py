"""One archived article: its text export and its capture-time screenshot, both out of the WARC."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.items import Article
from archiver.research.extract import SCREENSHOT_PREFIX, extract_items
from archiver.research.archive import Archive
from archiver.recording.reader import read_record
from archiver.textexport import article_to_text


@dataclass
class ArchivedArticle:
    article: Article
    text: str                   # the seed-format text export
    screenshot: bytes | None    # PNG of the urn:fullPage record, when the page was rendered


def find_article(url: str, paths: list[Path]) -> ArchivedArticle:
    """The article captured at *url* (fetched or canonical URL); LookupError when it is not archived."""
    wanted = url.rstrip("/")
    for article in extract_items(paths):
        if wanted in {(article.url or "").rstrip("/"), (article.original_url or "").rstrip("/")}:
            return ArchivedArticle(article, article_to_text(article), _screenshot(article.url, paths))
    raise LookupError(f"no archived article for {url} in {', '.join(map(str, paths))}; "
                      "`archiver ls PATH --type metadata` lists the archived articles")


def _screenshot(url: str, paths: list[Path]) -> bytes | None:
    shots = [r for r in Archive.load(paths, follow_revisits=False).records
             if r.type == "resource" and r.uri == SCREENSHOT_PREFIX + url]
    return read_record(shots[-1]) if shots else None
