"""Build WARC/1.1 records and serialize each one into a single gzip member.

Building (header rules, digests, lengths) is kept apart from writing (files,
locking, rollover, disk errors: ``writer.py``), as warcio splits RecordBuilder
from WARCWriter. warcio 1.8.1's own writer is not used for output because it
hard-codes zlib level 9 (``GzippingWrapper``) and sha1 (``_create_digester``)
and writes a record piecewise into the target file; we reuse its
``StatusAndHeaders`` so HTTP header blocks are byte-identical to warcio's
(including its %-encoding of non-ASCII values).

Bodies are read at most twice (digest pass, then compression pass) and never
held twice: ``bytes`` are sliced with memoryviews, file objects are streamed,
and unseekable streams are spooled to a temporary file first.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders

from archiver.recording.exchange import Exchange

WARC_VERSION = "WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
HTTP_RESPONSE_TYPE = "application/http; msgtype=response"
HTTP_REQUEST_TYPE = "application/http; msgtype=request"
WARC_FIELDS_TYPE = "application/warc-fields"
# Prefix for headers that describe the wire form but no longer the stored body.
# NOTE: Browsertrix uses "x-orig-"; "X-Archive-Orig-" is pywb/Wayback's prefix.
ORIG_PREFIX = "X-Archive-Orig-"
DIGEST_ALGORITHMS = ("sha1", "sha256")

CHUNK_SIZE = 1 << 20  # read/compress granularity
SPOOL_IN_MEMORY = 8 << 20  # members and unseekable bodies larger than this go to a temp file


class BodyChangedError(RuntimeError):
    """The body stream yielded a different length on the second read."""


# --------------------------------------------------------------------------- payloads
class Payload:
    """A record payload that can be read twice without being held twice in memory."""

    def __init__(self, data: bytes | BinaryIO, spool_dir: Path | None = None) -> None:
        self._bytes: memoryview | None = None
        self._stream: BinaryIO | None = None
        self._owned = False
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._bytes = memoryview(data).cast("B")
            self.length = len(self._bytes)
            return
        if _seekable(data):
            self._stream, self._start = data, data.tell()
            self.length = data.seek(0, io.SEEK_END) - self._start
            data.seek(self._start)
            return
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, dir=spool_dir)
        while chunk := data.read(CHUNK_SIZE):
            spool.write(chunk)
        self._stream, self._start, self._owned = spool, 0, True
        self.length = spool.tell()

    def chunks(self) -> Iterator[bytes | memoryview]:
        """Yield the whole payload from its start; may be called more than once."""
        if self._bytes is not None:
            for pos in range(0, self.length, CHUNK_SIZE):
                yield self._bytes[pos : pos + CHUNK_SIZE]
            return
        assert self._stream is not None
        self._stream.seek(self._start)
        remaining = self.length
        while remaining > 0:
            chunk = self._stream.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
        if remaining:
            raise BodyChangedError(f"body stream ended {remaining} bytes early on the second read")

    def close(self) -> None:
        if self._owned and self._stream is not None:
            self._stream.close()

    def __enter__(self) -> Payload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable()) and stream.tell() >= 0
    except (AttributeError, OSError, ValueError):
        return False


# --------------------------------------------------------------------------- records
@dataclass
class WarcRecord:
    """One record ready to serialize: named fields, HTTP header block, payload."""

    rec_type: str
    fields: list[tuple[str, str]]  # WARC named fields except Content-Length, in order
    http_block: bytes = b""  # HTTP status/request line + headers + CRLF, or b""
    payload: Payload | None = None  # None: header-only record (revisit)
    payload_digest: str | None = field(default=None, compare=False)

    def get(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for k, v in self.fields if k.lower() == lname), None)

    @property
    def record_id(self) -> str:
        return self.get("WARC-Record-ID") or ""

    @property
    def warc_date(self) -> str:
        return self.get("WARC-Date") or ""

    @property
    def content_length(self) -> int:
        return len(self.http_block) + (self.payload.length if self.payload else 0)

    def header_bytes(self) -> bytes:
        fields = [*self.fields, ("Content-Length", str(self.content_length))]
        return StatusAndHeaders("", fields, protocol=WARC_VERSION).to_bytes(encoding="utf-8")


_COMPRESSED_MARKERS = (b"content-type: image/", b"content-type: video/", b"content-type: audio/",
                       b"content-type: font/woff2", b"content-encoding: gzip", b"content-encoding: br")


def payload_is_compressed(record: WarcRecord) -> bool:
    """Images, media, woff2 and content-encoded bodies gain nothing from a slow gzip level."""
    if (record.get("Content-Type") or "").startswith(("image/", "video/", "audio/")):
        return True
    head = record.http_block.lower()
    return any(marker in head for marker in _COMPRESSED_MARKERS)


def serialize_member(record: WarcRecord, level: int, spool_dir: Path | None = None) -> BinaryIO:
    """Compress *record* into one complete gzip member; returns the spool positioned at 0."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, dir=spool_dir)
    if payload_is_compressed(record):
        level = min(level, 1)
    try:
        zobj = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        spool.write(zobj.compress(record.header_bytes()))
        spool.write(zobj.compress(record.http_block))
        if record.payload is not None:
            for chunk in record.payload.chunks():
                spool.write(zobj.compress(chunk))
        spool.write(zobj.compress(b"\r\n\r\n"))
        spool.write(zobj.flush())
        spool.seek(0)
        return spool
    except BaseException:
        spool.close()
        raise


