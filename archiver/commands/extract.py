"""``archiver extract PATH... [-o OUT] [--format jsonl|text] [--outlet NAME]``: rebuild items from WARCs.

``archiver extract page.html --url URL [--outlet NAME]`` extracts one saved HTML page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract", help="rebuild article items from archived responses",
        description="Re-run the crawl's extraction on archived responses (WARC files, crawl folders, WACZ), "
                    "or on one saved HTML file with --url.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("-o", "--output", type=Path,
                        help="items.jsonl to write (jsonl, default: standard output) or folder (text; without it "
                             "the one article's text goes to standard output)")
    parser.add_argument("--format", choices=("jsonl", "text"), default="jsonl",
                        help="jsonl: items as in items.jsonl; text: one seed-format .txt per article")
    parser.add_argument("--outlet", help="outlet profile when the records do not name one")
    parser.add_argument("--url", help="the page's URL, for a saved HTML file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.research.extract import extract_html, extract_items, item_dict
    from archiver.filenames import article_filename
    from archiver.terminaltext import visible
    from archiver.textexport import article_to_text

    try:
        if args.url:
            if len(args.paths) != 1 or args.paths[0].name.endswith((".warc.gz", ".warc", ".wacz")):
                raise ValueError("--url goes with one saved HTML file; for WARCs leave --url out")
            articles = [extract_html(args.paths[0].read_bytes(), args.url, args.outlet)]
        else:
            articles = list(extract_items(args.paths, args.outlet))
        if args.format == "text":
            if not args.output:
                if len(articles) != 1:
                    raise ValueError(f"{len(articles)} articles: --format text prints one article; "
                                     "give a folder with -o DIR for one file each")
                sys.stdout.write(visible(article_to_text(articles[0])) + "\n")   # -o DIR keeps it as stored
            else:
                args.output.mkdir(parents=True, exist_ok=True)
                for article in articles:
                    (args.output / article_filename(article)).write_text(article_to_text(article),
                                                                          encoding="utf-8")
        else:
            lines = "".join(json.dumps(item_dict(a), ensure_ascii=False) + "\n" for a in articles)
            if args.output:
                args.output.write_text(lines, encoding="utf-8")
            else:
                sys.stdout.write(lines)
    except (FileNotFoundError, ValueError, KeyError, LookupError) as exc:
        print(f"archiver extract: {exc}", file=sys.stderr)
        return 1
    print(f"{len(articles)} article(s)", file=sys.stderr)
    return 0
