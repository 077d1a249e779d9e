"""Extraction off the crawl's event loop, in worker processes.

Extraction is pure CPU (lxml, trafilatura, dateparser) and holds the GIL, so a
thread cannot overlap it with crawling; a process can, on another core. The
workers are spawned (not forked: the crawl process runs an event loop and
threads) and run the same ``extract_article`` as everything else, so results
are identical. If a worker dies, extraction falls back to the calling process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from archiver.extraction.article import extract_article
from archiver.extraction.choice import Document, extract_best
from archiver.items import Article

logger = logging.getLogger(__name__)


def default_workers() -> int:
    """One worker per spare core: the crawl itself keeps one busy."""
    return max(0, min(2, (os.cpu_count() or 1) - 1))


def _worker_init() -> None:
    # Ctrl-C is for the crawl process, which shuts the pool down itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ready() -> None:
    """Submitted at start, so the worker spawns and imports while the crawl fetches its first pages."""


class ExtractionWorkers:
    """``await workers.extract(...)``: ``extract_article`` in a worker process, or inline with 0 workers."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init)
            self._pool.submit(_ready)

    async def extract(self, body: bytes, url: str, **options) -> Article:
        return await self._run(extract_article, body, url, **options)

    async def extract_best(self, server: Document | None, dom: Document | None, url: str, **options) -> Article:
        """``extract_best``: each field from the server's HTML or the rendered DOM (archiver.extraction.choice)."""
        return await self._run(extract_best, server, dom, url, **options)

    async def _run(self, function, *args, **options) -> Article:
        if self._pool is not None:
            try:
                future = self._pool.submit(function, *args, **options)
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                logger.warning("an extraction worker died; extracting in the crawl process from now on")
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        return function(*args, **options)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
