"""``archiver demo``: serve the bundled sample outlets, crawl both, let them edit articles, and crawl again.

The outlets serve their articles with the dates they were published with
(January 2025 for the Moscow Times seed article), so the first run archives
real dates and the seed article's text export is the seed byte for byte.
The second run re-checks every article (``--revisit``) under a re-visit
schedule whose horizon reaches the sample's oldest article (the default
schedule gives up on articles older than a year): unchanged ones cost a 304,
recorded as a server-not-modified revisit; harbourgazette's edits become new
versions, which ``archiver history`` and ``archiver diff`` then show.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from archiver.commands.crawl import add_output_arguments, print_summary
from archiver.history.lookup import NoVersions, article_history
from archiver.crawl.report import read_report
from archiver.crawl.runner import CrawlOptions, CrawlTarget, exit_code, run_crawl
from archiver.sample.edits import EDITS
from archiver.sample.server import serve_sample
from archiver.sample.store import OUTLETS, load_articles


def recheck_schedule(now: datetime | None = None) -> str:
    """An ARCHIVER_REVISIT_SCHEDULE under which every sample article is due: one step past the oldest."""
    now = now or datetime.now(timezone.utc)
    oldest = min(datetime.fromisoformat(a["date_published"] if "T" in a["date_published"]
                                        else a["date_published"] + "T00:00:00+00:00")
                 for outlet in OUTLETS for a in load_articles(outlet))
    days = math.ceil((now - oldest).total_seconds() / 86400) + 1
    return f"{days}d:1s"


def run(args: argparse.Namespace) -> int:
    with serve_sample(edits=True, live_dates=False) as sample:
        for name, url in sample.urls.items():
            print(f"serving sample outlet {name} at {url}", file=sys.stderr)
        options = CrawlOptions(
            targets=list(sample.urls), out=args.out, render=args.render,
            base_urls=dict(sample.urls), chromium=args.chromium, max_pages=args.max_pages,
            operator="archiver demo",
        )
        try:
            first = _crawl(options)
            print_summary(first)
            edits = sample.publish_edits()
            print(f"\nthe sample outlets edited {len(edits)} articles "
                  f"({', '.join(e.kind for e in edits)}); crawling again, re-checking every article",
                  file=sys.stderr)
            second = _crawl(replace(options, revisit=True, extra_settings={
                "ARCHIVER_REVISIT_SCHEDULE": recheck_schedule()}))
        except (ValueError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print_summary(second)
    for target in first:
        print(f"{target.name}: WARC files in {target.crawl_dir / 'warc'}, items in "
              f"{target.crawl_dir / 'items.jsonl'}, texts in {target.crawl_dir / 'articles'}, "
              f"screenshots in {target.crawl_dir / 'screenshots'}")
    _print_history_commands(second, args.out)
    print(f"search and browse the archive: archiver ui {args.out}   (or: archiver search QUERY {args.out})")
    return max(exit_code(first), exit_code(second))


def _run_and_report(options: CrawlOptions, queue) -> None:
    try:
        queue.put(run_crawl(options))
    except (ValueError, FileNotFoundError) as exc:
        queue.put(exc)


def _crawl(options: CrawlOptions) -> list[CrawlTarget]:
    """One crawl in a child process: Twisted's reactor cannot be started twice in one process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_run_and_report, args=(options, queue))
    child.start()
    try:
        result = queue.get()
    finally:
        child.join()
    if isinstance(result, Exception):
        raise result
    return result


def _print_history_commands(second: list[CrawlTarget], root: Path) -> None:
    """What the second run found, and the commands that show one edited article's versions."""
    for target in second:
        try:
            counts = read_report(target.crawl_dir)["counts"]
        except (OSError, ValueError, KeyError):
            continue
        print(f"{target.name}, second run: {counts['articles_rechecked']} articles re-checked, "
              f"{counts['not_modified']} unchanged (304), {counts['new_versions']} new versions, "
              f"{counts['same_versions']} fetched again without a change that counts")
    edit = EDITS[0]
    article = next(a for a in load_articles(edit.outlet) if a["id"] == edit.article_id)
    url = article["original_url"]
    try:
        history = article_history(url, root)
    except NoVersions as exc:
        print(f"the edits were not found: {exc}", file=sys.stderr)
        return
    print(f"\n{edit.outlet}'s {edit.kind} edit is version {history.versions[-1].version} of {url}; see it with:")
    print(f"  archiver history {url} {root}")
    print(f"  archiver diff {url} {root} --html {root / 'diff.html'}")


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="serve the sample outlets, crawl them, let them edit articles, "
                                                "crawl again")
    add_output_arguments(parser)
    parser.set_defaults(func=run)
