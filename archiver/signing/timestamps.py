"""RFC 3161 trusted timestamps: ask a timestamp authority (TSA) to sign the time of a signature.

The token proves the signature existed at the TSA's time; with wacz-auth, the
timestamped message is the base64 ``signature`` text, hashed with SHA-256, and
``timeSignature`` holds the whole DER TimeStampResp, base64 (as authsign writes it).

rfc3161-client checks tokens; it insists on DER's sorted SET OF certificates, which
OpenSSL-based TSAs do not sort, so a reply is first re-encoded with its certificates
in DER order (asn1crypto). The certificates are not covered by the TSA's signature;
the stored ``timeSignature`` stays the TSA's own bytes.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from rfc3161_client import (HashAlgorithm, PKIStatus, TimestampRequestBuilder, VerificationError, VerifierBuilder,
                            decode_timestamp_response)

from archiver import settings as defaults


class TimestampError(Exception):
    """The TSA could not be reached or refused; the message names the URL and the reason."""


@dataclass(frozen=True)
class Timestamp:
    time_signature: str        # base64 DER TimeStampResp
    certificate_chain: str     # PEM, the TSA's certificate first
    time: datetime


def request_timestamp(url: str, message: str, *, timeout: float = defaults.ARCHIVER_SIGNING_TIMEOUT) -> Timestamp:
    """A timestamp of the ASCII *message* from the TSA at *url* (http or https only)."""
    if not url.startswith(("http://", "https://")):
        raise TimestampError(f"--timestamp-url must be an http(s) URL, not {url!r}")
    request = (TimestampRequestBuilder().data(message.encode("ascii")).hash_algorithm(HashAlgorithm.SHA256)
               .nonce(nonce=True)
               .cert_request(cert_request=True).build())
    http = urllib.request.Request(url, data=request.as_bytes(), method="POST",
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as reply:
            body = reply.read()
    except (urllib.error.URLError, OSError) as exc:
        raise TimestampError(f"timestamp authority {url} did not answer: {exc}") from exc
    try:
        response = decode_timestamp_response(_sorted_certificates(body))
    except ValueError as exc:
        raise TimestampError(f"timestamp authority {url} sent no RFC 3161 reply: {exc}") from exc
    if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TimestampError(f"timestamp authority {url} refused: status {response.status} "
                             f"{' '.join(response.status_string)}")
    if response.tst_info.nonce != request.nonce:
        raise TimestampError(f"timestamp authority {url} answered another request (nonce mismatch)")
    if response.tst_info.message_imprint.message != hashlib.sha256(message.encode("ascii")).digest():
        raise TimestampError(f"timestamp authority {url} stamped another message")
    certs = _ordered_chain(response)
    if not certs:
        raise TimestampError(f"timestamp authority {url} sent no certificate; wacz-auth needs the TSA's chain")
    pem = "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certs)
    return Timestamp(base64.b64encode(body).decode("ascii"), pem, _utc(response.tst_info.gen_time))


def verify_timestamp(time_signature: str, message: str, chain_pem: str,
                     roots: list[x509.Certificate]) -> datetime:
    """The signed time of *time_signature* over *message*; raises VerificationError why not.

    The token's signer must chain (through *chain_pem*'s certificates) to one of *roots*.
    """
    try:
        response = decode_timestamp_response(_sorted_certificates(base64.b64decode(time_signature)))
    except ValueError as exc:
        raise VerificationError(f"timeSignature is not an RFC 3161 timestamp reply: {exc}") from exc
    chain = x509.load_pem_x509_certificates(chain_pem.encode("ascii")) if chain_pem.strip() else []
    if not roots:
        raise VerificationError("no trusted timestamp authority: pin one with --trust CA.pem")
    builder = VerifierBuilder(roots=list(roots),
                              intermediates=[c for c in chain if c not in roots and not _self_signed(c)])
    if chain:
        builder = builder.tsa_certificate(chain[0])
    builder.build().verify_message(response, message.encode("ascii"))
    return _utc(response.tst_info.gen_time)


def _sorted_certificates(der: bytes) -> bytes:
    """*der* (a TimeStampResp) with its token's certificates in DER's SET OF order."""
    try:
        reply = tsp.TimeStampResp.load(der)
        token = reply["time_stamp_token"]
        if token.native is None:
            return der
        signed = token["content"]
        certs = signed["certificates"]
        if len(certs) < 2:
            return der
        signed["certificates"] = cms.CertificateSet(sorted(certs, key=lambda c: c.dump()))
        return reply.dump(force=False)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"not a TimeStampResp: {exc}") from exc


def _ordered_chain(response) -> list[x509.Certificate]:
    """The certificates in the token, leaf (the TSA) first, each followed by its issuer."""
    certs = [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]
    issuers = {c.issuer for c in certs}
    leaves = [c for c in certs if c.subject not in issuers or _self_signed(c) and len(certs) == 1]
    ordered = leaves[:1]
    while ordered:
        nxt = next((c for c in certs if c.subject == ordered[-1].issuer and c not in ordered), None)
        if nxt is None:
            break
        ordered.append(nxt)
    return ordered or certs


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
