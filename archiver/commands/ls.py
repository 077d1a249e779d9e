"""``archiver ls PATH... [--url REGEX] [--mime PREFIX] [--status N] [--type T] [--json]``: list captures."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from rich.console import Console
from rich.table import Table

RECORD_TYPES = ("response", "revisit", "resource", "metadata", "request", "warcinfo")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ls", help="list the records of WARC files, crawl folders or a WACZ",
                                   description="List every capture: URL, date, status, MIME type, size, "
                                               "record type, file and offset.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="WARC file, crawl folder or .wacz")
    parser.add_argument("--url", type=re.compile, help="only URLs matching this regular expression")
    parser.add_argument("--mime", help="only MIME types starting with this, e.g. text/html")
    parser.add_argument("--status", type=int, help="only this HTTP status")
    parser.add_argument("--type", choices=RECORD_TYPES, help="only this record type")
    parser.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.recording.reader import iter_records

    console = Console(stderr=True)
    try:
        records = [r for r in iter_records(args.paths)
                   if (not args.url or args.url.search(r.uri))
                   and (not args.mime or r.mime.lower().startswith(args.mime.lower()))
                   and (args.status is None or r.status == args.status)
                   and (not args.type or r.type == args.type)]
    except (FileNotFoundError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        return 1
    if args.json:
        for r in records:
            print(json.dumps({"url": r.uri, "date": r.date, "status": r.status, "mime": r.mime,
                              "length": r.length, "type": r.type, "file": str(r.source),
                              "offset": r.offset, "record_id": r.record_id}))
        return 0
    table = Table(title=f"{len(records)} records")
    for column in ("URL", "WARC-Date", "Status", "MIME type", "Size", "Type", "File", "Offset"):
        table.add_column(column, overflow="fold")
    for r in records:
        table.add_row(r.uri, r.date, str(r.status or ""), r.mime, str(r.length), r.type, r.filename, str(r.offset))
    Console().print(table)
    return 0
