"""What each test needs, from its markers and its fixtures, and checks that the tiers keep to their word.

``make test-fast`` selects by marker (``-m "not browser and not slow and not root"``),
so a test that reaches Chromium or root through a fixture must carry the marker
too: ``unmarked`` lists those that do not, and the session stops before the
first test. While a test that is not marked ``browser`` runs (its fixtures
included), ``ARCHIVER_CHROMIUM`` points at a stand-in that records the launch
and fails it; a test not marked ``browser``, ``slow`` or ``root`` must also leave
no listening socket beyond loopback in its process tree. The conftest imports
the hooks from here.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tempfile
from pathlib import Path

import psutil
import pytest

from archiver.chromium import CHROMIUM_ENV

# Fixtures that start a program, by name: a test using one (directly or through another
# fixture) needs the program as if it were marked `needs(...)`.
FIXTURE_NEEDS: dict[str, tuple[str, ...]] = {
    "sample_crawl": ("chromium",),                      # conftest: the rendered crawl of the sample outlets
    "hostile_crawl": ("chromium",),                     # test_hostile: the trap site in Chromium
    "ui": ("chromium", "wayback", "wb-manager"),        # test_ui: rendered crawls, then pywb
    "replay": ("wayback", "wb-manager"),                # test_replay
    "page": ("chromium",), "context": ("chromium",), "browser": ("chromium",),   # pytest-playwright, test_replay
    "redis_url": ("redis-server",),                     # test_distributed, test_distributed_frontier
    "tmpfs": ("root", "mount"),                         # a tmpfs mount
    "copies": ("root", "mount"),                        # test_readonly_tools: a read-only bind mount
}
# Programs that put a test in a tier: the marker it must carry.
TIER_OF = {"chromium": "browser", "root": "root"}
FAST_EXCLUDED = ("browser", "slow", "root")


def programs(item: pytest.Item) -> set[str]:
    """Every program *item* runs besides Python: from its markers and from its fixtures."""
    found = {arg for mark in item.iter_markers("needs") for arg in mark.args}
    if item.get_closest_marker("browser"):
        found.add("chromium")
    if item.get_closest_marker("root"):
        found |= {"root", "mount"}
    parametrized = set(getattr(item, "callspec", None) and item.callspec.params or ())   # arguments, not fixtures
    for name in set(getattr(item, "fixturenames", ())) - parametrized:
        found.update(FIXTURE_NEEDS.get(name, ()))
    return found


def unmarked(items: list[pytest.Item]) -> list[str]:
    """Tests whose fixtures put them in the browser or root tier but that lack its marker."""
    problems = []
    for item in items:
        for program, marker in TIER_OF.items():
            if program in programs(item) and not item.get_closest_marker(marker):
                problems.append(f"  {item.nodeid}: uses a fixture that needs {program}; mark it `{marker}`")
    return problems


# --- Chromium only where `browser` says so -------------------------------------------------
_REAL_CHROMIUM = os.environ.get(CHROMIUM_ENV)
_STAND_IN_DIR = tempfile.TemporaryDirectory(prefix="archiver-no-chromium-")   # removed when the session ends
_STAND_IN = Path(_STAND_IN_DIR.name) / "chromium"
_LAUNCHES = _STAND_IN.with_name("launches.log")


def _install_stand_in() -> None:
    if not _STAND_IN.exists():
        _STAND_IN.write_text(f'#!/bin/sh\necho "$*" >> {_LAUNCHES}\n'
                             'echo "Chromium launched by a test not marked browser" >&2\nexit 1\n')
        _STAND_IN.chmod(_STAND_IN.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """Point ARCHIVER_CHROMIUM at the stand-in before the test's fixtures are made, unless marked browser."""
    if item.get_closest_marker("browser"):
        if _REAL_CHROMIUM is None:
            os.environ.pop(CHROMIUM_ENV, None)
        else:
            os.environ[CHROMIUM_ENV] = _REAL_CHROMIUM
    else:
        _install_stand_in()
        _LAUNCHES.unlink(missing_ok=True)
        os.environ[CHROMIUM_ENV] = str(_STAND_IN)
    return (yield)


# --- the fast tier: loopback only ------------------------------------------------------------
def _foreign_listeners() -> list[str]:
    """Listening sockets of this process and its children bound beyond loopback."""
    me = psutil.Process()
    found = []
    for process in [me, *me.children(recursive=True)]:
        try:
            connections = process.net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        for conn in connections:
            if conn.status == psutil.CONN_LISTEN and not ipaddress.ip_address(conn.laddr.ip).is_loopback:
                found.append(f"{process.name()} (pid {process.pid}) listens on {conn.laddr.ip}:{conn.laddr.port}")
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if not item.get_closest_marker("browser") and _LAUNCHES.exists():
        pytest.fail(f"{item.nodeid} launched Chromium ({_LAUNCHES.read_text().strip()!r}) but is not marked "
                    "browser: mark it, or crawl with --render never", pytrace=False)
    if not any(item.get_closest_marker(m) for m in FAST_EXCLUDED) and (foreign := _foreign_listeners()):
        pytest.fail(f"{item.nodeid} (fast tier) left servers beyond loopback: {foreign}", pytrace=False)
    return result
