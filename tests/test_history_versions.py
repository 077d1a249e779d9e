"""What counts as a version, and when a known article is due: pure rules, and the tracker over a real state file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from archiver.history.schedule import RevisitSchedule
from archiver.history.tracker import HistoryTracker
from archiver.history.versions import Snapshot, Verdict, Version, judge
from archiver.items import Article
from archiver.recording import WarcLocation
from archiver.settings import ARCHIVER_REVISIT_SCHEDULE
from archiver.crawl.state import CrawlState

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def _version(snapshot: Snapshot, earlier: list[Version]) -> Version:
    return Version.follow(snapshot, earlier, url="u", captured_at="t", crawl_id="c",
                          warc={"filename": "f.warc.gz", "record_id": "<r>", "offset": 0})


def test_the_default_schedule_is_newsdiffs():
    schedule = RevisitSchedule.parse(ARCHIVER_REVISIT_SCHEDULE)
    expected = [(timedelta(hours=1), timedelta(minutes=15)), (timedelta(hours=5), timedelta(hours=1)),
                (timedelta(days=2), timedelta(hours=3)), (timedelta(days=10), timedelta(days=3)),
                (timedelta(days=100), timedelta(days=30)), (timedelta(days=400), None)]
    assert [(age, schedule.interval(age)) for age, _ in expected] == expected
    born = NOW - timedelta(hours=2)
    assert not schedule.is_due(born, NOW - timedelta(minutes=10), NOW)
    assert schedule.is_due(born, NOW - timedelta(minutes=15), NOW)
    assert schedule.is_due(born, NOW - timedelta(minutes=1), NOW, force=True)
    assert not schedule.is_due(NOW - timedelta(days=400), NOW - timedelta(days=90), NOW, force=True)


@pytest.mark.parametrize("spec", ["3h", "3h:15x", "1d:1h 3h:15m"])
def test_a_bad_schedule_names_the_setting(spec):
    with pytest.raises(ValueError, match="ARCHIVER_REVISIT_SCHEDULE"):
        RevisitSchedule.parse(spec)


def test_boring_changes_are_not_versions_and_flip_flops_stop_after_two():
    a = Snapshot(title="Mayor resigns", byline="By Jane Doe", body="He left.\n\nNo one knew why.")
    boring = Snapshot(title="Mayor  resigns!", byline="By Jane Doe", body="He left …\n\n\nNo one knew why")
    b = Snapshot(title="Mayor resigns after vote", byline="By Jane Doe", body="He left.\n\nNo one knew why.")
    assert judge(boring, [_version(a, [])], 2) is Verdict.SAME
    history: list[Version] = []
    verdicts = []
    for snapshot in (a, b, a, b, a, b):
        verdict = judge(snapshot, history, 2)
        verdicts.append(verdict)
        if verdict is Verdict.NEW:
            history.append(_version(snapshot, history))
    assert verdicts == [Verdict.NEW] * 4 + [Verdict.FLIP, Verdict.SAME]   # b is still the last version
    assert history[1].changed == ["title"] and history[1].words_added == 2


def test_the_tracker_rechecks_what_is_due_conditionally(tmp_path):
    state = CrawlState(tmp_path / "state.sqlite")
    settings = Settings()
    settings.setmodule("archiver.settings")
    tracker = HistoryTracker.from_settings(settings, state, "crawl-1", MemoryStatsCollector(get_crawler()))
    url = "https://news.example/2026/11/30/story"
    assert tracker.plan(url, None).recheck is False                      # new: fetched plainly
    published = (NOW - timedelta(hours=2)).isoformat()
    captured = (NOW - timedelta(minutes=20)).isoformat()
    state.record_article(url=url, outlet="x", original_url=url, listed_date=None, date_published=published,
                         date_modified=None, payload_digest="d", warc=None, crawl_id="crawl-1", captured_at=captured)
    state.record_check(url, captured, etag='"abc"', last_modified="Mon, 30 Nov 2026 11:40:00 GMT",
                       confirms={"uri": url, "date": "2026-11-30T11:40:00Z", "record_id": "<urn:uuid:1>"})
    visit = tracker.plan(url, None, now=NOW)                             # 20 min since the check, every 15 min
    assert visit.recheck and visit.headers == {"If-None-Match": '"abc"',
                                               "If-Modified-Since": "Mon, 30 Nov 2026 11:40:00 GMT"}
    assert visit.confirms["record_id"] == "<urn:uuid:1>"
    assert tracker.plan(url, None, now=NOW - timedelta(minutes=10)) is None     # not due 10 minutes earlier
    article = Article(url=url, title="Story", body=["One."], captured_at=captured)
    record = WarcLocation("f.warc.gz", 10, 99, "<urn:uuid:2>", "2026-11-30T11:40:00Z", "response")
    first = tracker.observe(article, record, url, {})
    assert first.version == 1 and article.previous is None
    assert state.versions(url) == []          # kept only once its item is on disk (FrontierCommits)
    state.add_version(first)
    assert tracker.observe(Article(url=url, title="Story.", body=["One"]), record, url, {}) is None
    again = Article(url=url, title="Story", body=["One.", "Two."])
    assert tracker.observe(again, record, url, {}).version == 2
    assert again.version == 2 and again.previous["version"] == 1
    state.close()
