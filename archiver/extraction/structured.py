"""JSON-LD, microdata and meta tags, read straight from the lxml tree.

extruct parses the page again per syntax and costs tens of milliseconds on a
news page; this reader walks the already parsed tree once per syntax and
tolerates what publishers actually ship: @graph, arrays, authors as @id
references, trailing commas, raw newlines in strings, HTML-escaped scripts.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "socialmediaposting", "techarticle", "scholarlyarticle", "report", "satiricalarticle", "posting",
    "advertisercontentarticle", "medicalscholarlyarticle", "discussionforumposting",
}
PAGE_TYPES = {"webpage", "itempage", "aboutpage", "collectionpage"}
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass
class Structured:
    """Everything the page declares about itself, before any reconciliation."""

    article: dict[str, Any] | None = None             # the JSON-LD article node
    page: dict[str, Any] | None = None                # a WebPage node, for dates when no article node
    index: dict[str, dict[str, Any]] = field(default_factory=dict)  # @id -> node
    meta: dict[str, list[str]] = field(default_factory=dict)        # lowercased name/property -> contents
    microdata: dict[str, list[str]] = field(default_factory=dict)   # itemprop -> values
    microdata_body: HtmlElement | None = None         # [itemprop=articleBody] element
    canonical: str | None = None
    jsonld_errors: int = 0

    def first_meta(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key, []):
                if value and value.strip():
                    return value.strip()
        return None


def read_structured(root: HtmlElement, url: str) -> Structured:
    data = Structured()
    nodes = _read_jsonld(root, data)
    data.index = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    data.article = _best_node(nodes, ARTICLE_TYPES, url)
    data.page = _best_node(nodes, PAGE_TYPES, url)
    data.meta = _read_meta(root)
    data.microdata, data.microdata_body = _read_microdata(root)
    for link in root.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href", "").strip():
            data.canonical = link.get("href").strip()
            break
    return data


# -- JSON-LD -----------------------------------------------------------------

def loads_lenient(text: str) -> Any:
    """json.loads that survives the usual publisher mistakes; raises ValueError if hopeless."""
    text = text.strip()
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text).strip()
    text = re.sub(r"^<!--|-->$", "", text).strip().rstrip(";")
    if text.startswith(("{&quot;", "[&quot;", "{&#34;")):
        text = html.unescape(text)
    attempts = (
        text,
        _TRAILING_COMMA.sub(r"\1", text),
        _TRAILING_COMMA.sub(r"\1", text.replace("\\'", "'")),
    )
    for attempt in attempts:
        try:
            return json.loads(attempt, strict=False)
        except json.JSONDecodeError:
            continue
    # Several objects back to back, or trailing garbage after the first one.
    decoder = json.JSONDecoder(strict=False)
    cleaned = _TRAILING_COMMA.sub(r"\1", text)
    values, pos = [], 0
    while pos < len(cleaned):
        while pos < len(cleaned) and cleaned[pos] in " \t\r\n,;":
            pos += 1
        if pos >= len(cleaned):
            break
        try:
            value, pos = decoder.raw_decode(cleaned, pos)
        except json.JSONDecodeError as exc:
            if values:
                break
            raise ValueError(str(exc)) from exc
        values.append(value)
    return values


def _read_jsonld(root: HtmlElement, data: Structured) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for script in root.iterfind(".//script[@type]"):
        if "ld+json" not in script.get("type", "").lower():
            continue
        try:
            value = loads_lenient(script.text or "")
        except ValueError:
            data.jsonld_errors += 1
            continue
        _flatten(value, nodes, depth=0)
    return nodes


def _flatten(value: Any, out: list[dict[str, Any]], depth: int) -> None:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            _flatten(item, out, depth + 1)
    elif isinstance(value, dict):
        out.append(value)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            child = value.get(key)
            if isinstance(child, (list, dict)):
                _flatten(child, out, depth + 1)


def types_of(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].casefold() for v in values if v}


def _best_node(nodes: list[dict[str, Any]], wanted: set[str], url: str) -> dict[str, Any] | None:
    """The node of a wanted type that best describes this page."""
    best, best_score = None, -1
    for position, node in enumerate(nodes):
        if not types_of(node) & wanted:
            continue
        score = sum(1 for key in ("headline", "author", "datePublished", "articleBody") if node.get(key))
        node_url = node.get("url") or node.get("@id") or ""
        if isinstance(node_url, str) and url and node_url.split("#")[0].rstrip("/") == url.rstrip("/"):
            score += 2
        score = score * 100 - position
        if score > best_score:
            best, best_score = node, score
    return best


def resolve(value: Any, index: dict[str, dict[str, Any]]) -> Any:
    """Follow {"@id": ...} references into the @graph index."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in index:
        return index[value["@id"]]
    return value


