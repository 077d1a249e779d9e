"""Check WARC files record by record, and repair the one kind of damage a crash leaves.

``warcio check`` verifies digests but trusts the gzip layer: it does not notice
a member cut off at the end of the file (zlib simply returns what it has), and
it does not notice a record shorter than its Content-Length (the digest is
only compared once the declared length has been read). So verification runs
in two passes:

1. the gzip layer, member by member: every member must decompress to its end
   and pass its CRC; after a damaged member we resynchronise on the next gzip
   header so one flipped byte does not hide the rest of the file;
2. each intact member is parsed with warcio's ``ArchiveIterator`` (with
   ``check_digests``): exactly one record, read to its declared length,
   block and payload digests matching; the first record must be ``warcinfo``.

:func:`repair_file` only ever removes a *trailing* partial member or partial
record (what ``kill -9`` or a power cut leaves) and renames ``.warc.gz.open``
to ``.warc.gz``. Anything else is reported and left alone.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.utils import BUFF_SIZE

OPEN_SUFFIX = ".open"
GZIP_MAGIC = b"\x1f\x8b\x08"
_READ_SIZE = 1 << 20

# problem kinds
BAD_MEMBER = "bad gzip member"
TRUNCATED_TAIL = "truncated tail"
TRUNCATED_RECORD = "truncated record"
BAD_RECORD = "bad record"
BLOCK_DIGEST = "block digest mismatch"
PAYLOAD_DIGEST = "payload digest mismatch"
MISSING_WARCINFO = "missing warcinfo"
SEVERAL_RECORDS = "several records in one gzip member"
UNFINISHED = "unfinished file"
EMPTY = "empty file"
# What a crash can leave at the end of a file, and repair may cut off.
_TAIL_KINDS = {TRUNCATED_TAIL, TRUNCATED_RECORD}


@dataclass(frozen=True)
class Problem:
    file: str
    offset: int
    kind: str
    detail: str


@dataclass
class VerifyReport:
    path: Path
    size: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # records per WARC-Type
    problems: list[Problem] = field(default_factory=list)
    valid_end: int = 0  # end offset of the last intact record

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def _add(self, offset: int, kind: str, detail: str) -> None:
        self.problems.append(Problem(str(self.path), offset, kind, detail))


@dataclass
class RepairResult:
    path: Path  # the file's name after repair (final name when renamed)
    original: Path
    cut_at: int | None = None  # new size when a damaged tail was removed
    removed_bytes: int = 0
    renamed: bool = False
    refused: str | None = None  # why nothing was changed
    report: VerifyReport | None = None  # verification after the repair

    @property
    def ok(self) -> bool:
        return self.refused is None and self.report is not None and self.report.ok


# --------------------------------------------------------------------------- gzip layer
@dataclass(frozen=True)
class _Member:
    offset: int
    length: int


def _scan_members(fh: BinaryIO, report: VerifyReport) -> list[_Member]:
    """Walk the gzip members of *fh*; intact ones are returned, damage goes to *report*."""
    members: list[_Member] = []
    pos, buf = 0, fh.read(_READ_SIZE)
    while buf:
        start, decomp, data = pos, zlib.decompressobj(zlib.MAX_WBITS | 16), buf
        try:
            while True:
                decomp.decompress(data, _READ_SIZE)  # output is discarded: pass 2 parses records
                if decomp.eof:
                    pos += len(data) - len(decomp.unused_data)
                    buf = decomp.unused_data
                    members.append(_Member(start, pos - start))
                    break
                pos += len(data) - len(decomp.unconsumed_tail)
                data = decomp.unconsumed_tail or fh.read(_READ_SIZE)
                if not data:
                    report._add(start, TRUNCATED_TAIL,
                                f"gzip member of {pos - start} bytes ends without its end marker (cut off)")  # fmt: skip
                    return members
        except zlib.error as exc:
            pos, buf = _resync(fh, start + 1)
            where = f"up to offset {pos}" if buf else "to the end of the file"
            report._add(start, BAD_MEMBER, f"{exc}; unreadable bytes {where}")
    return members


def _resync(fh: BinaryIO, offset: int) -> tuple[int, bytes]:
    """Find the next gzip header at or after *offset*; returns (its offset, data from there)."""
    fh.seek(offset)
    carry = b""
    base = offset
    while chunk := fh.read(_READ_SIZE):
        data = carry + chunk
        found = data.find(GZIP_MAGIC)
        if found >= 0:
            fh.seek(base + found)
            return base + found, fh.read(_READ_SIZE)
        carry = data[-(len(GZIP_MAGIC) - 1) :]
        base += len(data) - len(carry)
    return base + len(carry), b""


# --------------------------------------------------------------------------- record layer
class _Slice:
    """Read-only view of ``[offset, offset + length)`` of a file, as warcio expects."""

    def __init__(self, fh: BinaryIO, offset: int, length: int) -> None:
        self._fh, self._offset, self._remaining, self._pos = fh, offset, length, 0

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        size = self._remaining if size is None or size < 0 else min(size, self._remaining)
        self._fh.seek(self._offset + self._pos)
        data = self._fh.read(size)
        self._pos += len(data)
        self._remaining -= len(data)
        return data


def _check_member(fh: BinaryIO, member: _Member, report: VerifyReport) -> str | None:
    """Parse the one record in *member*; returns its WARC-Type when it is intact."""
    rec_type = None
    try:
        iterator = ArchiveIterator(_Slice(fh, member.offset, member.length), check_digests=True)
        for index, record in enumerate(iterator):
            if index == 1:
                report._add(member.offset, SEVERAL_RECORDS, "records cannot be located by offset; re-write the file")
                return None
            rec_type = record.rec_type or "unknown"
            while record.raw_stream.read(BUFF_SIZE):
                pass
            missing = getattr(record.raw_stream, "limit", 0)
            if missing:
                report._add(member.offset, TRUNCATED_RECORD, f"{rec_type} record is {missing} bytes short of its Content-Length")
                return None
            for message in record.digest_checker.problems:
                kind = BLOCK_DIGEST if message.startswith("block") else PAYLOAD_DIGEST
                report._add(member.offset, kind, f"{rec_type} {record.rec_headers.get_header('WARC-Record-ID')}: {message}")
            if record.digest_checker.passed is False:
                return None
    except Exception as exc:  # warcio raises assorted errors on garbage
        report._add(member.offset, BAD_RECORD, f"{type(exc).__name__}: {str(exc).strip() or 'unparseable record'}")
        return None
    if rec_type is None:
        report._add(member.offset, BAD_RECORD, "gzip member holds no WARC record")
    return rec_type


# --------------------------------------------------------------------------- public API
def verify_file(path: Path) -> VerifyReport:
    """Check every gzip member and record of one ``.warc.gz`` / ``.warc.gz.open`` file."""
    path = Path(path)
    report = VerifyReport(path, size=path.stat().st_size)
    if report.size == 0:
        report._add(0, EMPTY, "the file holds no record; delete it")
        return report
    with open(path, "rb") as fh:
        for member in _scan_members(fh, report):
            rec_type = _check_member(fh, member, report)
            if rec_type is None:
                continue
            if member.offset == 0 and rec_type != "warcinfo":
                report._add(0, MISSING_WARCINFO, f"the file starts with a {rec_type} record, not warcinfo")
            report.counts[rec_type] += 1
            report.valid_end = max(report.valid_end, member.offset + member.length)
    if path.name.endswith(OPEN_SUFFIX):
        state = "a running crawl still writes it" if _locked(path) else "its writer did not close it (crash?)"
        report._add(report.size, UNFINISHED, f"{state}; `archiver verify --repair` renames it once no crawl writes it")
    report.problems.sort(key=lambda p: p.offset)
    return report


def repair_file(path: Path) -> RepairResult:
    """Cut off a trailing partial member/record and drop the ``.open`` suffix; refuse anything else."""
    path = Path(path)
    result = RepairResult(path=path, original=path)
    with open(path, "r+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            result.refused = f"{path} is locked by a running writer; stop the crawl first"
            return result
        report = result.report = verify_file(path)
        damage = [p for p in report.problems if p.kind not in (UNFINISHED,)]
        not_tail = [p for p in damage if p.kind not in _TAIL_KINDS]
        cut = min((p.offset for p in damage), default=None)
        if not_tail:
            listed = "; ".join(f"{p.kind} at {p.offset}" for p in not_tail)
            result.refused = f"damage that is not a cut-off tail ({listed}); left untouched: copy good records out by hand"
            return result
        if cut is not None:
            if report.valid_end > cut:
                result.refused = f"intact records follow the damaged record at offset {cut}; left untouched"
                return result
            if cut == 0:
                result.refused = "no complete record would remain; delete the file"
                return result
            fh.truncate(cut)
            fh.flush()
            os.fsync(fh.fileno())
            result.cut_at, result.removed_bytes = cut, report.size - cut
        if path.name.endswith(OPEN_SUFFIX):
            final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
            if final.exists():
                result.refused = f"cannot rename to {final.name}: that file exists"
            else:
                os.rename(path, final)
                result.path, result.renamed = final, True
    result.report = verify_file(result.path)
    return result


def _locked(path: Path) -> bool:
    with open(path, "rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def warc_files(paths: list[Path]) -> Iterator[Path]:
    """Expand folders to the ``*.warc.gz`` and ``*.warc.gz.open`` files below them."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".warc.gz", ".warc.gz.open")))
        else:
            yield path
