"""``archiver ui ROOT --port 0`` as a subprocess for the browser tests: its two URLs, read from its output."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ARCHIVER, ROOT


@contextlib.contextmanager
def running_ui(root: Path) -> Iterator[tuple[str, str, subprocess.Popen]]:
    """Yields (research page URL, replay URL, process); stops the UI and its pywb afterwards."""
    process = subprocess.Popen([*ARCHIVER, "ui", str(root), "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = {}
        while len(lines) < 2:
            line = process.stdout.readline()
            assert line, f"archiver ui exited: {process.stderr.read()[-3000:]}"
            name, _, url = line.strip().partition(": ")
            lines[name] = url
        yield lines["research page"], lines["replay"], process
    finally:
        process.terminate()
        process.wait(timeout=30)
