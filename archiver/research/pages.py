"""The pages of a crawl, as WACZ ``pages/pages.jsonl`` lists them (json-pages-1.0).

Pages come from the WARC alone: every rendered page left a ``urn:dom:`` resource
(front and section pages, articles), every article a ``urn:article:`` metadata
record with its title and text. A page's ``ts`` is the WARC-Date of its HTML
response, the capture a replay of that page starts from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import html as lxml_html

from archiver.recording.reader import RecordInfo, WarcSource, iter_records, read_record, warc_files

PAGES_FILE = "pages.jsonl"
HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True}
DOM_PREFIX, ARTICLE_PREFIX = "urn:dom:", "urn:article:"


@dataclass
class Page:
    id: str
    url: str
    ts: str                  # ISO 8601 (WARC-Date of the page's HTML response)
    title: str | None = None
    text: str | None = None  # article body text; None for front and section pages

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


class PageCollector:
    """Pages from records fed in file order: the first HTML response, DOM and article record of each URL.

    Fed by ``collect_pages`` (its own pass over the WARCs) or by the crawl
    index's pass (``archiver.research.index``), so a finished crawl folder reads
    its WARCs once for both. An article's item is read when its record is fed
    (*payload*, if the caller has it already); a DOM only for a page that is no
    article, once all records are in.
    """

    def __init__(self) -> None:
        self._documents: dict[str, RecordInfo] = {}     # url -> first HTML response/revisit
        self._doms: dict[str, RecordInfo] = {}
        self._articles: dict[str, tuple[RecordInfo, dict]] = {}

    def add(self, record: RecordInfo, payload: bytes | None = None) -> None:
        if record.type in ("response", "revisit") and record.status == 200 and "html" in record.mime:
            self._documents.setdefault(record.uri, record)
        elif record.type == "resource" and record.uri.startswith(DOM_PREFIX):
            self._doms.setdefault(record.uri[len(DOM_PREFIX):], record)
        elif record.type == "metadata" and record.uri.startswith(ARTICLE_PREFIX):
            url = record.uri[len(ARTICLE_PREFIX):]
            if url not in self._articles:
                self._articles[url] = (record, json.loads(payload if payload is not None else read_record(record)))

    def articles(self) -> list[dict]:
        """The item of each article URL, from its first ``urn:article:`` record, in file order."""
        return [item for _, item in self._articles.values()]

    def pages(self) -> list[Page]:
        """The pages, by capture time (then URL), one per URL."""
        pages = []
        for url in dict.fromkeys([*self._doms, *self._articles]):
            article = self._articles.get(url)
            anchor = self._documents.get(url) or self._doms.get(url) or article[0]
            page = Page(id=hashlib.sha1(f"{url} {anchor.date}".encode()).hexdigest()[:24], url=url, ts=anchor.date)
            if article is not None:
                item = article[1]
                page.title, page.text = item.get("title"), item.get("text") or "\n\n".join(item.get("body") or [])
            else:
                page.title = _title(read_record(self._doms[url]))
            pages.append(page)
        return sorted(pages, key=lambda p: (p.ts, p.url))


def collect_pages(paths: Iterable[Path | WarcSource]) -> list[Page]:
    """Rendered pages and articles of the WARCs under *paths*, in capture order, one per URL."""
    collector = PageCollector()
    for record in iter_records(list(paths)):
        collector.add(record)
    return collector.pages()


def _title(html: bytes) -> str | None:
    try:
        titles = lxml_html.fromstring(html).xpath("//title/text()")
    except Exception:                           # an empty or broken DOM has no title
        return None
    return titles[0].strip() if titles else None


def write_pages(pages: list[Page], output: Path) -> Path:
    lines = [json.dumps(HEADER)] + [json.dumps(p.as_json(), ensure_ascii=False) for p in pages]
    Path(output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(output)


def write_pages_jsonl(crawl_dir: Path, pages: list[Page] | None = None) -> Path:
    """``<crawl_dir>/pages.jsonl`` listing the crawl's pages (the WACZ page list); *pages* if collected already."""
    crawl_dir = Path(crawl_dir)
    if pages is None:
        pages = collect_pages(warc_files([crawl_dir / "warc"]))
    return write_pages(pages, crawl_dir / PAGES_FILE)
