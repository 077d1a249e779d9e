"""Extraction in worker processes: the same articles as inline, and a dead worker loses nothing."""

from __future__ import annotations

import os
import signal

from archiver.extraction import extract_article
from archiver.extraction.workers import ExtractionWorkers
from archiver.outlets import load_profiles
from tests.test_textexport import _seed_page
from tests.conftest import run_async


def _options() -> dict:
    profile = load_profiles()["themoscowtimes"]
    return {"outlet": profile.name, "selectors": profile.selectors}


def test_a_worker_extracts_what_the_crawl_process_would():
    html, url = _seed_page()
    workers = ExtractionWorkers(1)
    try:
        article = run_async(workers.extract(html, url, **_options()))
        assert workers._pool is not None                  # it really went through the pool
    finally:
        workers.close()
    assert article == extract_article(html, url, **_options())


def test_a_killed_worker_falls_back_to_the_crawl_process(caplog):
    html, url = _seed_page()
    workers = ExtractionWorkers(1)
    try:
        run_async(workers.extract(html, url, **_options()))      # the worker is up
        (pid,) = workers._pool._processes
        os.kill(pid, signal.SIGKILL)
        article = run_async(workers.extract(html, url, **_options()))
    finally:
        workers.close()
    assert article.title == extract_article(html, url, **_options()).title
    assert workers._pool is None
    assert "extraction worker died" in caplog.text
