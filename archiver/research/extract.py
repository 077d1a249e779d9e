"""Rebuild article items from archived responses alone, with the crawl's own extraction code.

A crawl writes one ``urn:article:<url>`` metadata record per item, pointing
(WARC-Refers-To) at the record its text came from; the item's
``extraction["records"]`` name the server's HTML and the rendered DOM it was
extracted from. Re-extraction runs ``extract_best`` on those records' bodies,
exactly as the spider did, and takes the crawl-time fields from the records:

* ``captured_at`` = WARC-Date of the server's response (or revisit) record,
* ``warc`` = the file name, record id and offset of the record the metadata refers to,
* ``screenshot`` = ``screenshots/<screenshot_filename(url, its WARC-Date)>`` when a
  ``urn:fullPage:<url>`` record exists (the crawl's file name for it; the PNG itself is in that record),
* ``version`` and ``previous`` = as the metadata record says (the crawl's history
  of the article: they are not in the page).

WARCs without metadata records (made by other tools) give one item per 200
HTML response whose URL matches the outlet's ``article_pattern``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

from archiver.extraction.choice import Document, extract_best
from archiver.filenames import screenshot_filename
from archiver.items import Article
from archiver.outlets import OutletProfile, load_profiles
from archiver.research.archive import Archive
from archiver.recording.reader import RecordInfo, body_encoding, read_record

ARTICLE_PREFIX, SCREENSHOT_PREFIX, DOM_PREFIX = "urn:article:", "urn:fullPage:", "urn:dom:"


def profile_named(name: str) -> OutletProfile:
    profiles = load_profiles()
    if name not in profiles:
        raise KeyError(f"unknown outlet {name!r}; `archiver outlets` lists them (known: {', '.join(profiles)})")
    return profiles[name]


def extract_record(archive: Archive, record: RecordInfo, profile: OutletProfile | None,
                   recorded: dict | None = None) -> Article:
    """The item for one archived page, crawl-time fields from the records.

    *record* is the record the item points at (``warc``); *recorded* the item as the
    crawl wrote it, whose ``extraction["records"]`` name the server's HTML and the
    rendered DOM it was extracted from (archiver.capture.source).
    """
    server, dom = documents_of(archive, record, recorded)
    page = server or dom
    assert page is not None
    url = page.uri.removeprefix(DOM_PREFIX)
    article = extract_best(Document(archive.body(server), body_encoding(server)) if server else None,
                           Document(archive.body(dom), "utf-8") if dom else None, url,
                           outlet=profile.name if profile else None,
                           selectors=profile.selectors if profile else None)
    article.extraction["records"] = {name: {"filename": r.filename, "record_id": r.record_id, "offset": r.offset}
                                     for name, r in (("server", server), ("dom", dom)) if r is not None}
    article.captured_at = page.date
    article.warc = {"filename": record.filename, "record_id": record.record_id, "offset": record.offset}
    shot = next((r for r in archive.records if r.type == "resource" and r.uri == SCREENSHOT_PREFIX + url), None)
    if shot is not None:
        article.screenshot = f"screenshots/{screenshot_filename(url, shot.date)}"
    return article


def documents_of(archive: Archive, record: RecordInfo,
                 recorded: dict | None) -> tuple[RecordInfo | None, RecordInfo | None]:
    """(server's HTML, rendered DOM) records of an item: as the crawl named them, else the page's DOM record."""
    pointers = ((recorded or {}).get("extraction") or {}).get("records")
    if pointers:
        found = {}
        for name in ("server", "dom"):
            record_id = (pointers.get(name) or {}).get("record_id")
            if record_id and record_id not in archive.by_id:
                raise LookupError(f"the item of {recorded.get('url')} was extracted from {record_id}, which is not "
                                  "in the given WARCs; give every WARC file of the crawl")
            found[name] = archive.by_id.get(record_id) if record_id else None
        return found["server"], found["dom"]
    if record.uri.startswith(DOM_PREFIX):
        return None, record
    page_id = record.header("WARC-Page-ID")
    dom = next((r for r in archive.records if page_id and r.type == "resource" and r.uri == DOM_PREFIX + record.uri
                and r.header("WARC-Page-ID") == page_id), None)
    return record, dom


def extract_items(paths: Iterable[Path], outlet: str | None = None) -> Iterator[Article]:
    """Items of the WARCs under *paths* (metadata records first; else article-pattern responses)."""
    archive = Archive.load(list(paths))
    fallback = profile_named(outlet) if outlet else None
    metadata = [r for r in archive.records if r.type == "metadata" and r.uri.startswith(ARTICLE_PREFIX)]
    for meta in metadata:
        source = archive.by_id.get(meta.header("WARC-Refers-To") or "")
        if source is None:
            raise LookupError(f"{meta.uri} refers to {meta.header('WARC-Refers-To')}, which is not in the "
                              "given WARCs; give every WARC file of the crawl")
        recorded = json.loads(read_record(meta))
        name = recorded.get("outlet") or outlet
        # an outlet from a crawl's --config, or a URL target's host, is not bundled: the generic extraction
        article = extract_record(archive, source, load_profiles().get(name) if name else fallback,
                                 recorded)
        article.version, article.previous = recorded.get("version"), recorded.get("previous")
        yield article
    if metadata:
        return
    if fallback is None:
        raise ValueError("these WARCs have no urn:article metadata records; name the outlet with --outlet "
                         "so its article_pattern picks the article pages")
    seen: set[str] = set()
    for record in archive.records:
        if (record.type in ("response", "revisit") and record.status == 200 and "html" in record.mime
                and fallback.is_article(record.uri) and record.uri not in seen):
            seen.add(record.uri)
            yield extract_record(archive, record, fallback)


def extract_html(html: bytes, url: str, outlet: str | None = None) -> Article:
    """One item from a saved HTML page; the outlet is guessed from the URL or canonical URL when not given."""
    profile = profile_named(outlet) if outlet else _profile_for(url)
    article = extract_best(Document(html), None, url, outlet=profile.name if profile else None,
                           selectors=profile.selectors if profile else None)
    if profile is None and article.original_url and (profile := _profile_for(article.original_url)):
        article = extract_best(Document(html), None, url, outlet=profile.name, selectors=profile.selectors)
    return article


def _profile_for(url: str) -> OutletProfile | None:
    host = (urlsplit(url).hostname or "").lower()
    return next((p for p in load_profiles().values()
                 if host and (urlsplit(p.base_url).hostname or "").lower() == host), None)


def item_dict(article: Article) -> dict:
    """The item as items.jsonl holds it."""
    return asdict(article)
