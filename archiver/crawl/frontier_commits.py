"""When the crawl state may count a page as done: only once what it produced is on disk.

A front or section page is done once its links are in the frontier; an article
once its item is: its WARC metadata record, text export and item lines (the
item pipelines) are written. A crawl killed in between fetches the page again on
``--resume``, where ``recover`` first rebuilds the item files from the WARC and
commits the articles whose item the kill caught after its metadata record.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from typing import Any

from scrapy import Request
from scrapy.http import Response

from archiver.history.versions import Snapshot, Version
from archiver.itemfiles import archived_items, rebuild_item_files
from archiver.items import Article
from archiver.crawl.session import ArchiveSession

logger = logging.getLogger(__name__)

ARCHIVED_META_KEY = "archiver_archived"    # the article row a response's item commits once it is on disk


@dataclass(frozen=True)
class ArchivedArticle:
    """The crawl state's row for an archived article (``CrawlState.record_article``)."""
    url: str
    outlet: str
    original_url: str | None
    listed_date: str | None
    date_published: str | None
    date_modified: str | None
    payload_digest: str
    warc: dict | None
    crawl_id: str
    captured_at: str | None

    @classmethod
    def of(cls, article: Article, *, outlet: str, crawl_id: str, listed_date: str | None,
           body: bytes) -> "ArchivedArticle":
        return cls(url=article.url, outlet=outlet, original_url=article.original_url, listed_date=listed_date,
                   date_published=article.date_published, date_modified=article.date_modified,
                   payload_digest=hashlib.sha1(body).hexdigest(), warc=article.warc, crawl_id=crawl_id,
                   captured_at=article.captured_at)


class FrontierCommits:
    """Marks pages done and records articles in the crawl state, each at its moment."""

    def __init__(self, session: ArchiveSession, outlet: str):
        self.session = session
        self.outlet = outlet

    def page_handled(self, request: Request | None, url: str | None = None) -> None:
        """Done: a resumed crawl does not fetch it again (by any URL of its redirect chain)."""
        scheduled = [*request.meta.get("redirect_urls", []), request.url] if request else [url]
        for each in scheduled:
            self.session.state.mark_done(self.session.crawl_id, each)

    def article(self, article: Article, response: Response, body: bytes) -> ArchivedArticle:
        return ArchivedArticle.of(article, outlet=self.outlet, crawl_id=self.session.crawl_id,
                                  listed_date=response.meta.get("archiver_listed_date"), body=body)

    def commit(self, archived: ArchivedArticle, request: Request | None, version: Version | None = None) -> None:
        """The article, and the new version its item exports, count from now on."""
        if version is not None:
            self.session.state.add_version(version)
        self.session.state.record_article(**asdict(archived))
        self.page_handled(request, archived.url)

    def await_item(self, archived: ArchivedArticle, response: Response, version: Version | None = None) -> None:
        """Commit when the response's item has passed every item pipeline (``item_scraped``)."""
        response.meta[ARCHIVED_META_KEY] = (archived, version)

    def item_scraped(self, item: Any, response: Response) -> None:
        if (pending := response.meta.pop(ARCHIVED_META_KEY, None)) is not None:
            archived, version = pending
            self.commit(archived, response.request, version)

    def _version_of(self, item: Article) -> Version | None:
        """The version a recovered item exported, if the kill came before the state kept it."""
        earlier = self.session.state.versions(item.url)
        if item.version != len(earlier) + 1 or item.warc is None:
            return None
        return Version.follow(Snapshot.of(item), earlier, url=item.url, captured_at=item.captured_at,
                              crawl_id=self.session.crawl_id, warc=item.warc)

    def recover(self) -> None:
        """After a kill: the item files hold the WARC's items, and each of those counts as archived."""
        folder, state = self.session.output_dir, self.session.state
        items = list(archived_items(folder))
        rebuild_item_files(folder, items)
        pending = {entry.url: entry for entry in state.pending(self.session.crawl_id)}
        uncommitted = [item for item in items if item.url in pending]
        if uncommitted:
            from archiver.research.archive import Archive      # reads the WARC: only when needed
            archive = Archive.load([folder / "warc"])
            for item in uncommitted:
                body = archive.body(archive.by_id[item.warc["record_id"]])
                self.commit(ArchivedArticle.of(item, outlet=self.outlet, crawl_id=self.session.crawl_id,
                                               listed_date=pending[item.url].listed_date, body=body), None,
                            self._version_of(item))
        logger.info("resuming: %d items in the WARC files, %d of them committed now", len(items), len(uncommitted))
