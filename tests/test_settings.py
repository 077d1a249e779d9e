"""Every default lives in archiver/settings.py; the CLI and a run's settings take theirs from there."""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from archiver import settings as defaults
from archiver.capture.handler import browser_context_options
from archiver.commands.crawl import options_from_args, register
from archiver.crawl.runner import CrawlOptions, crawl_settings, resolve_targets

ROOT = Path(__file__).resolve().parents[1]

# CrawlOptions field -> the setting whose default it must carry
MIRRORED = {
    "out": "ARCHIVER_OUTPUT_ROOT", "render": "ARCHIVER_RENDER", "max_pages": "ARCHIVER_MAX_PAGES",
    "depth": "ARCHIVER_DEPTH", "since": "ARCHIVER_SINCE", "screenshots": "ARCHIVER_SCREENSHOTS_ENABLED",
    "progress": "ARCHIVER_PROGRESS", "proxy": "ARCHIVER_PROXY", "chromium": "ARCHIVER_CHROMIUM",
    "operator": "ARCHIVER_OPERATOR",
}


def _parsed(*argv: str) -> CrawlOptions:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return options_from_args(parser.parse_args(["crawl", *argv]))


def _settings(tmp_path: Path, *argv: str):
    options = _parsed("--out", str(tmp_path), "--chromium", sys.executable, *argv)
    target = resolve_targets(options)[0]
    return crawl_settings(options, target)


def test_options_and_cli_defaults_are_the_settings() -> None:
    built, parsed = CrawlOptions(targets=["x"]), _parsed("x")
    for name, setting in MIRRORED.items():
        expected = getattr(defaults, setting)
        expected = Path(expected) if name == "out" else expected
        assert getattr(built, name) == expected, f"CrawlOptions.{name} is not {setting}'s default"
        assert getattr(parsed, name) == expected, f"crawl's --{name.replace('_', '-')} is not {setting}'s default"
    assert set(MIRRORED) <= {f.name for f in fields(CrawlOptions)}


def test_viewport_set_on_the_command_line_reaches_the_browser_context(tmp_path) -> None:
    default = _settings(tmp_path, "https://news.example/")
    assert browser_context_options(default)["viewport"] == defaults.ARCHIVER_VIEWPORT
    narrow = _settings(tmp_path, "https://news.example/", "--set", 'ARCHIVER_VIEWPORT={"width": 390, "height": 844}')
    assert browser_context_options(narrow)["viewport"] == {"width": 390, "height": 844}


def test_settings_module_derives_nothing_at_import() -> None:
    """A value copied from another setting when the module loads would ignore --set of that setting."""
    assert "viewport" not in defaults.ARCHIVER_BROWSER_CONTEXT


@pytest.mark.parametrize(("argv", "config", "expected"), [
    (["https://news.example/"], None, defaults.CONCURRENT_REQUESTS_PER_DOMAIN),
    (["https://news.example/", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8"], None, 8),
    (["https://news.example/", "--concurrency", "3"], None, 3),
    (["paper"], "concurrency = 2", 2),
    (["paper"], "delay = 1.5", defaults.CONCURRENT_REQUESTS_PER_DOMAIN),
])
def test_per_domain_concurrency_is_the_setting_unless_asked_otherwise(tmp_path, argv, config, expected) -> None:
    extra = []
    if config is not None:
        path = tmp_path / "paper.toml"
        path.write_text(f'[paper]\nbase_url = "https://paper.example"\n\n[paper.politeness]\n{config}\n')
        extra = ["--config", str(path)]
    settings = _settings(tmp_path, *argv, *extra)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == expected
    assert settings.getfloat("DOWNLOAD_DELAY") == (1.5 if config == "delay = 1.5" else defaults.DOWNLOAD_DELAY)


def test_set_overrides_what_the_options_derive(tmp_path) -> None:
    settings = _settings(tmp_path, "https://news.example/", "--page-timeout", "30", "--set", "DOWNLOAD_TIMEOUT=20")
    assert settings.getfloat("ARCHIVER_PAGE_TIMEOUT") == 30 and settings.getfloat("DOWNLOAD_TIMEOUT") == 20


def _imports(module: str) -> set[str]:
    """The modules importing *module* loads, in a fresh interpreter."""
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["archiver.research.extract", "archiver.commands.extract"])
def test_offline_extraction_does_not_load_the_browser_layer(module: str) -> None:
    loaded = _imports(module)
    assert not {m for m in loaded if m.startswith(("playwright", "scrapy_playwright", "archiver.capture"))}
