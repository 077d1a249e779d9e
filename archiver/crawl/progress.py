"""What a crawl is doing, while it runs.

On a terminal: a live rich table, one row per crawl (pages, renders, articles,
WARC bytes, errors, rate, ETA when --max-pages is set). Elsewhere (cron,
pipes): one INFO log line every ARCHIVER_PROGRESS_LOG_INTERVAL seconds, in
crawl.log (and on stderr with --log-level INFO). Quiet: nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from rich import box
from rich.live import Live
from rich.table import Table
from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from archiver.crawl.session import ArchiveSession
from archiver.crawl.terminal import console, display_mode

logger = logging.getLogger("archiver.crawl.progress")


@dataclass
class Snapshot:
    name: str
    responses: int
    rendered: int
    articles: int
    warc_bytes: int
    errors: int
    rate: float            # pages per second
    eta_s: float | None
    untried: int = 0       # URLs not requested because their host is blocked (archiver.capture.walls)

    def line(self) -> str:
        eta = f", ETA {self.eta_s:.0f}s" if self.eta_s is not None else ""
        return (f"{self.name}: {self.responses} responses, {self.rendered} rendered, "
                f"{self.articles} articles, {self.warc_bytes / 1e6:.1f} MB WARC, "
                f"{self.errors} errors, {self.rate:.1f} pages/s{eta}"
                + (f", BLOCKED: {self.untried} URLs untried" if self.untried else ""))


class _LiveTable:
    """One rich Live display shared by every crawl in the process."""

    def __init__(self) -> None:
        self.rows: dict[str, Snapshot] = {}
        self.live = Live(self._table(), console=console(), refresh_per_second=4,
                         transient=False)
        self.users = 0

    def _table(self) -> Table:
        # no vertical rules and short headers: fits 80 columns; a long name folds, never cut
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
        table.add_column("crawl", overflow="fold", min_width=8, max_width=24)
        for header in ("responses", "rendered", "articles", "MB", "errors", "blocked", "pages/s", "ETA"):
            table.add_column(header, justify="right", no_wrap=True)
        for s in self.rows.values():
            table.add_row(s.name, str(s.responses), str(s.rendered), str(s.articles),
                          f"{s.warc_bytes / 1e6:.1f}", str(s.errors), str(s.untried) if s.untried else "-",
                          f"{s.rate:.1f}",
                          f"{s.eta_s:.0f}s" if s.eta_s is not None else "-")
        return table

    def update(self, key: str, snapshot: Snapshot) -> None:
        self.rows[key] = snapshot
        self.live.update(self._table())

    def acquire(self) -> None:
        if self.users == 0:
            self.live.start()
        self.users += 1

    def release(self) -> None:
        self.users -= 1
        if self.users == 0:
            self.live.update(self._table())
            self.live.stop()


_LIVE: _LiveTable | None = None


class ProgressDisplay:
    def __init__(self, crawler: Crawler, mode: str, interval: float):
        self.crawler = crawler
        self.mode = mode
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.key = crawler.settings.get("ARCHIVER_CRAWL_ID") or str(id(crawler))   # one row per crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProgressDisplay":
        mode = display_mode(crawler.settings.get("ARCHIVER_PROGRESS"))
        interval = crawler.settings.getfloat("ARCHIVER_PROGRESS_LIVE_INTERVAL" if mode == "live"
                                             else "ARCHIVER_PROGRESS_LOG_INTERVAL")
        display = cls(crawler, mode, interval)
        if mode != "quiet":
            crawler.signals.connect(display.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(display.spider_closed, signal=signals.spider_closed)
        return display

    def snapshot(self) -> Snapshot:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("archiver/pages", 0) + stats.get("archiver/articles", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = pages / elapsed
        limit = self.crawler.settings.getint("ARCHIVER_MAX_PAGES")
        eta = (limit - pages) / rate if limit and rate > 0 and pages < limit else None
        session = ArchiveSession.of(self.crawler)
        return Snapshot(
            name=self._name(),
            responses=stats.get("response_received_count", 0),
            rendered=stats.get("archiver/browser/renders", 0),
            articles=stats.get("archiver/articles", 0),
            warc_bytes=getattr(session.writer, "bytes_written", 0),
            errors=sum(v for k, v in stats.items() if k.startswith("archiver/failures/")),
            rate=rate, eta_s=eta, untried=stats.get("archiver/blocks/untried", 0),
        )

    def _name(self) -> str:
        """The outlet (or host) crawled; spiders like "news" serve many."""
        spider = self.crawler.spider
        profile = getattr(spider, "profile", None)
        return getattr(profile, "name", None) or (spider.name if spider else "crawl")

    def tick(self) -> None:
        snapshot = self.snapshot()
        if self.mode == "live":
            _LIVE.update(self.key, snapshot)
        else:
            logger.info("progress %s", snapshot.line())

    def spider_opened(self, spider) -> None:
        global _LIVE
        if self.mode == "live":
            _LIVE = _LIVE or _LiveTable()
            _LIVE.acquire()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.mode == "live":
            _LIVE.update(self.key, self.snapshot())
            _LIVE.release()
