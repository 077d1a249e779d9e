"""Finding WARC files and reading their records by offset.

Every researcher tool goes through here: ``warc_files`` turns the paths a user
gives (WARC files, crawl folders, output roots, WACZ packages) into WARC
sources, ``iter_records`` lists their records without holding payloads, and
``read_record`` fetches one record's payload again by offset (each record is
its own gzip member, so that is a seek, not a scan). ``archiver.research.archive``
puts them together, with revisits resolved.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import brotli
from w3lib.encoding import http_content_type_encoding
from warcio.archiveiterator import ArchiveIterator

WARC_SUFFIXES = (".warc.gz", ".warc")


@dataclass(frozen=True)
class WarcSource:
    """A WARC file on disk, or a WARC stored inside a WACZ (``member`` set)."""

    path: Path
    member: str | None = None

    @property
    def filename(self) -> str:
        return Path(self.member).name if self.member else self.path.name

    def __str__(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        if self.member is None:
            with open(self.path, "rb") as fh:
                yield fh
        else:
            with zipfile.ZipFile(self.path) as package, package.open(self.member) as fh:
                yield fh  # ZipExtFile is seekable (fast for STORED members)


@dataclass(frozen=True)
class RecordInfo:
    """One record's headers and location; payloads are read on demand with ``read_record``."""

    source: WarcSource
    offset: int
    length: int
    type: str
    uri: str
    date: str
    record_id: str
    content_type: str                                  # the WARC Content-Type
    status: int | None = None                          # HTTP status (response, revisit)
    mime: str = ""                                     # HTTP Content-Type for HTTP records, else content_type
    warc_headers: tuple[tuple[str, str], ...] = ()
    http_headers: tuple[tuple[str, str], ...] = ()

    @property
    def filename(self) -> str:
        return self.source.filename

    def header(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for k, v in self.warc_headers if k.lower() == lname), None)

    def http_header(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for k, v in self.http_headers if k.lower() == lname), None)


def warc_files(paths: Iterable[Path]) -> list[WarcSource]:
    """WARC files named, found under folders (recursively), or packed in a WACZ; sorted, no duplicates."""
    found: list[WarcSource] = []
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist; give WARC files, crawl folders or a .wacz")
        if path.is_dir():
            found += [WarcSource(p) for p in sorted(path.rglob("*")) if p.name.endswith(WARC_SUFFIXES)]
        elif path.suffix == ".wacz":
            with zipfile.ZipFile(path) as package:
                found += [WarcSource(path, name) for name in sorted(package.namelist())
                          if name.startswith("archive/") and name.endswith(WARC_SUFFIXES)]
        elif path.name.endswith(WARC_SUFFIXES):
            found.append(WarcSource(path))
        else:
            raise ValueError(f"{path} is not a WARC (.warc.gz, .warc), a WACZ or a folder")
    unique = {(s.path.resolve(), s.member): s for s in found}
    return list(unique.values())


def iter_records(paths: Iterable[Path | WarcSource]) -> Iterator[RecordInfo]:
    """Every record of every WARC under *paths*, in file order."""
    sources = [p for p in paths if isinstance(p, WarcSource)]
    sources += warc_files([p for p in paths if not isinstance(p, WarcSource)])
    for source in sources:
        with source.open() as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                yield record_info(source, iterator, record)


def record_info(source: WarcSource, iterator: ArchiveIterator, record) -> RecordInfo:
    """The ``RecordInfo`` of the record *iterator* just yielded (reads it to its end)."""
    offset = iterator.get_record_offset()
    headers = tuple(record.rec_headers.headers)
    status, http_headers = None, ()
    content_type = record.rec_headers.get_header("Content-Type") or ""
    mime = content_type
    if record.http_headers is not None and record.rec_type in ("response", "revisit", "request"):
        http_headers = tuple(record.http_headers.headers)
        if record.rec_type != "request":
            status = int(record.http_headers.get_statuscode() or 0) or None
            mime = record.http_headers.get_header("Content-Type") or ""
    iterator.read_to_end(record)                  # so the record's length is known
    return RecordInfo(
        source=source, offset=offset, length=iterator.get_record_length(), type=record.rec_type,
        uri=record.rec_headers.get_header("WARC-Target-URI") or "",
        date=record.rec_headers.get_header("WARC-Date") or "",
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        content_type=content_type, status=status, mime=mime,
        warc_headers=headers, http_headers=http_headers)


def read_record(info: RecordInfo) -> bytes:
    """The record's stored payload (HTTP body as stored, still content-encoded if it was sent so)."""
    with info.source.open() as fh:
        fh.seek(info.offset)
        record = next(iter(ArchiveIterator(fh)))
        return record.raw_stream.read()


def decode_body(info: RecordInfo, body: bytes) -> bytes:
    """Undo the Content-Encoding the stored body still carries (gzip, br, deflate)."""
    codings = [c.strip().lower() for c in (info.http_header("Content-Encoding") or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = gzip.decompress(body)
        elif coding == "br":
            body = brotli.decompress(body)
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                body = zlib.decompress(body, -zlib.MAX_WBITS)   # raw deflate, as some servers send
        elif coding != "identity":
            raise ValueError(f"{info.uri}: unsupported Content-Encoding {coding!r}")
    return body


def body_encoding(info: RecordInfo) -> str | None:
    """The charset the HTTP Content-Type declares, as the crawl read it."""
    return http_content_type_encoding(info.http_header("Content-Type") or "")
