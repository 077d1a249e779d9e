"""Offline evaluation of extract_article against trafilatura on tests/extraction_corpus.

    python tests/evaluate_extraction.py [--min-title 0.95 --min-authors 0.90 --min-date 0.95] [-v]

Per field: title exact match, authors F1 (per page, then averaged; an empty
expected list scores 1 only for an empty prediction), date_published exact day
and exact instant (same UTC instant when the page gives an offset, else the
same wall-clock value), body token F1, and median milliseconds per article.
Exits 1 when our extractor falls below a threshold.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from archiver.extraction import extract_article  # noqa: E402
from archiver.extraction.names import name_key  # noqa: E402
from archiver.outlets import load_profiles  # noqa: E402

MOSCOW_TIMES_SELECTORS = load_profiles()["themoscowtimes"].selectors


CORPUS = Path(__file__).resolve().parent / "extraction_corpus"
PROFILES = {"themoscowtimes": MOSCOW_TIMES_SELECTORS}
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|\w+", re.UNICODE)


@dataclass
class Prediction:
    title: str | None
    authors: list[str]
    date: str | None
    text: str
    ms: float


@dataclass
class Scores:
    title: list[float] = field(default_factory=list)
    authors: list[float] = field(default_factory=list)
    date_day: list[float] = field(default_factory=list)
    date_instant: list[float] = field(default_factory=list)
    body: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)

    def add(self, expected: dict, pred: Prediction) -> dict[str, float]:
        row = {
            "title": float(_norm(pred.title) == _norm(expected["title"])),
            "authors": authors_f1(expected["authors"], pred.authors),
            "date_day": float(_day(pred.date) == _day(expected["date_published"])),
            "date_instant": float(same_instant(expected["date_published"], pred.date)),
            "body": token_f1(" ".join(expected["body"]), pred.text),
        }
        for key, value in row.items():
            getattr(self, key).append(value)
        self.ms.append(pred.ms)
        return row

    def mean(self, key: str) -> float:
        values = getattr(self, key)
        return sum(values) / len(values) if values else 0.0


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _day(iso: str | None) -> str | None:
    return iso[:10] if iso else None


def authors_f1(expected: list[str], predicted: list[str]) -> float:
    exp = {name_key(n) for n in expected}
    pred = {name_key(n) for n in predicted}
    if not exp:
        return float(not pred)
    if not pred:
        return 0.0
    hits = len(exp & pred)
    if not hits:
        return 0.0
    precision, recall = hits / len(pred), hits / len(exp)
    return 2 * precision * recall / (precision + recall)


def same_instant(expected: str | None, predicted: str | None) -> bool:
    if not expected or not predicted:
        return expected == predicted
    if "T" not in expected:
        return predicted[:10] == expected
    try:
        exp, pred = datetime.fromisoformat(expected), datetime.fromisoformat(predicted)
    except ValueError:
        return False
    if exp.tzinfo is not None:
        return pred.tzinfo is not None and exp.astimezone(timezone.utc) == pred.astimezone(timezone.utc)
    return pred.replace(tzinfo=None) == exp


def token_f1(expected: str, predicted: str) -> float:
    exp, pred = Counter(_TOKEN.findall(expected.lower())), Counter(_TOKEN.findall((predicted or "").lower()))
    if not exp:
        return float(not pred)
    overlap = sum((exp & pred).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(exp.values())
    return 2 * precision * recall / (precision + recall)


def ours(html: bytes, expected: dict) -> Prediction:
    selectors = PROFILES.get(expected.get("outlet", ""))
    start = time.perf_counter()
    article = extract_article(html, expected["url"], outlet=expected.get("outlet"), selectors=selectors)
    ms = (time.perf_counter() - start) * 1000
    return Prediction(article.title, article.authors, article.date_published, article.text or "", ms)


def baseline(html: bytes, expected: dict) -> Prediction:
    import trafilatura

    start = time.perf_counter()
    doc = trafilatura.bare_extraction(html, url=expected["url"], with_metadata=True)
    ms = (time.perf_counter() - start) * 1000
    if doc is None:
        return Prediction(None, [], None, "", ms)
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Prediction(doc.title, authors, doc.date, doc.text or "", ms)


def load_corpus(corpus: Path = CORPUS) -> list[tuple[str, bytes, dict]]:
    cases = []
    for folder in sorted(p for p in corpus.iterdir() if (p / "expected.json").exists()):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        cases.append((folder.name, (folder / "page.html").read_bytes(), expected))
    return cases


def evaluate(corpus: Path = CORPUS, verbose: bool = False) -> dict[str, Scores]:
    results = {"ours": Scores(), "trafilatura": Scores()}
    for name, html, expected in load_corpus(corpus):
        for label, extractor in (("ours", ours), ("trafilatura", baseline)):
            pred = extractor(html, expected)
            row = results[label].add(expected, pred)
            if verbose and label == "ours" and min(row.values()) < 1.0:
                misses = {k: round(v, 2) for k, v in row.items() if v < 1.0}
                print(f"  {name}: {misses} authors={pred.authors} date={pred.date} title={pred.title!r}",
                      file=sys.stderr)
    return results


def report(results: dict[str, Scores]) -> str:
    rows = [("title exact", "title"), ("authors F1", "authors"), ("date_published day", "date_day"),
            ("date_published instant", "date_instant"), ("body token F1", "body")]
    n = len(results["ours"].title)
    lines = [f"{'field (' + str(n) + ' pages)':<26}{'ours':>10}{'trafilatura':>14}"]
    for label, key in rows:
        lines.append(f"{label:<26}{results['ours'].mean(key):>10.3f}{results['trafilatura'].mean(key):>14.3f}")
    lines.append(f"{'median ms per article':<26}{statistics.median(results['ours'].ms):>10.1f}"
                 f"{statistics.median(results['trafilatura'].ms):>14.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-title", type=float, default=0.95)
    parser.add_argument("--min-authors", type=float, default=0.90)
    parser.add_argument("--min-date", type=float, default=0.95, help="threshold for date_published exact day")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list pages where our extractor misses")
    args = parser.parse_args(argv)
    results = evaluate(args.corpus, args.verbose)
    print(report(results))
    ours_scores = results["ours"]
    failures = [f"{label} {ours_scores.mean(key):.3f} < {minimum}" for label, key, minimum in (
        ("title", "title", args.min_title), ("authors", "authors", args.min_authors),
        ("date", "date_day", args.min_date)) if ours_scores.mean(key) < minimum]
    if failures:
        print("below threshold: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
