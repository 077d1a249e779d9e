"""``archiver history URL [ROOT]``: the versions of an article, with what changed in each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archiver.history.lookup import NoVersions, article_history


def add_article_arguments(parser: argparse.ArgumentParser) -> None:
    """URL and ROOT, as ``history`` and ``diff`` both take them."""
    parser.add_argument("url", help="the article's URL (as fetched, or its canonical URL)")
    parser.add_argument("root", nargs="?", type=Path, default=Path("warcs"), help="output root (default: warcs)")


def register(subparsers) -> None:
    parser = subparsers.add_parser("history", help="list the versions of an archived article")
    add_article_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from archiver.terminaltext import text, visible

    try:
        history = article_history(args.url, args.root)
    except NoVersions as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    table = Table("version", "captured", "changed", "words +", "words -", "WARC record",
                  title=text(f"{history.url}: {len(history.versions)} version(s)"))
    for version in history.versions:
        changed = "first capture" if version.version == 1 else ", ".join(version.changed)
        table.add_row(str(version.version), text(version.captured_at), text(changed), str(version.words_added),
                      str(version.words_removed), text(f"{version.warc.get('filename')} @ {version.warc.get('offset')}"))
    console = Console(width=200) if not sys.stdout.isatty() else Console()
    console.print(table)
    for other in history.others:
        console.print(f"also archived as {visible(other)} (same canonical URL); give that URL for its versions",
                      markup=False)
    return 0
