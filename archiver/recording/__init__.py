"""From captured HTTP exchanges to WARC files on disk.

The crawl adapters produce :class:`Exchange` objects; :class:`WarcWriter` turns
them into WARC/1.1 records (one gzip member each) in rolling files, and
:class:`DigestIndex` lets later captures of an identical payload become
``revisit`` records. Verification and repair live in ``archiver.recording.verify``.
"""

from archiver.recording.dedup import DigestIndex
from archiver.recording.exchange import Exchange
from archiver.recording.records import RevisitTarget
from archiver.recording.writer import DiskFullError, WarcLocation, WarcWriteError, WarcWriter

__all__ = ["DigestIndex", "DiskFullError", "Exchange", "RevisitTarget", "WarcLocation", "WarcWriteError", "WarcWriter"]
