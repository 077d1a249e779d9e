"""The standfirst (summary, lede) printed above the article, which article bodies often leave out.

JSON-LD articleBody, a microdata articleBody and a paragraph-scored block all start at the first
paragraph of the story; the summary under the headline lives in the article header, outside them.
The page names its summary in its description meta tags, so the printed element whose text is that
description is the standfirst: printed text, never the meta value itself.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from archiver.extraction.body import Body, normalize_space

MIN_CHARS = 30          # a shorter description names no summary paragraph
_SKIP = {"script", "style", "head", "title", "meta", "noscript", "template"}
_OUTSIDE_STORY = {"h1", "nav", "footer", "aside", "form", "button", "figure", "figcaption", "a", "li"}  # h1: the headline
_WORDS = re.compile(r"\w+")


def printed_standfirst(root: HtmlElement, descriptions: list[str]) -> str | None:
    """Text of the first element that prints one of *descriptions* (in full, or the meta's shortened
    "…" form as its start), outside the headline, navigation, links, lists, figures and the page header."""
    wanted = list(dict.fromkeys(normalize_space(d) for d in descriptions if d))
    wanted = [d for d in wanted if len(d) >= MIN_CHARS]
    if not wanted:
        return None
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIP:
            continue
        text = normalize_space(element.text_content())
        if len(text) < MIN_CHARS or not any(_prints(text, d) for d in wanted):
            continue
        return text if _in_story(element) else None
    return None


def _prints(text: str, description: str) -> bool:
    if text == description:
        return True
    stem = description.rstrip(".… ")
    stem = stem[: max(MIN_CHARS, len(stem) - 3)]
    return text.startswith(stem) and len(text) < 1.5 * len(description) + 50


def _in_story(element: HtmlElement) -> bool:
    chain = [element, *element.iterancestors()]
    if any(e.tag in _OUTSIDE_STORY for e in chain):
        return False
    in_header = any(e.tag == "header" for e in chain)
    return not in_header or any(e.tag in {"article", "main"} for e in chain)


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def with_standfirst(body: Body, standfirst: str, subtitle: str | None = None) -> bool:
    """Put *standfirst* first in *body* unless the body already prints it or it is the article's
    subtitle (kept in its own field, as the archive's exports and version history show it); True if added."""
    stem = _key(standfirst)[:80]
    if stem in _key("\n".join(body.paragraphs)) or (subtitle and stem in _key(subtitle)):
        return False
    body.paragraphs.insert(0, standfirst)
    body.links = [{**l, "paragraph": l["paragraph"] + 1} for l in body.links]
    body.related = [{**r, "position": r["position"] + 1} for r in body.related]
    return True
