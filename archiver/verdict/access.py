"""Access: is the text an item holds the whole article (``free``), a teaser (``partial``), or a
subscriber's full text (``subscriber``)? Decided from the page's own evidence.

Evidence, each from a public source:

* JSON-LD ``isAccessibleForFree: false`` with ``hasPart`` ``WebPageElement`` parts naming the
  paywalled sections by ``cssSelector`` (Google's structured data for paywalled content:
  https://developers.google.com/search/docs/appearance/structured-data/paywalled-content). The
  sections present and full: a subscriber's capture; absent or empty: a teaser.
* Known paywall markup: Piano/Tinypass scripts (*.tinypass.com, cdn.piano.io:
  https://github.com/tobimori/paywallr components/tinypass.js), Poool's widget (``poool-widget``:
  https://amp.dev/documentation/components/amp-access-poool/), Zephr
  (https://github.com/common-repository/zephr), Laterpay (*.laterpay.net:
  https://github.com/tobimori/paywallr components/laterpay/blocker.js), and a subscribe box.
* The extracted text much shorter than the page's declared ``wordCount`` or JSON-LD ``articleBody``.

The subscribe box itself is taken out of the tree before the body is read (``strip_paywall_boxes``).
Pure code over the parsed tree: no Scrapy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cssselect import SelectorError
from lxml.html import HtmlElement

from archiver import settings as defaults


class Access(StrEnum):
    """The item field ``access``: another component (login profiles) uses the same values."""

    FREE = "free"
    PARTIAL = "partial"
    SUBSCRIBER = "subscriber"


PAYWALL_VENDORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("piano", re.compile(r"(?:cdn|experience|buy)\.tinypass\.com|cdn\.piano\.io|\btp\s*=\s*window\.tp|"
                         r"\btp\.push\(\s*\[\s*['\"]init", re.I)),
    ("poool", re.compile(r"\bpoool\.fr/|id=[\"']poool-widget|\bpoool\(\s*['\"]init", re.I)),
    ("zephr", re.compile(r"\bzephr-(?:browser|feature|templates)\b|data-zephr-|\.zephr\.com/", re.I)),
    ("laterpay", re.compile(r"\blaterpay\.net/|\blp_paywall\b|data-laterpay", re.I)),
)
# The boxes a paywall puts over or after the teaser; never part of the article's text.
BOX_SELECTOR = ("#poool-widget, [id^='poool'], .tp-container-inner, .tp-modal, .tp-backdrop, "
                "[id^='piano-'], [class*='piano-offer'], [data-zephr-feature], [class*='laterpay'], "
                "[class*='paywall-offer'], [class*='subscribe-box'], [class*='regwall']")
_BOX_WORDS = re.compile(r"\b(?:subscribe|subscription|subscriber|already a member|sign in to (?:continue|read)|"
                        r"continue reading|to keep reading|unlock (?:this|the) (?:article|story))\b", re.I)
_BOX_TOKENS = {"paywall", "subscribe", "subscription", "regwall", "piano", "poool", "zephr", "laterpay"}
_SECTION_MIN_WORDS = 30                # a paywalled section with fewer words was not delivered
_BOX_MAX_WORDS = 150                   # a paywall-classed element longer than this is content, not a box


@dataclass
class AccessFinding:
    access: Access = Access.FREE
    evidence: list[str] = field(default_factory=list)


def _false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "no", "0"))


def _parts(node: dict[str, Any]) -> list[dict[str, Any]]:
    parts = node.get("hasPart") or []
    return [p for p in (parts if isinstance(parts, list) else [parts]) if isinstance(p, dict)]


def _select(root: HtmlElement, selector: str) -> list[HtmlElement]:
    try:
        return root.cssselect(selector)
    except (SelectorError, ValueError):
        return []


def _words(text: str) -> int:
    return len(text.split())


def paywall_boxes(root: HtmlElement) -> list[HtmlElement]:
    """Subscribe boxes: the vendors' containers, and paywall-classed elements that ask for a subscription."""
    boxes = _select(root, BOX_SELECTOR)
    for element in root.iter("div", "section", "aside", "form"):
        tokens = set(re.split(r"[^a-z0-9]+", f"{element.get('class', '')} {element.get('id', '')}".lower()))
        text = element.text_content()
        if (tokens & _BOX_TOKENS and _words(text) < _BOX_MAX_WORDS and _BOX_WORDS.search(text)
                and element not in boxes):
            boxes.append(element)
    return boxes


def strip_paywall_boxes(root: HtmlElement, keep: list[HtmlElement] | None = None) -> int:
    """Remove the subscribe boxes from the tree (not the paywalled sections *keep*); how many."""
    kept = set(keep or [])
    removed = 0
    for box in paywall_boxes(root):
        if box in kept or any(k in kept for k in box.iterancestors()) or box.getparent() is None:
            continue
        if any(box in kept_el.iterancestors() for kept_el in kept):
            continue
        box.drop_tree()
        removed += 1
    return removed


def paywalled_sections(root: HtmlElement, article_node: dict[str, Any] | None) -> list[HtmlElement]:
    """The elements JSON-LD ``hasPart`` names as not free."""
    found: list[HtmlElement] = []
    for part in _parts(article_node or {}):
        selector = part.get("cssSelector")
        if _false(part.get("isAccessibleForFree")) and isinstance(selector, str):
            found += _select(root, selector)
    return found


def assess_access(root: HtmlElement, html: str, article_node: dict[str, Any] | None, body_words: int,
                  boxes_removed: int = 0, ratio: float = defaults.ARCHIVER_PARTIAL_WORD_RATIO) -> AccessFinding:
    """What the captured text is, with the evidence that says so (empty for a plain free page)."""
    node = article_node or {}
    evidence: list[str] = []
    declared_paid = _false(node.get("isAccessibleForFree"))
    if declared_paid:
        evidence.append("json-ld isAccessibleForFree=false")
    sections_missing = sections_full = False
    for part in _parts(node):
        selector = part.get("cssSelector")
        if not (_false(part.get("isAccessibleForFree")) and isinstance(selector, str)):
            continue
        words = sum(_words(e.text_content()) for e in _select(root, selector))
        if words >= _SECTION_MIN_WORDS:
            sections_full = True
            evidence.append(f"json-ld hasPart {selector!r}: present, {words} words")
        else:
            sections_missing = True
            evidence.append(f"json-ld hasPart {selector!r}: {'empty' if words else 'absent'}")
    for vendor, pattern in PAYWALL_VENDORS:
        if pattern.search(html):
            evidence.append(f"{vendor} paywall markup")
    if boxes_removed:
        evidence.append(f"subscribe box ({boxes_removed}) left out of the body")
    truncated = False
    declared = node.get("wordCount")
    try:
        declared_words = int(str(declared).strip()) if declared is not None else 0
    except ValueError:
        declared_words = 0
    if declared_words and body_words < ratio * declared_words:
        truncated = True
        evidence.append(f"{body_words} of the {declared_words} words wordCount declares")
    article_body = node.get("articleBody")
    if isinstance(article_body, str) and body_words < ratio * _words(article_body):
        truncated = True
        evidence.append(f"{body_words} of the {_words(article_body)} words of json-ld articleBody")
    if truncated or sections_missing or (boxes_removed and (declared_paid or len(evidence) > 1)):
        return AccessFinding(Access.PARTIAL, evidence)
    if declared_paid or sections_full:
        return AccessFinding(Access.SUBSCRIBER, evidence)
    return AccessFinding(Access.FREE, evidence)
