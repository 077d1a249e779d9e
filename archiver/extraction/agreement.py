"""How far two body texts agree: shared words, counted with repeats, in each direction.

The paragraph-scored finder (content.py) keeps sub-headed sections, lists and
tables that trafilatura drops, but when it picks the wrong block it is wrong
wholesale. trafilatura is the second opinion: where the two agree the scored
text is kept; where they disagree strongly, the one that the other does not
contain is the one that wandered off. Where the scored block is a part of
trafilatura's text the two are merged; where trafilatura's text is taken, the
blocks the scorer counts as page furniture are stripped from it. Measured on
the dev half of the body corpus (docs/extraction-evaluation.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archiver.extraction.body import Body

# one token per CJK character (no spaces there), else a run of word characters: the scorer's tokens
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|\w+", re.UNICODE)
KEEP_SCORED_INSIDE = 0.9    # this share of the scored text's words must be in trafilatura's ...
KEEP_SCORED_COVERS = 0.5    # ... and it must hold this share of trafilatura's words
CONTAINED = 0.8             # a paragraph with this share of its words in a text is already in it
_KEY_CHARS = 60


@dataclass(frozen=True)
class Agreement:
    inside: float       # share of the first text's words found in the second
    covers: float       # share of the second text's words found in the first

    @property
    def keeps_first(self) -> bool:
        return self.inside >= KEEP_SCORED_INSIDE and self.covers >= KEEP_SCORED_COVERS


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def contained(paragraph: str, words: Counter[str]) -> bool:
    """Whether most of the paragraph's words are among *words* (``tokens`` of another text)."""
    own = tokens(paragraph)
    return bool(own) and sum((own & words).values()) >= CONTAINED * sum(own.values())


def paragraph_key(text: str) -> str:
    """A paragraph's first words, lower case: the same block as printed in the page and in trafilatura's text."""
    return " ".join(_TOKEN.findall(text.lower()))[:_KEY_CHARS]


def agreement(first: str, second: str) -> Agreement:
    a, b = tokens(first), tokens(second)
    shared = sum((a & b).values())
    return Agreement(shared / max(1, sum(a.values())), shared / max(1, sum(b.values())))


def merged(scored: Body, second: Body, furniture: frozenset[str]) -> tuple[Body, int, int]:
    """The scored body (a part of the article) with trafilatura's other paragraphs, each put after the
    scored paragraph it follows in trafilatura's text; its paragraphs the scorer counts as page
    furniture (``content.furniture_keys``) are left out. (body, paragraphs added, paragraphs dropped)."""
    words = tokens("\n".join(scored.paragraphs))
    position = {paragraph_key(p): i for i, p in enumerate(scored.paragraphs)}
    after: dict[int, list[int]] = {}    # scored paragraph -> trafilatura's paragraphs that follow it (-1: first)
    anchor, dropped = -1, 0
    for index, paragraph in enumerate(second.paragraphs):
        key = paragraph_key(paragraph)
        if key in position:
            anchor = position[key]
        elif key in furniture:
            dropped += 1
        elif not contained(paragraph, words):
            after.setdefault(anchor, []).append(index)
    out = Body(related=list(scored.related))
    for index in after.get(-1, []):
        out.take(second, index)
    for own in range(len(scored.paragraphs)):
        out.take(scored, own)
        for index in after.get(own, []):
            out.take(second, index)
    return out, sum(map(len, after.values())), dropped


def stripped(second: Body, furniture: frozenset[str]) -> tuple[Body, int]:
    """trafilatura's body without the paragraphs the scorer counts as page furniture; (body, dropped)."""
    out = Body(related=list(second.related))
    for index, paragraph in enumerate(second.paragraphs):
        if paragraph_key(paragraph) not in furniture:
            out.take(second, index)
    return out, len(second.paragraphs) - len(out.paragraphs)
