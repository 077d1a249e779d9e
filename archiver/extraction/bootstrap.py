"""Articles in a framework's bootstrap data: ``__NEXT_DATA__``, ``window.__INITIAL_STATE__``, Nuxt's payload.

A server-rendered app ships the data its page was built from as JSON inside
the HTML, so that the browser can hydrate without fetching it again. When the
printed page lacks a field (a shell has no printed page at all), that data is
the archived source closest to the server's own record. This module finds the
most article-like object in it (a headline and a body) and maps its common key
names onto the item's fields. Pure: HTML tree in, field values out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement, fromstring

from archiver.extraction.body import normalize_space

# Where frameworks put the data a page was built from: a JSON <script> with one of these ids, or
# an assignment to one of these globals (Nuxt 2's __NUXT__ is a function call, not JSON: seen, not read).
JSON_SCRIPT_IDS = ("__NEXT_DATA__", "__NUXT_DATA__", "__APOLLO_STATE__", "__REMIX_CONTEXT__")
ASSIGNMENT = re.compile(r"window\.(__INITIAL_STATE__|__PRELOADED_STATE__|__NUXT__|__APOLLO_STATE__|"
                        r"__INITIAL_DATA__|__remixContext)\s*=\s*")
KEYS = {
    "title": ("headline", "title", "name"),
    "subtitle": ("alternativeHeadline", "subtitle", "subheadline", "dek", "standfirst"),
    "description": ("description", "summary", "excerpt", "teaser"),
    "date_published": ("datePublished", "publishedAt", "published_at", "publishDate", "publicationDate",
                       "firstPublished", "published", "date"),
    "date_modified": ("dateModified", "updatedAt", "updated_at", "modifiedAt", "lastModified", "modified"),
    "section": ("articleSection", "section", "category"),
    "tags": ("keywords", "tags"),
    "authors": ("author", "authors", "byline", "creator"),
    "body": ("articleBody", "body", "bodyHtml", "content", "text"),
}
MIN_BODY = 200          # characters: shorter "body" values are teasers, not the article


def bootstrap_data(root: HtmlElement) -> Iterator[tuple[str, Any]]:
    """(name, parsed JSON) of every framework data block in the page."""
    for script in root.iter("script"):
        code = script.text or ""
        ident = script.get("id") or ""
        if ident in JSON_SCRIPT_IDS:
            try:
                data = json.loads(code)
            except ValueError:
                continue
            yield ident, unflatten_devalue(data) if ident == "__NUXT_DATA__" else data
            continue
        for match in ASSIGNMENT.finditer(code):
            try:
                data, _ = json.JSONDecoder().raw_decode(code, match.end())
            except ValueError:
                continue            # a function call (Nuxt 2's IIFE) or JS that is not JSON
            yield f"window.{match.group(1)}", data


def unflatten_devalue(data: Any) -> Any:
    """Nuxt 3's payload is devalue's flat array: every value is an index into it; element 0 is the root."""
    if not isinstance(data, list) or not data:
        return data
    done: dict[int, Any] = {}

    def value(index: Any, depth: int = 0) -> Any:
        if not isinstance(index, int) or not 0 <= index < len(data) or depth > 60:
            return None
        if index in done:
            return done[index]
        item = data[index]
        if isinstance(item, dict):
            done[index] = {}
            done[index].update({k: value(v, depth + 1) for k, v in item.items()})
        elif isinstance(item, list):
            if item and isinstance(item[0], str) and item[0] in ("Reactive", "ShallowReactive", "Ref", "ShallowRef"):
                done[index] = value(item[1], depth + 1) if len(item) > 1 else None
            else:
                done[index] = [value(v, depth + 1) for v in item]
        else:
            done[index] = item
        return done[index]

    return value(0)


def _objects(data: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 40:
        return
    if isinstance(data, dict):
        yield data
        for child in data.values():
            yield from _objects(child, depth + 1)
    elif isinstance(data, list):
        for child in data:
            yield from _objects(child, depth + 1)


def _first(node: dict, keys: tuple[str, ...]) -> Any:
    return next((node[k] for k in keys if node.get(k) not in (None, "", [], {})), None)


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("rendered") or value.get("text") or value.get("name") or value.get("value")
    return normalize_space(str(value)) if isinstance(value, (str, int, float)) and str(value).strip() else None


def _paragraphs(value: Any) -> list[str]:
    """A body given as HTML, as plain text with blank lines, or as a list of blocks."""
    if isinstance(value, list):
        return [p for block in value for p in _paragraphs(block)]
    if isinstance(value, dict):
        return _paragraphs(value.get("html") or value.get("text") or value.get("content") or value.get("value"))
    if not isinstance(value, str) or not value.strip():
        return []
    if "<" in value and ">" in value:
        tree = fromstring(f"<div>{value}</div>")
        blocks = tree.xpath(".//p|.//h2|.//h3|.//li|.//blockquote") or [tree]
        return [t for t in (normalize_space(b.text_content()) for b in blocks) if t]
    return [t for t in (normalize_space(p) for p in re.split(r"\n\s*\n|\n", value)) if t]


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    name = _text(value)
    return [name] if name else []


def article_fields(root: HtmlElement) -> tuple[str, dict[str, Any]] | None:
    """(data block name, field values) of the most article-like object in the page's framework data."""
    best: tuple[int, str, dict] | None = None
    for name, data in bootstrap_data(root):
        for node in _objects(data):
            title = _text(_first(node, KEYS["title"]))
            body = _paragraphs(_first(node, KEYS["body"]))
            size = sum(map(len, body))
            if title and size >= MIN_BODY and (best is None or size > best[0]):
                best = (size, name, node)
    if best is None:
        return None
    _, name, node = best
    fields: dict[str, Any] = {"title": _text(_first(node, KEYS["title"])),
                              "body": _paragraphs(_first(node, KEYS["body"]))}
    for key in ("subtitle", "description", "date_published", "date_modified", "section"):
        value = _text(_first(node, KEYS[key]))
        if value:
            fields[key] = value
    tags = _first(node, KEYS["tags"])
    tags = _names(tags) if isinstance(tags, list) else [t.strip() for t in str(tags or "").split(",") if t.strip()]
    if tags:
        fields["tags"] = tags
    authors = _names(_first(node, KEYS["authors"]))
    if authors:
        fields["authors"] = authors
    return name, fields
