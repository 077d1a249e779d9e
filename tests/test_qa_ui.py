"""The research page's QA view and citations, and Memento from the pywb behind ``archiver ui``.

Two crawls of the Harbour Gazette with ``--qa`` (one article edited between them: two versions
of one URL) and one of the QA site (a page broken on purpose), all under one root; the UI runs as
the real CLI with its own pywb, and Chromium drives it (pytest-playwright).
"""

from __future__ import annotations

import os
import re
import urllib.request
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from archiver.qa.results import read_results
from archiver.research.replay import timestamp14
from archiver.sample.server import copy_sample_data, serve_sample
from tests.conftest import ROOT, run_archiver
from tests.edited_sample import EditedArchive, crawl_twice_with_an_edit
from tests.qa_site import BROKEN, profile_toml, serve_qa_site
from tests.ui_process import running_ui

# the fixture crawls three times with --qa before the first test: allow for a shared machine
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.needs("wayback"), pytest.mark.timeout(2400)]

DOCS_SCREENSHOT = ROOT / "docs" / "qa.png"
UPDATE_DOCS = os.environ.get("ARCHIVER_UPDATE_DOCS") == "1"    # retake docs/qa.png


@dataclass
class QaUI:
    url: str
    replay: str
    archive: EditedArchive
    broken_url: str


@pytest.fixture(scope="module")
def qa_ui(tmp_path_factory):
    data = copy_sample_data(tmp_path_factory.mktemp("qa-ui-data"))
    root = tmp_path_factory.mktemp("qa-ui-archive")
    with serve_sample(data_dir=data) as sample:
        archive = crawl_twice_with_an_edit(root, sample, extra=("--qa",))
    with serve_qa_site() as base:
        config = root.parent / f"{root.name}-qagazette.toml"
        config.write_text(profile_toml(base))
        proc = run_archiver("crawl", "qagazette", "--config", config, "--out", root, "--render", "always",
                            "--no-block-private-addresses", "--qa", timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
    with running_ui(root) as (url, replay, _):
        yield QaUI(url.rstrip("/"), replay.rstrip("/"), archive, base + BROKEN)


def test_qa_view_lists_pages_worst_first_with_three_screenshots(page: Page, qa_ui: QaUI):
    results = [r for crawl_json in qa_ui.archive.root.glob("*/crawl.json") for r in read_results(crawl_json.parent)]
    assert results, "the crawls ran QA"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(qa_ui.url + "/")
    page.get_by_role("link", name="QA", exact=True).click()
    sections = page.locator("section.qa")
    expect(sections).to_have_count(len(results))
    first = sections.first
    expect(first.locator("h2 a")).to_have_text(qa_ui.broken_url)          # the one failing page comes first
    expect(first).to_have_class(re.compile(r"\bfailed\b"))
    expect(first.locator("ul.diagnosis")).to_contain_text("overlay")
    expect(first.locator("ul.diagnosis")).to_contain_text("query-mismatch")
    scores = [float(s) for s in sections.locator(".score").all_inner_texts()]
    assert scores[1:] == sorted(scores[1:]), "passing pages follow, lowest score first"
    for index in (0, 1):
        images = sections.nth(index).locator(".triptych img")
        expect(images).to_have_count(2)               # capture and replay; no diff image above 0.95
        for img in images.all():
            img.scroll_into_view_if_needed()
            expect(img).to_have_js_property("complete", True)
            assert img.evaluate("i => i.naturalWidth") > 0, img.get_attribute("src")
    if UPDATE_DOCS:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(DOCS_SCREENSHOT), clip={"x": 0, "y": 0, "width": 1280, "height": 900})


def test_each_version_carries_a_robust_link_citation(page: Page, qa_ui: QaUI):
    archive = qa_ui.archive
    page.goto(f"{qa_ui.url}/article?url={archive.edited_url}")
    cites = page.locator(".cite a[data-versionurl]")
    expect(cites).to_have_count(2)
    captured = sorted(item["captured_at"] for run in (archive.first, archive.second)
                      for item in run.items("harbourgazette") if item["url"] == archive.edited_url)
    for link, at in zip(cites.all(), captured):
        assert link.get_attribute("data-originalurl") == archive.edited_url
        assert link.get_attribute("href") == archive.edited_url
        assert link.get_attribute("data-versiondate") == at[:10]
        assert link.get_attribute("data-versionurl") == f"{qa_ui.replay}/archive/{timestamp14(at)}/{archive.edited_url}"


def _get(url: str, headers: dict | None = None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as response:
        return response.status, response.headers, response.read().decode()


def test_memento_timemap_lists_both_versions_and_the_timegate_picks_the_nearest(qa_ui: QaUI):
    archive = qa_ui.archive
    status, headers, body = _get(f"{qa_ui.replay}/archive/timemap/link/{archive.edited_url}")
    assert status == 200 and headers["Content-Type"].startswith("application/link-format")
    mementos = re.findall(r'<([^>]+)>; rel="memento"; datetime="([^"]+)"', body)
    times = [parsedate_to_datetime(d) for _, d in mementos]
    captured = sorted(datetime.fromisoformat(item["captured_at"].replace("Z", "+00:00")).replace(microsecond=0)
                      for run in (archive.first, archive.second)
                      for item in run.items("harbourgazette") if item["url"] == archive.edited_url)
    assert len(captured) == 2
    for at in captured:          # each version's HTML capture lies within seconds of its item's capture time
        assert any(abs((t - at).total_seconds()) < 60 for t in times), (at, times)
    assert f'<{archive.edited_url}>; rel="original"' in body
    # TimeGate: the memento nearest the Accept-Datetime, with the Memento headers on the answer
    for at in captured:
        status, headers, _ = _get(f"{qa_ui.replay}/archive/{archive.edited_url}",
                                  {"Accept-Datetime": format_datetime(at + timedelta(seconds=1), usegmt=True)})
        assert status == 200 and "accept-datetime" in headers.get("Vary", "").lower()
        chosen = re.search(r'rel="memento"; datetime="([^"]+)"', headers["Link"]).group(1)
        assert abs((parsedate_to_datetime(chosen) - at).total_seconds()) < 60
        assert 'rel="timemap"' in headers["Link"] and 'rel="original"' in headers["Link"]
    memento_url = mementos[0][0]
    status, headers, _ = _get(memento_url)
    assert status == 200 and parsedate_to_datetime(headers["Memento-Datetime"]) == times[0]
