"""Word-level diffs between two versions of an article's text.

diff-match-patch (the library NewsDiffs used) diffs characters; a reader
wants whole words, so each word and each run of whitespace is first mapped to
one private character, diffed, and mapped back. Semantic clean-up then merges
the small equalities that make a diff hard to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from diff_match_patch import diff_match_patch

Op = Literal["equal", "insert", "delete"]
_OPS: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}
_TOKEN = re.compile(r"\s+|[^\s]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Change:
    op: Op
    text: str

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))


def word_diff(old: str, new: str, timeout: float = 2.0) -> list[Change]:
    """The changes that turn `old` into `new`, in order, on word boundaries."""
    vocabulary: dict[str, str] = {}
    tokens: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in _TOKEN.findall(text):
            if token not in vocabulary:
                vocabulary[token] = chr(0xF0000 + len(tokens))   # a private-use plane: never in real text
                tokens.append(token)
            out.append(vocabulary[token])
        return "".join(out)

    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(encode(old), encode(new), False)
    dmp.diff_cleanupSemantic(diffs)
    changes: list[Change] = []
    for op, chars in diffs:
        text = "".join(tokens[ord(c) - 0xF0000] for c in chars)
        if changes and changes[-1].op == _OPS[op]:
            changes[-1] = Change(_OPS[op], changes[-1].text + text)
        elif text:
            changes.append(Change(_OPS[op], text))
    return changes


def words_changed(changes: list[Change]) -> tuple[int, int]:
    """(words added, words removed)."""
    added = sum(c.words for c in changes if c.op == "insert")
    removed = sum(c.words for c in changes if c.op == "delete")
    return added, removed
