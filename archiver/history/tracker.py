"""The crawl's side of article history: which known articles to look at again, and which captures are versions.

The spider asks :meth:`HistoryTracker.plan` before it schedules an article
and hands every extracted article to :meth:`HistoryTracker.observe`; the
tracker keeps the ``checks`` and ``versions`` tables of the crawl state.

A known article is fetched again when a listing shows a newer date (as before)
or when it is due on the re-visit schedule (always, with ``--revisit``). The
request is conditional: the validators of its last 200 go back as
If-None-Match / If-Modified-Since, and a 304 is recorded as a server-not-modified
revisit (``archiver.capture.fetch``). Re-visits are plain fetches, never
rendered: the browser cannot be asked for a conditional top document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector

from archiver.history.schedule import RevisitSchedule
from archiver.history.versions import Snapshot, Verdict, Version, judge
from archiver.recording import WarcLocation
from archiver.crawl.state import CrawlState

STATS = "archiver/history/"


def validators_of(headers: Any) -> dict[str, str]:
    """ETag and Last-Modified of a response (Scrapy ``Headers``), to send back on the next look."""
    found = {}
    for name in ("etag", "last-modified"):
        value = headers.get(name)
        if value:
            found[name] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return found


@dataclass(frozen=True)
class Visit:
    """How to fetch an article: plainly (new) or as a re-check, conditional when validators are known."""

    recheck: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    confirms: dict[str, str] | None = None     # the capture a 304 confirms


@dataclass
class HistoryTracker:
    state: CrawlState
    crawl_id: str
    schedule: RevisitSchedule
    stats: StatsCollector
    revisit_all: bool = False
    conditional: bool = True
    flip_limit: int = 2

    @classmethod
    def from_settings(cls, settings: BaseSettings, state: CrawlState, crawl_id: str,
                      stats: StatsCollector) -> "HistoryTracker":
        return cls(state, crawl_id, RevisitSchedule.parse(settings.get("ARCHIVER_REVISIT_SCHEDULE") or ""), stats,
                   revisit_all=settings.getbool("ARCHIVER_REVISIT_ALL"),
                   conditional=settings.getbool("ARCHIVER_CONDITIONAL_REQUESTS"),
                   flip_limit=settings.getint("ARCHIVER_VERSION_FLIP_LIMIT"))

    # --- re-visits ----------------------------------------------------------------
    def plan(self, url: str, listed_date: str | None, now: datetime | None = None) -> Visit | None:
        """A Visit for a new or due article; None for a known one that is not due."""
        known = self.state.known_article(url)
        if known is None:
            return Visit()
        now = now or datetime.now(timezone.utc)
        born, checked = known.born(), known.last_checked()
        due = born is not None and checked is not None and self.schedule.is_due(
            born, checked, now, force=self.revisit_all)
        if not due and self.state.is_unchanged(url, listed_date):
            return None
        self.stats.inc_value(STATS + "rechecks")
        headers: dict[str, str] = {}
        if self.conditional and known.confirms:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return Visit(True, headers, known.confirms if headers else None)

    def due_articles(self, outlet: str) -> Iterator[str]:
        """Known articles of *outlet* worth a look now, whether or not a listing still shows them."""
        for url in self.state.article_urls(outlet):
            known = self.state.known_article(url)
            born, checked = (known.born(), known.last_checked()) if known else (None, None)
            if born and checked and self.schedule.is_due(born, checked, datetime.now(timezone.utc),
                                                         force=self.revisit_all):
                yield url

    def not_modified(self, url: str) -> None:
        """The server answered 304: the last capture is still current."""
        self.state.record_check(url, datetime.now(timezone.utc).isoformat())
        self.stats.inc_value(STATS + "not_modified")

    def walled(self, url: str, reason: str) -> bool:
        """A re-check of a known article met a wall or a teaser: a check with its reason, never a version.

        False for an article never archived (its failure is all there is to record)."""
        if self.state.known_article(url) is None:
            return False
        self.state.record_wall(url, datetime.now(timezone.utc).isoformat(), reason)
        self.stats.inc_value(STATS + f"walled/{reason}")
        return True

    # --- versions -----------------------------------------------------------------
    def observe(self, article: Any, record: WarcLocation, uri: str, headers: dict[str, str],
                text_record: WarcLocation | None = None) -> Version | None:
        """*article* (extracted from *record*) as its next version if it is one; sets ``version``/``previous``.

        The caller keeps the version in the crawl state once its item is on disk
        (archiver.crawl.frontier_commits): a kill in between must not leave a version
        whose item a resumed crawl would then skip as unchanged.

        A revisit record (identical payload) stands for the record it refers to: a
        version always points at a record whose body holds its text: *text_record*
        when the text came from another record than the response (a rendered DOM).
        """
        holder = record.refers_to
        if holder is not None:
            confirms = {"uri": holder.uri, "date": holder.warc_date, "record_id": holder.record_id}
        else:
            confirms = {"uri": uri, "date": record.warc_date, "record_id": record.record_id}
        text = text_record or record
        text = text.refers_to or text
        warc = {"filename": text.filename, "record_id": text.record_id, "offset": text.offset}
        self.state.record_check(article.url, datetime.now(timezone.utc).isoformat(), etag=headers.get("etag"),
                                last_modified=headers.get("last-modified"), confirms=confirms)
        earlier = self.state.versions(article.url)
        snapshot = Snapshot.of(article)
        verdict = judge(snapshot, earlier, self.flip_limit)
        self.stats.inc_value(STATS + f"verdict/{verdict.value}")
        if verdict is not Verdict.NEW:
            return None
        version = Version.follow(snapshot, earlier, url=article.url, captured_at=article.captured_at,
                                 crawl_id=self.crawl_id, warc=warc)
        article.version = version.version
        article.previous = earlier[-1].pointer() if earlier else None
        article.warc = dict(warc)
        return version
