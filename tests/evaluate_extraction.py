"""Offline evaluation of extract_article: our own corpus, and real pages beside three baselines.

    python tests/evaluate_extraction.py [--min-title 0.95 --min-authors 0.90 --min-date 0.95] [-v]
    python tests/evaluate_extraction.py --real [--baselines .eval-cache] [--split dev|test] [-v]
    python tests/evaluate_extraction.py --body [CORPUS] --baselines .eval-cache/body [--split dev|test] [-v]

``--real`` scores the real-page corpus in tests/real_corpus/ (pages other people
wrote, with their truth; see its manifest) per field and per language, ours
beside trafilatura, newspaper4k and goose3. The baselines run in the
evaluation-only venv (``make eval-tools``) and their predictions are read from
``--baselines DIR`` (``make eval-real`` writes them). Fields a page has no truth
for are not scored on it.

Per field: title exact match, authors F1 (per page, then averaged; an empty
expected list scores 1 only for an empty prediction), date_published exact day
and exact instant (same UTC instant when the page gives an offset, else the
same wall-clock value), body token F1, and median milliseconds per article.
Exits 1 when our extractor falls below a threshold.

``--body`` scores the body corpus (tests/body_corpus/build.py: over 3,000 pages with
other people's body truth, in a git-ignored cache): body token precision, recall
and F1 per language and page type, ours beside trafilatura, readability-lxml,
newspaper4k and goose3, and publication day where the corpus has date truth.
"""

from __future__ import annotations

import argparse
import gzip
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


