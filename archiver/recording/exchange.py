"""One captured HTTP request/response pair, as handed over by the crawl adapters.

Plain data and no I/O: the Scrapy and Playwright adapters fill it in, the
:class:`~archiver.recording.writer.WarcWriter` turns it into WARC records. Keeping
the two apart means the header and digest rules live in one place whatever the
traffic came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO


@dataclass
class Exchange:
    url: str
    method: str  # "GET"
    request_headers: list[tuple[str, str]]  # as actually sent, in order (cookies included)
    request_body: bytes | None
    status: int
    reason: str | None  # None -> taken from http.HTTPStatus
    response_headers: list[tuple[str, str]]  # in order, repeated ones kept (Set-Cookie, Link)
    body: bytes | BinaryIO  # stored body; a file object for big bodies (read from its current position)
    body_decoded: bool  # True when the browser handed over a content-decoded body
    captured_at: datetime  # time of capture (UTC) -> WARC-Date
    ip_address: str | None = None
    protocol: str = "HTTP/1.1"  # real protocol for WARC-Protocol; the status line is always HTTP/1.1
    page_id: str | None = None  # WARC-Page-ID tying a page and its subresources
    resource_type: str | None = None  # document/script/stylesheet/image/xhr... -> WARC-Resource-Type
    truncated: str | None = None  # "length" / "time" / "disconnect" -> WARC-Truncated
