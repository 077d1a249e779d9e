"""The item files of a crawl folder: ``items.jsonl``, ``items.csv`` and the text exports in ``articles/``.

An article counts as archived in the crawl state only once its item is on
disk, so items are appended one at a time (``ItemFiles.append``) and the state
commit waits for an fsync of both files (``ItemFiles.sync``) that began after
the item was written; one fsync serves every item written before it began
(``pipelines.item_files``: a group commit). The WARC's ``urn:article:`` metadata
records hold every item too; ``rebuild_item_files`` rewrites the three from
them after a kill, so a resumed crawl's files list each archived article
exactly once, in the order the crawl archived them.

Lines are written by Scrapy's own exporters, as a feed export would write them.
Researchers open ``items.csv`` in spreadsheets, and a headline such as
``=HYPERLINK("http://evil/","click")`` would be a formula there: a CSV cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR gets a leading
single quote, as OWASP recommends (CSV injection). ``items.jsonl`` keeps every
value as archived.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any, BinaryIO

from scrapy.exporters import BaseItemExporter, CsvItemExporter, JsonLinesItemExporter

from archiver.items import Article
from archiver.recording.reader import iter_records, read_record, warc_files
from archiver.filenames import article_filename
from archiver.textexport import article_to_text

ITEMS_JSONL, ITEMS_CSV, ARTICLES_DIR = "items.jsonl", "items.csv", "articles"
ARTICLE_PREFIX = "urn:article:"
ENCODING = "utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, with OWASP's leading single quote."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


class SpreadsheetCsvItemExporter(CsvItemExporter):
    """Scrapy's CSV exporter, each cell made ``spreadsheet_safe``."""

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        return spreadsheet_safe(super().serialize_field(field, name, value))


def _exporters(jsonl: BinaryIO, csv: BinaryIO, *, csv_header: bool) -> tuple[BaseItemExporter, ...]:
    return (JsonLinesItemExporter(jsonl, encoding=ENCODING),
            SpreadsheetCsvItemExporter(csv, include_headers_line=csv_header, encoding=ENCODING,
                                       fields_to_export=[f.name for f in fields(Article)]))


class ItemFiles:
    """``items.jsonl`` and ``items.csv`` of one crawl folder, opened for appending."""

    def __init__(self, crawl_dir: Path):
        crawl_dir.mkdir(parents=True, exist_ok=True)
        self._jsonl = open(crawl_dir / ITEMS_JSONL, "ab")
        self._csv = open(crawl_dir / ITEMS_CSV, "ab")
        self._exporters = _exporters(self._jsonl, self._csv, csv_header=self._csv.tell() == 0)
        for exporter in self._exporters:
            exporter.start_exporting()

    def append(self, item: Article) -> None:
        """Write the item's line to both files (to the OS, not yet to disk: see ``sync``)."""
        for exporter, handle in zip(self._exporters, (self._jsonl, self._csv)):
            exporter.export_item(item)
            handle.flush()

    def sync(self) -> None:
        """Both files on disk, with every line appended before this call began (safe in a thread)."""
        for handle in (self._jsonl, self._csv):
            os.fsync(handle.fileno())

    def close(self) -> None:
        for exporter, handle in zip(self._exporters, (self._jsonl, self._csv)):
            if not handle.closed:
                exporter.finish_exporting()
                handle.close()


def archived_items(crawl_dir: Path) -> Iterator[Article]:
    """The items of the crawl's closed WARC files (``urn:article:`` metadata records), in WARC order."""
    sources = warc_files([crawl_dir / "warc"]) if (crawl_dir / "warc").is_dir() else []
    for record in iter_records(sources):
        if record.type == "metadata" and record.uri.startswith(ARTICLE_PREFIX):
            yield Article(**json.loads(read_record(record)))


def rebuild_item_files(crawl_dir: Path, items: Iterable[Article]) -> int:
    """Rewrite items.jsonl, items.csv and articles/ to hold exactly *items*; returns their number."""
    items = list(items)
    write_item_files(crawl_dir, items)
    texts = crawl_dir / ARTICLES_DIR
    texts.mkdir(exist_ok=True)
    wanted = {article_filename(item): item for item in items}
    for stale in texts.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    for name, item in wanted.items():
        write_text_export(texts / name, item)
    return len(items)


def write_item_files(crawl_dir: Path, items: Iterable[Article | dict]) -> None:
    """Replace items.jsonl and items.csv with *items*, each file whole (a kill leaves the old one)."""
    parts = {name: crawl_dir / f"{name}.part" for name in (ITEMS_JSONL, ITEMS_CSV)}
    with open(parts[ITEMS_JSONL], "wb") as jsonl, open(parts[ITEMS_CSV], "wb") as csv:
        exporters = _exporters(jsonl, csv, csv_header=True)
        for exporter in exporters:
            exporter.start_exporting()
        for item in items:
            for exporter in exporters:
                exporter.export_item(item)
        for exporter, handle in zip(exporters, (jsonl, csv)):
            exporter.finish_exporting()
            handle.flush()
            os.fsync(handle.fileno())
    for name, part in parts.items():
        part.replace(crawl_dir / name)


def write_text_export(path: Path, item: Article) -> None:
    """The article's text export, replaced whole (a kill never leaves half a file)."""
    part = path.with_name(path.name + ".part")
    part.write_text(article_to_text(item), encoding=ENCODING)
    part.replace(path)
