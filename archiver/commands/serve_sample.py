"""``archiver serve-sample``: serve the bundled sample outlets until Ctrl-C.

Used for demos and for crawling by hand; tests call
:func:`archiver.sample.serve_sample` directly.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve-sample", help="serve the bundled sample news outlets on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="port of themoscowtimes (0 = any free port); "
                        "harbourgazette and lantern take the next free ones")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the bundled one)")
    parser.add_argument("--edits", action="store_true",
                        help="a live outlet that edits its articles: recent dates, and harbourgazette's edits "
                             "(headline, paragraph, correction, byline, whitespace) published when you press "
                             "Enter or send SIGUSR1")
    subs = parser.add_argument_group("Subscriber area", "demo accounts, a login form, paywalled articles "
                                     "(docs/logged-in.md)")
    subs.add_argument("--subscribers", action="store_true",
                      help="paywall every other article; full text only with a live subscriber session "
                           "(demo account reader@example.org / sample-subscriber)")
    subs.add_argument("--session-lifetime", type=float, default=3600.0, metavar="SECONDS",
                      help="a subscriber session ends this long after login (default: %(default)s)")
    subs.add_argument("--session-pages", type=int, default=0, metavar="N",
                      help="... or after N full-text articles (default: 0, no limit)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archiver.sample import serve_sample
    from archiver.sample.subscribers import SubscriberArea

    if args.session_lifetime <= 0 or args.session_pages < 0:
        print("error: --session-lifetime must be > 0 and --session-pages >= 0", file=sys.stderr)
        return 2
    area = SubscriberArea(session_lifetime=args.session_lifetime, session_pages=args.session_pages) \
        if args.subscribers else None
    outlets = serve_sample(host=args.host, port=args.port, data_dir=args.data, edits=args.edits,
                           subscribers=area)
    for name, url in outlets.urls.items():
        print(f"{name} {url}", flush=True)
    for name, url in outlets.companions.items():
        print(f"{name} (sitemap host) {url}", flush=True)
    if area is not None:
        print(f"subscriber area on: log in at <outlet>/login as {', '.join(area.accounts)} "
              "(password: see docs/logged-in.md)", flush=True)
    if args.edits:
        signal.signal(signal.SIGUSR1, lambda *_: _publish(outlets))
        print("press Enter (or send SIGUSR1) to publish the edits", flush=True)
        threading.Thread(target=_publish_on_enter, args=(outlets,), daemon=True).start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        outlets.stop()
    return 0


def _publish(outlets) -> None:
    for edit in outlets.publish_edits():
        print(f"edited {edit.outlet} article {edit.article_id}: {edit.kind}", flush=True)


def _publish_on_enter(outlets) -> None:
    if sys.stdin.readline():         # EOF (no terminal) publishes nothing
        _publish(outlets)
