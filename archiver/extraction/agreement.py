"""How far two body texts agree: shared words, counted with repeats, in each direction.

The paragraph-scored finder (content.py) keeps sub-headed sections, lists and
tables that trafilatura drops, but when it picks the wrong block it is wrong
wholesale. trafilatura is the second opinion: where the two agree the scored
text is kept; where they disagree strongly, the one that the other does not
contain is the one that wandered off. Measured on the dev half of the body
corpus (docs/extraction-evaluation.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# one token per CJK character (no spaces there), else a run of word characters: the scorer's tokens
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|\w+", re.UNICODE)
KEEP_SCORED_INSIDE = 0.9    # this share of the scored text's words must be in trafilatura's ...
KEEP_SCORED_COVERS = 0.5    # ... and it must hold this share of trafilatura's words


@dataclass(frozen=True)
class Agreement:
    inside: float       # share of the first text's words found in the second
    covers: float       # share of the second text's words found in the first

    @property
    def keeps_first(self) -> bool:
        return self.inside >= KEEP_SCORED_INSIDE and self.covers >= KEEP_SCORED_COVERS


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def agreement(first: str, second: str) -> Agreement:
    a, b = tokens(first), tokens(second)
    shared = sum((a & b).values())
    return Agreement(shared / max(1, sum(a.values())), shared / max(1, sum(b.values())))
