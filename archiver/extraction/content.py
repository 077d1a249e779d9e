"""Where the article's text is on a page we know nothing about.

Paragraph-density scoring in the manner of readability: every paragraph votes
for its parent (fully) and grandparent (half), weighted by its length and
commas; link-heavy blocks lose their votes; page furniture (navigation,
comments, related lists, footers) votes for nobody. The winner and its
siblings that scored well are the article. One pass over the tree, so it costs
a few milliseconds where a general extractor costs tens; ``body.py`` walks the
containers it returns.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from archiver.extraction.agreement import paragraph_key

_VOTERS = {"p", "pre", "td", "blockquote", "li", "dd", "h2", "h3", "h4"}
_FURNITURE_TAGS = {"nav", "footer", "aside", "header", "form", "menu", "dialog", "figure", "figcaption",
                   "script", "style", "noscript", "template", "button", "select", "label"}
_FURNITURE = re.compile(
    r"(?:^|[^a-z])(?:comment|comments|related|sidebar|side-bar|footer|nav|navbar|menu|breadcrumbs?|"
    r"newsletter|subscribe|promo|recirc|recommended|outbrain|taboola|popular|trending|most-read|"
    r"share|sharing|social|cookie|consent|banner|advert|ads?|widget|teaser|masthead|site-header|"
    r"skip|caption|credit|byline|author-bio|bio|tags|pagination|pager|signup|sponsor|references|reflist|"
    r"footnotes|author-note)(?:$|[^a-z])")
_ARTICLE_HINT = re.compile(r"(?:^|[^a-z])(?:article|content|entry|post|story|body|text|main|prose|"
                           r"articlebody|article-body|post-content|entry-content|story-body)(?:$|[^a-z])")
_MIN_VOTE_CHARS = 25
_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "td", "th", "div")
_LINK_DENSE = 0.5       # a block more than half link text is navigation, whatever its class


def _marker(element: HtmlElement) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}".lower()


def _is_furniture(element: HtmlElement) -> bool:
    if element.tag in _FURNITURE_TAGS or element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if element.get("role") in {"navigation", "complementary", "contentinfo", "banner"}:
        return True
    marker = _marker(element)
    return bool(marker.strip()) and bool(_FURNITURE.search(marker)) and not _ARTICLE_HINT.search(marker)


def _excluded(element: HtmlElement, cache: dict[HtmlElement, bool]) -> bool:
    """True when the element or an ancestor is page furniture (memoised over the walk up)."""
    chain = []
    node = element
    result = False
    while node is not None:
        if node in cache:
            result = cache[node]
            break
        chain.append(node)
        if isinstance(node.tag, str) and _is_furniture(node):
            result = True
            break
        node = node.getparent()
    for visited in chain:
        cache[visited] = result
    return result


def _text_length(element: HtmlElement) -> int:
    return len(" ".join(element.text_content().split()))


def _link_density(element: HtmlElement, length: int) -> float:
    if not length:
        return 1.0
    linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return min(1.0, linked / length)


def main_containers(root: HtmlElement) -> list[HtmlElement]:
    """The element(s) holding the article text, in document order; [] when nothing looks like prose."""
    body = root.find("body")
    if body is None:
        body = root
    scores: dict[HtmlElement, float] = {}
    prose: dict[HtmlElement, int] = {}  # characters of voting text under each element
    excluded: dict[HtmlElement, bool] = {}
    for element in body.iter(*_VOTERS):
        text = element.text_content()
        length = len(text.strip())
        if length < _MIN_VOTE_CHARS or _excluded(element, excluded):
            continue
        vote = 1 + text.count(",") + text.count("，") + text.count("、") + min(length // 100, 3)
        if element.tag == "li":
            vote *= 0.5  # lists vote too (menus do not get here), but less than prose
        parent = element.getparent()
        if parent is None:
            continue
        if not any(a.tag in _VOTERS for a in element.iterancestors()):
            for ancestor in element.iterancestors():
                prose[ancestor] = prose.get(ancestor, 0) + length
        scores[parent] = scores.get(parent, 0.0) + vote
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + vote / 2
    if not scores:
        return []
    final: dict[HtmlElement, float] = {}
    for element, score in scores.items():
        if element.tag in {"ul", "ol", "tr", "tbody", "table", "dl"}:
            continue
        length = _text_length(element)
        bonus = 1.25 if _ARTICLE_HINT.search(_marker(element)) or element.tag in {"article", "main"} else 1.0
        final[element] = score * bonus * (1 - _link_density(element, length))
    if not final:
        return []
    top = max(final, key=final.get)
    top_score = final[top]
    top = _widen(top, prose, body)
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, top_score * 0.2)
    kept = []
    for sibling in parent:
        if sibling is top:
            kept.append(sibling)
        elif isinstance(sibling.tag, str) and (final.get(sibling, 0.0) >= threshold or (
                sibling.tag == top.tag and sibling.get("class") and sibling.get("class") == top.get("class")
                and sibling in scores)):
            kept.append(sibling)  # well scored, or one more block of a listicle's repeated items
    return kept


def _widen(top: HtmlElement, prose: dict[HtmlElement, int], body: HtmlElement) -> HtmlElement:
    """Climb to an ancestor (up to three levels, through wrappers) that holds clearly more prose,
    but not several times more: an article split into sections, columns or "story-body" blocks."""
    current = top
    while True:
        candidate = None
        node = current.getparent()
        for _ in range(3):
            if node is None or node is body or node.tag in {"body", "html"}:
                break
            if 1.25 * prose.get(current, 0) <= prose.get(node, 0) <= 2.5 * prose.get(current, 0):
                candidate = node  # more prose, but not a whole page of other stories
                break
            node = node.getparent()
        if candidate is None or _link_density(candidate, _text_length(candidate)) > 0.3:
            return current
        current = candidate


def furniture_keys(root: HtmlElement, containers: list[HtmlElement]) -> frozenset[str]:
    """Keys (``paragraph_key``) of the blocks the scorer counts as page furniture: under a furniture
    element (comments, related, newsletter, bio, teaser ...) or link-dense, outside the article's scope
    (the found containers' parent) for the former. Read before trafilatura prunes the tree, to strip
    the same blocks from its text (archiver.extraction.article._reconcile)."""
    body = root.find("body")
    if body is None:
        body = root
    scope = {c.getparent() for c in containers if c.getparent() is not None} | set(containers)
    excluded: dict[HtmlElement, bool] = {}
    keys = set()
    for element in body.iter(*_BLOCKS):
        text = " ".join(element.text_content().split())
        if not text:
            continue
        furniture = _excluded(element, excluded) and not any(a in scope for a in element.iterancestors())
        if furniture or _link_density(element, len(text)) > _LINK_DENSE:
            keys.add(paragraph_key(text))
    keys.discard("")
    return frozenset(keys)
