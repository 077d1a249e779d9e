"""Regenerate known_misses.json: the page fields our extractor currently gets wrong.

    python tests/real_corpus/known_misses.py

Each entry says what we extract instead, so a reader sees the miss without running anything;
the per-page tests turn them into strict xfails, so a fix shows up as a test to update here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parents[1]))

import evaluate_extraction as ev  # noqa: E402

from archiver.extraction import extract_article  # noqa: E402
from archiver.extraction.names import name_key  # noqa: E402


def main() -> None:
    overrides = ev.disagreements()
    misses: dict[str, dict[str, str]] = {}
    for page in ev.load_real_corpus():
        truth = ev.adjudicated(page, overrides)
        article = extract_article(page.html(), page.url)
        text = article.text or ""
        checks = {
            "title": (truth.get("title") is not None, lambda: ev._norm(article.title) == ev._norm(truth["title"]),
                      lambda: f"we extract {article.title!r}"),
            "authors": (truth.get("authors") is not None,
                        lambda: {name_key(n) for n in article.authors} == {name_key(n) for n in truth["authors"]},
                        lambda: f"we extract {article.authors!r}"),
            "date_published": (truth.get("date_published") is not None,
                               lambda: (article.date_published or "")[:10] == truth["date_published"][:10],
                               lambda: f"we extract {article.date_published!r} "
                                       f"({article.extraction['sources'].get('date_published', 'nothing')})"),
            "body": (truth.get("body") is not None, lambda: ev.token_f1(truth["body"], text) >= 0.8,
                     lambda: f"token F1 {ev.token_f1(truth['body'], text):.2f}"),
            "snippets": (ev.snippet_score(truth, text) is not None, lambda: ev.snippet_score(truth, text) == 1.0,
                         lambda: "missing or extra: " + "; ".join(
                             [s for s in truth.get("must_contain") or [] if ev._snippet_norm(s) not in ev._snippet_norm(text)]
                             + [f"NOT {s}" for s in truth.get("must_not_contain") or []
                                if ev._snippet_norm(s) in ev._snippet_norm(text)])[:200]),
        }
        for key, (has_truth, passes, describe) in checks.items():
            if has_truth and not passes():
                misses.setdefault(page.id, {})[key] = f"extractor miss: {describe()}"
    (HERE / "known_misses.json").write_text(json.dumps(misses, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                            encoding="utf-8")
    print(f"{sum(len(v) for v in misses.values())} known misses on {len(misses)} pages")


if __name__ == "__main__":
    main()
