"""Turn archived bytes into one parsed lxml tree, whatever the page claims.

Archived pages lie about their charset (a cp1251 page declaring UTF-8, a UTF-8
page declaring ISO-8859-1) and are often truncated, so decoding tries each
declared charset strictly and falls back to detection instead of trusting the
first label it sees. The tree is parsed once and shared by every layer.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

# WHATWG-style label upgrades: browsers decode these labels with the superset.
_SUPERSETS = {
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
    "us-ascii": "cp1252", "iso8859-1": "cp1252", "l1": "cp1252",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "ms_kanji": "cp932",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "tis-620": "cp874", "iso-8859-9": "cp1254",
    "big5": "big5hkscs",
}
_SINGLE_BYTE_LATIN = {"cp1252"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass
class Decoded:
    text: str
    encoding: str           # the codec that decoded the bytes
    declared: str | None    # what the caller or the page said, if anything


def _codec(label: str | None) -> str | None:
    """Return a Python codec name for a charset label, upgraded like browsers do."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def sniff_declared_charset(data: bytes) -> str | None:
    """The charset named by a meta tag or XML declaration in the first 4 KiB."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(data: bytes | str, encoding: str | None = None) -> Decoded:
    """Decode page bytes: BOM, then the given encoding, the meta tag, UTF-8, detection.

    A declared single-byte Latin charset never fails to decode, so when the
    bytes are valid UTF-8 with non-ASCII content we believe UTF-8 instead: a
    real cp1252 page is almost never valid UTF-8 by accident.
    """
    if isinstance(data, str):
        return Decoded(data, "str", None)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(codec, errors="replace"), codec, None)
    declared = encoding or sniff_declared_charset(data)
    candidates = [c for c in (_codec(encoding), _codec(sniff_declared_charset(data))) if c]
    is_utf8 = _strict(data, "utf-8") is not None
    for codec in candidates:
        if codec in _SINGLE_BYTE_LATIN and is_utf8 and not data.isascii():
            return Decoded(data.decode("utf-8"), "utf-8", declared)
        text = _strict(data, codec)
        if text is not None:
            return Decoded(text, codec, declared)
    if is_utf8:
        return Decoded(data.decode("utf-8"), "utf-8", declared)
    guessed = _detect(data)
    if guessed:
        text = _strict(data, guessed)
        if text is not None:
            return Decoded(text, guessed, declared)
    return Decoded(data.decode("cp1252", errors="replace"), "cp1252", declared)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    """Statistical guess for undeclared or misdeclared pages (charset-normalizer)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: only a fallback
        return None
    best = from_bytes(data[:200_000]).best()
    return _codec(best.encoding) if best else None


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse (possibly broken or truncated) HTML; None when there is nothing to parse."""
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root