def token_prf(expected: str, predicted: str) -> tuple[float, float, float]:
    """Token precision, recall and F1 of a predicted text against the expected one (bags of words)."""
    exp, pred = Counter(_TOKEN.findall(expected.lower())), Counter(_TOKEN.findall((predicted or "").lower()))
    if not exp:
        return (float(not pred),) * 3
    overlap = sum((exp & pred).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(exp.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def token_f1(expected: str, predicted: str) -> float:
    return token_prf(expected, predicted)[2]


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


# -- the real-page corpus ---------------------------------------------------------

REAL_CORPUS = Path(__file__).resolve().parent / "real_corpus"
REAL_FIELDS = ("title", "authors", "date_day", "body", "snippets")
BASELINES = ("trafilatura", "newspaper4k", "goose3")


@dataclass
class RealPage:
    id: str
    url: str
    language: str
    split: str
    truth: dict
    repo: str

    def html(self) -> bytes:
        return gzip.decompress((REAL_CORPUS / "pages" / f"{self.id}.html.gz").read_bytes())


def disagreements(corpus: Path = REAL_CORPUS) -> dict[str, dict[str, dict]]:
    """Truth we disagree with, per page and field: {"value": ours, "reason": why} (reviewed by hand)."""
    return json.loads((corpus / "disagreements.json").read_text(encoding="utf-8"))


def adjudicated(page: RealPage, overrides: dict[str, dict[str, dict]]) -> dict:
    """The page's truth with our reasoned values where we disagree with it."""
    truth = dict(page.truth)
    for key, entry in overrides.get(page.id, {}).items():
        truth[key] = entry["value"]
    return truth


def load_real_corpus(corpus: Path = REAL_CORPUS) -> list[RealPage]:
    pages = []
    for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pages.append(RealPage(row["id"], row["url"], row["language"], row["split"], row["truth"], row["repo"]))
    return pages


def _snippet_norm(text: str) -> str:
    return " ".join(text.replace(" ", " ").split()).casefold()


def snippet_score(truth: dict, text: str) -> float | None:
    """Share of snippets right: must-contain found in the body, must-not-contain absent."""
    must, must_not = truth.get("must_contain") or [], truth.get("must_not_contain") or []
    if not must and not must_not:
        return None
    body = _snippet_norm(text)
    hits = sum(_snippet_norm(s) in body for s in must) + sum(_snippet_norm(s) not in body for s in must_not)
    return hits / (len(must) + len(must_not))


def score_real(truth: dict, pred: Prediction) -> dict[str, float | None]:
    """Per-field scores for one page; None where the page has no truth for the field."""
    return {
        "title": float(_norm(pred.title) == _norm(truth["title"])) if truth.get("title") else None,
        "authors": authors_f1(truth["authors"], pred.authors) if truth.get("authors") is not None else None,
        "date_day": float(_day(pred.date) == _day(truth["date_published"])) if truth.get("date_published") else None,
        "body": token_f1(truth["body"], pred.text) if truth.get("body") else None,
        "snippets": snippet_score(truth, pred.text),
    }


def ours_real(page: RealPage) -> Prediction:
    """Our prediction; time is CPU time of this process, so busy neighbours on the machine don't count."""
    html = page.html()
    start = time.process_time()
    article = extract_article(html, page.url)
    ms = (time.process_time() - start) * 1000
    return Prediction(article.title, article.authors, article.date_published, article.text or "", ms)


def load_baseline(directory: Path, tool: str) -> dict[str, Prediction]:
    path = directory / f"{tool}.jsonl"
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out[row["id"]] = Prediction(row.get("title"), row.get("authors") or [], row.get("date"),
                                    row.get("text") or "", row.get("ms", 0.0))
    return out


def evaluate_real(baselines_dir: Path, split: str | None = None, verbose: bool = False,
                  adjudicate: bool = False) -> tuple[dict[str, dict[tuple[str, str], list[float]]], list[float]]:
    """Scores by tool, keyed by (field, group) where group is "all", a language or a split.

    ``adjudicate`` scores every tool against the truth with our reasoned disagreements applied.
    """
    pages = [p for p in load_real_corpus() if split in (None, p.split)]
    overrides = disagreements() if adjudicate else {}
    predictions = {tool: load_baseline(baselines_dir, tool) for tool in BASELINES}
    tools = ["ours"] + [t for t in BASELINES if predictions[t]]
    scores: dict[str, dict[tuple[str, str], list[float]]] = {t: {} for t in tools}
    ms = []
    for page in pages:
        for tool in tools:
            if tool == "ours":
                pred = ours_real(page)
                ms.append(pred.ms)
            else:
                pred = predictions[tool].get(page.id, Prediction(None, [], None, "", 0.0))
            row = score_real(adjudicated(page, overrides), pred)
            for key, value in row.items():
                if value is None:
                    continue
                for group in ("all", f"lang:{page.language}", f"split:{page.split}"):
                    scores[tool].setdefault((key, group), []).append(value)
            if verbose and tool == "ours":
                misses = {k: round(v, 2) for k, v in row.items() if v is not None and v < 1.0}
                if misses:
                    print(f"  {page.id}: {misses} authors={pred.authors} date={pred.date} title={pred.title!r}",
                          file=sys.stderr)
    return scores, ms


def report_real(scores: dict[str, dict[tuple[str, str], list[float]]], ms: list[float]) -> str:
    tools = list(scores)
    labels = {"title": "title exact", "authors": "authors F1", "date_day": "publication day",
              "body": "body token F1", "snippets": "boilerplate snippets"}
    groups = sorted({g for t in tools for (_f, g) in scores[t]}, key=lambda g: (g != "all", g.startswith("lang"), g))
    lines = ["| group | field | pages | " + " | ".join(tools) + " |", "|---" * (3 + len(tools)) + "|"]
    for group in groups:
        for key in REAL_FIELDS:
            values = scores["ours"].get((key, group))
            if not values or (group.startswith("lang:") and len(values) < 3):
                continue
            means = [statistics.fmean(scores[t].get((key, group)) or [0.0]) for t in tools]
            best = max(means[1:], default=-1)
            cells = [f"**{m:.3f}**" if i == 0 and m > best else f"{m:.3f}" for i, m in enumerate(means)]
            lines.append(f"| {group} | {labels[key]} | {len(values)} | " + " | ".join(cells) + " |")
    lines.append(f"\nours: median {statistics.median(ms):.1f} CPU ms per page over {len(ms)} pages")
    return "\n".join(lines)


# -- the body corpus (tests/body_corpus/build.py writes it to a git-ignored cache) ---------------

BODY_CORPUS = ROOT / ".eval-cache" / "body_corpus"
BODY_TOOLS = ("trafilatura", "readability", "newspaper4k", "goose3")


def evaluate_body(corpus: Path, baselines_dir: Path, split: str | None = None, verbose: bool = False,
                  ours_file: Path | None = None) -> dict[str, dict[tuple[str, str], list[float]]]:
    """Body precision/recall/F1 and publication day by tool, keyed by (metric, group).

    Groups: "all", "lang:xx", "type:news|blog|institutional|other". Pages without body truth
    count for the date only. With *ours_file*, our predictions are read from it when it
    exists (to re-score without re-extracting), else written to it.
    """
    rows = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if split in (None, r["split"])]
    predictions = {tool: load_baseline(baselines_dir, tool) for tool in BODY_TOOLS}
    cached = load_baseline(ours_file.parent, ours_file.stem) if ours_file and ours_file.exists() else {}
    record = open(ours_file, "w", encoding="utf-8") if ours_file and not cached else None
    tools = ["ours"] + [t for t in BODY_TOOLS if predictions[t]]
    scores: dict[str, dict[tuple[str, str], list[float]]] = {t: {} for t in tools}
    for row in rows:
        html = gzip.decompress((corpus / "pages" / f"{row['id']}.html.gz").read_bytes())
        truth = row["truth"]
        for tool in tools:
            if tool == "ours" and row["id"] in cached:
                pred = cached[row["id"]]
            elif tool == "ours":
                article = extract_article(html, row["url"])
                pred = Prediction(article.title, article.authors, article.date_published, article.text or "", 0.0)
                if record:
                    record.write(json.dumps({"id": row["id"], "title": pred.title, "authors": pred.authors,
                                             "date": pred.date, "text": pred.text}, ensure_ascii=False) + "\n")
            else:
                pred = predictions[tool].get(row["id"], Prediction(None, [], None, "", 0.0))
            metrics = {}
            if truth.get("body"):
                metrics.update(zip(("precision", "recall", "f1"), token_prf(truth["body"], pred.text)))
            if truth.get("date_published"):
                metrics["date_day"] = float(_day(pred.date) == _day(truth["date_published"]))
            for key, value in metrics.items():
                for group in ("all", f"lang:{row['language']}", f"type:{row['page_type']}"):
                    scores[tool].setdefault((key, group), []).append(value)
            if verbose and tool == "ours" and "f1" in metrics and predictions["trafilatura"]:
                theirs = token_prf(truth["body"], predictions["trafilatura"].get(row["id"], pred).text)[2]
                if metrics["f1"] < theirs - 0.1:
                    print(f"  {row['id']} ({row['language']}, {row['page_type']}): ours F1 {metrics['f1']:.2f} "
                          f"P {metrics['precision']:.2f} R {metrics['recall']:.2f}; trafilatura F1 {theirs:.2f}",
                          file=sys.stderr)
    if record:
        record.close()
    return scores


def report_body(scores: dict[str, dict[tuple[str, str], list[float]]]) -> str:
    """One row per group: pages, then F1 / precision / recall for each tool; publication day below."""
    tools = list(scores)
    groups = sorted({g for (_k, g) in scores["ours"]}, key=lambda g: (g != "all", g.startswith("type"),
                                                                      -len(scores["ours"].get(("f1", g), [])), g))
    head = "| group | pages | " + " | ".join(f"{t} F1 / P / R" for t in tools) + " |"
    lines = [head, "|---" * (2 + len(tools)) + "|"]
    for group in groups:
        f1 = scores["ours"].get(("f1", group))
        if not f1 or (group != "all" and len(f1) < 3):
            continue
        cells = []
        for tool in tools:
            f, p, r = (statistics.fmean(scores[tool].get((k, group)) or [0.0]) for k in ("f1", "precision", "recall"))
            cells.append(f"{f:.3f} / {p:.3f} / {r:.3f}")
        lines.append(f"| {group} | {len(f1)} | " + " | ".join(cells) + " |")
    days = scores["ours"].get(("date_day", "all"))
    if days:
        lines.append("\npublication day (pages with date truth): " + ", ".join(
            f"{t} {statistics.fmean(scores[t].get(('date_day', 'all')) or [0.0]):.3f}" for t in tools)
            + f" over {len(days)} pages")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", action="store_true", help="score the real-page corpus beside the baselines")
    parser.add_argument("--baselines", type=Path, default=ROOT / ".eval-cache",
                        help="folder of <tool>.jsonl predictions from tests/extraction_baselines.py")
    parser.add_argument("--body", type=Path, nargs="?", const=BODY_CORPUS, metavar="CORPUS",
                        help="score body text (F1/P/R per language and page type) and publication day on the "
                             "body corpus (default .eval-cache/body_corpus), predictions from --baselines")
    parser.add_argument("--ours", type=Path, metavar="FILE",
                        help="with --body: our predictions as JSON lines, read if FILE exists, else written")
    parser.add_argument("--split", choices=("dev", "test"), help="only one half of the corpus (split by site)")
    parser.add_argument("--adjudicated", action="store_true",
                        help="score every tool against the truth with tests/real_corpus/disagreements.json applied")
    parser.add_argument("--min-title", type=float, default=0.95)
    parser.add_argument("--min-authors", type=float, default=0.90)
    parser.add_argument("--min-date", type=float, default=0.95, help="threshold for date_published exact day")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list pages where our extractor misses")
    args = parser.parse_args(argv)
    if args.body:
        print(report_body(evaluate_body(args.body, args.baselines, args.split, args.verbose, args.ours)))
        return 0
    if args.real:
        print(report_real(*evaluate_real(args.baselines, args.split, args.verbose, args.adjudicated)))
        return 0
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
