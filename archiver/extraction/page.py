"""One parsed page shared by the field extractors: its tree, structured data and outlet selectors,
and the record of which layer gave each field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import HTMLTranslator

from archiver.items import Article
from archiver.extraction import body as body_mod
from archiver.extraction.structured import Structured


@dataclass
class ArticlePage:
    """One parsed page and its lazily shared views."""

    root: HtmlElement
    text: str
    url: str
    data: Structured
    selectors: Mapping[str, str]
    article: Article
    sources: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # why a reconciliation rule overruled the layer order
    warnings: list[str] = field(default_factory=list)

    def css(self, key: str) -> list[Any]:
        """Matches of an outlet selector: elements, or strings for ::text and ::attr()."""
        query = self.selectors.get(key)
        return list(_compiled_css(query)(self.root)) if query else []

    def select_texts(self, key: str) -> list[str]:
        """Texts for an outlet selector: ::text/::attr() values, or the matched elements' text."""
        out = []
        for item in self.css(key):
            value = item if isinstance(item, str) else item.text_content()
            value = body_mod.normalize_space(value)
            if value:
                out.append(value)
        return out

    def select_elements(self, key: str) -> list[HtmlElement]:
        return [item for item in self.css(key) if isinstance(item, HtmlElement)]

    def set(self, name: str, value: Any, source: str, reason: str | None = None) -> None:
        setattr(self.article, name, value)
        self.sources[name] = source
        if reason:
            self.reasons[name] = reason
        else:
            self.reasons.pop(name, None)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@lru_cache(maxsize=512)
def _compiled_css(query: str) -> etree.XPath:
    """Outlet selectors are few and reused for every page: translate and compile once."""
    return etree.XPath(HTMLTranslator().css_to_xpath(query))


