"""``archiver diff URL [--from N --to M] [ROOT] [--html FILE]``: what changed between two versions, word by word."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archiver.commands.history import add_article_arguments
from archiver.history.diff import word_diff, words_changed
from archiver.history.lookup import NoVersions, article_history
from archiver.history.render import diff_page, diff_text, version_label
from archiver.terminaltext import visible


def register(subparsers) -> None:
    parser = subparsers.add_parser("diff", help="word-level diff between two versions of an archived article")
    add_article_arguments(parser)
    parser.add_argument("--from", dest="old", type=int, metavar="N", help="older version (default: the one before --to)")
    parser.add_argument("--to", dest="new", type=int, metavar="M", help="newer version (default: the latest)")
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write a side-by-side HTML page")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    try:
        history = article_history(args.url, args.root)
        new = history.get(args.new) if args.new else history.versions[-1]
        if args.old is None and new.version == 1:
            raise NoVersions(f"{history.url} has only version 1 under {args.root}: nothing to compare yet")
        old = history.get(args.old if args.old is not None else new.version - 1)
    except NoVersions as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    changes = word_diff(old.snapshot.document(), new.snapshot.document())
    added, removed = words_changed(changes)
    console = Console(highlight=False, soft_wrap=True)
    console.print(visible(f"{history.url}\n{version_label(old)} -> {version_label(new)}: "
                          f"{added} words added, {removed} removed; changed: {', '.join(new.changed) or 'nothing'}\n"),
                  markup=False)
    console.print(diff_text(changes, markers=not console.is_terminal))
    if args.html:
        args.html.write_text(diff_page(history.url, old, new, changes), encoding="utf-8")
        console.print(visible(f"\nside-by-side page: {args.html}"), markup=False)
    return 0
