"""An ``archiver`` server command run for a test, and GET requests with a Host header of the test's choosing."""

from __future__ import annotations

import http.client
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from tests.conftest import ARCHIVER, ROOT


@contextmanager
def serving(*argv: str, ready: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run ``archiver ARGV`` until the block ends; yields the URL it prints after *ready* and the process."""
    process = subprocess.Popen([*ARCHIVER, *argv], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        while True:
            line = process.stdout.readline()
            assert line, f"archiver {argv[0]} exited: {process.stderr.read()[-3000:]}"
            if line.startswith(ready):
                yield line.split(": ", 1)[1].strip(), process
                return
    finally:
        process.terminate()
        process.wait(timeout=60)


def get(url: str, path: str = "/", host: str | None = None) -> tuple[int, str]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", path, headers={"Host": host} if host else {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()
