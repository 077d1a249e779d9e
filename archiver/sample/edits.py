"""A sample outlet that edits its articles: the second edition the history tests and the demo look for.

With edits on (``archiver serve-sample --edits``, ``serve_sample(edits=True)``)
the outlets are served live by default: every date moves by the same amount so
the newest date (published or modified) is two hours ago, which puts the
articles inside the re-visit schedule (the schedule tests need young articles).
``Edition(live=False)`` (``archiver demo``) serves the real dates instead: the
pages state only the dates they were published with. :meth:`Edition.publish`
then changes harbourgazette the way newsrooms do after publication. Each edit
says whether it must count as a new version: the whitespace-only one must not.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from archiver.sample.store import Article

LIVE_AGE = timedelta(hours=2)       # age of the newest article when edits are on


@dataclass(frozen=True)
class Edit:
    outlet: str
    article_id: int
    kind: str                       # headline | paragraph | correction | byline | whitespace
    counts: bool                    # a new version (the whitespace-only change is not)
    change: Callable[[Article, datetime], None]


def _headline(a: Article, when: datetime) -> None:
    a["title"] = "Harbour Bridge Lanes to Close Until September as Repairs Begin"


def _paragraph(a: Article, when: datetime) -> None:
    a["body"].insert(2, "Two councillors voted against the budget, saying the increase falls hardest "
                        "on seniors living on fixed incomes.")


def _correction(a: Article, when: datetime) -> None:
    a["body"].append("Correction: An earlier version of this story misstated the bakery's opening hours. "
                     "It opens at 7 a.m., not 6 a.m.")
    offset = datetime.fromisoformat(a["date_modified"]).utcoffset() or timedelta(0)
    a["date_modified"] = when.astimezone(timezone(offset)).replace(microsecond=0).isoformat()


def _byline(a: Article, when: datetime) -> None:
    a["byline"], a["authors"] = "By Owen Grant, Staff Writer", ["Owen Grant"]
    a["layout"] = {**a["layout"], "byline_style": "p", "meta_author": True}


def _whitespace(a: Article, when: datetime) -> None:
    a["body"] = [paragraph.replace(" ", "  ", 3) + " " for paragraph in a["body"]]


EDITS: tuple[Edit, ...] = (
    Edit("harbourgazette", 4812, "headline", True, _headline),
    Edit("harbourgazette", 4773, "paragraph", True, _paragraph),
    Edit("harbourgazette", 4762, "correction", True, _correction),
    Edit("harbourgazette", 4801, "byline", True, _byline),
    Edit("harbourgazette", 4757, "whitespace", False, _whitespace),
)


def _shift(value: str, by: timedelta) -> str:
    if "T" not in value:            # a bare date stays a bare date
        return (datetime.fromisoformat(value) + by).date().isoformat()
    return (datetime.fromisoformat(value) + by).isoformat()


def _long(value: str) -> str:
    moment = datetime.fromisoformat(value if "T" in value else value + "T00:00:00")
    return f"{moment:%B} {moment.day}, {moment.year}"


class Edition:
    """Which edition the outlets serve: 0 as published, 1 once :meth:`publish` is called.

    *live* moves every date so the newest is two hours old; without it the real dates are served.
    """

    def __init__(self, now: datetime | None = None, live: bool = True) -> None:
        self.started = now or datetime.now(timezone.utc)
        self.live = live
        self.generation = 0
        self.published_at: datetime | None = None
        self._lock = threading.Lock()

    def publish(self) -> tuple[Edit, ...]:
        """Apply the edits from now on; returns them."""
        with self._lock:
            if self.generation == 0:
                self.generation, self.published_at = 1, datetime.now(timezone.utc)
        return EDITS

    def serve(self, outlet: str, articles: list[Article]) -> list[Article]:
        """The articles as this edition serves them: live dates if asked, and the edits once published."""
        if not articles:
            return articles
        by = self._live_shift(articles) if self.live else timedelta(0)
        served = []
        for original in articles:
            a = copy.deepcopy(original)
            if by:
                for name in ("date_published", "date_modified"):
                    a[name] = _shift(original[name], by)
            if by and a.get("layout", {}).get("date_text"):
                text = a["layout"]["date_text"].replace(_long(original["date_published"]),
                                                        _long(a["date_published"]))
                a["layout"] = {**a["layout"], "date_text": text}
            if self.generation and self.published_at is not None:
                for edit in EDITS:
                    if edit.outlet == outlet and edit.article_id == a["id"]:
                        edit.change(a, self.published_at)
            served.append(a)
        return served

    def _live_shift(self, articles: list[Article]) -> timedelta:
        """How far to move every date so the newest is LIVE_AGE old."""
        newest = max(datetime.fromisoformat(a[name]) for a in articles
                     for name in ("date_published", "date_modified") if "T" in a[name])
        return timedelta(seconds=round((self.started - LIVE_AGE - newest).total_seconds()))


def edited_paths(outlet: str, articles: list[Article]) -> dict[str, Edit]:
    """Article path -> its edit, for tests and the demo."""
    by_id = {a["id"]: a["url"] for a in articles}
    return {by_id[e.article_id]: e for e in EDITS if e.outlet == outlet and e.article_id in by_id}


__all__ = ["EDITS", "Edit", "Edition", "edited_paths"]
