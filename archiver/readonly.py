"""Opening an archive's SQLite files read-only, as every researcher tool does.

Researchers read archives they must not change: a copy on a read-only mount,
a colleague's folder, an archive a crawl is still writing. ``connect_readonly``
opens a database so that nothing is written or created beside it.

The archive's databases run in WAL mode. A ``mode=ro`` connection to one
creates the ``-wal`` and ``-shm`` files when they are missing (and leaves
them), so it is used only while they exist: a writer has the database open,
and the reader shares its WAL and sees its latest commits. Without them no
writer is active and the file is opened ``immutable``: nothing is created,
and it works on a read-only mount. A writer that starts during such a read
is not seen by it; the tools reopen per command (the research page per
request), so the next one sees it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

BUSY_TIMEOUT = 10.0       # s; a crawl may hold the write lock


def connect_readonly(path: Path, *, timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """A read-only connection to the SQLite file *path* that creates no file beside it."""
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    shared = all(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-shm"))
    if shared:
        try:
            return _open(path, "mode=ro", timeout)
        except sqlite3.OperationalError:
            pass      # WAL files a killed writer left on a read-only mount: read the last checkpoint
    return _open(path, "mode=ro&immutable=1", timeout)


def _open(path: Path, flags: str, timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(f"{path.as_uri()}?{flags}", uri=True, timeout=timeout, check_same_thread=False)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()     # opens the file now, not at first use
    except sqlite3.Error:
        db.close()
        raise
    return db
