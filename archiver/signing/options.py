"""The signing options `archiver wacz` and `archiver crawl --wacz` share, and the signer they choose."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from archiver import settings as defaults
from archiver.signing.keys import load_key
from archiver.signing.package import Signer
from archiver.signing.signature import AnonymousSigner, ServerSigner


def add_signing_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Signing", "datapackage-digest.json as WACZ Signing and Verification "
                                                 "describes it (docs/authenticity.md)")
    group.add_argument("--sign", action="store_true",
                       help="sign with your key (`archiver keys create`), or through --signing-url")
    group.add_argument("--key", type=Path, metavar="FILE",
                       help="the signing key (default: $ARCHIVER_SIGNING_KEY, else "
                            "$XDG_CONFIG_HOME/news-archiver/signing-key.pem)")
    group.add_argument("--timestamp-url", metavar="URL",
                       help="RFC 3161 timestamp authority that timestamps the signature")
    group.add_argument("--signing-url", metavar="URL",
                       help="authsign signing server (domain identity + timestamp); its token is read from "
                            f"${defaults.ARCHIVER_SIGNING_TOKEN_ENV}")


@dataclass(frozen=True)
class SigningOptions:
    sign: bool = False
    key: Path | None = None
    timestamp_url: str | None = None
    signing_url: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "SigningOptions":
        options = cls(sign=args.sign or bool(args.signing_url), key=args.key,
                      timestamp_url=args.timestamp_url, signing_url=args.signing_url)
        if (args.key or args.timestamp_url) and not options.sign:
            raise ValueError("--key and --timestamp-url take effect with --sign")
        if args.signing_url and (args.key or args.timestamp_url):
            raise ValueError("--signing-url signs and timestamps on the server; drop --key and --timestamp-url")
        return options

    def signer(self) -> Signer | None:
        """The signer to use, with the key loaded now: a missing key fails before any packaging."""
        if not self.sign:
            return None
        if self.signing_url:
            return ServerSigner(self.signing_url)
        return AnonymousSigner(load_key(self.key), self.timestamp_url)
