"""``archiver merge CRAWL_DIR SOURCE...``: join a distributed crawl's folders from other machines into one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from archiver.distributed import merge
    target = args.target
    if not target.is_dir():
        print(f"error: {target} is not a crawl folder", file=sys.stderr)
        return 2
    for source in args.sources:
        if not (source / "workers").is_dir():
            print(f"error: {source} holds no worker output (workers/); is it a distributed crawl's folder?",
                  file=sys.stderr)
            return 2
        copied = merge.copy_into(source, target)
        print(f"{source}: workers {', '.join(copied) or 'none'}")
    previous = {}
    if (target / "crawl.json").exists():
        previous = json.loads((target / "crawl.json").read_text())
    report = merge.finish(target, redis=previous.get("redis"))
    print(f"{target}: {report['counts'].get('articles', 0)} articles from {len(report['workers'])} workers, "
          f"{len(report['files']['warc'])} WARC files")
    return int(report["exit_status"])


def register(subparsers) -> None:
    parser = subparsers.add_parser("merge", help="join crawl folders of a distributed crawl from other machines")
    parser.add_argument("target", type=Path, metavar="CRAWL_DIR", help="the crawl folder to join into")
    parser.add_argument("sources", type=Path, nargs="*", metavar="SOURCE",
                        help="the same crawl's folders from other machines (none: rebuild CRAWL_DIR's joint files)")
    parser.set_defaults(func=run)
