"""ChromiumHost in a real Chromium: it knows the process it launched, tells a frozen browser from a
live one, kills a frozen one and launches a new one for the next page."""

from __future__ import annotations


import psutil
import pytest
from scrapy.utils.test import get_crawler

from archiver.capture.chromium_host import LAUNCH_MARKER, ChromiumHost
from archiver.capture.handler import browser_context_options
from archiver.chromium import chromium_path, launch_options
from tests.conftest import run_async


def _host(gone: list[int]) -> ChromiumHost:
    crawler = get_crawler(settings_dict={"ARCHIVER_VIEWPORT": {"width": 800, "height": 600}})
    crawler.stats.open_spider()
    return ChromiumHost(crawler.stats, launch_options(chromium_path()), browser_context_options(crawler.settings),
                        on_gone=lambda: gone.append(1))


async def _freeze_and_replace() -> dict:
    gone: list[int] = []
    host = _host(gone)
    try:
        context = await host.context()
        first = host.browser_process
        page = await context.new_page()
        await page.set_content("<p>alive</p>")
        alive = await host.answers()
        first.suspend()                                  # SIGSTOP: connected, answers nothing
        frozen = await host.answers()
        generation = host.generations.current
        await host.kill_unresponsive()
        killed = not first.is_running() or first.status() == psutil.STATUS_ZOMBIE
        await host.context()                             # the next page launches a fresh browser
        second = host.browser_process
        return {"first": first, "second": second, "cmdline": second.cmdline() if second else [], "alive": alive, "frozen": frozen, "killed": killed,
                "lost": host.generations.current > generation, "gone": len(gone),
                "stats": host.stats.get_stats()}
    finally:
        await host.close()


@pytest.mark.browser
def test_a_frozen_browser_is_told_killed_and_replaced():
    result = run_async(_freeze_and_replace())
    first, second = result["first"], result["second"]
    for process in (first, second):
        assert process is not None
    cmdline = result["cmdline"]
    assert any(arg.startswith(LAUNCH_MARKER) for arg in cmdline), cmdline
    assert not any(arg.startswith("--type=") for arg in cmdline), "a renderer, not the browser process"
    assert second.pid != first.pid
    assert result["alive"] is True and result["frozen"] is False
    assert result["killed"], "the frozen Chromium is still running"
    assert result["lost"] and result["gone"] == 1
    assert result["stats"].get("archiver/browser/unresponsive") == 1
    assert result["stats"].get("archiver/browser/launches") == 2
    assert not second.is_running(), "close() left Chromium running"
