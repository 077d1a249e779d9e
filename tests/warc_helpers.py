"""Reading crawl output back with warcio, for the tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


@dataclass
class Record:
    type: str
    uri: str
    headers: dict[str, str]
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes          # content_stream(): de-chunked and content-decoded
    raw_payload: bytes      # the stored payload bytes


def read_records(paths: list[Path]) -> list[Record]:
    records = []
    for path in paths:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                raw = rec.raw_stream.read() if rec.rec_type in ("resource", "metadata", "warcinfo") else None
                http_status = None
                http_headers: list[tuple[str, str]] = []
                if rec.http_headers is not None and rec.rec_type in ("response", "revisit", "request"):
                    http_headers = list(rec.http_headers.headers)
                    if rec.rec_type != "request":
                        http_status = int(rec.http_headers.get_statuscode() or 0)
                if raw is None:
                    raw = rec.raw_stream.read()
                    payload = raw
                    if rec.rec_type == "response":
                        payload = _decoded(rec, raw)
                else:
                    payload = raw
                records.append(Record(rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI") or "",
                                      dict(rec.rec_headers.headers), http_status, http_headers, payload, raw))
    return records


def _decoded(rec, raw: bytes) -> bytes:
    encoding = rec.http_headers.get_header("Content-Encoding")
    if encoding and encoding.lower() == "gzip":
        import gzip
        return gzip.decompress(raw)
    return raw


def by_uri(records: list[Record], *types: str) -> dict[str, list[Record]]:
    index: dict[str, list[Record]] = {}
    for record in records:
        if not types or record.type in types:
            index.setdefault(record.uri, []).append(record)
    return index


def png_is_valid_and_not_blank(data: bytes) -> bool:
    from PIL import Image
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data)).convert("L")
    low, high = image.getextrema()
    return image.width > 100 and image.height > 100 and high - low > 50
