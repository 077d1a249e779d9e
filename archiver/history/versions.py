"""Versions of an article: what counts as a change, and what each version records.

A change is a change in the normalized extracted fields (title, subtitle,
byline/authors, body, date_modified), as NewsDiffs and diffengine define it:
whitespace, punctuation and markup do not count ("boring" changes), and a text
already seen ``flip_limit`` times is not recorded again (an outlet flipping
between two headlines). Pure code over items: no Scrapy, no SQL.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar

from archiver.history.diff import word_diff, words_changed

VERSIONED_FIELDS = ("title", "subtitle", "byline", "authors", "body", "date_modified")
_SPACE = re.compile(r"\s+")


class _PunctuationToSpace(dict):
    """``str.translate`` table: punctuation (Unicode category P*) to a space, other characters kept.

    Filled as characters are met, so each is classified once per process and
    translating is a C loop over cached entries, not a Python call per character.
    """

    def __missing__(self, codepoint: int) -> int:
        value = 0x20 if unicodedata.category(chr(codepoint)).startswith("P") else codepoint
        self[codepoint] = value
        return value


_PUNCTUATION_TO_SPACE = _PunctuationToSpace()


def normalize_text(text: str | None) -> str:
    """Compatibility-normalized, without punctuation, whitespace collapsed: what must differ to count."""
    text = unicodedata.normalize("NFKC", text or "").translate(_PUNCTUATION_TO_SPACE)
    return _SPACE.sub(" ", text).strip()


def normalize_date(value: str | None) -> str:
    """The same instant written two ways is the same date."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value.strip()
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.isoformat()


@dataclass(frozen=True)
class Snapshot:
    """The versioned fields of one capture, as extracted (for display and diffs)."""

    title: str = ""
    subtitle: str = ""
    byline: str = ""
    authors: tuple[str, ...] = ()
    body: str = ""                       # paragraphs joined by blank lines
    date_modified: str = ""

    @classmethod
    def of(cls, item: Any) -> "Snapshot":
        """From an Article (or its dict)."""
        get = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)
        return cls(title=get("title") or "", subtitle=get("subtitle") or "", byline=get("byline") or "",
                   authors=tuple(get("authors") or ()), body="\n\n".join(get("body") or ()),
                   date_modified=get("date_modified") or "")

    def normalized(self) -> dict[str, str]:
        return {"title": normalize_text(self.title), "subtitle": normalize_text(self.subtitle),
                "byline": normalize_text(self.byline), "authors": normalize_text(" ; ".join(self.authors)),
                "body": normalize_text(self.body), "date_modified": normalize_date(self.date_modified)}

    def fingerprint(self) -> str:
        return hashlib.sha1(json.dumps(self.normalized(), sort_keys=True).encode("utf-8")).hexdigest()

    def changed_fields(self, before: "Snapshot") -> list[str]:
        mine, theirs = self.normalized(), before.normalized()
        return [name for name in VERSIONED_FIELDS if mine[name] != theirs[name]]

    def document(self) -> str:
        """The text a reader compares: headline, standfirst, byline, date, then the body."""
        head = [self.title, self.subtitle, self.byline or ", ".join(self.authors),
                f"Updated {self.date_modified}" if self.date_modified else ""]
        return "\n\n".join(part for part in [*head, self.body] if part)


class Verdict(enum.Enum):
    NEW = "new"              # a version of its own
    SAME = "same"            # no change, or a boring one
    FLIP = "flip"            # back to a text already seen flip_limit times


def judge(snapshot: Snapshot, earlier: list["Version"], flip_limit: int) -> Verdict:
    """Whether *snapshot* is a new version after *earlier* (oldest first)."""
    if not earlier:
        return Verdict.NEW
    fingerprint = snapshot.fingerprint()
    if earlier[-1].fingerprint == fingerprint:
        return Verdict.SAME
    seen = sum(1 for v in earlier if v.fingerprint == fingerprint)
    return Verdict.FLIP if flip_limit and seen >= flip_limit else Verdict.NEW


@dataclass(frozen=True)
class Version:
    """One version as kept in the crawl state's ``versions`` table."""

    url: str
    version: int
    fingerprint: str
    captured_at: str | None
    crawl_id: str | None
    warc: dict[str, Any]                 # {"filename", "record_id", "offset"}: the record holding its body
    snapshot: Snapshot
    changed: list[str] = field(default_factory=list)
    words_added: int = 0
    words_removed: int = 0

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "url", "version", "fingerprint", "captured_at", "crawl_id", "warc_filename", "record_id", "warc_offset",
        "title", "subtitle", "byline", "authors", "date_modified", "body", "changed", "words_added", "words_removed")

    @classmethod
    def follow(cls, snapshot: Snapshot, earlier: list["Version"], *, url: str, captured_at: str | None,
               crawl_id: str | None, warc: dict[str, Any]) -> "Version":
        """The version after *earlier*, with what changed since the last one."""
        changed, added, removed = list(VERSIONED_FIELDS), 0, 0
        if earlier:
            before = earlier[-1].snapshot
            changed = snapshot.changed_fields(before)
            added, removed = words_changed(word_diff(before.document(), snapshot.document()))
        return cls(url, len(earlier) + 1, snapshot.fingerprint(), captured_at, crawl_id, dict(warc), snapshot,
                   changed, added, removed)

    def pointer(self) -> dict[str, Any]:
        """What a later version's ``previous`` holds."""
        return {"version": self.version, "captured_at": self.captured_at, "warc": dict(self.warc)}

    def to_row(self) -> tuple:
        s = self.snapshot
        return (self.url, self.version, self.fingerprint, self.captured_at, self.crawl_id, self.warc.get("filename"),
                self.warc.get("record_id"), self.warc.get("offset"), s.title, s.subtitle, s.byline,
                json.dumps(list(s.authors), ensure_ascii=False), s.date_modified, s.body, json.dumps(self.changed),
                self.words_added, self.words_removed)

    @classmethod
    def from_row(cls, row: tuple) -> "Version":
        (url, version, fingerprint, captured_at, crawl_id, filename, record_id, offset, title, subtitle, byline,
         authors, date_modified, body, changed, added, removed) = row
        snapshot = Snapshot(title or "", subtitle or "", byline or "", tuple(json.loads(authors or "[]")),
                            body or "", date_modified or "")
        return cls(url, version, fingerprint, captured_at, crawl_id,
                   {"filename": filename, "record_id": record_id, "offset": offset}, snapshot,
                   json.loads(changed or "[]"), added or 0, removed or 0)
