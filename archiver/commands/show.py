"""``archiver show URL PATH... [--screenshot OUT.png]``: an archived article's text, and its screenshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("show", help="print an archived article's text export from the WARC",
                                   description="Print the text export of the article archived at URL, and "
                                               "optionally write its capture-time screenshot.")
    parser.add_argument("url", metavar="URL", help="the article's URL (as fetched, or its canonical URL)")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="WARC file, crawl folder or .wacz")
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png", help="write the urn:fullPage PNG here")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.research.show import find_article
    from archiver.terminaltext import visible

    try:
        found = find_article(args.url, args.paths)
    except (FileNotFoundError, ValueError, LookupError) as exc:
        print(f"archiver show: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(visible(found.text))     # control characters made visible; the WARC keeps them
    if args.screenshot:
        if found.screenshot is None:
            print(f"archiver show: no screenshot archived for {found.article.url} (crawled with "
                  "--no-screenshots or without rendering)", file=sys.stderr)
            return 1
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        args.screenshot.write_bytes(found.screenshot)
    return 0
