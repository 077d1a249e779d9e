"""One crawl per outlet at a time: an advisory lock file under the output root.

Scheduled runs can overlap when one is slow; the second must not crawl the
same outlet into the same state. ``flock`` is released by the kernel when the
holder dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path


class LockHeld(RuntimeError):
    """Another run holds the outlet's lock."""


class OutletLock:
    def __init__(self, root: Path, outlet: str):
        self.path = root / "locks" / f"{outlet}.lock"
        self._fh = None

    def acquire(self) -> "OutletLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            raise LockHeld(f"another crawl of this outlet is running ({holder}); lock file {self.path}") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}\n")
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
