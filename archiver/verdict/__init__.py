"""What a fetched page is, before anything is made of it: an article, a listing, a wall
(challenge, soft-404, consent wall) or a partial (paywalled) text.

``find_wall`` reads the status, headers and markup (``archiver.verdict.walls``, one rule per
vendor, each citing its source); ``assess_access`` labels an extracted article ``free``,
``partial`` or ``subscriber`` (``archiver.verdict.access``); ``page_verdict`` puts the two
together. Pure code: the spider and the capture layer call it, it calls neither.
"""

from __future__ import annotations

from enum import StrEnum

from archiver import settings as defaults

from archiver.verdict.access import Access, AccessFinding, assess_access
from archiver.verdict.walls import RULES, Wall, WallKind, find_wall, normalize_headers


class PageKind(StrEnum):
    ARTICLE = "article"
    LISTING = "listing"
    CHALLENGE = "challenge"
    SOFT_404 = "soft-404"
    CONSENT_WALL = "consent-wall"
    PARTIAL = "partial"


def page_verdict(wall: Wall | None, access: str | None = None, has_body: bool = True) -> PageKind:
    """One word for a page: its wall if it is one, else partial, article or listing."""
    if wall is not None:
        return PageKind(wall.kind.value)
    if access == Access.PARTIAL:
        return PageKind.PARTIAL
    return PageKind.ARTICLE if has_body else PageKind.LISTING


def reads_as_article(title: str | None, body: list[str], date_published: str | None, authors: list[str],
                     min_words: int = defaults.ARCHIVER_ARTICLE_MIN_WORDS) -> bool:
    """A page whose URL does not say: an article has a title, a dated or signed body of some length."""
    return bool(title) and len(" ".join(body).split()) >= min_words and bool(date_published or authors)


__all__ = ["reads_as_article", "Access", "AccessFinding", "PageKind", "RULES", "Wall", "WallKind", "assess_access", "find_wall",
           "normalize_headers", "page_verdict"]
