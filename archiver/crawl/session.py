"""The archive of one crawl: its folder, its WARC writer and its digest index.

Every component that writes (the fetch recorder, the browser recorder, the
item pipelines) gets the same ``ArchiveSession`` through ``ArchiveSession.of``,
so there is one writer per crawl process and one place that closes it.
"""

from __future__ import annotations

import atexit
import getpass
import importlib.metadata
import json
import platform
import socket
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from archiver import __version__
from archiver.chromium import chromium_path, chromium_version
from archiver.recording import DigestIndex, WarcWriter
from archiver.crawl.state import CrawlState

_SESSIONS: "weakref.WeakKeyDictionary[Crawler, ArchiveSession]" = weakref.WeakKeyDictionary()

# Settings worth keeping in the warcinfo record, so a reader knows how a WARC was made.
_RECORDED_SETTINGS = (
    "ARCHIVER_RENDER", "ARCHIVER_SCREENSHOTS_ENABLED", "ARCHIVER_MAX_PAGES", "ARCHIVER_DEPTH",
    "ARCHIVER_SINCE", "ARCHIVER_WARC_DIGEST", "USER_AGENT", "ROBOTSTXT_OBEY",
    "CONCURRENT_REQUESTS", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
)


def new_crawl_id(name: str) -> str:
    return f"{name}-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}"


@dataclass
class ArchiveSession:
    crawl_id: str
    output_dir: Path
    writer: WarcWriter
    dedup: DigestIndex | None
    state: CrawlState
    closed: bool = field(default=False)

    @classmethod
    def of(cls, crawler: Crawler) -> "ArchiveSession":
        session = _SESSIONS.get(crawler)
        if session is None:
            session = _SESSIONS[crawler] = cls._open(crawler)
            crawler.signals.connect(session.close, signal=signals.engine_stopped)
            atexit.register(session.close)     # a forced stop still renames the .open files
        return session

    @classmethod
    def _open(cls, crawler: Crawler) -> "ArchiveSession":
        settings = crawler.settings
        root = Path(settings.get("ARCHIVER_OUTPUT_ROOT"))
        crawl_id = settings.get("ARCHIVER_CRAWL_ID") or new_crawl_id(crawler.spidercls.name)
        output_dir = Path(settings.get("ARCHIVER_OUTPUT_DIR") or root / crawl_id)
        output_dir.mkdir(parents=True, exist_ok=True)
        dedup = None
        if settings.getbool("ARCHIVER_DEDUP_ENABLED"):
            dedup = DigestIndex(root / "digests.sqlite")
        state = CrawlState(root / "state.sqlite")
        backends = settings.get("ARCHIVER_STATE_BACKENDS")   # a distributed worker's names Redis
        if backends:
            state, dedup = load_object(backends)(settings, crawl_id, state, dedup)
        writer = WarcWriter(
            output_dir / "warc",
            prefix=settings.get("ARCHIVER_WARC_PREFIX"),
            warcinfo=warcinfo_fields(crawler, crawl_id),
            rollover_size=settings.getint("ARCHIVER_WARC_ROLLOVER_SIZE"),
            digest=settings.get("ARCHIVER_WARC_DIGEST"),
            gzip_level=settings.getint("ARCHIVER_WARC_GZIP_LEVEL"),
            dedup=dedup,
        )
        return cls(crawl_id=crawl_id, output_dir=output_dir, writer=writer, dedup=dedup, state=state)

    def path(self, *parts: str) -> Path:
        """A path inside the crawl folder; nothing is ever written outside it."""
        target = self.output_dir.joinpath(*parts).resolve()
        if not target.is_relative_to(self.output_dir.resolve()):
            raise ValueError(f"refusing to write outside the crawl folder: {target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.writer.close()


def software_versions() -> str:
    """``name/version`` of the parts that shape what is recorded, for the warcinfo ``software`` field."""
    parts = []
    for name in ("Scrapy", "playwright", "warcio"):
        try:
            parts.append(f"{name}/{importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}/not installed")
    return " ".join(parts)


def warcinfo_fields(crawler: Crawler, crawl_id: str) -> dict[str, str]:
    """What a reader of the WARC needs to know of how it was made; no secret (no proxy, no profile)."""
    settings = crawler.settings
    render = settings.get("ARCHIVER_RENDER") != "never"
    browser = "none"
    if render:
        try:
            browser = chromium_version(chromium_path(settings.get("ARCHIVER_CHROMIUM")))
        except FileNotFoundError:
            browser = "not found"
    recorded = {name: settings.get(name) for name in _RECORDED_SETTINGS}
    return {
        "software": f"news-archiver/{__version__} ({software_versions()} Python/{platform.python_version()})",
        "browser": browser,
        "run-started": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "isPartOf": crawl_id,
        "operator": settings.get("ARCHIVER_OPERATOR") or f"{getpass.getuser()}@{socket.gethostname()}",
        "hostname": socket.gethostname(),
        "python": platform.python_version(),
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "http-header-user-agent": settings.get("USER_AGENT") or "",
        "settings": json.dumps(recorded, sort_keys=True, default=str),
    }
