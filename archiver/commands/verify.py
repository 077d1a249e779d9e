"""``archiver verify PATH... [--repair] [--json]``: check WARC files, optionally repair a cut-off tail.

Exit code 0 when every file is intact (after repair, with ``--repair``), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from archiver.recording.verify import RepairResult, VerifyReport, repair_file, verify_file, warc_files
from archiver.terminaltext import text, visible


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check WARC files: gzip members, records, block and payload digests",
        description="Check WARC files (or folders of *.warc.gz / *.warc.gz.open) record by record.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="WARC file or folder")
    parser.add_argument(
        "--repair",
        action="store_true",
        help="cut off a trailing partial record left by a crash and rename *.open files; nothing else is changed",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    console = Console()
    missing = [p for p in args.paths if not p.exists()]
    files = list(warc_files([p for p in args.paths if p.exists()]))
    results: list[tuple[VerifyReport, RepairResult | None]] = []
    for path in files:
        report, repair = verify_file(path), None
        if args.repair and not report.ok:
            repair = repair_file(path)
            report = repair.report or report
        results.append((report, repair))

    if args.json:
        print(json.dumps(_as_json(results, missing), indent=2))
    else:
        _print_tables(console, results, missing)
    return 0 if results and not missing and all(report.ok for report, _ in results) else 1


def _as_json(results: list[tuple[VerifyReport, RepairResult | None]], missing: list[Path]) -> dict:
    files = []
    for report, repair in results:
        entry = {
            "file": str(report.path),
            "ok": report.ok,
            "size": report.size,
            "records": dict(report.counts),
            "problems": [{"offset": p.offset, "kind": p.kind, "detail": p.detail} for p in report.problems],
        }
        if repair is not None:
            entry["repair"] = {
                "original": str(repair.original),
                "cut_at": repair.cut_at,
                "removed_bytes": repair.removed_bytes,
                "renamed": repair.renamed,
                "refused": repair.refused,
            }
        files.append(entry)
    return {"ok": bool(results) and not missing and all(r.ok for r, _ in results),
            "missing": [str(p) for p in missing], "files": files}  # fmt: skip


def _print_tables(console: Console, results: list[tuple[VerifyReport, RepairResult | None]], missing: list[Path]) -> None:
    for path in missing:
        console.print(text("No such file or folder: ", style="red") + text(path))
    if not results:
        console.print("[red]No WARC files found[/red] (looked for *.warc.gz and *.warc.gz.open)")
        return
    summary = Table(title="WARC files")
    summary.add_column("File", overflow="fold")
    summary.add_column("Records")
    summary.add_column("Status")
    for report, repair in results:
        status = "[green]ok[/green]" if report.ok else f"[red]{len(report.problems)} problem(s)[/red]"
        if repair is not None and repair.refused:
            status += f"\n[yellow]not repaired: {escape(visible(repair.refused))}[/yellow]"
        elif repair is not None:
            done = [f"cut {repair.removed_bytes} bytes at {repair.cut_at}"] if repair.cut_at is not None else []
            done += ["renamed"] if repair.renamed else []
            status += f"\n[cyan]repaired: {', '.join(done) or 'nothing to do'}[/cyan]"
        counts = "\n".join(f"{t}: {n}" for t, n in sorted(report.counts.items())) or "-"
        summary.add_row(text(report.path), counts, status)
    console.print(summary)

    problems = [p for report, _ in results for p in report.problems]
    if problems:
        table = Table(title="Problems")
        for column in ("File", "Offset", "Problem", "Detail"):
            table.add_column(column, overflow="fold")
        for p in problems:
            table.add_row(text(p.file), str(p.offset), p.kind, text(p.detail))
        console.print(table)
