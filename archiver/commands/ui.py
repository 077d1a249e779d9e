"""``archiver ui [ROOT] [--port P] [--host 127.0.0.1]``: the research page, with pywb beside it for replay."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from archiver import settings as defaults


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ui", help="the research page: search, article versions and diffs, runs, replay",
        description="Serve a read-only research page over an output root (search with filters, each "
                    "article's fields, screenshot, versions and diffs, each outlet's runs) and start pywb "
                    "on another local port so every capture opens in replay.")
    parser.add_argument("root", nargs="?", type=Path, default=Path(defaults.ARCHIVER_OUTPUT_ROOT), metavar="ROOT",
                        help=f"output root (default: {defaults.ARCHIVER_OUTPUT_ROOT})")
    parser.add_argument("--port", type=int, default=defaults.ARCHIVER_UI_PORT,
                        help=f"port of the page (default {defaults.ARCHIVER_UI_PORT}; 0: any free port)")
    parser.add_argument("--host", default=defaults.ARCHIVER_UI_HOST, help="address to bind (default %(default)s)")
    add_allowed_host_argument(parser)
    parser.add_argument("--replay-port", type=int, default=0, help="port of pywb (default: any free port)")
    parser.add_argument("--no-replay", action="store_true",
                        help="do not start pywb; replay links point at --replay-base")
    parser.add_argument("--replay-base", default=defaults.ARCHIVER_REPLAY_BASE_URL, metavar="URL",
                        help="with --no-replay: where replay links point (default %(default)s)")
    parser.set_defaults(func=run)


def add_allowed_host_argument(parser: argparse.ArgumentParser) -> None:
    """``--allowed-host``, as ``ui`` and ``replay`` both take it."""
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                        help="a further host name to answer to (the page is reached by that name, e.g. "
                             "through an SSH tunnel or a reverse proxy); repeatable. Requests naming any "
                             "host other than these, --host, 127.0.0.1 and localhost are refused")


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="archiver-ui-") as scratch:
        return _serve(args, Path(scratch))


def _serve(args: argparse.Namespace, scratch: Path) -> int:
    """The page (and pywb); whatever they must write goes to *scratch*, never into the archive."""
    from waitress import create_server

    from archiver.localserver import allowed_hosts
    from archiver.research.replay import start_replay
    from archiver.search.index import index_path, rebuild
    from archiver.web.app import SiteConfig, create_app

    root: Path = args.root
    if not root.is_dir():
        print(f"archiver ui: {root} is not an output root (a folder of crawl folders)", file=sys.stderr)
        return 2
    index = index_path(root)
    if not index.exists():
        index = scratch / index.name
        print(f"no search index in {root}: building one in {index} for this session (the archive is only "
              f"read; `archiver search --reindex {root}` keeps one there)", file=sys.stderr)
        rebuild(root, target=index)
    signal.signal(signal.SIGTERM, _interrupt)         # stop pywb on `kill` too, not only on Ctrl-C
    replay = None
    try:
        if not args.no_replay:
            try:
                replay = start_replay([root], args.replay_port, host=args.host, extra_hosts=tuple(args.allowed_host))
            except (FileNotFoundError, ValueError, RuntimeError) as exc:
                print(f"archiver ui: replay could not start: {exc} (--no-replay serves the page without it)",
                      file=sys.stderr)
                return 1
            print(f"replay: {replay.url}/", flush=True)
        config = SiteConfig(root=root, replay_base=replay.url if replay else args.replay_base,
                            allowed_hosts=allowed_hosts(args.host, args.allowed_host), index=index)
        try:
            server = create_server(create_app(config), host=args.host, port=args.port,
                                   threads=defaults.ARCHIVER_UI_THREADS)
        except OSError as exc:
            print(f"archiver ui: cannot listen on {args.host}:{args.port} ({exc}); pick another --port",
                  file=sys.stderr)
            return 1
        print(f"research page: http://{args.host}:{server.effective_port}/", flush=True)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    finally:
        if replay is not None:
            replay.stop()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
