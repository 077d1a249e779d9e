"""The terminal a crawl reports to: one rich Console on stderr, and which display it gets.

The live progress table, log lines and the end-of-run summary all print through
the same Console, so rich keeps log lines above the live region instead of
letting them cut into it.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from rich.console import Console


@lru_cache(maxsize=1)
def console() -> Console:
    return Console(stderr=True)


def display_mode(setting: str) -> str:
    """ARCHIVER_PROGRESS resolved: "live" (a terminal), "plain" (cron, pipes) or "quiet"."""
    if setting == "auto":
        return "live" if sys.stderr.isatty() else "plain"
    return setting