def text_value(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a list, an object or HTML-escaped."""
    if isinstance(value, list):
        for item in value:
            found = text_value(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return text_value(value.get("@value") or value.get("name") or value.get("text"))
    if value is None or isinstance(value, bool):
        return None
    text = html.unescape(str(value)).strip()
    return text or None


def jsonld_people(value: Any, index: dict[str, dict[str, Any]]) -> list[tuple[str, bool]]:
    """Author-like values as (name, is_organization), in order."""
    items = value if isinstance(value, list) else [value]
    people: list[tuple[str, bool]] = []
    for item in items:
        item = resolve(item, index)
        if isinstance(item, str):
            people.append((html.unescape(item), False))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = ", ".join(str(n) for n in name if n)
            if not name and (item.get("givenName") or item.get("familyName")):
                name = f"{text_value(item.get('givenName')) or ''} {text_value(item.get('familyName')) or ''}"
            if name and str(name).strip():
                people.append((html.unescape(str(name)).strip(), "organization" in types_of(item)
                               or bool(types_of(item) & {"newsmediaorganization", "corporation"})))
        elif isinstance(item, list):
            people.extend(jsonld_people(item, index))
    return people


# -- meta tags -----------------------------------------------------------------

def _read_meta(root: HtmlElement) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for element in root.iterfind(".//meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if key and content is not None:
            meta.setdefault(key.strip().lower(), []).append(html.unescape(content).strip())
    return meta


# -- microdata -----------------------------------------------------------------

_MICRODATA_PROPS = {"headline", "name", "author", "creator", "datepublished", "datemodified", "datecreated",
                    "articlesection", "keywords", "description", "inlanguage", "alternativeheadline"}


def _read_microdata(root: HtmlElement) -> tuple[dict[str, list[str]], HtmlElement | None]:
    """itemprop values of the article scope (not of comments, reviews or nested teasers)."""
    values: dict[str, list[str]] = {}
    body: HtmlElement | None = None
    for element in root.xpath("//*[@itemprop]"):
        props = element.get("itemprop", "").lower().split()
        if "articlebody" in props and body is None:
            body = element
        wanted = [p for p in props if p in _MICRODATA_PROPS]
        if not wanted:
            continue
        scope = _owner_scope_type(element)
        if scope and not any(t in scope for t in ("article", "posting", "report", "webpage")):
            continue  # a Person's name, a Comment's author: not the article's
        for prop in wanted:
            value = _microdata_value(element, prop)
            if value:
                values.setdefault(prop, []).append(value)
    return values, body


def _owner_scope_type(element: HtmlElement) -> str | None:
    """The itemtype of the item this property belongs to (nearest ancestor itemscope)."""
    parent = element.getparent()
    while parent is not None:
        if parent.get("itemscope") is not None:
            return (parent.get("itemtype") or "").lower()
        parent = parent.getparent()
    return None


def _microdata_value(element: HtmlElement, prop: str) -> str | None:
    if prop in {"author", "creator"} and element.get("itemscope") is not None:
        names = element.xpath(".//*[@itemprop='name']")
        if names:
            return _microdata_value(names[0], "name")
    for attribute in ("content", "datetime"):
        if element.get(attribute):
            return html.unescape(element.get(attribute)).strip()
    if element.tag in {"a", "link"} and prop not in {"author", "creator", "headline", "name"} and element.get("href"):
        return element.get("href")
    text = " ".join(element.text_content().split())
    return text or None
