"""Body paragraphs, inline links and related-article boxes.

Three ways in, one shape out (``Body``): walking a known container (outlet
selectors or microdata ``articleBody``), splitting a structured ``articleBody``
string, or trafilatura's XML output for pages we know nothing about. The walker
drops captions, ads, share widgets, newsletter boxes and disclaimers by element
and class, and records related-article boxes at the paragraph they precede.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

_SKIP_TAGS = {
    "script", "style", "noscript", "figure", "figcaption", "form", "button", "iframe", "nav", "footer",
    "svg", "template", "select", "input", "textarea", "object", "video", "audio", "picture", "img",
    "header", "h1", "label", "dialog", "menu", "canvas", "embed", "table",
}
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"}
_CONTAINER_TAGS = {"div", "section", "article", "main", "ul", "ol", "dl", "blockquote", "aside", "span", "body"}
_NESTED_BLOCKS = ".//p|.//div|.//h2|.//h3|.//h4|.//li|.//ul|.//ol|.//blockquote|.//section|.//figure|.//table|.//aside"
_BOILERPLATE_TOKENS = {
    "ad", "ads", "advert", "adverts", "advertisement", "adslot", "adunit", "dfp", "gpt", "banner", "sponsor",
    "sponsored", "promo", "promotion", "recirc", "recommended", "recommendations", "outbrain", "taboola",
    "share", "sharing", "social", "newsletter", "subscribe", "subscription", "signup", "paywall", "caption",
    "credit", "credits", "disclaimer", "byline", "bio", "tags", "toolbar", "breadcrumb", "breadcrumbs",
    "comments", "comment", "donate", "contribute", "embed", "hidden", "widget", "nav", "menu", "footer",
    "header", "gallery", "video", "podcast", "print", "sr", "visually", "skip", "modal", "popup", "cookie",
    "consent", "author", "meta", "timestamp", "dateline", "correction", "copyright", "rights", "audio",
    "player", "slideshow", "photo", "media", "image", "img", "infobox", "factbox", "callout", "cta",
}
_RELATED_TOKENS = {"related", "readmore", "read-more", "alsoread", "more-on", "see-also", "seealso",
                   "mehr-zum-thema", "lesen-sie-auch", "inline-link"}
_RELATED_LABEL = re.compile(
    r"^\s*(?:related(?:\s+articles?|\s+stories|\s+content)?|read\s+(?:more|also|next)|see\s+also|more\s+on\s+this|"
    r"lesen\s+sie\s+auch|mehr\s+zum\s+thema|auch\s+interessant|weiterlesen|lee\s+también|leer\s+más|"
    r"lire\s+aussi|à\s+lire\s+aussi|leia\s+também|leia\s+mais|veja\s+também|czytaj\s+(?:też|także|również)|"
    r"相关阅读|延伸阅读|关联阅读|関連記事|あわせて読みたい)\s*[:：|–—-]?\s*",
    re.IGNORECASE,
)
_NOISE_PARAGRAPH = re.compile(
    r"^(?:advertisement|anzeige|werbung|publicidad|publicité|publicidade|reklama|广告|広告|sponsored|"
    r"share(?:\s+this)?(?:\s+article)?|teilen|compartir|partager|"
    r"(?:back\s+to|return\s+to)\s+top|nach\s+oben|zurück\s+nach\s+oben|volver\s+arriba|retour\s+en\s+haut|"
    r"haut\s+de\s+(?:la\s+)?page|voltar\s+ao\s+topo|do\s+góry|ページ(?:の)?(?:トップ|先頭)へ?|返回顶部|"
    r"sign\s+up.*newsletter.*|subscribe.*|abonnieren.*|suscríbete.*|abonnez-vous.*|assine.*|"
    r"the\s+views\s+expressed\s+in\s+opinion\s+pieces.*|this\s+article\s+(?:was\s+)?(?:first\s+)?"
    r"(?:appeared|published)\s+(?:in|on)\s+.{0,60}|copyright\s+©?.*|©.*|all\s+rights\s+reserved.*)$",
    re.IGNORECASE,
)


@dataclass
class Body:
    paragraphs: list[str] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)

    def take(self, other: Body, index: int) -> None:
        """Append *other*'s paragraph *index* with its links."""
        position = len(self.paragraphs)
        self.paragraphs.append(other.paragraphs[index])
        self.links.extend({**l, "paragraph": position} for l in other.links if l["paragraph"] == index)


