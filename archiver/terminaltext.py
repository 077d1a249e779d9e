"""Archived text on a terminal: control characters shown as visible escapes, the way ``cat -v`` shows them.

An outlet controls what its pages say, and a page can hold escape sequences
that clear the screen, move the cursor, retitle the window or print a fake
OSC 8 hyperlink. Every command that prints archived text (or anything read
from an archive: URLs, WARC headers) passes it through ``visible`` first:
ESC becomes ``^[``, CR ``^M``, DEL ``^?``, a C1 control such as CSI (U+009B)
``M-^[``, and the bidirectional overrides and isolates ``<U+202E>``; newlines
and tabs stay. The stored data (WARC records, items, crawl state, search
index) is never changed.

Rich markup is the second way in: ``[link=…]`` in a title would become a
link. Archived text printed through rich goes in as a ``Text`` (``text``),
which rich never parses as markup.
"""

from __future__ import annotations

from rich.text import Text

_KEPT = {ord("\n"), ord("\t")}
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]   # embeddings, overrides, isolates


def _caret(code: int) -> str:
    if code == 0x7F:
        return "^?"
    if code >= 0x80:                       # C1: as cat -v shows the byte, "M-" and its low seven bits
        return "M-" + _caret(code - 0x80)
    return "^" + chr(code + 0x40)


_ESCAPES = {code: _caret(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if code not in _KEPT}
_ESCAPES.update({code: f"<U+{code:04X}>" for code in _BIDI})


def visible(text: object) -> str:
    """*text* with every control character (but newline and tab) replaced by a visible escape."""
    return str(text).translate(_ESCAPES)


def text(value: object, style: str | None = None) -> Text:
    """A rich ``Text`` of *value* made visible: safe in tables and ``print`` (no markup parsed)."""
    return Text(visible("" if value is None else value), style=style or "")
