"""Where the browser comes from and how it is launched.

Playwright's own browser download cannot work on a closed network, so we
launch the system Chromium (Debian's ``chromium`` package). Playwright 1.64 is
built for Chromium 156, the version Debian 12 ships.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache

from archiver.capture.chromium_flags import chromium_args, proxy_bypass

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "ARCHIVER_CHROMIUM"
CHROMIUM_ARGS = chromium_args()        # without a proxy (replay, tests)


def chromium_path(override: str | None = None) -> str:
    """The Chromium executable: an explicit override, $ARCHIVER_CHROMIUM, or Debian's."""
    path = override or os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    resolved = shutil.which(path) or path
    if not os.access(resolved, os.X_OK):
        raise FileNotFoundError(
            f"Chromium not found at {path}: install Debian's package (apt-get install chromium), "
            f"or point {CHROMIUM_ENV} / --chromium at a Chromium 156 executable"
        )
    return resolved


@lru_cache(maxsize=4)
def chromium_version(path: str) -> str:
    """The version string Chromium prints, for the warcinfo record."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def launch_options(path: str, proxy: str | None = None) -> dict:
    """Keyword arguments for ``BrowserType.launch``."""
    options: dict = {
        "executable_path": path,
        "headless": True,
        "timeout": 60_000,
        "args": chromium_args(proxy),   # a browser that contacts only what pages ask for
    }
    if proxy:
        options["proxy"] = {"server": proxy, "bypass": proxy_bypass()}
    return options