def normalize_space(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u200b", "").split())


def class_tokens(element: HtmlElement, *, with_id: bool = True) -> set[str]:
    """Class and id split into words: "article__related-article" -> {article, related, ...}."""
    raw = f"{element.get('class', '')} {element.get('id', '') if with_id else ''}".lower()
    tokens = set(re.split(r"[^a-z0-9]+", raw))
    tokens.update(raw.split())
    tokens.update(t.replace("_", "-") for t in raw.split())
    tokens.discard("")
    return tokens


def is_boilerplate(element: HtmlElement, *, with_id: bool = True) -> bool:
    """Hidden, or classed as page furniture; ``with_id=False`` ignores ids, which on pages we
    know nothing about are often headings' anchors ("sharing-with-a-team")."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style", "").replace(" ", "").lower()
    if "display:none" in style:
        return True
    tokens = class_tokens(element, with_id=with_id)
    if not with_id and len(element.get("class", "").split()) > 4:
        tokens = {t for t in tokens if len(t) > 2}  # generated class names ("hb ad bo"): two letters mean nothing
    return bool(tokens & _BOILERPLATE_TOKENS)


def is_related_box(element: HtmlElement, *, with_id: bool = True) -> bool:
    return bool(class_tokens(element, with_id=with_id) & _RELATED_TOKENS) and element.find(".//a[@href]") is not None


def drop_paragraph(body: Body, index: int) -> None:
    """Remove one paragraph, keeping link indexes and related positions consistent."""
    del body.paragraphs[index]
    body.links = [{**l, "paragraph": l["paragraph"] - (l["paragraph"] > index)}
                  for l in body.links if l["paragraph"] != index]
    body.related = [{**r, "position": r["position"] - (r["position"] > index)} for r in body.related]


def body_from_containers(containers: Iterable[HtmlElement], base_url: str,
                         related_elements: Iterable[HtmlElement] = (), *, keep_tables: bool = False) -> Body:
    """Walk known body containers in order, collecting paragraphs, links and related boxes.

    ``keep_tables`` keeps data tables, one paragraph per row (outlet bodies keep their old shape).
    """
    walker = _Walker(base_url, set(related_elements), keep_tables=keep_tables)
    for container in containers:
        walker.walk(container, top=True)
    return walker.body


def body_from_text(text: str) -> Body:
    """Paragraphs from a plain-text body (JSON-LD ``articleBody``)."""
    if "<p" in text or "<br" in text:
        from lxml import html as lxml_html

        fragment = lxml_html.fragment_fromstring(text, create_parent="div")
        return body_from_containers([fragment], "")
    parts = re.split(r"\n\s*\n" if "\n\n" in text else r"\n", text)
    return Body(paragraphs=[p for p in (normalize_space(part) for part in parts) if p])


def body_from_trafilatura(document: str | HtmlElement, base_url: str) -> Body:
    """trafilatura's main text, keeping paragraph breaks and inline links.

    Its full mode, not ``fast``: when its own pass finds little, the fallbacks it then
    tries (readability, jusText) recover whole articles. Text it leaves between its
    blocks is kept. Given the parsed tree it skips a second parse; it may prune that
    tree, so call it last.
    """
    import trafilatura

    xml = trafilatura.extract(document, url=base_url or None, output_format="xml", include_links=True,
                              include_comments=True, include_tables=True, include_images=False,
                              with_metadata=False, deduplicate=False)
    body = Body()
    if not xml:
        return body
    try:
        doc = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return body
    main = doc.find("main")
    if main is None:
        return body
    _add_trafilatura_text(body, main.text)
    for child in main:
        for element in child.iter("p", "head", "item", "quote", "row"):
            if element.tag == "head" and element.get("rend") == "h1":
                continue
            in_cell = element.getparent() is not None and element.getparent().tag == "cell"
            if in_cell and element.getprevious() is None:
                _add_trafilatura_text(body, element.getparent().text)  # a layout cell's text before its blocks
            if element.tag == "row":
                _add_trafilatura_row(body, element, base_url)
            elif not (element.tag in {"p", "quote"} and element.xpath("ancestor::item|ancestor::quote")):
                _add_trafilatura_text(body, "".join(element.itertext()), element, base_url)
            if in_cell:
                _add_trafilatura_text(body, element.tail)
        _add_trafilatura_text(body, child.tail)  # text trafilatura left loose between its blocks
    return body


def _add_trafilatura_row(body: Body, row: etree._Element, base_url: str) -> None:
    """A data row as one paragraph of its cells; a layout row (cells holding blocks) gives none itself:
    its blocks come one by one, with the text between them."""
    cells = row.findall("cell")
    if row.xpath(".//p|.//head|.//item|.//quote|.//row"):
        for cell in cells:
            if not len(cell):
                _add_trafilatura_text(body, cell.text)
        return
    _add_trafilatura_text(body, " ".join(normalize_space("".join(c.itertext())) for c in cells), row, base_url)


def _add_trafilatura_text(body: Body, raw: str | None, element: etree._Element | None = None,
                          base_url: str = "") -> None:
    text = normalize_space(raw or "")
    if not text or _NOISE_PARAGRAPH.match(text):
        return
    index = len(body.paragraphs)
    body.paragraphs.append(text)
    for ref in (element.iter("ref") if element is not None else ()):
        link_text = normalize_space("".join(ref.itertext()))
        target = ref.get("target")
        if link_text and target:
            body.links.append({"text": link_text, "url": urljoin(base_url, target), "paragraph": index})


class _Walker:
    def __init__(self, base_url: str, related_elements: set[HtmlElement], *, keep_tables: bool = False) -> None:
        self.base_url = base_url
        self.keep_tables = keep_tables
        self.related_elements = related_elements
        self.body = Body()

    def walk(self, element: HtmlElement, top: bool = False) -> None:
        if not isinstance(element.tag, str):
            return
        if element in self.related_elements or (not top and is_related_box(element, with_id=not self.keep_tables)):
            self._add_related(element)
            return
        tag = element.tag.lower()
        if tag == "table" and self.keep_tables and not top and not is_boilerplate(element):
            self._add_table(element)
            return
        if not top and (tag in _SKIP_TAGS or tag == "aside" or is_boilerplate(element, with_id=not self.keep_tables)):
            return
        if tag in _BLOCK_TAGS and not (tag in {"li", "blockquote"} and element.xpath(_NESTED_BLOCKS)):
            self._add_paragraph(element)
            return
        if tag not in _CONTAINER_TAGS and not top and not element.xpath(_NESTED_BLOCKS):
            self._add_paragraph(element)
            return
        if tag in {"div", "span", "section"} and not top and not element.xpath(_NESTED_BLOCKS):
            self._add_paragraph(element)  # <div> used as a paragraph
            return
        self._add_loose_text(element.text)
        for child in element:
            self.walk(child)
            self._add_loose_text(child.tail)

    def _add_table(self, table: HtmlElement) -> None:
        """A data table, one paragraph per row; a layout table (rows holding blocks) is walked instead."""
        if table.xpath(".//table|.//p|.//div"):
            for child in table.iter("td", "th"):
                if child.getparent() is not None and child.getparent().getparent() in (table, *table.findall("tbody")):
                    self.walk(child, top=True)
            return
        for row in table.iter("tr"):
            cells = [normalize_space(element_text(cell)) for cell in row if isinstance(cell.tag, str)]
            text = " ".join(c for c in cells if c)
            if text:
                self._append(text, [])

    def _add_loose_text(self, text: str | None) -> None:
        """Text directly inside a container (paragraphs separated only by <br>)."""
        if text and len(normalize_space(text)) > 30:
            self._append(normalize_space(text), [])

    def _add_paragraph(self, element: HtmlElement) -> None:
        text = normalize_space(element_text(element))
        if not text:
            return
        label = _RELATED_LABEL.match(text)
        anchors = [a for a in element.iter("a") if a.get("href")]
        if label and anchors and len(text) < 250:
            self._add_related(element)
            return
        if _NOISE_PARAGRAPH.match(text):
            return
        links = []
        for anchor in anchors:
            link_text = normalize_space(anchor.text_content())
            url = self._url(anchor.get("href"))
            if link_text and url:
                links.append({"text": link_text, "url": url})
        self._append(text, links)

    def _append(self, text: str, links: list[dict[str, Any]]) -> None:
        index = len(self.body.paragraphs)
        self.body.paragraphs.append(text)
        self.body.links.extend({**link, "paragraph": index} for link in links)

    def _add_related(self, element: HtmlElement) -> None:
        anchors = [a for a in element.iter("a") if a.get("href")]
        position = len(self.body.paragraphs)
        if len(anchors) > 1 and element.find(".//li") is not None:
            for anchor in anchors:  # a list of related links
                title = _anchor_title(anchor)
                if title:
                    self.body.related.append({"title": title, "url": self._url(anchor.get("href")),
                                              "position": position})
            return
        heading = element.xpath(".//*[self::h2 or self::h3 or self::h4 or self::h5 or contains(@class, 'title')]")
        title = normalize_space(heading[0].text_content()) if heading else ""
        if not title and anchors:
            title = _anchor_title(anchors[0])
        if not title:
            title = _RELATED_LABEL.sub("", normalize_space(element.text_content()))
        if title:
            url = self._url(anchors[0].get("href")) if anchors else None
            self.body.related.append({"title": title, "url": url, "position": position})

    def _url(self, href: str | None) -> str | None:
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            return None
        return urljoin(self.base_url, href.strip())


def _anchor_title(anchor: HtmlElement) -> str:
    text = _RELATED_LABEL.sub("", normalize_space(anchor.text_content()))
    return text or normalize_space(anchor.get("title", ""))


def element_text(element: HtmlElement, *, separator: str = "", skip: frozenset[str] = frozenset(),
                 drop_boilerplate: bool = True) -> str:
    """Text in document order minus nested scripts, captions and ad slots; <br> becomes a space.

    ``separator`` goes between inline elements (" " for bylines, where adjacent
    name links must not run together); ``skip`` adds tags to leave out.
    """
    parts: list[str] = []

    def visit(node: HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                tag = child.tag.lower()
                if tag == "br":
                    parts.append(" ")
                elif tag not in _SKIP_TAGS and tag not in skip and not (
                        drop_boilerplate and tag in {"span", "div", "aside"} and is_boilerplate(child)):
                    parts.append(separator)
                    visit(child)
                    parts.append(separator)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return "".join(parts)
