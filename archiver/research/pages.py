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


def collect_pages(paths: Iterable[Path | WarcSource]) -> list[Page]:
    """Rendered pages and articles of the WARCs under *paths*, in capture order, one per URL."""
    documents: dict[str, RecordInfo] = {}      # url -> first HTML response/revisit
    doms: dict[str, RecordInfo] = {}
    articles: dict[str, RecordInfo] = {}
    for record in iter_records(list(paths)):
        if record.type in ("response", "revisit") and record.status == 200 and "html" in record.mime:
            documents.setdefault(record.uri, record)
        elif record.type == "resource" and record.uri.startswith(DOM_PREFIX):
            doms.setdefault(record.uri[len(DOM_PREFIX):], record)
        elif record.type == "metadata" and record.uri.startswith(ARTICLE_PREFIX):
            articles.setdefault(record.uri[len(ARTICLE_PREFIX):], record)
    pages = []
    for url in dict.fromkeys([*doms, *articles]):
        anchor = documents.get(url) or doms.get(url) or articles[url]
        page = Page(id=hashlib.sha1(f"{url} {anchor.date}".encode()).hexdigest()[:24], url=url, ts=anchor.date)
        if url in articles:
            item = json.loads(read_record(articles[url]))
            page.title, page.text = item.get("title"), item.get("text") or "\n\n".join(item.get("body") or [])
        elif url in doms:
            page.title = _title(read_record(doms[url]))
        pages.append(page)
    return sorted(pages, key=lambda p: (p.ts, p.url))


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


def write_pages_jsonl(crawl_dir: Path) -> Path:
    """``<crawl_dir>/pages.jsonl`` listing the crawl's pages (the WACZ page list)."""
    crawl_dir = Path(crawl_dir)
    return write_pages(collect_pages(warc_files([crawl_dir / "warc"])), crawl_dir / PAGES_FILE)
