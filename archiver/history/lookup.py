"""Finding an article's versions in an output root, for ``archiver history`` and ``archiver diff``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.history.versions import Version
from archiver.crawl.state import CrawlState

STATE_FILE = "state.sqlite"


class NoVersions(LookupError):
    """The root has no crawl state, or no version of that URL; the message says which."""


@dataclass(frozen=True)
class ArticleHistory:
    url: str                         # the fetched URL the versions belong to
    versions: list[Version]          # oldest first
    others: list[str]                # other fetched URLs with the same canonical URL

    def get(self, number: int) -> Version:
        for version in self.versions:
            if version.version == number:
                return version
        raise NoVersions(f"{self.url} has versions 1 to {len(self.versions)}, not {number}")


def article_history(url: str, root: Path) -> ArticleHistory:
    """The versions of *url* (fetched or canonical) under *root*; the newest-checked URL wins an ambiguity."""
    path = Path(root) / STATE_FILE
    if not path.is_file():
        raise NoVersions(f"no crawl state at {path}: give the output root of a crawl (the folder holding "
                         f"{STATE_FILE})")
    state = CrawlState(path)
    try:
        found = [(url_, versions) for url_ in state.article_urls(alias=url) if (versions := state.versions(url_))]
    finally:
        state.close()
    if not found:
        raise NoVersions(f"no versions of {url} under {root}: it was never archived as an article there "
                         f"(`archiver ls {root} --url ...` lists what was)")
    found.sort(key=lambda pair: pair[1][-1].captured_at or "")
    chosen, versions = found[-1]
    return ArticleHistory(chosen, versions, [u for u, _ in found[:-1]])
