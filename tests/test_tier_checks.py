"""The tier checks themselves (tests/tier_checks.py): fixtures count as needs, and the fast tier has no Chromium."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

import pytest

from archiver.chromium import CHROMIUM_ENV
from tests import tier_checks


@dataclass
class FakeItem:
    """Just what the checks read of a pytest item."""

    nodeid: str
    fixturenames: list[str]
    markers: dict[str, tuple] = field(default_factory=dict)

    def get_closest_marker(self, name: str):
        return getattr(pytest.mark, name)(*self.markers[name]).mark if name in self.markers else None

    def iter_markers(self, name: str):
        return [self.get_closest_marker(name)] if name in self.markers else []


def test_a_fixture_that_starts_a_program_counts_as_a_need():
    item = FakeItem("t::a", ["tmp_path", "redis_url", "sample_crawl"], {"needs": ("tmux",)})
    assert tier_checks.programs(item) == {"tmux", "redis-server", "chromium"}


def test_a_test_using_a_browser_fixture_without_the_marker_is_named():
    unmarked = FakeItem("t::unmarked", ["sample_crawl"], {"slow": ()})
    marked = FakeItem("t::marked", ["sample_crawl"], {"browser": (), "slow": ()})
    mounting = FakeItem("t::mounting", ["copies"], {"slow": ()})
    problems = tier_checks.unmarked([unmarked, marked, mounting])
    assert len(problems) == 2
    assert "t::unmarked" in problems[0] and "`browser`" in problems[0]
    assert "t::mounting" in problems[1] and "`root`" in problems[1]


def test_a_test_not_marked_browser_cannot_start_chromium():
    """Here (not marked browser) ARCHIVER_CHROMIUM is the stand-in: it records the launch and fails it."""
    stand_in = os.environ[CHROMIUM_ENV]
    result = subprocess.run([stand_in, "--headless", "--version"], capture_output=True, text=True)
    assert result.returncode == 1 and "not marked browser" in result.stderr
    assert tier_checks._LAUNCHES.read_text().strip() == "--headless --version"
    tier_checks._LAUNCHES.unlink()          # recorded as it should be; not a launch of this test's own
