"""What each discovery source gave in one crawl: robots.txt, sitemaps, feeds and pages.

The spider keeps one record per source; ``--discover-only`` prints them and
``crawl.json`` carries them under ``discovery``. The article URLs themselves
(with their listed dates) go to the crawl state's ``listed`` table, the one
place the coverage report reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

KIND_ORDER = ("robots", "sitemap-index", "sitemap", "feed", "page")
PAGE_ROWS = 30          # crawl.json lists this many pages one by one; the rest are summed into one row


@dataclass
class SourceRecord:
    url: str
    kind: str              # robots | sitemap | sitemap-index | feed | page
    listed: int = 0        # URLs it listed (sitemaps, feeds, robots Sitemap lines) or same-host links (pages)
    articles: int = 0      # article URLs of the outlet among them
    new: int = 0           # articles no source before it gave in this crawl
    status: str = "ok"     # or the failure reason (too-large, http-404, offsite...)


class SourceLog:
    def __init__(self) -> None:
        self._records: dict[str, SourceRecord] = {}

    def record(self, url: str, kind: str) -> SourceRecord:
        record = self._records.get(url)
        if record is None:
            record = self._records[url] = SourceRecord(url, kind)
        record.kind = kind
        return record

    def records(self) -> list[SourceRecord]:
        return list(self._records.values())

    def summary(self) -> list[dict]:
        """Every robots, sitemap and feed record, and the pages (one by one up to PAGE_ROWS, then summed)."""
        listings = sorted((r for r in self._records.values() if r.kind != "page"),
                          key=lambda r: KIND_ORDER.index(r.kind) if r.kind in KIND_ORDER else len(KIND_ORDER))
        rows = [asdict(r) for r in listings]
        pages = [r for r in self._records.values() if r.kind == "page"]
        rows += [asdict(r) for r in pages[:PAGE_ROWS]]
        rest = pages[PAGE_ROWS:]
        if rest:
            rows.append(asdict(SourceRecord(f"{len(rest)} more pages", "page", sum(r.listed for r in rest),
                                            sum(r.articles for r in rest), sum(r.new for r in rest))))
        return rows
