"""CDXJ indexes (as pywb and WACZ readers expect) written with cdxj-indexer.

The lines are sorted by SURT key and timestamp, so pywb can binary-search
them. File names in the index are basenames (pywb's collection layout, where
the WARCs sit together in ``archive/``) unless *relative_to* is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from archiver.research.records import WarcSource, warc_files

CRAWL_INDEX = "index.cdxj"


def write_index(paths: Iterable[Path | WarcSource], output: Path, *, relative_to: Path | None = None) -> Path:
    """Index every WARC under *paths* into *output* (sorted CDXJ); returns *output*."""
    sources = [p for p in paths if isinstance(p, WarcSource)]
    sources += warc_files([p for p in paths if not isinstance(p, WarcSource)])
    packed = [str(s) for s in sources if s.member is not None]
    if packed:
        raise ValueError(f"{packed[0]} is inside a WACZ, which carries its own indexes/index.cdx.gz; "
                         "index the WARC files themselves (unzip the archive/ folder)")
    if not sources:
        raise FileNotFoundError("no WARC files found to index; give WARC files or crawl folders")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    indexer = CDXJIndexer(output=str(partial), inputs=[str(s.path) for s in sources], sort=True,
                          dir_root=str(relative_to) if relative_to else None)
    indexer.process_all()
    partial.replace(output)          # readers never see a half-written index
    return output


def write_crawl_index(crawl_dir: Path) -> Path:
    """``<crawl_dir>/index.cdxj`` for the crawl's own WARCs, paths relative to the crawl folder."""
    crawl_dir = Path(crawl_dir)
    return write_index([crawl_dir / "warc"], crawl_dir / CRAWL_INDEX, relative_to=crawl_dir)
