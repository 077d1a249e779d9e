"""The ``archiver`` command line: one subcommand per module in ``archiver.commands``.

Each command module defines ``register(subparsers)``, which adds its parser and
sets ``func`` to a callable taking the parsed namespace and returning the exit
code. ``main(argv)`` returns that code, so tests can call it directly.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from archiver import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archiver",
        description="Preserve news coverage as WARC archives and structured article items.",
    )
    parser.add_argument("--version", action="version", version=f"archiver {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
