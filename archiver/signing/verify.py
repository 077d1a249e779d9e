"""Is a WACZ what its signer packaged? The checks of wacz-auth's Verification section, in order.

1. every file listed in ``datapackage.json`` is there, with its hash and size, and nothing
   unlisted was added;
2. every CDXJ line's record (``recordDigest``) and its payload (``WARC-Payload-Digest``,
   and the index's ``digest``) match the bytes in ``archive/``; every CDXJ block matches
   ``index.idx``;
3. ``datapackage-digest.json``'s hash is that of ``datapackage.json``, and the signed
   ``hash`` and ``created`` are the package's;
4. the signature verifies with the ``publicKey`` (anonymous) or the ``domainCert``
   (domain identity, whose chain must link and name the ``domain``);
5. a ``timeSignature`` is an RFC 3161 token over ``signature`` from a TSA chaining to a
   trusted root, and ``created`` lies in the spec's window before the signed time.

Pins (``--public-key``, ``--trust``) make steps 4 and 5 require a known key or CA.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtensionOID, NameOID
from rfc3161_client import VerificationError
from warcio.archiveiterator import ArchiveIterator

from archiver import settings as defaults
from archiver.signing.keys import fingerprint, load_public_key
from archiver.signing.package import DATAPACKAGE, DIGEST
from archiver.signing.timestamps import verify_timestamp

GRACE = timedelta(seconds=1)          # `created` has whole seconds; a TSA may round down


@dataclass(frozen=True)
class Pins:
    """What the reader trusts: public keys (anonymous signers) and CA certificates (domains, TSAs)."""
    public_keys: tuple[ec.EllipticCurvePublicKey, ...] = ()
    roots: tuple[x509.Certificate, ...] = ()

    @classmethod
    def load(cls, public_keys: list[str], trust: list[Path]) -> "Pins":
        keys = []
        for given in public_keys:
            path = Path(given)
            keys.append(load_public_key(path.read_text() if path.is_file() else given))
        roots = [c for p in trust for c in x509.load_pem_x509_certificates(Path(p).read_bytes())]
        return cls(tuple(keys), tuple(roots))


@dataclass
class Verdict:
    path: Path
    failures: list[str] = field(default_factory=list)     # plain sentences: what is wrong
    notes: list[str] = field(default_factory=list)        # what was checked, and what was not
    signed: bool = False
    signer: str | None = None
    created: str | None = None
    software: str | None = None
    timestamp: datetime | None = None
    timestamp_by: str | None = None

    @property
    def authentic(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {"file": str(self.path), "authentic": self.authentic, "signed": self.signed,
                "signer": self.signer, "created": self.created, "software": self.software,
                "timestamp": self.timestamp.isoformat() if self.timestamp else None,
                "timestamp_by": self.timestamp_by, "failures": self.failures, "notes": self.notes}


def verify_package(path: Path, pins: Pins = Pins(),
                   window: float = defaults.ARCHIVER_SIGNATURE_WINDOW) -> Verdict:
    """Every check above on the WACZ at *path*; the verdict lists what failed in plain words."""
    verdict = Verdict(Path(path))
    try:
        package = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        verdict.failures.append(f"not a readable WACZ (zip) file: {exc}")
        return verdict
    with package:
        names = set(package.namelist())
        if DATAPACKAGE not in names:
            verdict.failures.append("datapackage.json is missing: this is no WACZ, or it was rebuilt by hand")
            return verdict
        package_bytes = package.read(DATAPACKAGE)
        try:
            datapackage = json.loads(package_bytes)
        except ValueError as exc:
            verdict.failures.append(f"datapackage.json is not JSON: {exc}")
            return verdict
        _check_files(package, names, datapackage, verdict)
        _check_index(package, names, verdict)
        _check_signature(package, names, package_bytes, datapackage, pins, window, verdict)
    return verdict


# --------------------------------------------------------------------------- 1. files
def _hash(algorithm: str, member: zipfile.ZipExtFile) -> str:
    hasher = hashlib.new(algorithm)
    for chunk in iter(lambda: member.read(1 << 20), b""):
        hasher.update(chunk)
    return f"{algorithm}:{hasher.hexdigest()}"


def _check_files(package: zipfile.ZipFile, names: set[str], datapackage: dict, verdict: Verdict) -> None:
    listed = set()
    resources = datapackage.get("resources", [])
    for resource in resources:
        name, expected = resource.get("path", ""), resource.get("hash", "")
        listed.add(name)
        if name not in names:
            verdict.failures.append(f"{name} is listed in datapackage.json but missing from the package")
            continue
        algorithm = expected.partition(":")[0]
        if algorithm not in ("sha256", "md5"):
            verdict.failures.append(f"{name}: datapackage.json gives no usable hash ({expected!r})")
            continue
        try:
            with package.open(name) as member:
                actual = _hash(algorithm, member)
        except zipfile.BadZipFile as exc:
            verdict.failures.append(f"{name} was changed inside the zip without rebuilding it: {exc}")
            continue
        if actual != expected:
            verdict.failures.append(f"{name} was changed after packaging: its {algorithm} is {actual.partition(':')[2][:16]}…, "
                                    f"datapackage.json says {expected.partition(':')[2][:16]}…")
        elif resource.get("bytes") not in (None, package.getinfo(name).file_size):
            verdict.failures.append(f"{name} has {package.getinfo(name).file_size} bytes, datapackage.json says "
                                    f"{resource.get('bytes')}")
    extra = sorted(n for n in names - listed - {DATAPACKAGE, DIGEST} if not n.endswith("/"))
    for name in extra:
        verdict.failures.append(f"{name} was added after packaging: datapackage.json does not list it")
    verdict.notes.append(f"{len(resources)} file hashes checked against datapackage.json")


# --------------------------------------------------------------------------- 2. index and records
def _index_lines(package: zipfile.ZipFile, names: set[str], verdict: Verdict) -> list[str]:
    if "indexes/index.cdx.gz" in names:
        data = package.read("indexes/index.cdx.gz")
        if "indexes/index.idx" in names:
            for line in package.read("indexes/index.idx").decode("utf-8").splitlines():
                if line.startswith("!meta") or not line.strip():
                    continue
                block = json.loads(line.split(" ", 2)[2])
                chunk = data[block["offset"]:block["offset"] + block["length"]]
                if "digest" in block and "sha256:" + hashlib.sha256(chunk).hexdigest() != block["digest"]:
                    verdict.failures.append(f"a block of indexes/index.cdx.gz at {block['offset']} differs from "
                                            "indexes/index.idx: the index was edited")
        try:
            return gzip.decompress(data).decode("utf-8").splitlines()
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            verdict.failures.append(f"indexes/index.cdx.gz is damaged: {exc}")
            return []
    cdxj = sorted(n for n in names if n.startswith("indexes/") and n.endswith(".cdxj"))
    return [line for name in cdxj for line in package.read(name).decode("utf-8").splitlines()]


def _check_index(package: zipfile.ZipFile, names: set[str], verdict: Verdict) -> None:
    checked = 0
    open_members: dict[str, zipfile.ZipExtFile] = {}
    try:
        for line in _index_lines(package, names, verdict):
            if not line.strip() or line.startswith("!"):
                continue
            try:
                entry = json.loads(line.split(" ", 2)[2])
                member, offset, length = f"archive/{entry['filename']}", int(entry["offset"]), int(entry["length"])
            except (IndexError, KeyError, ValueError):
                verdict.failures.append(f"an index line cannot be read: {line[:120]}")
                continue
            if member not in names:
                verdict.failures.append(f"the index points into {member}, which is not in the package")
                continue
            fh = open_members.get(member) or open_members.setdefault(member, package.open(member))
            try:
                fh.seek(offset)
                raw = fh.read(length)
            except zipfile.BadZipFile:
                raw = b""                  # the CRC failure is reported with the file hashes
            problem = _record_problem(raw, entry)
            if problem:
                verdict.failures.append(f"record of {entry.get('url')} at offset {offset} of {member}: {problem}")
            checked += 1
    finally:
        for fh in open_members.values():
            fh.close()
    verdict.notes.append(f"{checked} WARC records checked against the CDXJ index")


def _record_problem(raw: bytes, entry: dict) -> str | None:
    """Why the record bytes *raw* are not the record the index line *entry* describes, or None."""
    expected = entry.get("recordDigest")
    if expected and "sha256:" + hashlib.sha256(raw).hexdigest() != expected:
        return ("its bytes differ from the index's recordDigest (the record was changed, or records "
                "before it were removed or added)")
    try:
        records = ArchiveIterator(io.BytesIO(raw), check_digests=True)
        record = next(iter(records), None)
        if record is None:
            return "no WARC record at this offset"
        record.content_stream().read()
        records.read_to_end()
    except Exception as exc:  # warcio raises assorted errors on damaged bytes
        return f"not a readable WARC record ({type(exc).__name__}: {exc})"
    if record.digest_checker.passed is False:
        return "; ".join(record.digest_checker.problems)
    declared = record.rec_headers.get_header("WARC-Payload-Digest")
    if declared and entry.get("digest") and declared.partition(":")[2] != entry["digest"].partition(":")[2]:
        return f"its WARC-Payload-Digest {declared} is not the index's {entry['digest']}"
    if record.rec_headers.get_header("WARC-Target-URI") not in (None, entry.get("url")):
        return f"it is a record of {record.rec_headers.get_header('WARC-Target-URI')}, not of the indexed URL"
    return None


# --------------------------------------------------------------------------- 3-5. signature
def _check_signature(package: zipfile.ZipFile, names: set[str], package_bytes: bytes, datapackage: dict,
                     pins: Pins, window: float, verdict: Verdict) -> None:
    if DIGEST not in names:
        verdict.notes.append("not signed: there is no datapackage-digest.json")
        _require_signature_if_pinned(pins, verdict)
        return
    try:
        digest = json.loads(package.read(DIGEST))
    except ValueError as exc:
        verdict.failures.append(f"datapackage-digest.json is not JSON: {exc}")
        return
    actual = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    if digest.get("hash") != actual:
        verdict.failures.append("datapackage.json was changed after its digest was written: its hash is not the "
                                "one in datapackage-digest.json")
    signed = digest.get("signedData")
    if not signed:
        verdict.notes.append("not signed: datapackage-digest.json carries a hash but no signature")
        _require_signature_if_pinned(pins, verdict)
        return
    verdict.signed = True
    verdict.created, verdict.software = signed.get("created"), signed.get("software")
    if signed.get("hash") != actual:
        verdict.failures.append("the signature is over another datapackage.json (its signed hash is not this "
                                "package's): datapackage.json was replaced, with or without its digest")
    if datapackage.get("created") != signed.get("created"):
        verdict.failures.append(f"datapackage.json says it was created {datapackage.get('created')}, the signature "
                                f"says {signed.get('created')}")
    if "domainCert" in signed:
        _check_domain_signature(signed, pins, verdict)
    elif "publicKey" in signed:
        _check_anonymous_signature(signed, pins, verdict)
    else:
        verdict.failures.append("signedData has neither a publicKey nor a domainCert: no one can check it")
        return
    if "timeSignature" in signed:
        _check_timestamp(signed, pins, window, verdict)
    elif "domainCert" in signed:
        verdict.failures.append("a domain signature must carry an RFC 3161 timeSignature; this one has none")


def _require_signature_if_pinned(pins: Pins, verdict: Verdict) -> None:
    if pins.public_keys or pins.roots:
        verdict.failures.append("the package is not signed, but you asked for a pinned signer")


def _check_anonymous_signature(signed: dict, pins: Pins, verdict: Verdict) -> None:
    try:
        key = load_public_key(signed["publicKey"])
    except (ValueError, TypeError) as exc:
        verdict.failures.append(f"publicKey is not an ECDSA public key: {exc}")
        return
    verdict.signer = f"key {fingerprint(key)}"
    if not _signature_ok(key, signed.get("signature", ""), signed.get("hash", "")):
        verdict.failures.append("the signature does not verify with the package's publicKey: the signature was "
                                "made for other data or by another key")
    if pins.public_keys:
        if any(fingerprint(p) == fingerprint(key) for p in pins.public_keys):
            verdict.signer += " (pinned)"
        else:
            verdict.failures.append(f"signed by key {fingerprint(key)}, which is not one of the keys you pinned "
                                    "with --public-key")
    else:
        verdict.notes.append("anonymous signature: compare the key's fingerprint with the one its archivist "
                             "published, or pin it with --public-key")


def _signature_ok(key, signature: str, text: str) -> bool:
    try:
        raw = base64.b64decode(signature)
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(raw, text.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(raw, text.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def _chain(pem: str, what: str, verdict: Verdict) -> list[x509.Certificate]:
    """The certificates of *pem*, each checked to be signed by the next; [] (with a failure) if not."""
    try:
        certs = x509.load_pem_x509_certificates(pem.encode("ascii"))
    except ValueError as exc:
        verdict.failures.append(f"{what} is not a PEM certificate chain: {exc}")
        return []
    for cert, issuer in zip(certs, certs[1:]):
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            verdict.failures.append(f"{what}: {cert.subject.rfc4514_string()} is not issued by "
                                    f"{issuer.subject.rfc4514_string()}, the next certificate of the chain")
            return []
    return certs


def _trusted(certs: list[x509.Certificate], pins: Pins) -> bool | None:
    """True when the chain ends in (or at) a pinned CA, False when not, None when nothing is pinned."""
    if not pins.roots:
        return None
    last = certs[-1]
    for root in pins.roots:
        if last == root:
            return True
        try:
            last.verify_directly_issued_by(root)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    return False


def _check_domain_signature(signed: dict, pins: Pins, verdict: Verdict) -> None:
    certs = _chain(signed.get("domainCert", ""), "domainCert", verdict)
    if not certs:
        return
    leaf, domain = certs[0], signed.get("domain", "")
    verdict.signer = f"domain {domain} (certificate issued by {leaf.issuer.rfc4514_string()})"
    names = [a.value for a in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    try:
        names += leaf.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value \
            .get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        pass
    if domain not in names:
        verdict.failures.append(f"the signature claims domain {domain!r}, but its certificate is for {names}")
    if not _signature_ok(leaf.public_key(), signed.get("signature", ""), signed.get("hash", "")):
        verdict.failures.append("the signature does not verify with the domain certificate's key")
    created = _parse_time(signed.get("created"))
    if created and not (leaf.not_valid_before_utc - GRACE <= created <= leaf.not_valid_after_utc):
        verdict.failures.append(f"created {created:%Y-%m-%d %H:%M:%S} is outside the domain certificate's "
                                f"validity ({leaf.not_valid_before_utc:%Y-%m-%d} to {leaf.not_valid_after_utc:%Y-%m-%d})")
    trusted = _trusted(certs, pins)
    if trusted is False:
        verdict.failures.append(f"the domain certificate chains to {certs[-1].subject.rfc4514_string()}, which is "
                                "not a CA you trust (--trust)")
    elif trusted is None:
        verdict.notes.append(f"domain certificate chain ends at {certs[-1].subject.rfc4514_string()}; pass --trust "
                             "CA.pem to require a CA you trust")


def _check_timestamp(signed: dict, pins: Pins, window: float, verdict: Verdict) -> None:
    chain_pem = signed.get("timestampCert", "")
    certs = _chain(chain_pem, "timestampCert", verdict)
    if not certs:
        return
    verdict.timestamp_by = certs[0].subject.rfc4514_string()
    roots = list(pins.roots) or [c for c in certs if c.subject == c.issuer][-1:]
    if not roots:
        verdict.failures.append("timestampCert ends below its root CA, so the timestamp cannot be checked; "
                                "pass --trust with the timestamp authority's CA")
        return
    try:
        moment = verify_timestamp(signed["timeSignature"], signed.get("signature", ""), chain_pem, roots)
    except (VerificationError, ValueError) as exc:
        if pins.roots:
            verdict.failures.append(f"the timestamp by {verdict.timestamp_by} is not from a timestamp authority "
                                    f"you trust (--trust), or not over this signature: {exc}")
        else:
            verdict.failures.append(f"the timestamp does not verify over the signature: {exc}")
        return
    verdict.timestamp = moment
    if not pins.roots:
        verdict.notes.append(f"timestamp authority chain ends at {certs[-1].subject.rfc4514_string()}; pass "
                             "--trust CA.pem to require one you trust")
    created = _parse_time(signed.get("created"))
    if created is None:
        verdict.failures.append(f"created {signed.get('created')!r} is not a date")
    elif created - GRACE > moment or moment - created > timedelta(seconds=window):
        verdict.failures.append(f"created {created:%Y-%m-%d %H:%M:%S} is not within {window / 60:g} minutes before "
                                f"the timestamp {moment:%Y-%m-%d %H:%M:%S} (wacz-auth's window)")


def _parse_time(text: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
