"""Shared fixtures: the sample outlets served on 127.0.0.1 and one real crawl of them.

Crawls run as subprocesses of the real CLI (``archiver crawl``), in real
Chromium, so every test reads real WARC files back with warcio.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.chromium import chromium_path, launch_options
from archiver.research.tools import tool
from archiver.sample.server import copy_sample_data, serve_sample
from tests.tier_checks import programs, pytest_runtest_call, pytest_runtest_setup, unmarked  # noqa: F401 (hooks)

ROOT = Path(__file__).resolve().parents[1]
ARCHIVER = [sys.executable, "-m", "archiver.cli"]
WARCIO = Path(sys.executable).with_name("warcio")      # warcio's CLI, from the venv running the tests


# Programs the tests run besides Python, checked before the first test runs: a test marked
# `browser` needs Chromium, one marked `needs(...)` the programs it names, one marked `root`
# root, and one using a fixture that starts a program needs it too (tests/tier_checks.py
# FIXTURE_NEEDS). Debian packages by program (`make test-tools` installs them); the rest come from
# the tools venv (`make tools`).
DEBIAN_PACKAGES = {"tmux": "tmux", "nginx": "nginx-light", "wget": "wget", "redis-server": "redis-server",
                   "mount": "mount", "unshare": "util-linux"}
TOOLS_VENV_PROGRAMS = ("wayback", "wb-manager", "wacz", "uvicorn")      # uvicorn runs authsign


def _missing(program: str) -> str | None:
    """Why *program* cannot run here, or None when it can."""
    try:
        if program == "chromium":
            chromium_path()
        elif program in TOOLS_VENV_PROGRAMS:
            tool(program)
        elif program == "root":
            if os.geteuid() != 0:
                return "root: these tests mount (a tmpfs, a read-only bind); run them as root (or deselect them: -m 'not root')"
        elif not (shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")):
            return (f"{program} not found: apt-get install --no-install-recommends "
                    f"{DEBIAN_PACKAGES.get(program, program)} (`make test-tools` installs it)")
    except FileNotFoundError as exc:
        return str(exc)
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop before the first test when a selected test needs a program this machine lacks."""
    if untiered := unmarked(session.items):
        pytest.exit("tests that need Chromium or root through a fixture must be marked so (make test-fast "
                    "selects by marker):\n" + "\n".join(untiered), returncode=pytest.ExitCode.USAGE_ERROR)
    users: dict[str, list[str]] = {}
    for item in session.items:
        for program in programs(item):
            users.setdefault(program, []).append(item.nodeid)
    problems = [f"  {why}\n    needed by {len(users[p])} test(s), e.g. {users[p][0]}"
                for p in sorted(users) if (why := _missing(p))]
    if problems:
        pytest.exit("missing programs; `make test` installs them:\n" + "\n".join(problems),
                    returncode=pytest.ExitCode.USAGE_ERROR)


@dataclass
class CrawlRun:
    returncode: int
    stdout: str
    stderr: str
    root: Path                     # the output root
    dirs: dict[str, Path]          # outlet -> crawl folder

    def report(self, outlet: str) -> dict:
        return json.loads((self.dirs[outlet] / "crawl.json").read_text())

    def items(self, outlet: str) -> list[dict]:
        path = self.dirs[outlet] / "items.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def warcs(self, outlet: str) -> list[Path]:
        return sorted((self.dirs[outlet] / "warc").glob("*.warc.gz"))



@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's `browser`, launched as the archiver launches Chromium. Tests that drive a page
    use it: one sync Playwright per test session (a second one cannot start in its event loop)."""
    return {**browser_type_launch_args, **launch_options(chromium_path())}


def run_async(coroutine):
    """asyncio.run in a thread of its own: a fresh event loop, whatever the test process's main thread
    holds (pytest-playwright's sync fixtures keep a loop running there for the rest of the session,
    and pytest groups their tests early)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()



def in_terminal(command: str) -> str:
    """*command* for a tmux session, with this test's environment where it matters: the tmux server is
    shared by the whole session and gives new sessions the environment of the test that started it
    (ARCHIVER_CHROMIUM: the real one, or the tier checks' stand-in); COLUMNS/LINES come from the pane."""
    chromium = os.environ.get("ARCHIVER_CHROMIUM")
    own = f"ARCHIVER_CHROMIUM={shlex.quote(chromium)}" if chromium else "-u ARCHIVER_CHROMIUM"
    return f"env -u COLUMNS -u LINES {own} {command}"


def run_archiver(*args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*ARCHIVER, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})})


def crawl(root: Path, sample, *outlets: str, extra: tuple[str, ...] = ()) -> CrawlRun:
    """Crawl sample outlets into `root`; return the new crawl folders."""
    before = set(root.glob("*/crawl.json")) if root.exists() else set()
    base_urls = [f"--base-url={name}={sample.urls[name]}" for name in outlets]
    proc = run_archiver("crawl", *outlets, "--out", root, *base_urls, *extra)
    new = [p.parent for p in set(root.glob("*/crawl.json")) - before]
    dirs = {}
    for folder in new:
        report = json.loads((folder / "crawl.json").read_text())
        dirs[report["outlet"]] = folder
    return CrawlRun(proc.returncode, proc.stdout, proc.stderr, root, dirs)


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    data = copy_sample_data(tmp_path_factory.mktemp("sample-data"))
    with serve_sample(data_dir=data) as outlets:
        yield outlets


@pytest.fixture(scope="session")
def sample_crawl(sample, tmp_path_factory) -> CrawlRun:
    """One full crawl of both sample outlets, rendered, with screenshots."""
    root = tmp_path_factory.mktemp("archive")
    run = crawl(root, sample, "themoscowtimes", "harbourgazette")
    assert run.returncode == 0, run.stderr[-4000:]
    return run


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a small tmpfs (a disk that really fills up); call it with the size, e.g. tmpfs("3m")."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        mountpoint = tmp_path / f"tmpfs-{len(mounted)}"
        mountpoint.mkdir()
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
                                capture_output=True, text=True)
        assert result.returncode == 0, f"the disk-full tests mount a tmpfs and need root: {result.stderr}"
        mounted.append(mountpoint)
        return mountpoint

    yield mount
    for mountpoint in mounted:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


@pytest.fixture(scope="session")
def hostile_archive(tmp_path_factory):
    """Two plain-fetch crawls of an outlet whose text is hostile (tests/hostile_text_site.py)."""
    from tests.hostile_text_site import crawl_hostile_archive, serve_hostile_text

    with serve_hostile_text() as site:
        yield crawl_hostile_archive(site, tmp_path_factory.mktemp("hostile-text"), run_archiver)
