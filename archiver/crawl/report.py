"""The end-of-crawl report: ``crawl.json`` in the crawl folder, and the exit status.

Exit codes (also in the README):
0 success · 1 the crawl failed (nothing archived, or a fatal error) · 2 bad
usage or configuration · 3 the disk is full · 4 another run of the same outlet
holds the lock · 5 the error rate is over ARCHIVER_MAX_ERROR_RATE · 6 the shared
Redis of a distributed crawl was lost or unreachable · 9 the login session
of the crawl's profile lapsed and could not be renewed (continue with --resume) ·
10 ``--qa-min-score``: an article's replay QA score fell below it (archiver qa) ·
130 interrupted (Ctrl-C / SIGTERM).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import IntEnum
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from archiver.coverage import coverage
from archiver.crawl.folder import finish_crawl_folder
from archiver.crawl.session import ArchiveSession


logger = logging.getLogger(__name__)


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    DISK_FULL = 3
    LOCKED = 4
    ERROR_RATE = 5
    REDIS_LOST = 6
    NOT_AUTHENTIC = 7        # archiver verify: a WACZ failed an authenticity check
    BLOCKED = 8              # a host kept answering with bot challenges and was given up (docs/walls.md)
    SESSION_EXPIRED = 9      # a login profile's session lapsed and could not be renewed
    QA_BELOW = 10            # archiver qa / crawl --qa: an article scored below --min-score / --qa-min-score
    INTERRUPTED = 130


@dataclass
class CrawlReport:
    crawl_id: str
    spider: str
    outlet: str
    started: str | None
    finished: str
    duration_s: float
    finish_reason: str
    exit_status: int
    counts: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    browser: dict[str, int] = field(default_factory=dict)    # Chromium faults survived
    files: dict[str, list[str]] = field(default_factory=dict)
    warc_bytes: int = 0
    discovery: list[dict] = field(default_factory=list)      # what each robots/sitemap/feed/page gave
    coverage: dict = field(default_factory=dict)             # this run's listed vs archived (archiver coverage)
    blocked: list[dict] = field(default_factory=list)        # hosts given up for walls (archiver.capture.walls)


def _exit_status(reason: str, counts: dict[str, int], failures: dict[str, int], max_error_rate: float) -> ExitCode:
    if reason == "disk_full":
        return ExitCode.DISK_FULL
    if reason in ("shutdown", "interrupted"):
        return ExitCode.INTERRUPTED
    if reason == "redis_lost":
        return ExitCode.REDIS_LOST
    if reason == "session_expired":
        return ExitCode.SESSION_EXPIRED
    if counts.get("hosts_blocked", 0):
        return ExitCode.BLOCKED
    if reason != "finished" or counts.get("responses", 0) == 0:
        return ExitCode.FAILED
    attempted = counts.get("pages", 0) + counts.get("articles", 0) + sum(failures.values())
    if attempted and sum(failures.values()) / attempted > max_error_rate:
        return ExitCode.ERROR_RATE
    return ExitCode.OK


class CrawlReporter:
    """Scrapy extension: writes crawl.json when the spider closes."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_error_rate = crawler.settings.getfloat("ARCHIVER_MAX_ERROR_RATE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlReporter":
        reporter = cls(crawler)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        session = ArchiveSession.of(self.crawler)
        session.close()                       # the WARC files get their final names first
        reason = stats.get("archiver/finish_reason", reason)
        worker = self.crawler.settings.get("ARCHIVER_WORKER_ID")   # one of a distributed crawl's workers
        counts = {
            "responses": stats.get("response_received_count", 0),
            "pages": stats.get("archiver/pages", 0),
            "articles": stats.get("archiver/articles", 0),
            "articles_unchanged": stats.get("archiver/articles/unchanged", 0),
            "articles_skipped_since": stats.get("archiver/articles/skipped/since", 0),
            "articles_rechecked": stats.get("archiver/history/rechecks", 0),     # re-visits (archiver.history)
            "not_modified": stats.get("archiver/history/not_modified", 0),        # 304: a revisit record
            "new_versions": stats.get("archiver/history/verdict/new", 0),
            "same_versions": (stats.get("archiver/history/verdict/same", 0)
                              + stats.get("archiver/history/verdict/flip", 0)),
            "rendered": stats.get("archiver/browser/renders", 0),
            "rendered_shells": stats.get("archiver/render/shells", 0),   # fetched plainly, an app shell: rendered
            "browser_requests": stats.get("archiver/browser/requests", 0),
            "walls": sum(v for k, v in stats.items() if k.startswith("archiver/walls/") and k.count("/") == 2),
            "hosts_blocked": stats.get("archiver/blocks/hosts", 0),
            "untried_blocked": stats.get("archiver/blocks/untried", 0),   # URLs not requested: host blocked
            "block_probes": stats.get("archiver/blocks/probes", 0),
        }
        failures = {key.rsplit("/", 1)[-1]: value for key, value in stats.items()
                    if key.startswith("archiver/failures/")}
        browser = {
            "crashes": stats.get("archiver/browser/disconnected", 0),
            "hangs": stats.get("archiver/browser/unresponsive", 0),
            "recycles": stats.get("archiver/browser/recycled", 0),
            "tabs_opened": stats.get("archiver/browser/tabs_opened", 0),
            "pages_retried": sum(stats.get(f"retry/reason_count/{reason}", 0)
                                 for reason in ("browser-crashed", "browser-unresponsive")),
        }
        sources = getattr(spider, "sources", None)
        run_coverage = coverage(session.state.listed_articles(crawl_id=session.crawl_id),
                                since=self.crawler.settings.get("ARCHIVER_SINCE")).counts()
        started = stats.get("start_time")
        finished = datetime.now(timezone.utc)
        status = _exit_status(reason, counts, failures, self.max_error_rate)
        report = CrawlReport(
            crawl_id=session.crawl_id, spider=spider.name,
            outlet=getattr(getattr(spider, "profile", None), "name", spider.name),
            started=started.isoformat() if started else None, finished=finished.isoformat(),
            duration_s=round((finished - started).total_seconds(), 3) if started else 0.0,
            finish_reason=reason, exit_status=int(status), counts=counts, failures=failures,
            browser=browser, discovery=sources.summary() if sources is not None else [], coverage=run_coverage,
            blocked=walls.summary() if (walls := getattr(self.crawler, "wall_middleware", None)) else [],
        )
        # the whole crawl is indexed when its workers are joined (distributed.merge); a full disk has no index
        index = bool(session.writer.files) and reason != "disk_full" and not worker
        _REPORTS[session.output_dir.resolve()] = finish_crawl_folder(
            session.output_dir, report, warcs=session.writer.files, index=index,
            report_path=session.path(*(("workers", worker, "crawl.json") if worker else ("crawl.json",))))


# Reports of crawls run in this process: the exit status survives a disk too full for crawl.json.
_REPORTS: dict[Path, dict] = {}


def read_report(crawl_dir: Path) -> dict:
    crawl_dir = Path(crawl_dir)
    report = _REPORTS.get(crawl_dir.resolve())
    if report is not None:
        return report
    return json.loads((crawl_dir / "crawl.json").read_text(encoding="utf-8"))
