"""Two crawls of the Harbour Gazette with one article edited in between: two versions of one URL.

Until the history branch brings its editing sample outlet, versions come from
the incremental crawl: the article's text changes and its ``date_modified``
moves (the sitemap's lastmod), so the second crawl archives it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import CrawlRun, crawl

HG = "harbourgazette"
EDITED_PATH = "/2025/03/14/harbour-bridge-repairs-to-close-lanes-through-summer/"
OLD_TITLE = "Harbour Bridge Repairs to Close Lanes Through Summer"
NEW_TITLE = "Harbour Bridge Repairs Delayed Until Autumn"
ADDED_PARAGRAPH = ("Toll booths on the eastern approach will stay open during the work, "
                   "the department said in a correction issued Friday.")
ADDED_PHRASE = "toll booths on the eastern approach"


@dataclass
class EditedArchive:
    root: Path
    first: CrawlRun
    second: CrawlRun
    base: str                     # where the Harbour Gazette is served

    @property
    def edited_url(self) -> str:
        return self.base + EDITED_PATH


def edit_article(data_dir: Path) -> None:
    """Rewrite the headline, add a paragraph and move date_modified (what makes a re-crawl fetch it)."""
    path = data_dir / HG / "articles.json"
    records = json.loads(path.read_text())
    article = next(r for r in records if r["url"] == EDITED_PATH)
    article["title"] = NEW_TITLE
    article["body"].insert(2, ADDED_PARAGRAPH)
    article["date_modified"] = "2025-03-15T09:00:00-04:00"
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1))


def crawl_twice_with_an_edit(root: Path, sample, *, first_outlets: tuple[str, ...] = (HG,),
                             extra: tuple[str, ...] = ()) -> EditedArchive:
    first = crawl(root, sample, *first_outlets, extra=extra)
    assert first.returncode == 0, first.stderr[-3000:]
    edit_article(sample.data_dir)
    second = crawl(root, sample, HG, extra=extra)
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.report(HG)["counts"]["articles"] == 1, "the second crawl archives the edited article only"
    return EditedArchive(root, first, second, sample.urls[HG])
