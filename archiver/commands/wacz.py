"""``archiver wacz CRAWL_DIR -o FILE.wacz``: package a crawl (and the WARCs its revisits need) as WACZ 1.1.1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("wacz", help="package a crawl folder as a WACZ file",
                                   description="Build a WACZ with pages/pages.jsonl (pages and article text), "
                                               "the crawl's WARCs and the earlier WARCs its revisits refer to.")
    parser.add_argument("crawl_dir", type=Path, metavar="CRAWL_DIR")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .wacz file to write")
    parser.add_argument("--title", help="package title (default: the crawl folder's name)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.research.wacz import package_crawl, validate

    try:
        path = package_crawl(args.crawl_dir, args.output, title=args.title)
        validate(path)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"archiver wacz: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path} (validated)", file=sys.stderr)
    return 0
