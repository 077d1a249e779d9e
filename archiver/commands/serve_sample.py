"""``archiver serve-sample``: serve the bundled sample outlets until Ctrl-C.

Used for demos and for crawling by hand; tests call
:func:`archiver.sample.serve_sample` directly.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve-sample", help="serve the bundled sample news outlets on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="port of themoscowtimes (0 = any free port); "
                        "harbourgazette takes the next free one")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the bundled one)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.sample import serve_sample

    outlets = serve_sample(host=args.host, port=args.port, data_dir=args.data)
    for name, url in outlets.urls.items():
        print(f"{name} {url}", flush=True)
    for name, url in outlets.companions.items():
        print(f"{name} (sitemap host) {url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        outlets.stop()
    return 0
