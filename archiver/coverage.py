"""Did we get everything the outlet published? Its own listings compared with the archive, per day.

The outlet's sitemaps and feeds say what it published (``listed`` in the
crawl state); the archive says what we hold (``articles``) and what we tried
(``frontier``, with failure reasons). Every listed article lands in exactly
one column: archived, failed (by reason) or never attempted (excluded by
--max-pages, --since, or an interrupted run). Fetched without a failure but
with no item under the listed URL (it redirected to another address, or
extraction raised) is failed with reason ``no-item``. Pure code over the
state's rows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from archiver.crawl.state import ListedArticle

URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
UNDATED = "undated"
NO_ITEM = "no-item"


@dataclass
class DayCoverage:
    day: str
    listed: int = 0
    archived: int = 0
    failed: dict[str, int] = field(default_factory=dict)     # reason -> articles
    not_attempted: int = 0
    missing: list[dict] = field(default_factory=list)        # {url, status}: failed or never attempted

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())


@dataclass
class Coverage:
    days: list[DayCoverage]

    def totals(self) -> DayCoverage:
        total = DayCoverage("total")
        for day in self.days:
            total.listed += day.listed
            total.archived += day.archived
            total.not_attempted += day.not_attempted
            for reason, count in day.failed.items():
                total.failed[reason] = total.failed.get(reason, 0) + count
        return total

    def counts(self) -> dict:
        """The totals as crawl.json carries them."""
        total = self.totals()
        return {"listed": total.listed, "archived": total.archived, "failed": dict(sorted(total.failed.items())),
                "not_attempted": total.not_attempted}

    def as_json(self, with_missing: bool = True) -> dict:
        days = []
        for day in self.days:
            row = asdict(day)
            if not with_missing:
                row.pop("missing")
            days.append(row)
        return {"totals": self.counts(), "days": days}


def publication_day(article: ListedArticle) -> str:
    """The article's own date if archived, else the date in its URL, else the listing's date."""
    if article.date_published and ISO_DAY.match(article.date_published):
        return article.date_published[:10]
    if match := URL_DATE.search(article.url):
        return "-".join(match.groups())
    if article.listed_date and ISO_DAY.match(article.listed_date):
        return article.listed_date[:10]
    return UNDATED


def coverage(articles: list[ListedArticle], since: str | None = None, until: str | None = None) -> Coverage:
    days: dict[str, DayCoverage] = {}
    for article in articles:
        day = publication_day(article)
        if day != UNDATED and ((since and day < since[:10]) or (until and day > until[:10])):
            continue
        row = days.setdefault(day, DayCoverage(day))
        row.listed += 1
        if article.archived:
            row.archived += 1
        elif article.failure or article.attempted:
            reason = article.failure or NO_ITEM
            row.failed[reason] = row.failed.get(reason, 0) + 1
            row.missing.append({"url": article.url, "status": reason})
        else:
            row.not_attempted += 1
            row.missing.append({"url": article.url, "status": "not-attempted"})
    for row in days.values():
        row.missing.sort(key=lambda m: m["url"])
    return Coverage(sorted(days.values(), key=lambda d: d.day))
