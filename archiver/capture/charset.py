"""Undo Chromium's transcoding of text bodies.

Playwright reads bodies through CDP ``Network.getResponseBody``, which hands
text resources over as decoded text: a page served in cp1251 or Shift-JIS
arrives as UTF-8. Archiving that under ``Content-Type: ...; charset=cp1251``
would lie about the bytes. Chromium decoded with the charset the response
declares (header, else the document's ``<meta>``), so encoding the text back
with that charset restores the bytes the server sent.
"""

from __future__ import annotations

import codecs
import logging

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

logger = logging.getLogger(__name__)

TEXT_RESOURCE_TYPES = ("document", "stylesheet", "script", "xhr", "fetch", "manifest", "texttrack")
_UTF8 = codecs.lookup("utf-8").name


def restore_served_bytes(body: bytes, content_type: str, resource_type: str | None) -> bytes:
    """The body in the charset it was served in, when Chromium transcoded it to UTF-8."""
    if not body or resource_type not in TEXT_RESOURCE_TYPES:
        return body
    charset = http_content_type_encoding(content_type)
    if charset is None and resource_type == "document":
        charset = html_body_declared_encoding(body[:4096])
    if charset is None:
        return body
    try:
        if codecs.lookup(charset).name == _UTF8:
            return body
        return body.decode("utf-8").encode(charset)
    except (LookupError, UnicodeError):
        # The text held characters the charset cannot carry (Chromium's replacement for
        # bytes that were invalid in it): the served bytes are gone, keep what we have.
        logger.warning("could not restore the %s bytes of a %s body; archived as UTF-8",
                       charset, resource_type)
        return body
