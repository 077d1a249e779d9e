"""The records of a set of WARCs with their revisits resolved: what extract, show and resume read.

Built on :mod:`archiver.recording.reader` (finding and reading records) and
:mod:`archiver.research.revisits` (which earlier WARCs hold a revisit's original);
neither of those imports this module, so the three form no cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archiver.recording.reader import RecordInfo, WarcSource, decode_body, iter_records, read_record, warc_files
from archiver.research.revisits import referenced_warcs


@dataclass
class Archive:
    """The records of a set of WARCs, indexed by record id, with revisits resolved to their payload.

    ``records`` are those of the given paths; ``by_id`` also covers the earlier
    WARCs their revisits point into (found by ``referenced_warcs``).
    """

    records: list[RecordInfo]
    referenced: list[RecordInfo] = field(default_factory=list)
    by_id: dict[str, RecordInfo] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {r.record_id: r for r in [*self.referenced, *self.records]}

    @classmethod
    def load(cls, paths: Iterable[Path | WarcSource], *, follow_revisits: bool = True) -> "Archive":
        sources = [p for p in paths if isinstance(p, WarcSource)]
        sources += warc_files([p for p in paths if not isinstance(p, WarcSource)])
        extra = referenced_warcs(sources) if follow_revisits else []
        return cls(list(iter_records(sources)), list(iter_records(extra)))

    def payload_record(self, info: RecordInfo) -> RecordInfo:
        """The record holding *info*'s payload: itself, or the original a revisit refers to."""
        if info.type != "revisit":
            return info
        target = info.header("WARC-Refers-To")
        original = self.by_id.get(target or "")
        if original is None:
            raise LookupError(
                f"revisit of {info.uri} refers to {target} ({info.header('WARC-Refers-To-Target-URI')} at "
                f"{info.header('WARC-Refers-To-Date')}), which is not in the given WARCs; add the earlier "
                "crawl folder that holds it")
        return original

    def body(self, info: RecordInfo) -> bytes:
        """The decoded HTTP body of a response or revisit (headers of *info*, payload of the original)."""
        original = self.payload_record(info)
        return decode_body(original, read_record(original))
