"""Runs crawls in-process: builds Scrapy settings from CLI options, one crawler per target.

Each target gets its own crawl folder under the output root; the root holds
what crawls share (the digest index, the crawl state, the locks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from archiver import settings as defaults
from archiver.chromium import chromium_path
from archiver.outlets import Politeness, load_profiles
from archiver.crawl.folder import create_crawl_folder, folder_slug
from archiver.crawl.lock import OutletLock
from archiver.crawl.logs import install_terminal_logging, terminal_level
from archiver.recording.verify import repair_file
from archiver.crawl.report import ExitCode, read_report
from archiver.crawl.terminal import display_mode
from archiver.profiles.settings import check_profile, profile_settings


@dataclass
class CrawlOptions:
    """One run's options; each default is the setting's (archiver/settings.py) it overrides."""
    targets: list[str]
    out: Path = Path(defaults.ARCHIVER_OUTPUT_ROOT)
    render: str = defaults.ARCHIVER_RENDER
    max_pages: int = defaults.ARCHIVER_MAX_PAGES
    depth: int = defaults.ARCHIVER_DEPTH
    since: str | None = defaults.ARCHIVER_SINCE
    config: Path | None = None
    user_agent: str | None = None             # None: USER_AGENT
    concurrency: int | None = None            # None: the outlet's politeness, else CONCURRENT_REQUESTS_PER_DOMAIN
    screenshots: bool = defaults.ARCHIVER_SCREENSHOTS_ENABLED
    resume: bool = False
    progress: str = defaults.ARCHIVER_PROGRESS     # auto | plain | quiet
    json_log: bool = False
    proxy: str | None = defaults.ARCHIVER_PROXY
    ignore_tls_errors: bool = False
    base_urls: dict[str, str] = field(default_factory=dict)   # outlet -> where it is served
    chromium: str | None = defaults.ARCHIVER_CHROMIUM
    operator: str = defaults.ARCHIVER_OPERATOR
    log_level: str | None = None  # on stderr; None: warnings (INFO with --json-log)
    block_private_addresses: bool | None = None   # None: on for URL targets and --config, off otherwise
    page_timeout: float | None = None
    discover_only: bool = False   # read robots.txt, sitemaps, feeds and pages; fetch no article
    revisit: bool = False         # check every known article within the re-visit horizon now
    profile: str | None = None    # a login profile's name (docs/logged-in.md); only the name travels
    profiles_dir: Path | None = None   # None: ARCHIVER_PROFILES_DIR, else the XDG config folder
    keep_credentials: bool = defaults.ARCHIVER_KEEP_CREDENTIALS
    password_file: Path | None = None  # for a re-login when the session lapses
    on_block: str = "stop"        # stop | wait: a host that keeps answering with challenges (docs/walls.md)
    extra_settings: dict = field(default_factory=dict)


@dataclass
class CrawlTarget:
    name: str                 # outlet name, or the host of a URL target
    spider_kwargs: dict
    crawl_dir: Path | None = None   # set under the outlet's lock by open_crawl_folders
    politeness: Politeness = Politeness()


def resolve_targets(options: CrawlOptions) -> list[CrawlTarget]:
    """What each target is; their folders come later, under their locks (``open_crawl_folders``)."""
    profiles = load_profiles(options.config)
    targets = []
    for target in options.targets:
        if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.I):
            if not target.lower().startswith(("http://", "https://")):
                raise ValueError(f"only http and https URLs can be crawled, not {target}")
            name = folder_slug(target.split("://", 1)[1].split("/", 1)[0])
            kwargs = {"url": target}
        elif target in profiles:
            name = target
            kwargs = {"outlet": target}
            if target in options.base_urls:
                kwargs["base_url"] = options.base_urls[target]
        else:
            raise ValueError(f"unknown target {target!r}: give a URL or one of {', '.join(sorted(profiles))}")
        if options.config:
            kwargs["config"] = str(options.config)
        politeness = profiles[target].politeness if target in profiles else Politeness()
        if options.profile:
            check_profile(options, name)
        targets.append(CrawlTarget(name, kwargs, None, politeness))
    return targets


def open_crawl_folders(options: CrawlOptions, targets: list[CrawlTarget]) -> None:
    """Give each target without one its folder (call it holding the outlet locks): with --resume the
    newest interrupted crawl's, else a new one (``create_crawl_folder``: unique, made atomically)."""
    for target in targets:
        if target.crawl_dir is not None:
            continue
        interrupted = interrupted_crawl(options.out, target.name) if options.resume else None
        if interrupted is not None:
            target.crawl_dir = interrupted
            target.spider_kwargs["resume"] = True
        else:
            target.crawl_dir = create_crawl_folder(options.out, target.name)


def interrupted_crawl(root: Path, name: str) -> Path | None:
    """The newest crawl folder of `name` that did not finish, with its WARC files repaired."""
    folders = sorted(root.glob(f"{folder_slug(name)}-*"), key=lambda p: p.name)
    if not folders:
        return None
    latest = folders[-1]
    try:
        if read_report(latest)["finish_reason"] == "finished":
            return None
    except (OSError, ValueError, KeyError):
        pass
    for partial in latest.glob("warc/*.warc.gz.open"):
        repair_file(partial)          # a killed run leaves at most one partial record per file
    return latest


