"""``check_crawls``: replay every rendered page and article of some crawl folders, compare, diagnose, write."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archiver.filenames import screenshot_filename
from archiver.qa.compare import article_check, screenshot_match, text_match
from archiver.qa.diagnose import diagnose, failed_by_type
from archiver.qa.replayer import Replay, Replayer, ReplayOptions
from archiver.qa.results import QA_IMAGES, PageResult, Thresholds, write_results
from archiver.qa.targets import QaTarget, collect_targets

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QaOptions:
    thresholds: Thresholds = Thresholds()
    pixel_threshold: float = 0.1              # pixelmatch's per-pixel colour threshold
    viewport: dict | None = None              # when a capture did not record its own
    replay: ReplayOptions = ReplayOptions()


def check_crawls(crawl_dirs: list[Path], options: QaOptions,
                 progress: Callable[[PageResult], None] | None = None) -> dict[Path, list[PageResult]]:
    """QA every page of *crawl_dirs* with one pywb and one browser; writes ``qa.jsonl`` and the crawl.json
    summary in each folder and returns the results by folder."""
    crawl_dirs = [Path(d) for d in crawl_dirs]
    contents = collect_targets(crawl_dirs)
    by_dir: dict[Path, list[PageResult]] = {d: [] for d in crawl_dirs}
    if contents.targets:
        with Replayer(crawl_dirs, options.replay) as replayer:
            for target in contents.targets:
                result = check_page(replayer, target, contents.archived_urls, options)
                by_dir[target.crawl_dir].append(result)
                if progress is not None:
                    progress(result)
    for crawl_dir, results in by_dir.items():
        write_results(crawl_dir, results, options.thresholds)
    return by_dir


def check_page(replayer: Replayer, target: QaTarget, archived_urls: set[str], options: QaOptions) -> PageResult:
    info = target.pageinfo()
    viewport = info.get("viewport") or options.viewport or {"width": 1366, "height": 900}
    replay = replayer.replay(target.url, target.ts, viewport, info.get("clicks") or [])
    captured_text = target.text()
    result = PageResult(url=target.url, ts=target.ts, crawl=target.crawl_dir.name,
                        kind="article" if target.is_article else "page",
                        failed=failed_by_type(replay), loaded=dict(target.loaded),
                        diagnosis=[f.as_json() for f in diagnose(replay, captured_text, archived_urls, target.loaded_urls)])
    if replay.error is None:
        _compare(result, target, replay, captured_text, options)
    result.judge(options.thresholds)
    return result


def _compare(result: PageResult, target: QaTarget, replay: Replay, captured_text: str | None,
             options: QaOptions) -> None:
    captured_png = target.read("screenshot")
    if captured_png is not None and replay.screenshot is not None:
        record = target.records["screenshot"]
        result.capture_screenshot = f"{record.filename}:{record.offset}"
        match = screenshot_match(captured_png, replay.screenshot, options.pixel_threshold)
        result.screenshot = round(match.score, 4)
        name = screenshot_filename(target.url, target.ts)[:-len(".png")]
        folder = target.crawl_dir / QA_IMAGES
        folder.mkdir(exist_ok=True)
        (folder / f"{name}-replay.png").write_bytes(replay.screenshot)
        result.replay_screenshot = f"{QA_IMAGES}/{name}-replay.png"
        if match.score < options.thresholds.screenshot:
            (folder / f"{name}-diff.png").write_bytes(match.diff_png())
            result.diff_image = f"{QA_IMAGES}/{name}-diff.png"
    if captured_text is not None:
        result.text = round(text_match(captured_text, replay.text), 4)
    if target.is_article:
        share, missing = article_check(target.paragraphs(), replay.text)
        result.article = round(share, 4)
        result.missing_paragraphs = [p[:120] for p in missing]
