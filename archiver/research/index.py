"""CDXJ indexes (as pywb and WACZ readers expect) written with cdxj-indexer.

The lines are sorted by SURT key and timestamp, so pywb can binary-search
them. File names in the index are basenames (pywb's collection layout, where
the WARCs sit together in ``archive/``) unless *relative_to* is given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from archiver.recording.reader import WarcSource, record_info, warc_files
from archiver.research.pages import ARTICLE_PREFIX, PageCollector

CRAWL_INDEX = "index.cdxj"


def write_index(paths: Iterable[Path | WarcSource], output: Path, *, relative_to: Path | None = None,
                pages: PageCollector | None = None) -> Path:
    """Index every WARC under *paths* into *output* (sorted CDXJ); returns *output*.

    With *pages*, every indexed record is fed to it in the same pass, so the page
    list needs no second read of the WARCs.
    """
    sources = [p for p in paths if isinstance(p, WarcSource)]
    sources += warc_files([p for p in paths if not isinstance(p, WarcSource)])
    packed = [str(s) for s in sources if s.member is not None]
    if packed:
        raise ValueError(f"{packed[0]} is inside a WACZ, which carries its own indexes/index.cdx.gz; "
                         "index the WARC files themselves (unzip the archive/ folder)")
    if not sources:
        raise FileNotFoundError("no WARC files found to index; give WARC files or crawl folders")
    # imported here, not at the top: cdxj-indexer pulls in surt, tldextract, pyamf and pkg_resources
    # (about 0.4 s of CPU), which every crawl process, and every worker of a distributed crawl,
    # would pay at start-up although only the process that finishes a crawl folder indexes it
    from cdxj_indexer.main import CDXJIndexer

    class PagesIndexer(CDXJIndexer):
        """cdxj-indexer's own lines; each record it indexes also goes to *pages*."""

        def process_index_entry(self, it, record, filename, output):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            # an article's item is read before the indexer reads past it (offset and length)
            item = record.raw_stream.read() if record.rec_type == "metadata" and uri.startswith(ARTICLE_PREFIX) \
                else None
            super().process_index_entry(it, record, filename, output)
            pages.add(record_info(WarcSource(Path(filename)), it, record), item)

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    indexer = (PagesIndexer if pages is not None else CDXJIndexer)(
        output=str(partial), inputs=[str(s.path) for s in sources], sort=True,
        dir_root=str(relative_to) if relative_to else None)
    indexer.process_all()
    partial.replace(output)          # readers never see a half-written index
    return output


def write_crawl_index(crawl_dir: Path, pages: PageCollector | None = None) -> Path:
    """``<crawl_dir>/index.cdxj`` for the crawl's own WARCs, paths relative to the crawl folder."""
    crawl_dir = Path(crawl_dir)
    return write_index([crawl_dir / "warc"], crawl_dir / CRAWL_INDEX, relative_to=crawl_dir, pages=pages)


def drop_not_modified(index: Path) -> int:
    """Remove the server-not-modified revisits (a 304 re-check) from a replay index; returns how many.

    They confirm an earlier capture and hold no page: pywb would replay the 304
    itself, an empty answer, for any time after the re-check. Without them a
    replay at that time shows the closest capture, the page the 304 confirmed.
    """
    index = Path(index)
    kept, dropped = [], 0
    with open(index, encoding="utf-8") as fh:
        for line in fh:
            fields = json.loads(line.split(" ", 2)[2]) if line.count(" ") >= 2 else {}
            if fields.get("mime") == "warc/revisit" and fields.get("status") == "304":
                dropped += 1
            else:
                kept.append(line)
    if dropped:
        partial = index.with_name(index.name + ".part")
        partial.write_text("".join(kept), encoding="utf-8")
        partial.replace(index)
    return dropped
