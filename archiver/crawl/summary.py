"""The end-of-run summary: what each crawl archived and where it went.

Stacked, one block per crawl, so it fits 80 columns: labels on the left,
values wrapped (folded if one word is too long), never cut short.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table

from archiver.crawl.report import read_report


def crawl_summary(folders: list[tuple[str, Path]]) -> RenderableType:
    """One block per (name, crawl folder), read from the folder's crawl.json."""
    blocks: list[RenderableType] = []
    for index, (name, folder) in enumerate(folders):
        if index:
            blocks.append(Rule(style="dim"))
        blocks.append(_block(name, folder))
    return Group(*blocks)


def _block(name: str, folder: Path) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("crawl", name)
    try:
        report = read_report(folder)
    except (OSError, ValueError):
        table.add_row("status", "no report (the crawl died before closing)")
        table.add_row("folder", str(folder))
        return table
    counts = report["counts"]
    table.add_row("status", f"{report['finish_reason']} ({report['exit_status']})")
    table.add_row("archived", f"{counts['pages']} pages, {counts['articles']} articles, "
                              f"{counts['rendered']} rendered, {report['warc_bytes'] / 1e6:.1f} MB of WARC")
    failures = report["failures"]
    table.add_row("failures", ", ".join(f"{reason}: {count}" for reason, count in failures.items()) or "none")
    for block in report.get("blocked", []):
        table.add_row("blocked", f"{block['host']} ({block['vendor']}): {block['untried']} URLs left untried, "
                                 f"{block['requests_after_block']} probes after the block; see docs/walls.md")
    table.add_row("folder", str(folder))
    return table