def crawl_settings(options: CrawlOptions, target: CrawlTarget) -> Settings:
    """archiver/settings.py, then this run's options, then ``--set`` (which wins, and which
    the values derived here, such as the browser context's viewport, already see)."""
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.setdict(options.extra_settings, priority="cmdline")
    overrides: dict = {
        "ARCHIVER_OUTPUT_ROOT": str(options.out),
        "ARCHIVER_OUTPUT_DIR": str(target.crawl_dir),
        "ARCHIVER_CRAWL_ID": target.crawl_dir.name,
        "ARCHIVER_RENDER": options.render,
        "ARCHIVER_MAX_PAGES": options.max_pages,
        "ARCHIVER_DEPTH": options.depth,
        "ARCHIVER_SINCE": options.since,
        "ARCHIVER_SCREENSHOTS_ENABLED": options.screenshots,
        "ARCHIVER_OPERATOR": options.operator,
        "ARCHIVER_WARC_PREFIX": f"archiver-{folder_slug(target.name)}",
        "LOG_LEVEL": _file_level(options),       # crawl.log's level (and Scrapy's log_count stats)
        "ARCHIVER_CRAWL_LOG_LEVEL": _file_level(options),
        "ARCHIVER_PROGRESS": options.progress,
        "ARCHIVER_DISCOVER_ONLY": options.discover_only,
        "ARCHIVER_REVISIT_ALL": options.revisit,
        "ARCHIVER_ON_BLOCK": options.on_block,
    }
    if options.user_agent:
        overrides["USER_AGENT"] = options.user_agent
    if target.politeness.concurrency is not None:
        overrides["CONCURRENT_REQUESTS_PER_DOMAIN"] = target.politeness.concurrency
    if target.politeness.delay is not None:
        overrides["DOWNLOAD_DELAY"] = target.politeness.delay
    if options.concurrency:
        overrides["CONCURRENT_REQUESTS"] = options.concurrency
        overrides["CONCURRENT_REQUESTS_PER_DOMAIN"] = options.concurrency
        overrides["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(options.concurrency)
    if options.proxy:
        if not re.match(r"^(https?|socks5)://", options.proxy):
            raise ValueError(f"--proxy takes an http://, https:// or socks5:// URL, not {options.proxy}")
        overrides["ARCHIVER_PROXY"] = options.proxy
    if options.render != "never":
        path = chromium_path(options.chromium)
        overrides["ARCHIVER_CHROMIUM"] = path
        overrides["ARCHIVER_IGNORE_TLS_ERRORS"] = options.ignore_tls_errors
    else:
        overrides["DOWNLOAD_HANDLERS"] = {}     # no browser at all
    block = options.block_private_addresses
    overrides["ARCHIVER_BLOCK_PRIVATE_ADDRESSES"] = (
        ("url" in target.spider_kwargs or options.config is not None) if block is None else block)
    if options.profile:
        overrides.update(profile_settings(options, bool(options.user_agent), settings.getdict("DOWNLOADER_MIDDLEWARES")))
    if options.page_timeout:
        overrides["ARCHIVER_PAGE_TIMEOUT"] = options.page_timeout
        overrides["DOWNLOAD_TIMEOUT"] = min(settings.getfloat("DOWNLOAD_TIMEOUT"), options.page_timeout)
    settings.setdict({**overrides, **options.extra_settings}, priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> list[CrawlTarget]:
    """Crawl every target in one process (one browser each) and wait for the end."""
    targets = resolve_targets(options)
    locks = [OutletLock(options.out, name).acquire() for name in dict.fromkeys(t.name for t in targets)]
    try:
        open_crawl_folders(options, targets)
        _run_process(options, targets)
    finally:
        for lock in locks:
            lock.release()
    return targets


def _run_process(options: CrawlOptions, targets: list[CrawlTarget], settings_for=None) -> None:
    """One crawler per target in this process; *settings_for(options, target)* defaults to crawl_settings."""
    settings_for = settings_for or crawl_settings
    # The process's own settings are merged into every crawler at equal-or-lower
    # priority, so they must hold only what all crawls share.
    shared = Settings()
    shared.setmodule("archiver.settings", priority="project")
    shared.set("LOG_LEVEL", _file_level(options), priority="project")
    # Our handlers, not Scrapy's: stderr as the display mode wants it, crawl.log per crawl (archiver.crawl.logs).
    shared.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    mode = "json" if options.json_log else display_mode(options.progress)
    install_terminal_logging(mode, terminal_level(mode, options.log_level), _file_level(options))
    process = AsyncCrawlerProcess(shared)
    for target in targets:
        spidercls = _spider_class(process, target)
        process.crawl(Crawler(spidercls, settings_for(options, target)), **target.spider_kwargs)
    process.start()


def _file_level(options: CrawlOptions) -> str:
    return "DEBUG" if options.log_level == "DEBUG" else "INFO"


def exit_code(targets: list[CrawlTarget]) -> int:
    """The worst exit status of the crawls (see archiver.crawl.report.ExitCode)."""
    codes = []
    for target in targets:
        try:
            codes.append(read_report(target.crawl_dir)["exit_status"])
        except (OSError, ValueError, KeyError):
            codes.append(int(ExitCode.FAILED))     # no report: the crawl died before closing
    return max(codes, default=int(ExitCode.FAILED))


def _spider_class(process: AsyncCrawlerProcess, target: CrawlTarget):
    """An outlet's own spider if there is one, else the generic news spider."""
    names = set(process.spider_loader.list())
    return process.spider_loader.load(target.name if target.name in names else "news")
