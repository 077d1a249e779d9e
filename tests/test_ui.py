"""``archiver ui`` in real Chromium (pytest-playwright): search, an article's versions and diff, replay.

Two real crawls of the Harbour Gazette (rendered, with screenshots) with one
article edited between them; then the sample server is stopped, so a replayed
page can only come from the archive. The UI runs as the real CLI
(``archiver ui ROOT --port 0``) with its own pywb.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from archiver.sample.server import copy_sample_data, serve_sample
from tests.edited_sample import ADDED_PHRASE, HG, NEW_TITLE, EditedArchive, crawl_twice_with_an_edit
from tests.ui_process import running_ui
from tests.warc_helpers import read_records

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE_PATH = "/2025/03/12/library-extends-weekend-hours/"
HOSTILE_TITLE = 'Library <script>document.title="pwned"</script> Extends <img src=x> Weekend Hours'


@dataclass
class RunningUI:
    url: str
    replay: str
    archive: EditedArchive
    process: subprocess.Popen


def _make_hostile(data_dir: Path) -> None:
    path = data_dir / HG / "articles.json"
    records = json.loads(path.read_text())
    article = next(r for r in records if r["url"] == HOSTILE_PATH)
    article["title"] = HOSTILE_TITLE
    article["body"].append('An <iframe src="/"></iframe> and <b>bold</b> claim, as printed.')
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1))


@pytest.fixture(scope="module")
def ui(tmp_path_factory) -> RunningUI:
    data = copy_sample_data(tmp_path_factory.mktemp("ui-data"))
    _make_hostile(data)
    with serve_sample(data_dir=data) as sample:
        archive = crawl_twice_with_an_edit(tmp_path_factory.mktemp("ui-archive"), sample)
    with running_ui(archive.root) as (url, replay, process):
        yield RunningUI(url, replay, archive, process)


def test_search_open_an_article_see_its_versions_and_diff_and_replay_it(page: Page, ui: RunningUI):
    page.goto(ui.url)
    page.fill("input[name=q]", f'"{ADDED_PHRASE}"')
    page.get_by_role("button", name="Search").click()
    hits = page.locator("article.hit")
    expect(hits).to_have_count(1)
    expect(hits.locator("mark")).to_have_text("Toll booths on the eastern approach")

    hits.get_by_role("link", name=NEW_TITLE).click()
    expect(page.locator("h1")).to_have_text(NEW_TITLE)
    expect(page.locator("ol.timeline li")).to_have_count(2)
    # the newest capture is shown, compared with the one before it
    expect(page.locator(".diff .new ins", has_text="Toll booths")).to_have_count(1)
    expect(page.locator(".diff .new ins", has_text="Autumn")).to_have_count(1)
    expect(page.locator(".diff .old del", has_text="Summer")).to_have_count(1)
    expect(page.locator("#diff-summary")).to_contain_text("words added")

    # the capture-time screenshot is the urn:fullPage record of the second crawl
    src = page.locator(".shot img").get_attribute("src")
    png = page.request.get(ui.url.rstrip("/") + src)
    assert png.ok and png.headers["content-type"] == "image/png"
    second_warcs = sorted((ui.archive.second.dirs[HG] / "warc").glob("*.warc.gz"))
    archived = [r.payload for r in read_records(second_warcs)
                if r.type == "resource" and r.uri == f"urn:fullPage:{ui.archive.edited_url}"]
    assert png.body() == archived[0]

    # any two versions: the other way round, the old headline comes back as an insertion
    page.select_option("select[name=from]", index=1)
    page.select_option("select[name=to]", index=0)
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".diff .new ins", has_text="Summer")).to_have_count(1)

    # open this capture: pywb replays it from the archive (the sample server is gone)
    link = page.locator("#open-capture")
    assert link.get_attribute("href").startswith(ui.replay)
    link.click()
    page.wait_for_url(ui.replay + "**")
    expect(page.frame_locator("iframe").first.locator("h1")).to_contain_text(NEW_TITLE, timeout=30_000)
    expect(page.frame_locator("iframe").first.locator("body")).to_contain_text("Toll booths on the eastern")


def test_the_pages_work_without_javascript(browser: Browser, ui: RunningUI):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(ui.url)
        page.fill("input[name=q]", "bridge")
        page.select_option("select[name=outlet]", HG)
        page.get_by_role("button", name="Search").click()
        expect(page.locator("article.hit")).to_have_count(2)            # both versions of the article
        page.get_by_role("link", name="harbourgazette").first.click()     # the outlet page, from the header
        runs = page.locator("section.run")
        expect(runs).to_have_count(2)
        expect(runs.locator(".articles")).to_have_text(["1", "13"])      # newest run first
        expect(runs.first.locator("li")).to_have_count(1)
        expect(runs.first.locator("li")).to_contain_text(NEW_TITLE)
        expect(page.locator("body")).to_contain_text("No failures.")
        response = page.goto(ui.url + "article?url=http://127.0.0.1:9/nothing-here")
        assert response.status == 404
        expect(page.locator(".error")).to_contain_text("no archived version of http://127.0.0.1:9/nothing-here")
    finally:
        context.close()


def test_archived_text_is_shown_as_text_never_as_markup(page: Page, ui: RunningUI):
    page.goto(ui.url + "?q=weekend")
    hit = page.locator("article.hit", has_text="Library")
    expect(hit).to_have_count(1)
    title = hit.locator("h2").inner_text()
    assert "<script>" in title and "<img src=x>" in title, title
    hit.locator("h2 a").click()
    expect(page.locator("h1")).to_contain_text('<script>document.title="pwned"</script>')
    expect(page.locator(".body")).to_contain_text('<iframe src="/"></iframe> and <b>bold</b>')
    assert page.locator("main script, main iframe, main b, h1 img").count() == 0
    assert page.title().startswith('Library <script>document.title="pwned"</script>'), page.title()
