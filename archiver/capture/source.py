"""The archived bytes a response's item is extracted from, and where they are stored.

Extraction always runs on the page's own HTML as the server sent it (the
archived response record), never on the rendered DOM, so an item can be
rebuilt later from the WARC alone and points at the record it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.http import Response
from w3lib.encoding import http_content_type_encoding

from archiver.capture.fetch import RECORD_META_KEY
from archiver.capture.render import Capture, capture_of
from archiver.recording import WarcLocation


@dataclass(frozen=True)
class ArchivedSource:
    url: str
    body: bytes
    encoding: str | None
    record: WarcLocation | None
    capture: Capture | None = None


def archived_source(response: Response) -> ArchivedSource:
    capture = capture_of(response)
    if capture is not None and capture.document_body is not None:
        return ArchivedSource(url=capture.document_url or response.url, body=capture.document_body,
                              encoding=capture.document_encoding, record=capture.document,
                              capture=capture)
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    return ArchivedSource(url=response.url, body=response.body,
                          encoding=http_content_type_encoding(content_type),
                          record=response.meta.get(RECORD_META_KEY), capture=capture)
