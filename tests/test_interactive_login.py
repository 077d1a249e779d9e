"""Interactive login over the 127.0.0.1 page (archiver.profiles.interactive), driven from a real browser.

`archiver profile login --interactive` runs as the real CLI with its headless
Chromium on the sample's subscriber area; the "archivist's browser" is
pytest-playwright's page, which logs in through the screencast page by clicking
and typing as a person would.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from archiver.profiles.store import ProfileStore
from archiver.sample import serve_sample
from archiver.sample.subscribers import SubscriberArea
from tests.conftest import ARCHIVER, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

USER, PASSWORD = "remote@example.org", "typed-by-hand-Q7"


def test_the_archivist_logs_in_through_the_screencast_page(page: Page, tmp_path):
    area = SubscriberArea(accounts={USER: PASSWORD})
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_LOGIN_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    with serve_sample(subscribers=area) as site:
        proc = subprocess.Popen([*ARCHIVER, "profile", "login", "remote", "--outlet", "harbourgazette",
                                 "--base-url", site.urls["harbourgazette"], "--interactive"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = proc.stdout.readline()            # "Open http://127.0.0.1:PORT/TOKEN/ in your browser ..."
            assert first.startswith("Open http://127.0.0.1:"), first + proc.stderr.read()
            url = first.split()[1]
            assert "ssh -L" in proc.stdout.readline()
            # other users of the machine can reach 127.0.0.1 too: without the token, nothing
            wrong = url.rsplit("/", 2)[0] + "/not-the-token/"
            assert page.request.get(wrong).status == 404
            page.goto(url)
            screen = page.locator("#screen")
            expect(page.locator("#status")).to_have_text("waiting for you to log in")
            expect(screen).to_have_js_property("complete", True)
            # where the fields are, as the archivist sees them: the same login page at the remote viewport
            probe = page.context.new_page()
            probe.set_viewport_size({"width": 1366, "height": 900})
            probe.goto(site.urls["harbourgazette"] + "/login")
            fields = {name: probe.locator(name).bounding_box() for name in ("#username", "#password")}
            probe.close()
            shown = screen.bounding_box()
            scale = shown["width"] / 1366

            def click_on(name: str) -> None:
                box = fields[name]
                screen.click(position={"x": (box["x"] + box["width"] / 2) * scale,
                                       "y": (box["y"] + box["height"] / 2) * scale})

            click_on("#username")
            screen.press_sequentially(USER)
            click_on("#password")
            screen.press_sequentially(PASSWORD)
            screen.press("Enter")
            expect(page.locator("#status")).to_contain_text("logged in", timeout=60_000)
            assert proc.wait(timeout=120) == 0, proc.stderr.read()
            out = proc.stdout.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert "saved profile remote" in out
        assert site.subscribers["harbourgazette"].logins == 1
        profile = ProfileStore(Path(env["XDG_CONFIG_HOME"]) / "news-archiver" / "profiles").load("remote")
        assert profile.source == "interactive" and "harbourgazette_session" in profile.cookie_names()
        assert PASSWORD not in out
