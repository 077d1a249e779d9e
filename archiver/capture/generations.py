"""Which render runs on which Chromium, so a lost browser takes down only its own pages.

Chromium is relaunched after a crash or a recycle; each launch is a new
generation. A Playwright call on a page or context of a browser that has just
died may never be answered, so when a generation is lost its renders are
cancelled at once and retried, instead of waiting forever. Renders still
queued for a page (not yet bound) go on to the next browser untouched.

A browser can also stop answering while it stays connected (frozen, wedged):
calls that are always quick run ``answered_within`` a few seconds, and past
that the browser is taken to be unresponsive and replaced.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator

from archiver.failures import FailureReason, PageRefused

SETUP_TIMEOUT = 15.0         # opening a page or a DevTools session takes milliseconds


@asynccontextmanager
async def answered_within(what: str, seconds: float = SETUP_TIMEOUT) -> AsyncIterator[None]:
    """Bound a browser call that is always quick; past `seconds`, fail as browser-unresponsive."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise PageRefused(FailureReason.BROWSER_UNRESPONSIVE, f"Chromium did not {what} within {seconds:.0f}s") from None


@dataclass
class BrowserGenerations:
    current: int = 0
    _bound: dict[asyncio.Task, int] = field(default_factory=dict)
    _lost: set[asyncio.Task] = field(default_factory=set)

    def bind(self, render: asyncio.Task) -> None:
        """The render is about to get its page from the current browser."""
        self._bound[render] = self.current

    def on_current(self, render: asyncio.Task) -> bool:
        return self._bound.get(render) == self.current

    def retire_current(self) -> None:
        """The current browser is closed on purpose (recycling) once its pages are done."""
        self.current += 1

    def lose_current(self) -> None:
        """The current browser is gone: cancel its renders; the next launch is a new generation."""
        lost = {render for render, generation in self._bound.items() if generation == self.current}
        self.current += 1
        self._lost |= lost
        for render in lost:
            render.cancel()                # a no-op for renders that already ended

    def was_lost(self, render: asyncio.Task) -> bool:
        return render in self._lost

    def forget(self, render: asyncio.Task) -> None:
        self._bound.pop(render, None)
        self._lost.discard(render)
