"""``archiver replay PATH... [--port P] [--host H] [--open URL]``: replay crawls in pywb until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from archiver.commands.ui import add_allowed_host_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("replay", help="replay WARC files or crawl folders in pywb",
                                   description="Build a pywb collection (WARCs, our CDXJ, a page list) and "
                                               "serve it with wayback from the tools venv (`make tools`).")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="WARC file or crawl folder")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    add_allowed_host_argument(parser)
    parser.add_argument("--dir", type=Path, help="build the collection here (default: a temporary folder)")
    parser.add_argument("--frameless", action="store_true", help="no pywb frame or banner around pages")
    parser.add_argument("--open", metavar="URL", help="also print the replay URL of this capture")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.research.replay import start_replay

    try:
        server = start_replay(args.paths, args.port, host=args.host, directory=args.dir,
                              framed=not args.frameless, extra_hosts=tuple(args.allowed_host))
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"archiver replay: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)       # stop wayback on `kill` too, not only on Ctrl-C
    with server:
        print(f"pages: {server.index_url}", flush=True)
        if args.open:
            print(f"replay: {server.replay_url(args.open)}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
