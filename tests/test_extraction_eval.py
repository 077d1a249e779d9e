"""The offline evaluation as a test: fails when our extractor drops below the thresholds."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate_extraction  # noqa: E402

from archiver.extraction import extract_article  # noqa: E402


def test_evaluation_meets_thresholds(capsys) -> None:
    assert evaluate_extraction.main([]) == 0, capsys.readouterr().err


def test_corpus_has_sixty_pages() -> None:
    assert len(evaluate_extraction.load_corpus()) >= 60


def test_median_time_per_article_under_20ms() -> None:
    """Best of three per page, so a busy machine measures the code, not the neighbours."""
    times = []
    for _name, html, expected in evaluate_extraction.load_corpus():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            extract_article(html, expected["url"])
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
    assert statistics.median(times) < 20