# --------------------------------------------------------------------------- header rules
def warc_date(moment: datetime | None = None) -> str:
    """WARC/1.1 date with microseconds; naive datetimes are taken as UTC."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _clean(value: str) -> str:
    # A CR or LF in a header would end the header block early and corrupt the record.
    return value.replace("\r", " ").replace("\n", " ")


def response_http_block(exchange: Exchange, stored_length: int) -> bytes:
    """Status line and headers describing the body exactly as stored.

    Content-Length is set to the stored length (the wire value, if different, is
    kept as X-Archive-Orig-Content-Length). Transfer-Encoding is never claimed:
    every body we store is de-chunked. Content-Encoding stays when the body is
    stored as sent and is renamed when the browser handed over a decoded body.
    """
    headers: list[tuple[str, str]] = []
    length_at: int | None = None
    for name, value in exchange.response_headers:
        lname = name.lower()
        if not name or name.startswith(":"):
            continue  # HTTP/2 pseudo-headers have no HTTP/1.1 form
        if lname == "content-length":
            if value.strip() != str(stored_length):
                headers.append((ORIG_PREFIX + "Content-Length", _clean(value)))
            if length_at is None:
                length_at = len(headers)
                headers.append(("Content-Length", str(stored_length)))
            continue
        if lname == "transfer-encoding" or (lname == "content-encoding" and exchange.body_decoded):
            name = ORIG_PREFIX + "-".join(part.capitalize() for part in lname.split("-"))
        headers.append((_clean(name), _clean(value)))
    if length_at is None:
        headers.append(("Content-Length", str(stored_length)))
    try:
        reason = exchange.reason if exchange.reason is not None else HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    statusline = f"{exchange.status} {_clean(reason)}".rstrip()
    return StatusAndHeaders(statusline, headers, protocol="HTTP/1.1").to_ascii_bytes()


def request_http_block(exchange: Exchange) -> bytes:
    """Request line (origin form) and the headers as sent; Host is restored from :authority/URL."""
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [(_clean(k), _clean(v)) for k, v in exchange.request_headers if k and not k.startswith(":")]
    if not any(k.lower() == "host" for k, _ in headers):
        authority = next((v for k, v in exchange.request_headers if k.lower() == ":authority"), parts.netloc)
        headers.insert(0, ("Host", _clean(authority)))
    statusline = f"{exchange.method.upper()} {_clean(target)} HTTP/1.1"
    return StatusAndHeaders(statusline, headers, is_http_request=True).to_ascii_bytes()


# --------------------------------------------------------------------------- builder
@dataclass(frozen=True)
class RevisitTarget:
    """The stored record a revisit points to."""

    uri: str
    warc_date: str
    record_id: str


class RecordBuilder:
    """Creates records with digests in the configured algorithm (``sha1`` or ``sha256``, base32)."""

    def __init__(self, digest: str = "sha1") -> None:
        if digest not in DIGEST_ALGORITHMS:
            raise ValueError(f"digest must be one of {DIGEST_ALGORITHMS}, not {digest!r}")
        self.digest = digest

    def _format(self, hasher: "hashlib._Hash") -> str:
        return f"{self.digest}:{base64.b32encode(hasher.digest()).decode('ascii')}"

    def digests(self, http_block: bytes, payload: Payload | None) -> tuple[str, str]:
        """(payload digest, block digest) in one pass over the payload."""
        payload_hash, block_hash = hashlib.new(self.digest), hashlib.new(self.digest)
        block_hash.update(http_block)
        for chunk in payload.chunks() if payload else ():
            payload_hash.update(chunk)
            block_hash.update(chunk)
        return self._format(payload_hash), self._format(block_hash)

    def _with_digests(
        self, rec_type: str, fields: list[tuple[str, str]], http_block: bytes, payload: Payload, content_type: str
    ) -> WarcRecord:
        payload_digest, block_digest = self.digests(http_block, payload)
        fields += [
            ("WARC-Payload-Digest", payload_digest),
            ("WARC-Block-Digest", block_digest),
            ("Content-Type", content_type),
        ]
        return WarcRecord(rec_type, fields, http_block, payload, payload_digest)

    @staticmethod
    def _base(rec_type: str, uri: str | None, date: str, optional: dict[str, str | None]) -> list[tuple[str, str]]:
        """Type, id, date, target URI, then the *optional* fields that have a value."""
        fields = [("WARC-Type", rec_type), ("WARC-Record-ID", make_record_id()), ("WARC-Date", date)]
        if uri:
            fields.append(("WARC-Target-URI", _clean(uri)))
        return fields + [(name, _clean(value)) for name, value in optional.items() if value]

    def _exchange_base(self, rec_type: str, ex: Exchange, warcinfo_id: str) -> list[tuple[str, str]]:
        return self._base(
            rec_type,
            ex.url,
            warc_date(ex.captured_at),
            {
                "WARC-IP-Address": ex.ip_address,
                "WARC-Protocol": ex.protocol.lower() if ex.protocol else None,
                "WARC-Page-ID": ex.page_id,
                "WARC-Resource-Type": ex.resource_type,
                "WARC-Warcinfo-ID": warcinfo_id,
            },
        )

    def warcinfo(self, filename: str, info: dict[str, str]) -> WarcRecord:
        body = "".join(f"{_clean(k)}: {_clean(str(v))}\r\n" for k, v in info.items() if v not in (None, ""))
        fields = self._base("warcinfo", None, warc_date(), {"WARC-Filename": filename})
        record = self._with_digests("warcinfo", fields, b"", Payload(body.encode("utf-8")), WARC_FIELDS_TYPE)
        # warcinfo has no payload in the WARC sense; keep only the block digest, as warcio does.
        record.fields = [(k, v) for k, v in record.fields if k != "WARC-Payload-Digest"]
        return record

    def response(self, ex: Exchange, payload: Payload, *, warcinfo_id: str) -> WarcRecord:
        fields = self._exchange_base("response", ex, warcinfo_id)
        if ex.truncated:
            fields.append(("WARC-Truncated", _clean(ex.truncated)))
        http_block = response_http_block(ex, payload.length)
        return self._with_digests("response", fields, http_block, payload, HTTP_RESPONSE_TYPE)

    def revisit(self, response: WarcRecord, target: RevisitTarget) -> WarcRecord:
        """Header-only copy of *response* pointing at an earlier record with the same payload."""
        keep = {"WARC-Date", "WARC-Target-URI", "WARC-IP-Address", "WARC-Protocol", "WARC-Page-ID",
                "WARC-Resource-Type", "WARC-Warcinfo-ID"}  # fmt: skip
        fields = [("WARC-Type", "revisit"), ("WARC-Record-ID", make_record_id())]
        fields += [(k, v) for k, v in response.fields if k in keep]
        fields += [
            ("WARC-Profile", REVISIT_PROFILE),
            ("WARC-Refers-To-Target-URI", target.uri),
            ("WARC-Refers-To-Date", target.warc_date),
            ("WARC-Refers-To", target.record_id),
            ("WARC-Payload-Digest", response.payload_digest or ""),
            ("WARC-Block-Digest", self.digests(response.http_block, None)[1]),
            ("Content-Type", HTTP_RESPONSE_TYPE),
        ]
        return WarcRecord("revisit", fields, response.http_block, None, response.payload_digest)

    def not_modified(self, ex: Exchange, target: RevisitTarget, *, warcinfo_id: str) -> WarcRecord:
        """A 304 to a conditional request: the server confirmed *target* is still current.

        WARC/1.1 (6.7.3): a ``revisit`` with the server-not-modified profile whose block
        is the 304's own status line and headers; it has no payload, so no payload digest.
        """
        fields = self._exchange_base("revisit", ex, warcinfo_id)
        http_block = response_http_block(ex, 0)
        fields += [
            ("WARC-Profile", NOT_MODIFIED_PROFILE),
            ("WARC-Refers-To-Target-URI", _clean(target.uri)),
            ("WARC-Refers-To-Date", target.warc_date),
            ("WARC-Refers-To", target.record_id),
            ("WARC-Block-Digest", self.digests(http_block, None)[1]),
            ("Content-Type", HTTP_RESPONSE_TYPE),
        ]
        return WarcRecord("revisit", fields, http_block, None, None)

    def request(self, ex: Exchange, *, concurrent_to: str, warcinfo_id: str) -> WarcRecord:
        fields = self._exchange_base("request", ex, warcinfo_id)
        fields.append(("WARC-Concurrent-To", concurrent_to))
        payload = Payload(ex.request_body or b"")
        return self._with_digests("request", fields, request_http_block(ex), payload, HTTP_REQUEST_TYPE)

    def resource(
        self,
        uri: str,
        content_type: str,
        payload: Payload,
        *,
        captured_at: datetime | None,
        page_id: str | None,
        concurrent_to: str | None,
        warcinfo_id: str,
    ) -> WarcRecord:
        optional = {"WARC-Page-ID": page_id, "WARC-Concurrent-To": concurrent_to, "WARC-Warcinfo-ID": warcinfo_id}
        fields = self._base("resource", uri, warc_date(captured_at), optional)
        return self._with_digests("resource", fields, b"", payload, content_type)

    def metadata(
        self,
        uri: str,
        payload: Payload,
        content_type: str,
        *,
        refers_to: str,
        captured_at: datetime | None,
        page_id: str | None,
        warcinfo_id: str,
    ) -> WarcRecord:
        # Written during the capture that produced the response, so it is both
        # about that record (Refers-To) and part of the same capture (Concurrent-To).
        optional = {
            "WARC-Page-ID": page_id,
            "WARC-Refers-To": refers_to,
            "WARC-Concurrent-To": refers_to,
            "WARC-Warcinfo-ID": warcinfo_id,
        }
        fields = self._base("metadata", uri, warc_date(captured_at), optional)
        return self._with_digests("metadata", fields, b"", payload, content_type)
