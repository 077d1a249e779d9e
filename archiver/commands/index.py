"""``archiver index PATH... [-o FILE]``: a sorted CDXJ index (pywb, WACZ) of WARC files."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("index", help="write a sorted CDXJ index of WARC files",
                                   description="Index WARC files (or crawl folders) with cdxj-indexer. File "
                                               "names are basenames, as in a pywb collection's archive/ folder.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="WARC file or crawl folder")
    parser.add_argument("-o", "--output", type=Path, help="CDXJ file to write (default: standard output)")
    parser.add_argument("--relative-to", type=Path, help="write file names relative to this folder instead")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.research.index import write_index

    try:
        if args.output:
            write_index(args.paths, args.output, relative_to=args.relative_to)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                out = write_index(args.paths, Path(tmp) / "index.cdxj", relative_to=args.relative_to)
                sys.stdout.write(out.read_text())
    except (FileNotFoundError, ValueError) as exc:
        print(f"archiver index: {exc}", file=sys.stderr)
        return 1
    return 0
