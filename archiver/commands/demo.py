"""``archiver demo``: serve the bundled sample outlets and crawl both, end to end."""

from __future__ import annotations

import argparse
import sys

from archiver.commands.crawl import add_output_arguments, print_summary
from archiver.runner import CrawlOptions, exit_code, run_crawl
from archiver.sample.server import serve_sample


def run(args: argparse.Namespace) -> int:
    with serve_sample() as sample:
        for name, url in sample.urls.items():
            print(f"serving sample outlet {name} at {url}", file=sys.stderr)
        options = CrawlOptions(
            targets=list(sample.urls), out=args.out, render=args.render,
            base_urls=dict(sample.urls), chromium=args.chromium, max_pages=args.max_pages,
            operator="archiver demo",
        )
        try:
            targets = run_crawl(options)
        except (ValueError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print_summary(targets)
    for target in targets:
        print(f"{target.name}: WARC files in {target.crawl_dir / 'warc'}, items in "
              f"{target.crawl_dir / 'items.jsonl'}, texts in {target.crawl_dir / 'articles'}, "
              f"screenshots in {target.crawl_dir / 'screenshots'}")
    return exit_code(targets)


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="serve the sample outlets and crawl them")
    add_output_arguments(parser)
    parser.set_defaults(func=run)
