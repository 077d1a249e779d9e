"""``archiver keys create|show``: the archivist's signing key for signed WACZ packages.

``create`` makes an ECDSA P-256 key (mode 0600, outside every output root);
``show`` prints its public key, the one to publish so readers can check packages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("keys", help="make or show the key that signs WACZ packages",
                                   description="The signing key of `archiver wacz --sign` (see docs/authenticity.md).")
    verbs = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    create = verbs.add_parser("create", help="make a new ECDSA P-256 signing key")
    create.add_argument("--key", type=Path, help="where to keep it (default: $ARCHIVER_SIGNING_KEY, else "
                                                 "$XDG_CONFIG_HOME/news-archiver/signing-key.pem)")
    create.add_argument("--out", type=Path, action="append", default=[],
                        help="an output root the key must stay out of (repeatable; `warcs` always counts)")
    create.add_argument("--force", action="store_true", help="replace an existing key")
    create.set_defaults(func=run_create)
    show = verbs.add_parser("show", help="print the public key to publish")
    show.add_argument("--key", type=Path, help="the private key file (default as for create)")
    show.set_defaults(func=run_show)


def run_create(args: argparse.Namespace) -> int:
    from archiver.signing.keys import SigningKeyError, create_key, default_key_path

    try:
        key = create_key(args.key or default_key_path(), roots=args.out, force=args.force)
    except SigningKeyError as exc:
        print(f"archiver keys: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {key.path} (mode 600); keep it private and back it up", file=sys.stderr)
    _print_public(key)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from archiver.signing.keys import SigningKeyError, load_key

    try:
        key = load_key(args.key)
    except SigningKeyError as exc:
        print(f"archiver keys: {exc}", file=sys.stderr)
        return 2
    _print_public(key)
    return 0


def _print_public(key) -> None:
    from archiver.signing.keys import fingerprint, public_key_b64

    print(key.public_pem(), end="")
    print(f"publicKey (as in datapackage-digest.json): {public_key_b64(key.public_key)}")
    print(f"SHA-256 fingerprint: {fingerprint(key.public_key)}")
