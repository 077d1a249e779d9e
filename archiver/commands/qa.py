"""``archiver qa ROOT|CRAWL_DIR...``: replay every rendered page and article, and say how well it matches.

Exit codes: 0 every page checked (and, with --min-score, every article at or above it) · 1 QA could
not run (no crawl folder, pywb or Chromium missing) · 2 bad usage · 10 an article scored below --min-score.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from archiver import settings as defaults
from archiver.crawl.report import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "qa", help="check that the archive replays what the crawler saw, page by page",
        description="Replay every rendered page and article of the crawls in pywb and Chromium, at the "
                    "capture's viewport; compare screenshots (pixelmatch), visible text (edit distance) and "
                    "article paragraphs; list what replay could not load, and why. Writes qa.jsonl and a "
                    "summary in crawl.json in each crawl folder.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="ROOT|CRAWL_DIR",
                        help="an output root (every crawl folder in it) or crawl folders")
    parser.add_argument("--json", action="store_true", help="print one JSON object per page, then the summaries")
    parser.add_argument("--min-score", type=float, metavar="S", default=defaults.ARCHIVER_QA_MIN_SCORE,
                        help=f"exit {int(ExitCode.QA_BELOW)} when an article scores below S (0-1)")
    parser.add_argument("--chromium", metavar="PATH", default=defaults.ARCHIVER_CHROMIUM,
                        help="Chromium executable (default: $ARCHIVER_CHROMIUM, else /usr/bin/chromium)")
    parser.set_defaults(func=run)


def crawl_dirs_of(paths: list[Path]) -> list[Path]:
    """Crawl folders (with crawl.json) given directly, or found one level under an output root."""
    found: list[Path] = []
    for path in paths:
        if (path / "crawl.json").is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p.parent for p in path.glob("*/crawl.json"))
        else:
            raise FileNotFoundError(f"{path} is not a crawl folder or an output root")
    if not found:
        raise FileNotFoundError(f"no crawl folder (with crawl.json) in {', '.join(map(str, paths))}")
    return list(dict.fromkeys(found))


def qa_options(chromium: str | None = None):
    """QA's options from archiver.settings (the one place for defaults)."""
    from archiver.qa.replayer import ReplayOptions
    from archiver.qa.results import Thresholds
    from archiver.qa.run import QaOptions

    return QaOptions(
        thresholds=Thresholds(screenshot=defaults.ARCHIVER_QA_SCREENSHOT_MIN, text=defaults.ARCHIVER_QA_TEXT_MIN,
                              article=defaults.ARCHIVER_QA_ARTICLE_MIN),
        pixel_threshold=defaults.ARCHIVER_QA_PIXEL_THRESHOLD, viewport=dict(defaults.ARCHIVER_VIEWPORT),
        replay=ReplayOptions(overlay_share=defaults.ARCHIVER_QA_OVERLAY_SHARE, chromium=chromium,
                             settle_ms=int(defaults.ARCHIVER_QA_SETTLE * 1000)))


def below(results, min_score: float | None) -> list:
    """Articles scoring under *min_score* (None: no minimum)."""
    if min_score is None:
        return []
    return [r for r in results if r.kind == "article" and (r.score or 0.0) < min_score]


def run_qa(crawl_dirs: list[Path], *, as_json: bool = False, min_score: float | None = None,
           chromium: str | None = None, out=sys.stdout) -> int:
    """QA the folders and print the results; returns the exit code (also used by ``crawl --qa``)."""
    from archiver.qa.results import terminal_lines
    from archiver.qa.run import check_crawls

    try:
        by_dir = check_crawls(crawl_dirs, qa_options(chromium))
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        print(f"archiver qa: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    results = [r for rs in by_dir.values() for r in rs]
    if as_json:
        for result in results:
            print(json.dumps(asdict(result), ensure_ascii=False), file=out)
        for crawl_dir in by_dir:
            summary = json.loads((crawl_dir / "crawl.json").read_text(encoding="utf-8")).get("qa", {})
            print(json.dumps({"crawl": crawl_dir.name, "qa": summary}), file=out)
    else:
        for line in terminal_lines(results):
            print(line, file=out)
        passed = sum(r.passed for r in results)
        print(f"\n{len(results)} pages checked, {passed} passed, {len(results) - passed} below the thresholds; "
              f"details in qa.jsonl", file=out)
    low = below(results, min_score)
    if low:
        print(f"archiver qa: {len(low)} article(s) scored below {min_score}", file=sys.stderr)
        return int(ExitCode.QA_BELOW)
    return int(ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    if args.min_score is not None and not 0 <= args.min_score <= 1:
        print("archiver qa: --min-score must be between 0 and 1", file=sys.stderr)
        return int(ExitCode.USAGE)
    try:
        crawl_dirs = crawl_dirs_of(args.paths)
    except FileNotFoundError as exc:
        print(f"archiver qa: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    return run_qa(crawl_dirs, as_json=args.json, min_score=args.min_score, chromium=args.chromium)
