"""Two versions side by side: the word diff of their readable text, split into an old and a new column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archiver.history.diff import Change, word_diff, words_changed


def readable_text(item: dict[str, Any]) -> str:
    """What a reader sees of a version: headline, standfirst, byline, then the paragraphs."""
    parts = [item.get("title"), item.get("subtitle"), item.get("byline"), *(item.get("body") or [])]
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


@dataclass
class SideBySide:
    old: list[Change]            # equal and deleted runs
    new: list[Change]            # equal and inserted runs
    added: int                   # words
    removed: int

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed)


def side_by_side(old_item: dict[str, Any], new_item: dict[str, Any]) -> SideBySide:
    changes = word_diff(readable_text(old_item), readable_text(new_item))
    added, removed = words_changed(changes)
    return SideBySide(old=[c for c in changes if c.op != "insert"], new=[c for c in changes if c.op != "delete"],
                      added=added, removed=removed)
