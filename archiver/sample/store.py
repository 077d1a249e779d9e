"""Article records of the sample outlets, read from JSON data files.

The records double as the expected values of end-to-end tests, so the server
renders pages straight from them and re-reads a file as soon as it changes on
disk: a test can edit a copy of the data directory between two crawls.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archiver.sample.edits import Edition

DATA_DIR = Path(__file__).resolve().parent / "data"
OUTLETS = ("themoscowtimes", "harbourgazette", "lantern")

Article = dict[str, Any]


def articles_file(outlet: str, data_dir: Path | None = None) -> Path:
    if outlet not in OUTLETS:
        raise ValueError(f"unknown sample outlet {outlet!r}; expected one of {OUTLETS}")
    return Path(data_dir or DATA_DIR) / outlet / "articles.json"


def load_articles(outlet: str, data_dir: Path | None = None) -> list[Article]:
    """The outlet's article records (expected values), newest first."""
    records = json.loads(articles_file(outlet, data_dir).read_text(encoding="utf-8"))
    return sorted(records, key=lambda a: a["date_published"], reverse=True)


def copy_sample_data(dest: Path) -> Path:
    """Copy the bundled data directory to ``dest`` (created) so a test can change it."""
    dest = Path(dest)
    shutil.copytree(DATA_DIR, dest, dirs_exist_ok=True)
    return dest


@dataclass
class ArticleStore:
    """Cached view of one outlet's articles.json, reloaded when its mtime or size changes.

    A stat per request is cheap, and it keeps the server honest when a test
    rewrites the file between crawls.
    """

    outlet: str
    data_dir: Path | None = None
    edition: "Edition | None" = None     # edits on: live dates if asked, and the edits once published
    _key: tuple[int, int, int] | None = field(default=None, init=False, repr=False)
    _articles: list[Article] = field(default_factory=list, init=False, repr=False)
    _by_url: dict[str, Article] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def path(self) -> Path:
        return articles_file(self.outlet, self.data_dir)

    def _refresh(self) -> None:
        st = self.path.stat()
        key = (st.st_mtime_ns, st.st_size, self.edition.generation if self.edition else 0)
        with self._lock:
            if key != self._key:
                self._articles = load_articles(self.outlet, self.data_dir)
                if self.edition is not None:
                    self._articles = self.edition.serve(self.outlet, self._articles)
                self._by_url = {a["url"]: a for a in self._articles}
                self._key = key

    def articles(self) -> list[Article]:
        self._refresh()
        return self._articles

    def by_url(self, path: str) -> Article | None:
        self._refresh()
        return self._by_url.get(path)

    def by_id(self, article_id: int) -> Article | None:
        return next((a for a in self.articles() if a["id"] == article_id), None)

    @property
    def mtime(self) -> float:
        """When the data last changed: Last-Modified of list pages, feeds and sitemaps."""
        self._refresh()
        assert self._key is not None
        published = self.edition.published_at if self.edition else None
        return max(self._key[0] / 1e9, published.timestamp() if published else 0.0)
