"""QA results: one ``PageResult`` per page, ``qa.jsonl`` in the crawl folder, a summary in ``crawl.json``,
and the terminal listing (worst pages first, one line each, 80 columns)."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

QA_FILE = "qa.jsonl"
QA_IMAGES = "qa"                 # folder of replay screenshots and diff images, in the crawl folder


@dataclass(frozen=True)
class Thresholds:
    """A page passes when every check it has is at or above these."""
    screenshot: float = 0.95
    text: float = 0.9
    article: float = 1.0


@dataclass
class PageResult:
    url: str
    ts: str                                   # the capture replayed (WARC-Date)
    crawl: str                                # the crawl folder's name
    kind: str                                 # "article" or "page"
    score: float | None = None                # the lowest of the checks below
    screenshot: float | None = None           # share of matching pixels (pixelmatch, threshold 0.1)
    text: float | None = None                 # normalised Levenshtein similarity of the visible texts
    article: float | None = None              # share of the item's body paragraphs in the replay
    missing_paragraphs: list[str] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)     # requests replay could not answer, by type
    loaded: dict[str, int] = field(default_factory=dict)     # responses the capture recorded, by type
    diagnosis: list[dict] = field(default_factory=list)      # [{"code", "detail"}], see archiver.qa.diagnose
    passed: bool = True
    capture_screenshot: str | None = None     # the capture's urn:fullPage record (WARC file:offset)
    replay_screenshot: str | None = None      # path in the crawl folder
    diff_image: str | None = None             # path in the crawl folder (pages below the threshold)

    def judge(self, thresholds: Thresholds) -> None:
        checks = {"screenshot": self.screenshot, "text": self.text, "article": self.article}
        present = [v for v in checks.values() if v is not None]
        self.score = round(min(present), 4) if present else 0.0
        self.passed = bool(present) and all(value >= getattr(thresholds, name)
                                            for name, value in checks.items() if value is not None)
        if any(d["code"] == "replay-failed" for d in self.diagnosis):
            self.passed, self.score = False, 0.0

    def codes(self) -> list[str]:
        return list(dict.fromkeys(d["code"] for d in self.diagnosis))


def write_results(crawl_dir: Path, results: list[PageResult], thresholds: Thresholds) -> dict:
    """``qa.jsonl`` (one line per page) and the ``qa`` summary in ``crawl.json``; returns the summary."""
    crawl_dir = Path(crawl_dir)
    lines = [json.dumps(asdict(r), ensure_ascii=False) for r in results]
    _atomic_write(crawl_dir / QA_FILE, "".join(line + "\n" for line in lines))
    summary = summarise(results, thresholds)
    report_path = crawl_dir / "crawl.json"
    if report_path.exists():
        report = json.loads(report_path.read_text(encoding="utf-8"))
        report["qa"] = summary
        _atomic_write(report_path, json.dumps(report, indent=2) + "\n")
    return summary


def summarise(results: list[PageResult], thresholds: Thresholds) -> dict:
    def dist(values: list[float]) -> dict:
        if not values:
            return {}
        return {"min": round(min(values), 4), "median": round(statistics.median(values), 4),
                "mean": round(statistics.fmean(values), 4)}

    codes: dict[str, int] = {}
    for result in results:
        for code in result.codes():
            codes[code] = codes.get(code, 0) + 1
    return {
        "pages": len(results),
        "articles": sum(r.kind == "article" for r in results),
        "passed": sum(r.passed for r in results),
        "failed": sum(not r.passed for r in results),
        "thresholds": asdict(thresholds),
        "score": dist([r.score for r in results if r.score is not None]),
        "screenshot": dist([r.screenshot for r in results if r.screenshot is not None]),
        "text": dist([r.text for r in results if r.text is not None]),
        "article": dist([r.article for r in results if r.article is not None]),
        "diagnosis": dict(sorted(codes.items())),
        "file": QA_FILE,
    }


def read_results(crawl_dir: Path) -> list[PageResult]:
    path = Path(crawl_dir) / QA_FILE
    if not path.exists():
        return []
    return [PageResult(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _atomic_write(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


# -- the terminal -------------------------------------------------------------------

HEADER = "score  shot  text  art  why                 page"
WHY_WIDTH = 19                   # the longest code, "capture-interaction"


def _num(value: float | None) -> str:
    """Two decimals, rounded down: a page just below a threshold never shows as reaching it."""
    if value is None:
        return " -  "
    return f"{math.floor(value * 100) / 100:.2f}"


def terminal_lines(results: list[PageResult], width: int = 80) -> list[str]:
    """Worst first; each line: score, screenshot, text, article, the diagnosis codes, the URL's tail."""
    lines = [HEADER]
    for r in sorted(results, key=lambda r: (r.passed, r.score if r.score is not None else -1, r.url)):
        codes = r.codes()
        more = f"+{len(codes) - 1}" if len(codes) > 1 else ""
        why = (codes[0][:WHY_WIDTH - len(more)] + more) if codes else ("ok" if r.passed else "below threshold")
        head = f"{_num(r.score)}  {_num(r.screenshot)}  {_num(r.text)}  {_num(r.article)}  {why:<{WHY_WIDTH}} "
        room = width - len(head)
        url = r.url.split("://", 1)[-1]
        lines.append(head + (url if len(url) <= room else "…" + url[-(room - 1):]))
    return lines
