"""Where log lines go: the terminal (live, plain, quiet or JSON) and each crawl's ``crawl.log``.

On a terminal only warnings reach the screen, through rich's handler on the
Console of the live display; everything at INFO and up (Scrapy's start-up
listing, its stats dump) goes to ``crawl.log`` in the crawl folder. Off a
terminal (cron) the same warnings go to stderr as plain lines, so a scheduled
run mails only what needs reading; --log-level INFO brings the rest back.
--json-log writes INFO and up as JSON, for log collectors.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path

from rich.logging import RichHandler
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archiver.crawl.terminal import console
from archiver.terminaltext import visible

TERMINAL_LEVELS = {"live": "WARNING", "quiet": "WARNING", "plain": "WARNING", "json": "INFO"}
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


class VisibleFormatter(logging.Formatter):
    """Terminal lines quote URLs and titles from pages: their control characters made visible."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def terminal_level(mode: str, requested: str | None) -> str:
    """The level shown on stderr: as asked with --log-level, else by display mode."""
    if mode == "quiet":
        return "WARNING"
    return requested or TERMINAL_LEVELS[mode]


def install_terminal_logging(mode: str, level: str, file_level: str = "INFO") -> None:
    """Replace the root handlers with one for stderr; `file_level` is what crawl.log files will want."""
    handler: logging.Handler
    if mode == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    elif mode == "live":
        handler = RichHandler(console=console(), show_path=False, markup=False, rich_tracebacks=False,
                              log_time_format="[%X]")
        handler.setFormatter(VisibleFormatter())
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(VisibleFormatter(LOG_FORMAT))
    handler.setLevel(level)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(min(logging.getLevelName(level), logging.getLevelName(file_level)))


class _LogFile(logging.FileHandler):
    """crawl.log; on a full disk it stops after one line on stderr instead of a traceback per record."""

    failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if not self.failed:
            self.failed = True
            sys.stderr.write(f"cannot write {self.baseFilename} any more: {sys.exc_info()[1]}\n")


class CrawlLog:
    """Extension: the crawl's full log (ARCHIVER_CRAWL_LOG_LEVEL and up) in ``crawl.log`` of its folder.

    Records that name a spider go to that spider's crawl only; the rest (start-up
    lines of the process) go to every crawl running in the process.
    """

    def __init__(self, crawler: Crawler, path: Path, level: str):
        self.crawler = crawler
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handler = _LogFile(path, encoding="utf-8")
        self.handler.setFormatter(logging.Formatter(LOG_FORMAT))
        self.handler.setLevel(level)
        self.handler.addFilter(self._ours)
        logging.getLogger().addHandler(self.handler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlLog":
        folder = crawler.settings.get("ARCHIVER_OUTPUT_DIR")
        name = crawler.settings.get("ARCHIVER_CRAWL_LOG")
        if not folder or not name:
            raise NotConfigured
        ext = cls(crawler, Path(folder) / name, crawler.settings.get("ARCHIVER_CRAWL_LOG_LEVEL"))
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def _ours(self, record: logging.LogRecord) -> bool:
        spider = getattr(record, "spider", None)
        return spider is None or spider is self.crawler.spider

    def engine_stopped(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()
