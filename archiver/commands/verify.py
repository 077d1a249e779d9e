"""``archiver verify PATH... [--repair] [--json]``: check WARC files, optionally repair a cut-off tail;
check WACZ packages for authenticity (hashes, record digests, signature, timestamp).

Exit code 0 when every file is intact (after repair, with ``--repair``) and every WACZ
authentic, 7 when a WACZ is not authentic, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from archiver.crawl.report import ExitCode
from archiver.recording.verify import RepairResult, VerifyReport, repair_file, verify_file, warc_files
from archiver.signing.verify import Pins, Verdict, verify_package


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check WARC files record by record, and WACZ packages for authenticity",
        description="Check WARC files (or folders of *.warc.gz / *.warc.gz.open) record by record, and WACZ "
                    "packages: file hashes, record digests against the index, signature and timestamp "
                    "(docs/authenticity.md). Exit 7: a WACZ is not authentic.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="WARC file, folder or .wacz")
    parser.add_argument("--public-key", action="append", default=[], metavar="KEY",
                        help="accept only WACZ signed by this key (PEM file, or the base64 publicKey); repeatable")
    parser.add_argument("--trust", action="append", default=[], type=Path, metavar="CA.pem",
                        help="accept only domain certificates and timestamps chaining to these CAs; repeatable")
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
    packages = [p for p in args.paths if p.suffix == ".wacz" and p.is_file()]
    try:
        pins = Pins.load(args.public_key, args.trust)
    except (OSError, ValueError) as exc:
        print(f"archiver verify: cannot read a pin (--public-key / --trust): {exc}")
        return int(ExitCode.USAGE)
    verdicts = [verify_package(p, pins) for p in packages]
    files = list(warc_files([p for p in args.paths if p.exists() and p not in packages]))
    results: list[tuple[VerifyReport, RepairResult | None]] = []
    for path in files:
        report, repair = verify_file(path), None
        if args.repair and not report.ok:
            repair = repair_file(path)
            report = repair.report or report
        results.append((report, repair))

    if args.json:
        document = _as_json(results, missing) if results or not verdicts else {"ok": not missing,
                                                                                 "missing": [str(p) for p in missing]}
        document["packages"] = [v.as_dict() for v in verdicts]
        print(json.dumps(document, indent=2))
    else:
        if results or not verdicts:
            _print_tables(console, results, missing)
        for verdict in verdicts:
            _print_verdict(verdict)
    if any(not v.authentic for v in verdicts):
        return int(ExitCode.NOT_AUTHENTIC)
    if verdicts and not results and not files:
        return 0 if not missing else 1
    return 0 if results and not missing and all(report.ok for report, _ in results) else 1


def _print_verdict(verdict: Verdict) -> None:
    """Plain sentences on stdout: authentic or not, who signed, when, with what, and what failed."""
    if verdict.authentic and verdict.signed:
        head = "authentic"
    elif verdict.authentic:
        head = "intact, but not signed"
    else:
        head = "NOT AUTHENTIC"
    lines = [f"{verdict.path}: {head}"]
    if verdict.signed:
        lines.append(f"  signed by {verdict.signer or 'an unreadable signer'}, at {verdict.created}, "
                     f"with {verdict.software or 'unnamed software'}")
    if verdict.timestamp:
        lines.append(f"  timestamped by {verdict.timestamp_by} at {verdict.timestamp:%Y-%m-%dT%H:%M:%SZ}")
    lines += [f"  FAILED: {failure}" for failure in verdict.failures]
    lines += [f"  {note}" for note in verdict.notes]
    print("\n".join(lines))


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
        console.print(f"[red]No such file or folder:[/red] {path}")
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
            status += f"\n[yellow]not repaired: {repair.refused}[/yellow]"
        elif repair is not None:
            done = [f"cut {repair.removed_bytes} bytes at {repair.cut_at}"] if repair.cut_at is not None else []
            done += ["renamed"] if repair.renamed else []
            status += f"\n[cyan]repaired: {', '.join(done) or 'nothing to do'}[/cyan]"
        counts = "\n".join(f"{t}: {n}" for t, n in sorted(report.counts.items())) or "-"
        summary.add_row(str(report.path), counts, status)
    console.print(summary)

    problems = [p for report, _ in results for p in report.problems]
    if problems:
        table = Table(title="Problems")
        for column in ("File", "Offset", "Problem", "Detail"):
            table.add_column(column, overflow="fold")
        for p in problems:
            table.add_row(p.file, str(p.offset), p.kind, p.detail)
        console.print(table)
