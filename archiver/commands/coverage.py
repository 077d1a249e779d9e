"""``archiver coverage``: per day of publication, what the outlet listed against what is archived."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from archiver.coverage import Coverage, coverage
from archiver.crawl.state import CrawlState


def _print_table(name: str, report: Coverage) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("day", "listed", "archived", "failed", "not attempted", title=f"{name}: listed by its sitemaps and feeds")
    rows = [*report.days, report.totals()]
    for day in rows:
        failed = ", ".join(f"{reason} {count}" for reason, count in sorted(day.failed.items())) or "0"
        table.add_row(day.day, str(day.listed), str(day.archived), failed, str(day.not_attempted),
                      end_section=day is rows[-2])
    Console().print(table)


def _day(value: str) -> str:
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def run(args: argparse.Namespace) -> int:
    path = Path(args.root) / "state.sqlite"
    if not path.is_file():
        print(f"error: {args.root} is not an output root (no state.sqlite); give the folder passed to crawl --out",
              file=sys.stderr)
        return 2
    state = CrawlState(path)
    try:
        known = state.outlets_listed()
        if args.outlet and args.outlet not in known:
            print(f"error: no sitemap or feed listings of {args.outlet!r} under {args.root} "
                  f"(recorded: {', '.join(known) or 'none'})", file=sys.stderr)
            return 2
        outlets = [args.outlet] if args.outlet else known
        reports = {name: coverage(state.listed_articles(outlet=name), since=args.since, until=args.until)
                   for name in outlets}
    finally:
        state.close()
    if args.json:
        print(json.dumps({name: report.as_json() for name, report in reports.items()}, indent=2))
        return 0
    if not reports:
        print("no sitemap or feed listings recorded under this root yet", file=sys.stderr)
    for name, report in reports.items():
        _print_table(name, report)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("coverage", help="listed by the outlet vs archived, per day of publication")
    parser.add_argument("root", metavar="ROOT", help="output root (crawl --out)")
    parser.add_argument("--outlet", help="only this outlet (default: every outlet under ROOT)")
    parser.add_argument("--since", metavar="DATE", type=_day, help="from this day of publication (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", type=_day, help="up to this day of publication (YYYY-MM-DD)")
    parser.add_argument("--json", action="store_true", help="JSON with the missing URLs of each day")
    parser.set_defaults(func=run)
