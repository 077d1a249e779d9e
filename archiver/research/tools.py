"""The GPL / old-pinned tools (pywb, py-wacz) live in their own venv and run as subprocesses.

The venv is ``.venv-tools`` at the repository root (built by ``make tools``),
or wherever ``ARCHIVER_TOOLS_VENV`` points.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ENV_VAR = "ARCHIVER_TOOLS_VENV"


def tools_venv() -> Path:
    return Path(os.environ.get(ENV_VAR) or REPO_ROOT / ".venv-tools")


def tool(name: str) -> Path:
    """Path of an executable in the tools venv; says how to build the venv when it is missing."""
    path = tools_venv() / "bin" / name
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"{name} not found at {path}: run `make tools` in {REPO_ROOT} (it installs pywb and wacz "
            f"into .venv-tools), or point {ENV_VAR} at a venv that has them")
    return path


def run_tool(name: str, *args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a tool to completion; raises RuntimeError with its output when it fails."""
    proc = subprocess.run([str(tool(name)), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"`{name} {' '.join(args)}` failed (exit {proc.returncode}):\n"
                           f"{(proc.stdout + proc.stderr)[-3000:]}")
    return proc
