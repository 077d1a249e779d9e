"""The offline evaluation as a test: fails when our extractor drops below the thresholds.

How long extraction takes is measured by `make bench` (bench/run.py, extraction_ms), not asserted here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate_extraction  # noqa: E402


def test_evaluation_meets_thresholds(capsys) -> None:
    assert evaluate_extraction.main([]) == 0, capsys.readouterr().err


def test_corpus_has_sixty_pages() -> None:
    assert len(evaluate_extraction.load_corpus()) >= 60
