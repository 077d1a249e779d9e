"""``archiver outlets``: list the outlet profiles."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from archiver.outlets import load_profiles


def run(args: argparse.Namespace) -> int:
    table = Table("name", "outlet", "base URL", "start pages", "sitemaps", "feeds")
    for name, profile in sorted(load_profiles(args.config).items()):
        table.add_row(name, profile.title, profile.base_url, str(len(profile.start_urls)),
                      str(len(profile.sitemaps)), str(len(profile.feeds)))
    Console().print(table)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("outlets", help="list the outlet profiles")
    parser.add_argument("--config", type=Path, help="TOML file with more outlet profiles")
    parser.set_defaults(func=run)
