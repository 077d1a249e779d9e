"""``archiver search QUERY [ROOT] [filters] [--json]`` and ``archiver search --reindex [ROOT]``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from archiver import settings as defaults


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search", help="full-text search over every archived article version",
        description="Search titles, bylines and bodies of every archived article version (SQLite FTS5). "
                    'QUERY: words (all must match), "a phrase", prefix*, AND/OR/NOT, NEAR(a b, 10), '
                    "title:word. Results are ranked by bm25 (title > byline > body).")
    parser.add_argument("query", nargs="?", metavar="QUERY", help="FTS5 query (with --reindex: the ROOT)")
    parser.add_argument("root", nargs="?", type=Path, metavar="ROOT",
                        help=f"output root (default: {defaults.ARCHIVER_OUTPUT_ROOT})")
    parser.add_argument("--reindex", action="store_true",
                        help="rebuild the index from the WARC files' urn:article: records alone")
    filters = parser.add_argument_group("Filters")
    filters.add_argument("--outlet", help="only this outlet")
    filters.add_argument("--author", help="only articles with an author whose name contains this")
    filters.add_argument("--section", help="only this section")
    filters.add_argument("--since", metavar="DATE", help="published on or after (YYYY-MM-DD or ISO time)")
    filters.add_argument("--until", metavar="DATE", help="published on or before (a date includes its day)")
    filters.add_argument("--lang", help="only this language (en also matches en-GB)")
    filters.add_argument("--access", choices=("free", "partial", "subscriber"),
                         help="only articles whose captured text is free, a paywalled teaser, or a subscriber's "
                              "full text (docs/walls.md)")
    out = parser.add_argument_group("Output")
    out.add_argument("--limit", type=int, default=defaults.ARCHIVER_SEARCH_LIMIT,
                     help=f"at most N results (default {defaults.ARCHIVER_SEARCH_LIMIT})")
    out.add_argument("--json", action="store_true", help="one JSON object per result and line")
    out.add_argument("--replay-base", default=defaults.ARCHIVER_REPLAY_BASE_URL, metavar="URL",
                     help="pywb front the replay links point at (default: %(default)s, where "
                          "`archiver replay ROOT --port 8090` serves)")
    parser.set_defaults(func=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.reindex:
        if args.query and args.root:
            args.parser.error("--reindex takes only the ROOT, not a query")
        return reindex(Path(args.root or args.query or defaults.ARCHIVER_OUTPUT_ROOT))
    if not args.query:
        args.parser.error("give a QUERY (or --reindex)")
    if args.limit < 1:
        args.parser.error("--limit must be at least 1")
    return query(args)


def reindex(root: Path) -> int:
    from archiver.search.index import index_path, rebuild

    if not root.is_dir():
        print(f"archiver search: {root} is not an output root (a folder of crawl folders)", file=sys.stderr)
        return 2
    total = rebuild(root)
    print(f"indexed {total} article versions from the WARC files under {root} into {index_path(root)}",
          file=sys.stderr)
    return 0


def query(args: argparse.Namespace) -> int:
    from rich.console import Console

    from archiver.search import QueryError, SearchFilters, SearchIndex, search
    from archiver.search.present import replay_url, render_hit

    root = Path(args.root or defaults.ARCHIVER_OUTPUT_ROOT)
    filters = SearchFilters(outlet=args.outlet, author=args.author, section=args.section, since=args.since,
                            until=args.until, language=args.lang, access=args.access)
    try:
        with SearchIndex.of_root(root, readonly=True) as index:
            hits = search(index, args.query, filters, limit=args.limit)
    except FileNotFoundError as exc:
        print(f"archiver search: {exc}", file=sys.stderr)
        return 1
    except QueryError as exc:
        print(f"archiver search: {exc}", file=sys.stderr)
        return 2
    if args.json:
        for hit in hits:
            record = asdict(hit)
            record["snippet"] = "".join(text for text, _ in hit.snippet)
            record["highlights"] = [text for text, marked in hit.snippet if marked]
            record["replay_url"] = replay_url(args.replay_base, hit.url, hit.captured_at)
            print(json.dumps(record, ensure_ascii=False))
        return 0
    console = Console()
    for n, hit in enumerate(hits, 1):
        console.print(render_hit(n, hit, args.replay_base))
    Console(stderr=True).print(f"{len(hits)} result{'s' if len(hits) != 1 else ''}"
                               f"{' (--limit reached)' if len(hits) == args.limit else ''}")
    return 0
