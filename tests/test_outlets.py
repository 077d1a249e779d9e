"""Outlet profiles: how a profile says its pages are rendered (``render`` and ``render_pattern``)."""

from __future__ import annotations

import pytest

from archiver.outlets import load_profiles


def test_a_profile_says_how_its_pages_are_rendered(tmp_path):
    profiles = load_profiles()
    assert profiles["lantern"].render == "auto" and not profiles["lantern"].needs_render("/")   # shells only
    assert profiles["harbourgazette"].needs_render("/")                                           # by its pattern
    config = tmp_path / "outlets.toml"
    config.write_text('[x]\nbase_url = "https://x.example"\nrender = "always"\nrender_pattern = "$^"\n'
                      '[y]\nbase_url = "https://y.example"\nrender = "never"\n')
    mine = load_profiles(config)
    assert mine["x"].needs_render("/a") and not mine["y"].needs_render("/a")
    config.write_text('[z]\nbase_url = "https://z.example"\nrender = "sometimes"\n')
    with pytest.raises(ValueError, match="render must be one of auto, always, never"):
        load_profiles(config)
