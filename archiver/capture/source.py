"""The archived documents a response's item is extracted from, and the WARC records that hold them.

A page fetched plainly has one: the HTML the server sent (its response
record). A rendered page has two: that HTML (the response record the browser
recorded) and the DOM after the page's scripts and behaviours ran (its
``urn:dom:`` resource record). Both are extracted and each field is taken from
the better one (``archiver.extraction.choice``: a shell's fields come from the
DOM). ``point_at_records`` then names, in the item, the record behind each
document (``extraction["records"]``: the page's own records, revisits included)
and points ``warc`` at the record holding its text's payload, so re-extraction from the WARC alone rebuilds the same item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.http import Response
from w3lib.encoding import http_content_type_encoding

from archiver.capture.fetch import RECORD_META_KEY
from archiver.capture.render import Capture, capture_of
from archiver.extraction.choice import DOM, SERVER, Document
from archiver.items import Article
from archiver.recording import WarcLocation


@dataclass(frozen=True)
class ArchivedSource:
    url: str
    body: bytes                              # the server's HTML
    encoding: str | None
    record: WarcLocation | None              # its response (or revisit) record
    capture: Capture | None = None
    dom: bytes | None = None                 # the rendered DOM (UTF-8), when the page was rendered
    dom_record: WarcLocation | None = None   # its urn:dom: resource record

    @property
    def server_document(self) -> Document:
        return Document(self.body, self.encoding)

    @property
    def dom_document(self) -> Document | None:
        return Document(self.dom, "utf-8") if self.dom is not None else None


def archived_source(response: Response) -> ArchivedSource:
    capture = capture_of(response)
    dom = capture.html.encode("utf-8") if capture is not None and capture.html else None
    dom_record = capture.dom_record if capture is not None else None
    if capture is not None and capture.document_body is not None:
        return ArchivedSource(url=capture.document_url or response.url, body=capture.document_body,
                              encoding=capture.document_encoding, record=capture.document,
                              capture=capture, dom=dom, dom_record=dom_record)
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    return ArchivedSource(url=response.url, body=response.body,
                          encoding=http_content_type_encoding(content_type),
                          record=response.meta.get(RECORD_META_KEY), capture=capture, dom=dom,
                          dom_record=dom_record)


def own_pointer(location: WarcLocation) -> dict[str, Any]:
    """{"filename", "record_id", "offset"} of the record itself (a revisit stays a revisit: its date is the page's)."""
    return {"filename": location.filename, "record_id": location.record_id, "offset": location.offset}


def payload_pointer(location: WarcLocation) -> dict[str, Any]:
    """{"filename", "record_id", "offset"} of the record holding *location*'s payload (a revisit's original)."""
    holder = location.refers_to or location
    return {"filename": holder.filename, "record_id": holder.record_id, "offset": holder.offset}


def text_record(article: Article, source: ArchivedSource) -> WarcLocation | None:
    """The record the item's text came from: the DOM's when the body (else the title) is the DOM's."""
    origin = article.extraction.get("source", {})
    field = "body" if "body" in origin else "title"
    if origin.get(field) == DOM and source.dom_record is not None:
        return source.dom_record
    return source.record


def point_at_records(article: Article, source: ArchivedSource) -> None:
    """``extraction["records"]``: the record of each document extracted (both are read again on
    re-extraction, whichever gave fields); ``warc``: the record its text came from."""
    records = {SERVER: source.record, DOM: source.dom_record}
    article.extraction["records"] = {name: own_pointer(location) for name, location in records.items()
                                     if location is not None}
    location = text_record(article, source)
    if location is not None:
        article.warc = payload_pointer(location)
