"""The ``signedData`` of ``datapackage-digest.json``, made by our key or by an authsign signing server.

Anonymous (wacz-auth 4.1.1): ``hash, created, software, version, signature, publicKey``;
with ``--timestamp-url`` also ``timeSignature, timestampCert`` (the extension proposed in
webrecorder/specs#142). Domain identity (4.1.2): whatever the authsign server returns
for ``{hash, created}``, checked to be about our hash and time.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone

from archiver import __version__
from archiver import settings as defaults
from archiver.signing.keys import SigningKey, public_key_b64
from archiver.signing.timestamps import request_timestamp

SIGNATURE_VERSION = "0.1.0"          # the wacz-auth version of the signedData format
SOFTWARE = f"news-archiver {__version__}"


class SigningError(Exception):
    """Signing failed; nothing was written. The message says what to fix."""


def created_now() -> str:
    """``created``, to the second, as py-wacz, authsign and wacz-signing all write and parse it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class AnonymousSigner:
    """Signs with the archivist's own key; timestamps the signature when a TSA URL is given."""
    key: SigningKey
    timestamp_url: str | None = None
    timeout: float = defaults.ARCHIVER_SIGNING_TIMEOUT

    def __call__(self, digest: str, created: str) -> dict:
        signature = self.key.sign(digest)
        signed = {"hash": digest, "created": created, "software": SOFTWARE, "version": SIGNATURE_VERSION,
                  "signature": signature, "publicKey": public_key_b64(self.key.public_key)}
        if self.timestamp_url:
            stamp = request_timestamp(self.timestamp_url, signature, timeout=self.timeout)
            signed |= {"timeSignature": stamp.time_signature, "timestampCert": stamp.certificate_chain}
        return signed


@dataclass(frozen=True)
class ServerSigner:
    """Asks an authsign signing server (POST ``{hash, created}``) for a domain-identity signature.

    The bearer token comes from the environment variable named *token_env*, never the command line,
    so it shows in no process list and no log.
    """
    url: str
    token_env: str = defaults.ARCHIVER_SIGNING_TOKEN_ENV
    timeout: float = defaults.ARCHIVER_SIGNING_TIMEOUT

    def __call__(self, digest: str, created: str) -> dict:
        if not self.url.startswith(("http://", "https://")):
            raise SigningError(f"--signing-url must be an http(s) URL, not {self.url!r}")
        headers = {"Content-Type": "application/json"}
        token = os.environ.get(self.token_env)
        if token:
            headers["Authorization"] = f"bearer {token}"
        body = json.dumps({"hash": digest, "created": created}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                signed = json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            hint = f" (is ${self.token_env} set to the server's token?)" if exc.code in (401, 403) else ""
            raise SigningError(f"signing server {self.url} refused: HTTP {exc.code} "
                               f"{exc.read()[:300].decode('utf-8', 'replace')}{hint}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SigningError(f"signing server {self.url} did not answer: {exc}") from exc
        if not isinstance(signed, dict) or signed.get("hash") != digest or signed.get("created") != created:
            raise SigningError(f"signing server {self.url} signed something else than asked "
                               f"(hash {signed.get('hash')!r}, created {signed.get('created')!r})")
        return {k: v for k, v in signed.items() if v is not None}
