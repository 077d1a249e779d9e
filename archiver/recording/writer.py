"""Append WARC records to rolling ``.warc.gz`` files without ever leaving a damaged file behind.

Each record is built and compressed into its own gzip member in a spool
(memory, or a temp file beside the WARCs for big bodies) and only then appended,
so the file only ever grows by whole members:

* ``kill -9`` at any moment leaves at most one partial member at the end of a
  ``.open`` file; ``archiver verify --repair`` cuts it off and renames the file.
* an ``OSError`` while appending (ENOSPC, EIO, quota) cuts the file back to the
  last complete record, closes it under its final name and raises
  :class:`DiskFullError` / :class:`WarcWriteError`; the next write starts a new file.

A response and its request are appended as one unit, so an error never leaves
a request without its response.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
import socket
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from collections.abc import Callable
from typing import BinaryIO

from archiver import __version__
from archiver import settings as defaults
from archiver.recording.dedup import DigestIndex, StoredPayload
from archiver.recording.exchange import Exchange
from archiver.recording.records import (
    CHUNK_SIZE,
    SPOOL_IN_MEMORY,
    BodyChangedError,
    Payload,
    RecordBuilder,
    RevisitTarget,
    WarcRecord,
    serialize_member,
)

log = logging.getLogger(__name__)

WARC_1_1_SPEC = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


class WarcWriteError(RuntimeError):
    """A record could not be written; the message says what state the file was left in."""

    def __init__(self, message: str, *, path: Path | None = None, errno: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno


class DiskFullError(WarcWriteError):
    """No space left (ENOSPC/EDQUOT) while writing a record."""


@dataclass(frozen=True)
class WarcLocation:
    filename: str  # final name (without .open)
    offset: int
    length: int
    record_id: str
    warc_date: str
    record_type: str
    refers_to: StoredPayload | None = None  # a revisit's original: the record that holds the payload


@dataclass
class _OutputFile:
    open_path: Path
    final_path: Path
    handle: BinaryIO
    warcinfo_id: str = ""
    size: int = 0


@dataclass
class _Pending:
    """Records built for one append, with their compressed members."""

    records: list[WarcRecord]
    members: list[BinaryIO] = field(default_factory=list)

    def close(self) -> None:
        for member in self.members:
            member.close()


def _error(action: str, path: Path, exc: OSError, state: str) -> WarcWriteError:
    cls = DiskFullError if exc.errno in _DISK_FULL else WarcWriteError
    hint = "free disk space or point the output elsewhere" if cls is DiskFullError else "check the disk and its logs"
    return cls(
        f"{action} {path}: [Errno {exc.errno}] {exc.strerror or exc}. {state} "
        f"To continue: {hint}; the next write starts a new WARC file.",
        path=path,
        errno=exc.errno,
    )


class WarcWriter:
    """Writes WARC/1.1 records, each its own gzip member, into rolling files."""

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str,
        warcinfo: dict[str, str],
        rollover_size: int = defaults.ARCHIVER_WARC_ROLLOVER_SIZE,
        digest: str = defaults.ARCHIVER_WARC_DIGEST,
        gzip_level: int = defaults.ARCHIVER_WARC_GZIP_LEVEL,
        dedup: DigestIndex | None = None,
        dedup_min_size: int = 1,
        request_filter: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None,
    ) -> None:
        if not 0 <= gzip_level <= 9:
            raise ValueError(f"gzip_level must be 0..9, not {gzip_level}")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.rollover_size = rollover_size
        self.gzip_level = gzip_level
        self.dedup = dedup
        self.dedup_min_size = dedup_min_size
        self.request_filter = request_filter    # rewrites request headers before they are written (redaction)
        self.bytes_written = 0
        self._builder = RecordBuilder(digest)
        self._host = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname()) or "localhost"
        self._warcinfo = {
            "software": f"news-archiver/{__version__} (warcio/{version('warcio')})",
            "format": "WARC File Format 1.1",
            "conformsTo": WARC_1_1_SPEC,
            "hostname": socket.gethostname(),
        }
        self._warcinfo.update(warcinfo)
        self._lock = threading.RLock()
        self._serial = -1
        self._current: _OutputFile | None = None
        self._files: list[Path] = []
        self._closed = False

    # ------------------------------------------------------------------ public API
    def write_exchange(self, exchange: Exchange) -> WarcLocation:
        """Response (or revisit when the payload is already stored), then request; returns the first."""
        with self._lock, Payload(exchange.body, self.directory) as payload:
            current = self._current_file()
            main = self._builder.response(exchange, payload, warcinfo_id=current.warcinfo_id)
            dedupable = self._dedupable(exchange, payload.length)
            if dedupable and (hit := self.dedup.lookup(main.payload_digest)):
                main = self._builder.revisit(main, RevisitTarget(hit.uri, hit.warc_date, hit.record_id))
            request = self._builder.request(self._as_recorded(exchange), concurrent_to=main.record_id,
                                            warcinfo_id=current.warcinfo_id)
            location = self._emit(current, [main, request], exchange.url)[0]
            if dedupable and main.rec_type == "response":
                self._remember(main, location, payload.length)
            elif main.rec_type == "revisit":
                location = replace(location, refers_to=hit)
            return location

    def write_not_modified(self, exchange: Exchange, target: RevisitTarget) -> WarcLocation:
        """A 304 as a server-not-modified ``revisit`` pointing at *target*, then its request."""
        with self._lock:
            current = self._current_file()
            main = self._builder.not_modified(exchange, target, warcinfo_id=current.warcinfo_id)
            request = self._builder.request(self._as_recorded(exchange), concurrent_to=main.record_id,
                                            warcinfo_id=current.warcinfo_id)
            return self._emit(current, [main, request], exchange.url)[0]

    def write_resource(
        self,
        uri: str,
        content_type: str,
        data: bytes | BinaryIO,
        *,
        captured_at: datetime | None = None,
        page_id: str | None = None,
        concurrent_to: str | None = None,
    ) -> WarcLocation:
        """A ``resource`` record: screenshots (``urn:fullPage:<url>``, image/png), DOM (``urn:dom:<url>``)."""
        with self._lock, Payload(data, self.directory) as payload:
            current = self._current_file()
            record = self._builder.resource(uri, content_type, payload, captured_at=captured_at, page_id=page_id,
                                            concurrent_to=concurrent_to, warcinfo_id=current.warcinfo_id)  # fmt: skip
            return self._emit(current, [record], uri)[0]

    def write_metadata(
        self,
        uri: str,
        fields_or_json: bytes,
        content_type: str,
        *,
        refers_to: str,
        captured_at: datetime | None = None,
        page_id: str | None = None,
    ) -> WarcLocation:
        """A ``metadata`` record (e.g. item JSON) tied to the record *refers_to* (its WARC-Record-ID)."""
        with self._lock, Payload(fields_or_json) as payload:
            current = self._current_file()
            record = self._builder.metadata(uri, payload, content_type, refers_to=refers_to, captured_at=captured_at,
                                            page_id=page_id, warcinfo_id=current.warcinfo_id)  # fmt: skip
            return self._emit(current, [record], uri)[0]

    def close(self) -> None:
        """Finish the current file (fsync, rename ``.open`` away); idempotent."""
        with self._lock:
            if self._current is not None:
                self._finish(self._current)
            self._closed = True

    @property
    def files(self) -> list[Path]:
        """Every file this writer created, by its current name (``.open`` while still being written)."""
        with self._lock:
            return list(self._files)

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    def _as_recorded(self, exchange: Exchange) -> Exchange:
        """The exchange whose request record is written: its headers through ``request_filter``."""
        if self.request_filter is None:
            return exchange
        return replace(exchange, request_headers=self.request_filter(list(exchange.request_headers)))

    def _dedupable(self, exchange: Exchange, length: int) -> bool:
        # Redirects and empty bodies are cheap and their headers are the content; truncated
        # or partial (206) bodies must never stand in for a complete one.
        return (
            self.dedup is not None
            and not exchange.truncated
            and length >= self.dedup_min_size
            and 200 <= exchange.status < 300
            and exchange.status != 206
        )

    def _remember(self, record: WarcRecord, location: WarcLocation, payload_length: int) -> None:
        assert self.dedup is not None and record.payload_digest
        entry = StoredPayload(record.payload_digest, record.get("WARC-Target-URI") or "", location.warc_date,
                              location.record_id, location.filename, location.offset, location.length,
                              payload_length)  # fmt: skip
        try:
            self.dedup.add(entry)
        except Exception:  # the record is safely written; only future dedup is lost
            log.exception("could not add %s to the digest index %s", record.payload_digest, self.dedup.path)

    def _current_file(self) -> _OutputFile:
        if self._closed:
            raise WarcWriteError("this WarcWriter is closed; create a new one to write more records")
        return self._current or self._open_new_file()

    def _emit(self, current: _OutputFile, records: list[WarcRecord], uri: str) -> list[WarcLocation]:
        """Compress *records* (built for *current*) and append them as one unit."""
        pending = self._prepare(records, current, uri)
        try:
            locations = self._append(current, pending)
        finally:
            pending.close()
        if current.size >= self.rollover_size:
            self._finish(current)
        return locations

    def _prepare(self, records: list[WarcRecord], current: _OutputFile, uri: str) -> _Pending:
        pending = _Pending(records)
        try:
            for record in records:
                pending.members.append(serialize_member(record, self.gzip_level, self.directory))
        except BodyChangedError as exc:
            pending.close()
            raise WarcWriteError(f"{uri}: {exc}; nothing was written. The adapter must not reuse the body file.") from exc
        except OSError as exc:
            pending.close()
            raise _error("Could not build a record in", self.directory, exc,
                         f"Nothing was written to {current.open_path}.") from exc  # fmt: skip
        return pending

    def _append(self, current: _OutputFile, pending: _Pending) -> list[WarcLocation]:
        start = offset = current.size
        locations = []
        batch: list[bytes] = []  # small members go out together in one write
        try:
            for record, member in zip(pending.records, pending.members):
                length = member.seek(0, os.SEEK_END)
                member.seek(0)
                if length <= SPOOL_IN_MEMORY:
                    batch.append(member.read())
                else:
                    _write_all(current.handle, b"".join(batch))
                    batch.clear()
                    while chunk := member.read(CHUNK_SIZE):
                        _write_all(current.handle, chunk)
                locations.append(WarcLocation(current.final_path.name, offset, length, record.record_id,
                                              record.warc_date, record.rec_type))  # fmt: skip
                offset += length
            _write_all(current.handle, b"".join(batch))
        except OSError as exc:
            raise self._roll_back(current, start, exc) from exc
        current.size = offset
        self.bytes_written += offset - start
        return locations

    def _roll_back(self, current: _OutputFile, boundary: int, exc: OSError) -> WarcWriteError:
        try:
            os.ftruncate(current.handle.fileno(), boundary)
            current.size = boundary
            state = f"The file was cut back to its last complete record (offset {boundary})"
        except OSError as trunc_exc:
            state = (f"Cutting it back to offset {boundary} failed too ({trunc_exc}); "
                     f"run `archiver verify --repair {current.open_path}` before using it.")  # fmt: skip
            current.size = -1  # unknown: keep the .open name so the damage stays visible
        try:
            final = self._finish(current)
            if current.size >= 0:
                state += f" and closed as {final.name}." if final else " and removed (it held no record)."
        except OSError as close_exc:
            state += f" Closing it failed: {close_exc}."
        return _error("Could not append to", current.open_path, exc, state)

    def _open_new_file(self) -> _OutputFile:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")[:-3]
        while True:
            self._serial += 1
            name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self._host}.warc.gz"
            final_path = self.directory / name
            open_path = final_path.with_name(name + ".open")
            if final_path.exists():
                continue
            try:
                handle = open(open_path, "xb", buffering=0)
            except FileExistsError:
                continue
            break
        # Tells `archiver verify --repair` that this file is still being written.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        current = _OutputFile(open_path, final_path, handle)
        self._current = current
        self._files.append(open_path)
        warcinfo = self._builder.warcinfo(name, self._warcinfo)
        current.warcinfo_id = warcinfo.record_id
        pending = self._prepare([warcinfo], current, name)
        try:
            self._append(current, pending)
        finally:
            pending.close()
        return current

    def _finish(self, current: _OutputFile) -> Path | None:
        """Close *current*; rename it to its final name, or delete it if it holds nothing."""
        self._current = None
        index = self._files.index(current.open_path)
        try:
            os.fsync(current.handle.fileno())
        finally:
            current.handle.close()
        if current.size == 0:
            current.open_path.unlink()
            del self._files[index]
            return None
        if current.size < 0:
            return None
        if current.final_path.exists():
            raise WarcWriteError(f"{current.final_path} appeared while writing; left {current.open_path} as is.")
        os.rename(current.open_path, current.final_path)
        self._files[index] = current.final_path
        _fsync_dir(self.directory)
        return current.final_path


def _write_all(handle: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = handle.write(view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
