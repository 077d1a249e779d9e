"""``archiver crawl``: archive outlets or sites by name or URL."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from archiver import settings as defaults
from archiver.crawl.runner import CrawlOptions, CrawlTarget, exit_code, run_crawl
from archiver.distributed.connection import RedisUnavailable
from archiver.crawl.lock import LockHeld
from archiver.crawl.report import ExitCode, read_report
from archiver.signing.options import SigningOptions, add_signing_arguments


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_arguments(parser)
    parser.add_argument("--depth", type=int, default=defaults.ARCHIVER_DEPTH,
                        help="link hops from start pages (default: %(default)s)")
    parser.add_argument("--since", metavar="DATE", help="skip articles dated before DATE (YYYY-MM-DD)")
    parser.add_argument("--config", type=Path, help="TOML file with outlet profiles")
    parser.add_argument("--user-agent", help="User-Agent header (name the tool and a contact URL)")
    parser.add_argument("--concurrency", type=int, help="requests at once")
    parser.add_argument("--screenshots", action=argparse.BooleanOptionalAction,
                        default=defaults.ARCHIVER_SCREENSHOTS_ENABLED,
                        help="full-page screenshot of every rendered page (default: %(default)s)")
    parser.add_argument("--operator", default=defaults.ARCHIVER_OPERATOR,
                        help="who runs the crawl, for the warcinfo record")
    parser.add_argument("--base-url", action="append", default=[], metavar="OUTLET=URL",
                        help="crawl an outlet where it is served (a mirror, the sample); repeatable")
    parser.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="log lines on the terminal (default: WARNING on a terminal, INFO elsewhere); "
                             "crawl.log in the crawl folder always has INFO (DEBUG with DEBUG)")
    parser.add_argument("--quiet", action="store_true", help="warnings and errors only, no progress display")
    parser.add_argument("--json-log", action="store_true", help="log one JSON object per line (for cron)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the newest interrupted crawl of each target")
    parser.add_argument("--proxy", metavar="URL", help="http://, https:// or socks5:// proxy for all traffic")
    parser.add_argument("--ignore-tls-errors", action="store_true",
                        help="archive sites with invalid certificates (mirrors, institutional proxies)")
    parser.add_argument("--block-private-addresses", action=argparse.BooleanOptionalAction, default=None,
                        help="refuse hosts on loopback/private networks, in plain fetches and the browser "
                             "(default: on for URLs and --config outlets, off for the bundled outlets)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="settings",
                        help="override a setting, e.g. ARCHIVER_BROWSER_RECYCLE_PAGES=200 (see the README's "
                             "Limits); repeatable")
    parser.add_argument("--discover-only", action="store_true",
                        help="print what robots.txt, each sitemap, feed and page listed and how many new "
                             "articles each gave; fetch no article")
    parser.add_argument("--revisit", action="store_true",
                        help="check every known article within the re-visit schedule's horizon now, due or not "
                             "(conditional requests: an unchanged article costs a 304)")
    parser.add_argument("--on-block", choices=("stop", "wait"), default=defaults.ARCHIVER_ON_BLOCK,
                        help="a host that keeps answering with bot challenges: after a back-off and "
                             "ARCHIVER_BLOCK_PROBES probes, stop requesting it for the run (exit 8), or wait "
                             "longer and probe again, up to ARCHIVER_BLOCK_MAX_WAIT (default: %(default)s)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="N worker processes share one frontier in Redis (a private redis-server "
                             "unless --redis is given)")
    parser.add_argument("--redis", metavar="URL",
                        help="redis://HOST:PORT/DB shared with workers on other machines (`archiver worker`)")
    login = parser.add_argument_group("Logged-in crawls", "docs/logged-in.md")
    login.add_argument("--profile", metavar="NAME", help="crawl logged in with this login profile (`archiver profile`)")
    login.add_argument("--profiles-dir", type=Path, metavar="DIR",
                       help="where profiles live (default: $XDG_CONFIG_HOME/news-archiver/profiles)")
    login.add_argument("--keep-credentials", action="store_true",
                       help="keep the profile's Cookie/Authorization values in archived request records "
                            f"(default: replaced by {defaults.ARCHIVER_CREDENTIALS_MARKER!r})")
    login.add_argument("--password-file", type=Path, metavar="FILE",
                       help=f"for a re-login when the session lapses (or ${defaults.ARCHIVER_LOGIN_PASSWORD_ENV})")
    parser.add_argument("--qa", action="store_true",
                        help="after the crawl, check its captures replay as captured (archiver qa)")
    parser.add_argument("--qa-min-score", type=float, metavar="S", default=defaults.ARCHIVER_QA_MIN_SCORE,
                        help="with --qa: exit 10 when an article's QA score is below S (0-1)")
    parser.add_argument("--page-timeout", type=float, metavar="SECONDS",
                        help=f"hard cap on one page: navigation, behaviours and screenshot (default: "
                             f"ARCHIVER_PAGE_TIMEOUT, {defaults.ARCHIVER_PAGE_TIMEOUT}); "
                             "plain fetches get min(DOWNLOAD_TIMEOUT, this)")


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """What `crawl` and `demo` share; each default is the setting's in archiver/settings.py."""
    parser.add_argument("--out", type=Path, default=Path(defaults.ARCHIVER_OUTPUT_ROOT),
                        help="output root; each crawl gets a folder in it (default: %(default)s)")
    parser.add_argument("--render", choices=("auto", "always", "never"), default=defaults.ARCHIVER_RENDER,
                        help="render pages in Chromium: per outlet rules, always, or never (default: %(default)s)")
    parser.add_argument("--max-pages", type=int, default=defaults.ARCHIVER_MAX_PAGES,
                        help="stop after N pages (0: no limit)")
    parser.add_argument("--chromium", metavar="PATH", default=defaults.ARCHIVER_CHROMIUM,
                        help="Chromium executable (default: $ARCHIVER_CHROMIUM or /usr/bin/chromium)")


SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def parse_settings(items: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs; Scrapy's getint/getbool/getdict parse the values when read."""
    settings = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not SETTING_NAME.match(name):
            raise SystemExit(f"error: --set takes NAME=VALUE with an upper-case setting name, not {item!r}")
        settings[name] = value
    return settings


def options_from_args(args: argparse.Namespace) -> CrawlOptions:
    base_urls = {}
    for item in args.base_url:
        outlet, sep, url = item.partition("=")
        if not sep:
            raise SystemExit(f"error: --base-url takes OUTLET=URL, not {item!r}")
        base_urls[outlet] = url
    return CrawlOptions(
        targets=list(getattr(args, "targets", [])), out=args.out, render=args.render,
        max_pages=args.max_pages, depth=args.depth, since=args.since, config=args.config,
        user_agent=args.user_agent, concurrency=args.concurrency, screenshots=args.screenshots,
        chromium=args.chromium, operator=args.operator, base_urls=base_urls, log_level=args.log_level,
        progress="quiet" if args.quiet else "auto", json_log=args.json_log, resume=args.resume,
        proxy=args.proxy, ignore_tls_errors=args.ignore_tls_errors,
        block_private_addresses=args.block_private_addresses, page_timeout=args.page_timeout,
        discover_only=getattr(args, "discover_only", False),
        revisit=args.revisit,
        profile=getattr(args, "profile", None), profiles_dir=getattr(args, "profiles_dir", None),
        keep_credentials=getattr(args, "keep_credentials", False), password_file=getattr(args, "password_file", None),
        on_block=getattr(args, "on_block", defaults.ARCHIVER_ON_BLOCK),
        extra_settings=parse_settings(args.settings),
    )


def run(args: argparse.Namespace) -> int:
    from archiver.signing.keys import SigningKeyError

    min_score = getattr(args, "qa_min_score", None)
    if min_score is not None and (not args.qa or not 0 <= min_score <= 1):
        print("error: --qa-min-score needs --qa, and a score between 0 and 1", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        options = options_from_args(args)
        signing = SigningOptions.from_args(args)
        if signing.sign and not args.wacz:
            raise ValueError("--sign signs the WACZ of the crawl: add --wacz")
        signer = signing.signer()           # a missing key fails now, not after the crawl
        if getattr(args, "workers", None) or getattr(args, "redis", None):
            from archiver.distributed.coordinator import DistributedRun
            targets = DistributedRun(options, args.workers or 1, args.redis).run()
        else:
            targets = run_crawl(options)
    except LockHeld as exc:
        print(f"error: {exc}", file=sys.stderr)
        return int(ExitCode.LOCKED)
    except (ValueError, FileNotFoundError, SigningKeyError) as exc:   # ProfileError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except RedisUnavailable as exc:
        print(f"error: {exc}; nothing was crawled into a new folder", file=sys.stderr)
        return int(ExitCode.REDIS_LOST)
    if getattr(args, "discover_only", False):
        print_discovery(targets)
        return exit_code(targets)
    if not args.quiet:
        print_summary(targets)
    code = exit_code(targets)
    if args.wacz and not getattr(args, "discover_only", False):
        code = package_targets(targets, signer) or code
    if getattr(args, "qa", False):
        code = code or run_qa_after(targets, args)
    return code


def run_qa_after(targets: list[CrawlTarget], args: argparse.Namespace) -> int:
    """``--qa``: replay the new crawl folders (archiver qa); its exit code when the crawl itself succeeded."""
    from archiver.commands.qa import run_qa

    folders = [t.crawl_dir for t in targets if t.crawl_dir is not None and (t.crawl_dir / "crawl.json").is_file()]
    if not folders:
        return int(ExitCode.FAILED)
    out = sys.stderr if args.quiet else sys.stdout
    return run_qa(folders, min_score=args.qa_min_score, chromium=args.chromium, out=out)



def package_targets(targets: list[CrawlTarget], signer) -> int:
    """``--wacz``: one WACZ per crawl folder, beside it (``<folder>.wacz``), signed when asked.

    Returns 0, or ExitCode.FAILED when a package could not be made (the crawl folder stays).
    """
    from archiver.research.wacz import package_crawl, validate
    from archiver.signing.signature import SigningError
    from archiver.signing.timestamps import TimestampError

    failed = 0
    for target in targets:
        crawl_dir = target.crawl_dir
        if crawl_dir is None or not any((crawl_dir / "warc").glob("*.warc.gz")):
            continue
        output = crawl_dir.with_name(f"{crawl_dir.name}.wacz")
        try:
            validate(package_crawl(crawl_dir, output, signer=signer))
        except (FileNotFoundError, ValueError, RuntimeError, SigningError, TimestampError) as exc:
            print(f"error: {target.name}: no WACZ written: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"wrote {output} (validated{', signed' if signer else ''})", file=sys.stderr)
    return int(ExitCode.FAILED) if failed else 0


def print_discovery(targets: list[CrawlTarget]) -> None:
    """What each source listed, on stdout: the table an archivist writing a profile needs."""
    from rich.console import Console
    from rich.table import Table

    from archiver.terminaltext import text, visible

    console = Console()
    for target in targets:
        try:
            sources = read_report(target.crawl_dir).get("discovery", [])
        except (OSError, ValueError):
            console.print(f"{target.name}: no report in {target.crawl_dir}")
            continue
        columns = ("kind", "url", "listed", "articles", "new", "status")
        if not console.is_terminal:                 # piped: one tab-separated line per source
            print("\t".join(("outlet", *columns)))
            for row in sources:
                print("\t".join((target.name, *(visible(row[c]) for c in columns))))
            continue
        table = Table(*columns, title=target.name)
        table.columns[1].overflow = "fold"          # whole URLs: they go into a profile
        for row in sources:
            table.add_row(*(text(row[c]) for c in columns))
        console.print(table)


def print_summary(targets: list[CrawlTarget]) -> None:
    """The end-of-run summary (archiver.crawl.summary), on the console of the live display."""
    from archiver.crawl.summary import crawl_summary
    from archiver.crawl.terminal import console

    console().print(crawl_summary([(target.name, target.crawl_dir) for target in targets]))


def register(subparsers) -> None:
    parser = subparsers.add_parser("crawl", help="archive outlets (by name) or sites (by URL)")
    parser.add_argument("targets", nargs="+", metavar="TARGET", help="outlet name or http(s) URL")
    add_crawl_arguments(parser)
    parser.add_argument("--wacz", action="store_true",
                        help="package each crawl folder as <folder>.wacz beside it when the crawl ends")
    add_signing_arguments(parser)
    parser.set_defaults(func=run)
