"""The article item: what researchers count, search and cite.

A plain dataclass so itemadapter, Scrapy feed exports and offline code all
handle it alike. A field nobody could find stays None (or empty) and the
reason goes into ``extraction["warnings"]``; values are never invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    url: str                                   # the URL that was fetched
    original_url: str | None = None            # canonical, else og:url, else url
    outlet: str | None = None
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    byline: str | None = None                  # as printed, e.g. "By A, B and C"
    date_published: str | None = None          # ISO 8601, with UTC offset when the page gives one
    date_modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    description: str | None = None
    body: list[str] = field(default_factory=list)   # paragraphs, plain text
    text: str | None = None                         # the paragraphs joined by blank lines
    lead_image: dict[str, Any] | None = None        # {"url", "caption", "credit"}
    related: list[dict[str, Any]] = field(default_factory=list)  # {"title", "url", "position"}
    links: list[dict[str, Any]] = field(default_factory=list)    # inline body links {"text", "url", "paragraph"}
    captured_at: str | None = None             # WARC-Date of the record extracted from
    warc: dict[str, Any] | None = None         # {"filename", "record_id", "offset"}
    screenshot: str | None = None              # path of the PNG under the crawl folder
    version: int | None = None                 # 1, 2, ...: which version of the article this is (archiver.history)
    previous: dict[str, Any] | None = None     # the version before: {"version", "captured_at", "warc"}; None for 1
    access: str = "free"                       # free | partial (a teaser) | subscriber (archiver.verdict.access)
    access_evidence: list[str] = field(default_factory=list)   # what said so: JSON-LD, paywall markup, word counts
    extraction: dict[str, Any] = field(default_factory=lambda: {"sources": {}, "warnings": []})


# Fields that describe the crawl, not the page: they differ between a crawl
# and a later re-extraction from its WARC files (and so does extraction["records"],
# the records of the documents it was extracted from, between two crawls).
CRAWL_TIME_FIELDS = ("captured_at", "warc", "screenshot", "version", "previous")
