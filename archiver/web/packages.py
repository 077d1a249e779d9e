"""The WACZ package of a crawl, and whether it verifies: what the research page shows per capture.

A crawl folder ``X`` is packaged as ``X.wacz`` beside it (``archiver crawl --wacz``) or in a
folder one level below the root (``archiver wacz ROOT -o ROOT/packages``). Verifying reads the
whole package, so each verdict is kept until the file changes (same size and mtime).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from archiver.signing.verify import Verdict, verify_package

_LOCK = threading.Lock()
_VERDICTS: dict[tuple[str, int, int], Verdict] = {}


@dataclass(frozen=True)
class PackageStatus:
    name: str                  # the package's path under the output root
    verdict: Verdict

    @property
    def summary(self) -> str:
        """One line: signed or not, by whom, when, and verified or not."""
        v = self.verdict
        if not v.authentic:
            return "NOT AUTHENTIC: " + v.failures[0] + (f" (and {len(v.failures) - 1} more)" if len(v.failures) > 1 else "")
        if not v.signed:
            return "not signed; its file hashes and records verify"
        stamp = f", timestamped by {v.timestamp_by} at {v.timestamp:%Y-%m-%d %H:%M:%S} UTC" if v.timestamp else ""
        return f"signed by {v.signer} at {v.created}{stamp}; verified"


def package_of(root: Path, crawl: str) -> Path | None:
    root = Path(root)
    for candidate in (root / f"{crawl}.wacz", *sorted(root.glob(f"*/{crawl}.wacz"))):
        if candidate.is_file() and candidate.resolve().is_relative_to(root.resolve()):
            return candidate
    return None


def package_status(root: Path, crawl: str) -> PackageStatus | None:
    """The status of *crawl*'s package under *root*, or None when it was not packaged."""
    path = package_of(root, crawl)
    if path is None:
        return None
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        verdict = _VERDICTS.get(key)
    if verdict is None:
        verdict = verify_package(path)
        with _LOCK:
            _VERDICTS[key] = verdict
    return PackageStatus(str(path.relative_to(root)), verdict)
