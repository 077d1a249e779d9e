"""``archiver worker --redis URL [--crawl-id ID]``: join a distributed crawl (from this or another machine)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archiver.distributed.connection import RedisUnavailable, safe_url
from archiver.crawl.report import ExitCode


def run(args: argparse.Namespace) -> int:
    from archiver.distributed.worker import default_worker_id, run_worker
    try:
        return run_worker(args.redis, args.crawl_ids, args.worker_id or default_worker_id(), args.out,
                          prefix=args.prefix, log_level=args.log_level, host_share=args.host_share)
    except RedisUnavailable as exc:
        print(f"error: {exc}; is the crawl's Redis running, and is {safe_url(args.redis)} the right URL?",
              file=sys.stderr)
        return int(ExitCode.REDIS_LOST)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)


def register(subparsers) -> None:
    parser = subparsers.add_parser("worker", help="join a distributed crawl: take pages from its Redis frontier")
    parser.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB of the crawl")
    parser.add_argument("--crawl-id", action="append", default=[], dest="crawl_ids", metavar="ID",
                        help="the crawl to join (repeatable; default: every crawl running in this Redis)")
    parser.add_argument("--out", type=Path, default=Path("warcs"),
                        help="output root on this machine (default: warcs); `archiver merge` joins it later")
    parser.add_argument("--worker-id", help="this worker's name, in its WARC files (default: HOST-PID)")
    parser.add_argument("--prefix", default="archiver", help="key prefix of the crawl in Redis")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    parser.add_argument("--host-share", type=int, default=1, metavar="N",
                        help="send at most 1/N of a host's concurrency from this worker (a coordinator's N "
                             "workers each take 1/N; Redis holds them all to the whole); default: 1")
    parser.set_defaults(func=run)
