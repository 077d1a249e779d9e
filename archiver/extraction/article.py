"""Reconcile the layers into one ``Article``, recording where each field came from.

Layers, strongest first: the outlet's CSS selectors, structured data (JSON-LD,
microdata, meta tags), the printed page ("text": byline and <time> elements),
then trafilatura and htmldate. The rules that pick between layers are the ones
that matter for research counts:

* a printed byline beats a structured author list it contains and extends
  (JSON-LD often names only the first of several authors);
* datePublished beats every modified date, and a meta "published" date equal
  to the modified date loses to an earlier candidate;
* of two candidates on the same day, the one with a time and offset wins;
* original_url is the canonical link, else og:url, else the fetched URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from datetime import date
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import HTMLTranslator

from archiver.items import Article
from archiver.extraction import body as body_mod
from archiver.extraction import content
from archiver.extraction.dates import local_day, parse_date, precision, to_datetime
from archiver.extraction.document import decode_html, parse_html
from archiver.extraction.names import (author_tagline, dedupe, is_generic, looks_like_byline, name_key, normalize_authors,
                                       split_byline)
from archiver.extraction.structured import Structured, jsonld_people, read_structured, resolve, text_value

SELECTOR_KEYS = (
    "title", "subtitle", "byline", "authors", "date_published", "date_modified", "section", "tags", "body",
    "lead_image", "lead_image_caption", "lead_image_credit", "related",
)
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "og:published_time", "published_time", "pubdate", "publishdate", "publish-date", "publish_date",
    "article.published", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "dcterms.created", "dc.date.created", "dc.date", "dcterms.date", "citation_publication_date",
    "citation_date", "citation_online_date", "date", "originalpublicationdate", "article_date_original",
    "cxenseparse:recs:publishtime", "displaydate", "og:pubdate", "pub_date", "created",
)
_META_MODIFIED = (
    "article:modified_time", "og:updated_time", "article:modified", "datemodified", "og:modified_time",
    "modified_time", "dcterms.modified", "dc.date.modified", "last-modified", "lastmod", "revised",
)
_META_AUTHORS = (
    "author", "article:author", "og:article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "citation_author", "byl", "dc.creator.name", "authors", "cxenseparse:author",
)
_BYLINE_PREFIXES = ("By ", "BY ", "by ", "Von ", "VON ", "von ", "Por ", "POR ", "por ", "Par ", "PAR ",
                    "par ", "Door ", "Przez ", "Text: ", "Texto: ", "Autor: ", "Autorin: ", "Author: ",
                    "文/", "文／", "文｜", "记者", "記者", "新华社记者", "作者", "撰文", "Submitted by ",
                    "Posted by ", "Written by ", "Reviewed by ", "Review by ", "Texte : ", "Texte: ")
_AUTHOR_LINK_XPATH = (
    "//a[contains(@href,'/author/') or contains(@href,'/authors/') or contains(@href,'/autor/')"
    " or contains(@href,'/autoren/') or contains(@href,'/auteur/') or contains(@href,'/autorzy/')"
    " or contains(@href,'/people/') or contains(@href,'/profile/') or contains(@href,'/journalist')"
    " or contains(@href,'/redakteur') or contains(@href,'/redacao/') or contains(@href,'/staff/')]"
)
_NAME_CHILD_XPATH = (
    ".//a[@rel='author'] | .//*[@itemprop='name'] | .//*[contains(@class,'author-name') or contains(@class,'authorName')"
    " or contains(@class,'byline-name') or contains(@class,'byline__name') or contains(@class,'author__name')]"
    " | .//a[contains(@href,'/author/') or contains(@href,'/autor/') or contains(@href,'/auteur/')"
    " or contains(@href,'/people/') or contains(@href,'/profile/')]"
)
# Any word of a class or id marks a teaser, comment or widget region ("c-related-stories")...
_NOT_ARTICLE_CONTEXT = {"comment", "comments", "related", "footer", "sidebar", "recirc", "teaser", "promo",
                        "recommended", "outbrain", "taboola", "newsletter", "popular", "trending"}
# ...these only as a whole class or id: as words they are too common ("hasnt-bio", "nav-open" on <body>).
_NOT_ARTICLE_CLASSES = {"nav", "menu", "bio", "biography", "more", "most", "list", "card", "cards", "feed", "widget"}
_BYLINE_SELF_EXCLUDE = {"role", "job", "position", "bio", "biography", "avatar", "image", "img", "photo", "picture", "description",
                        "follow", "social", "box", "about", "more", "count", "twitter", "email"}
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:·•»]\s+|\s+-\s+")


@dataclass
class _Page:
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


def extract_article(html: bytes | str, url: str, *, outlet: str | None = None,
                    selectors: Mapping[str, str] | None = None, encoding: str | None = None) -> Article:
    """Extract one article from the page as archived. Pure: no network, no Scrapy."""
    article = Article(url=url, outlet=outlet, original_url=url)
    decoded = decode_html(html, encoding)
    root = parse_html(decoded.text)
    if root is None:
        article.extraction = {"sources": {"original_url": "text"}, "warnings": ["empty or unparseable document"]}
        return article
    unknown = set(selectors or {}) - set(SELECTOR_KEYS)
    page = _Page(root=root, text=decoded.text, url=url, data=read_structured(root, url),
                 selectors=selectors or {}, article=article)
    if unknown:
        page.warn(f"unknown selector keys ignored: {', '.join(sorted(unknown))}")
    if page.data.jsonld_errors:
        page.warn(f"{page.data.jsonld_errors} JSON-LD block(s) could not be parsed")
    _original_url(page)
    _language(page)
    _title(page)
    _simple_fields(page)
    _authors(page)
    _dates(page)
    _lead_image(page)
    _body(page)
    article.extraction = {"sources": page.sources, "warnings": page.warnings}
    if page.reasons:
        article.extraction["reasons"] = page.reasons
    return article


# -- fields ----------------------------------------------------------------------

def _original_url(page: _Page) -> None:
    for value, source in ((page.data.canonical, "meta"), (page.data.first_meta("og:url"), "meta")):
        if value and urlsplit(urljoin(page.url, value)).scheme in {"http", "https"}:
            page.set("original_url", urljoin(page.url, value), source)
            return
    page.set("original_url", page.url, "text")


def _language(page: _Page) -> None:
    node = page.data.article or {}
    candidates = (
        (page.root.get("lang") or page.root.get("{http://www.w3.org/XML/1998/namespace}lang"), "text"),
        (page.data.first_meta("og:locale"), "meta"),
        (text_value(node.get("inLanguage")), "json-ld"),
        (page.data.first_meta("content-language", "language", "dc.language"), "meta"),
    )
    for value, source in candidates:
        if value and re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value.strip()):
            parts = value.strip().replace("_", "-").split("-")
            page.set("language", "-".join([parts[0].lower()] + [p.upper() if len(p) == 2 else p for p in parts[1:]]),
                     source)
            return


def _title_key(text: str) -> str:
    return name_key(text.replace("’", "'").replace("…", "").rstrip(". "))


def _title(page: _Page) -> None:
    selected = page.select_texts("title")
    if selected:
        page.set("title", selected[0], "selectors")
        return
    node = page.data.article or {}
    structured = [
        (text_value(node.get("headline")), "json-ld"),
        (_first(page.data.microdata.get("headline")), "microdata"),
        (page.data.first_meta("og:title"), "meta"),
        (page.data.first_meta("twitter:title"), "meta"),
        (text_value(node.get("name")), "json-ld"),
    ]
    structured = [(v, s) for v, s in structured if v]
    h1s = [body_mod.normalize_space(h.text_content()) for h in page.root.iter("h1")]
    h1s = [h for h in h1s if h]
    title_tag = page.root.find(".//title")
    title_text = body_mod.normalize_space(title_tag.text_content()) if title_tag is not None else ""
    for h1 in h1s:
        key = _title_key(h1)
        for value, source in structured:
            other = _title_key(value)
            if key == other or (len(other) > 20 and key.startswith(other)):
                page.set("title", h1, source)
                return
    printed = _heading_in_title_tag(page, title_text)
    if printed:
        page.set("title", printed, "text")
    elif structured:
        page.set("title", _strip_site_suffix(structured[0][0], page), structured[0][1])
    elif len(h1s) == 1 and (len(_title_key(title_text)) < 10 or _shares_words(h1s[0], title_text)):
        page.set("title", h1s[0], "text")
    elif title_text:
        page.set("title", _strip_site_suffix(title_text, page), "text")
    else:
        page.warn("no title found")


def _shares_words(heading: str, title_text: str) -> bool:
    """Most of the heading's words are in the <title>: the <h1> is this page's headline, not a greeting."""
    words = {name_key(w) for w in heading.split()} - {""}
    return bool(words) and len(words & {name_key(w) for w in title_text.split()}) * 2 >= len(words)


def _heading_in_title_tag(page: _Page, title_text: str) -> str | None:
    """The longest printed heading that the <title> repeats: the headline, without the site's name.

    A site's name is often the page's only <h1> ("Silicon Exposed") while the post's
    headline is an <h2>/<h3> that the <title> names in full.
    """
    title_key = _title_key(title_text)
    if len(title_key) < 10:
        return None
    found = None
    for heading in page.root.xpath("(//h1|//h2|//h3)[position() <= 40]"):
        text = body_mod.normalize_space(heading.text_content()).rstrip("¶#").strip()
        key = _title_key(text)
        if (len(key) > 10 and 2 * len(key) > len(title_key) and (title_key.startswith(key) or title_key.endswith(key))
                and (found is None or (title_key.startswith(key), len(key)) > found[0])):
            found = ((title_key.startswith(key), len(key)), text)  # "Headline | Site" before "Site: Headline"
    return found[1] if found else None


def _strip_site_suffix(title: str, page: _Page) -> str:
    """"Headline | Site" -> "Headline", only when the piece removed names the site."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    sites = _site_names(page)
    host = urlsplit(page.url).hostname or ""
    kept = [p for p in parts if not (any(name_key(p) == name_key(s) for s in sites)
                                     or (len(name_key(p)) > 3 and name_key(p) in name_key(host)))]
    if kept and len(kept) < len(parts):
        separator = _TITLE_SEPARATORS.search(title).group(0)
        return separator.join(kept).strip()
    return title


def _simple_fields(page: _Page) -> None:
    node = page.data.article or {}
    # subtitle
    value = _first(page.select_texts("subtitle"))
    if value:
        page.set("subtitle", value, "selectors")
    elif text_value(node.get("alternativeHeadline")):
        page.set("subtitle", text_value(node.get("alternativeHeadline")), "json-ld")
    elif _printed_subtitle(page):
        page.set("subtitle", _printed_subtitle(page), "text")
    # description
    for value, source in ((page.data.first_meta("description"), "meta"),
                          (page.data.first_meta("og:description", "twitter:description"), "meta"),
                          (text_value(node.get("description")), "json-ld")):
        if value:
            page.set("description", value, source)
            break
    # section
    section = node.get("articleSection")
    for value, source in ((_first(page.select_texts("section")), "selectors"),
                          (text_value(section), "json-ld"),
                          (_first(page.data.microdata.get("articlesection")), "microdata"),
                          (page.data.first_meta("article:section", "parsely-section", "sailthru.section",
                                                "section", "category"), "meta")):
        if value:
            page.set("section", value, source)
            break
    # tags
    tags = page.select_texts("tags")
    source = "selectors"
    if not tags:
        source = "meta"
        tags = [t for v in page.data.meta.get("article:tag", []) for t in v.split(",")]
    if not tags and node.get("keywords"):
        source = "json-ld"
        keywords = node["keywords"]
        tags = keywords if isinstance(keywords, list) else str(keywords).split(",")
    if not tags:
        source = "meta"
        value = page.data.first_meta("news_keywords", "keywords", "parsely-tags", "sailthru.tags")
        tags = value.split(",") if value else []
    tags = [body_mod.normalize_space(str(t)) for t in tags if t and body_mod.normalize_space(str(t))]
    if tags:
        page.set("tags", list(dict.fromkeys(tags)), source)


_SUBTITLE_TOKENS = {"subtitle", "sub-title", "subheadline", "sub-headline", "standfirst", "dek", "deck",
                   "strapline", "subhead", "summary", "lede", "teaser-text", "article-summary", "intro"}


def _printed_subtitle(page: _Page) -> str | None:
    """The standfirst printed right under the headline (an h2 sibling, or a "dek"/"standfirst" class)."""
    h1 = next(page.root.iter("h1"), None)
    if h1 is not None:
        sibling = h1.getnext()
        if sibling is not None and isinstance(sibling.tag, str) and (
                sibling.tag == "h2" or body_mod.class_tokens(sibling) & _SUBTITLE_TOKENS):
            text = body_mod.normalize_space(sibling.text_content())
            if 10 <= len(text) <= 400:
                return text
    for element in page.root.xpath("//*[@class][self::p or self::h2 or self::div or self::span]"):
        if body_mod.class_tokens(element) & _SUBTITLE_TOKENS and not _in_non_article_context(element):
            text = body_mod.normalize_space(element.text_content())
            if 10 <= len(text) <= 400:
                return text
    return None


# -- authors -----------------------------------------------------------------------

def _site_names(page: _Page) -> list[str]:
    names = [page.data.first_meta("og:site_name"), page.data.first_meta("application-name"),
             page.data.first_meta("twitter:site"), page.article.outlet]
    publisher = resolve((page.data.article or {}).get("publisher"), page.data.index)
    names.append(text_value(publisher))
    return [n.lstrip("@") for n in names if n]


def _filter_people(names: list[str], page: _Page, *, drop_site: bool = True) -> list[str]:
    """Drop placeholders ("Staff", "Redaktion") and, unless printed as a byline, the outlet's own name."""
    sites = _site_names(page) if drop_site else []
    host = re.sub(r"^www\.", "", urlsplit(page.url).hostname or "")
    host_key = name_key(host.rsplit(".", 1)[0]) if host else ""
    out = []
    for name in names:
        key = name_key(name)
        if is_generic(name, sites) or (drop_site and host_key and len(key) > 3 and key == host_key):
            continue
        out.append(name)
    if not drop_site and len(out) > 1:
        # "文｜财新 王五": the outlet printed beside its reporter is not a co-author.
        site_keys = [name_key(site) for site in _site_names(page)]
        people = [n for n in out if not any(k and (k.startswith(name_key(n)) or name_key(n).startswith(k))
                                            for k in site_keys)]
        out = people or out
    return out


def _structured_authors(page: _Page) -> tuple[list[str], str] | None:
    node = page.data.article or {}
    people = jsonld_people(node.get("author") or node.get("creator"), page.data.index)
    # A Person named like the outlet is a real byline entry; an Organization is a placeholder.
    names = dedupe(n for name, is_org in people
                   for n in _filter_people(normalize_authors([name]), page, drop_site=is_org))
    if names:
        return names, "json-ld"
    layers = [
        (page.data.microdata.get("author", []) + page.data.microdata.get("creator", []), "microdata"),
        ([_first_last(v) if key == "citation_author" else v
          for key in _META_AUTHORS for v in page.data.meta.get(key, [])], "meta"),
    ]
    for values, source in layers:
        names = _filter_people(normalize_authors(values), page)
        if names:
            return names, source
    return None


def _first_last(name: str) -> str:
    """citation_author is "Last, First" (Highwire/Google Scholar convention)."""
    last, comma, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if comma and first.strip() and "," not in first else name


_BYLINE_MARKER = re.compile(r"byline|Byline|author|Author|autor|auteur|firma|signature|writer|contributor|reporter"
                            r"|journalist")
_BYLINE_TEXT_TAGS = ("p", "span", "div", "address", "li", "strong", "em")


def _marked_bylines(root: HtmlElement) -> list[HtmlElement]:
    """Elements marked as bylines: rel/itemprop author, or a byline/author class (one pass, no XPath)."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("rel") == "author" or element.get("itemprop") == "author" or _BYLINE_MARKER.search(
                element.get("class") or "") or "byline" in (element.get("id") or ""):
            found.append(element)
    return found


def _prefixed_bylines(root: HtmlElement) -> list[HtmlElement]:
    """Short elements whose text starts with a byline prefix ("By ", "Von ", "Por ", "文/")."""
    found = []
    for element in root.iter(*_BYLINE_TEXT_TAGS):
        head = element.text or ""
        if not head.strip() and len(element) and isinstance(element[0].tag, str):
            head = f"{element[0].text or ''}{element[0].tail or ''}"
        head = " ".join(head.split()) + " "
        if head.startswith(_BYLINE_PREFIXES) and len(body_mod.normalize_space(element.text_content())) < 140:
            found.append(element)
    return found


_AUTHOR_LINKS = etree.XPath(_AUTHOR_LINK_XPATH)


def _printed_byline(page: _Page) -> tuple[list[str], str] | None:
    """Names and text of the byline as printed: by class, by a "By ..." line, or by author-page links."""
    for finder in (_marked_bylines, _prefixed_bylines, _AUTHOR_LINKS):
        chosen: list[HtmlElement] = []
        matches = finder(page.root)
        if finder is _prefixed_bylines:  # the innermost "By ..." element, not its wrappers
            inner = set()
            for element in matches:
                inner.update(element.iterancestors())
            matches = [m for m in matches if m not in inner]
        for element in matches:
            if any(element is c or c in element.iterancestors() for c in chosen):
                continue
            if _in_non_article_context(element) or body_mod.class_tokens(element) & _BYLINE_SELF_EXCLUDE:
                continue
            if chosen and not _near(element, chosen[0]):
                break
            text = _inline_text(element)
            if not text or len(text) > 200:
                continue
            chosen.append(element)
        if not chosen:
            continue
        texts = [_inline_text(e) for e in chosen]
        names = dedupe(n for e, t in zip(chosen, texts) for n in _names_in_byline(e, t))
        names = _filter_people(names, page, drop_site=False)
        if names and not (finder is _prefixed_bylines and _looks_like_sentence(texts[0])):
            return names, " ".join(texts)
    return None


def _near(element: HtmlElement, first: HtmlElement) -> bool:
    """Same parent, or cousins (one wrapper per contributor, as BBC and Arc print them)."""
    parent, first_parent = element.getparent(), first.getparent()
    if parent is first_parent:
        return True
    return (parent is not None and first_parent is not None and parent.getparent() is first_parent.getparent()
            and parent.tag == first_parent.tag and parent.get("class") == first_parent.get("class"))


def _names_in_byline(element: HtmlElement, text: str) -> list[str]:
    """One name per name element when the byline marks them up, else the parsed text.

    Marked-up names survive bylines printed without separators ("By" + one div per author)
    and keep roles printed beside them ("Sarah Rainsford" + "Eastern Europe correspondent") out.
    """
    children = [c for c in element.xpath(_NAME_CHILD_XPATH) if c is not element]
    children = [c for c in children if not any(c in o.iterancestors() for o in children if o is not c)]
    if children:
        names = normalize_authors(_inline_text(c) for c in children)
        if names:
            return names
    return split_byline(text)


def _looks_like_sentence(text: str) -> bool:
    words = text.split()
    return len(words) > 14 or (len(words) > 7 and text.rstrip().endswith((".", "!", "?")))


def _in_non_article_context(element: HtmlElement) -> bool:
    """Inside page furniture: comments, teasers, related lists, navigation, a page footer.

    An article's own <footer> (WordPress themes print byline and date there) is not furniture;
    <body> and <html> classes describe the whole page and are not looked at.
    """
    for ancestor in element.iterancestors():
        if ancestor.tag in {"body", "html"}:
            return False
        if ancestor.tag in {"nav", "aside"}:
            return True
        names = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower().split()
        words = {w for name in names for w in re.split(r"[^a-z0-9]+", name) if w}
        if (ancestor.tag == "footer" or "footer" in words) and not any(
                a.tag == "article" for a in ancestor.iterancestors()):
            return True
        if set(names) & _NOT_ARTICLE_CLASSES or (words - {"footer"}) & _NOT_ARTICLE_CONTEXT:
            return True
    return False


def _inline_text(element: HtmlElement) -> str:
    """Byline text with a space between inline elements, so adjacent names don't run together."""
    text = body_mod.normalize_space(body_mod.element_text(element, separator=" ", skip=frozenset({"time"}),
                                                        drop_boilerplate=False))
    return re.sub(r"\s+([,;])", r"\1", text)


def _same_person(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    ta, tb = a.split(), b.split()
    return len(ta) > 1 and len(tb) > 1 and name_key(ta[-1]) == name_key(tb[-1]) and ka[:1] == kb[:1]


def _authors(page: _Page) -> None:
    printed_text = " ".join(page.select_texts("byline"))
    selected = normalize_authors(page.select_texts("authors")) or split_byline(printed_text)
    if selected:
        page.set("authors", _filter_people(selected, page) or selected, "selectors")
        if printed_text:
            page.set("byline", printed_text, "selectors")
        return
    structured = _structured_authors(page)
    printed = _printed_byline(page)
    if printed:
        page.set("byline", printed[1], "text")
    if structured and printed:
        s_names, p_names = structured[0], printed[0]
        covered = all(any(_same_person(s, p) for p in p_names) for s in s_names)
        if covered and len(p_names) > len(s_names):
            page.set("authors", p_names, "text")
            return
        page.set("authors", s_names, structured[1])
        return
    if structured:
        page.set("authors", structured[0], structured[1])
    elif printed:
        page.set("authors", printed[0], "text")
    else:
        page.warn("no authors found")


# -- dates ---------------------------------------------------------------------------

@dataclass
class _DateCandidate:
    iso: str
    source: str
    text_day: str | None = None  # the calendar day as printed for readers, when the element shows one


def _date_candidates(page: _Page, which: str) -> list[_DateCandidate]:
    language = page.article.language
    node = page.data.article or {}
    webpage = page.data.page or {}
    if which == "published":
        raw = [(v, "selectors") for v in page.select_texts("date_published")]
        raw += [(text_value(node.get("datePublished")), "json-ld"),
                (text_value(node.get("dateCreated")) if not node.get("datePublished") else None, "json-ld"),
                (text_value(webpage.get("datePublished")), "json-ld")]
        raw += [(v, "microdata") for v in page.data.microdata.get("datepublished", [])]
        raw += [(v, "meta") for key in _META_PUBLISHED for v in page.data.meta.get(key, [])]
    else:
        raw = [(v, "selectors") for v in page.select_texts("date_modified")]
        raw += [(text_value(node.get("dateModified")), "json-ld"), (text_value(webpage.get("dateModified")), "json-ld")]
        raw += [(v, "microdata") for v in page.data.microdata.get("datemodified", [])]
        raw += [(v, "meta") for key in _META_MODIFIED for v in page.data.meta.get(key, [])]
    out = []
    for value, source in raw:
        iso = parse_date(value, language=language) if value else None
        if iso:
            out.append(_DateCandidate(iso, source))
    return out


def _same_instant(a: str, b: str) -> bool:
    if precision(a) != precision(b):
        return False
    try:
        return to_datetime(a) == to_datetime(b)
    except (ValueError, TypeError):
        return a == b


def _earlier(a: str, b: str) -> bool:
    try:
        if precision(a) == precision(b) == 2 or (precision(a) < 2 and precision(b) < 2):
            return to_datetime(a) < to_datetime(b)
    except (ValueError, TypeError):
        pass
    return local_day(a) < local_day(b)


def _dates(page: _Page) -> None:
    modified = _date_candidates(page, "modified")
    if modified:
        page.set("date_modified", modified[0].iso, modified[0].source)
    candidates = _date_candidates(page, "published")
    # The printed date is read only where it can change the outcome (it costs a DOM scan).
    printed = _printed_dates(page) if not candidates or candidates[0].source == "meta" or _is_utc(
        candidates[0].iso) else []
    if not candidates:
        candidates = printed or _htmldate(page)
    if not candidates:
        page.warn("no date_published found")
        return
    chosen, reason = candidates[0], None
    if chosen.source == "meta" and modified and _same_instant(chosen.iso, modified[0].iso):
        earlier = [c for c in candidates[1:] if _earlier(c.iso, chosen.iso)]
        if earlier:
            chosen, reason = earlier[0], "the meta published tag carried the modified time"
    if chosen.source == "meta" and printed and _earlier(printed[0].iso, chosen.iso):
        chosen, reason = printed[0], "the day printed on the page is earlier than its meta tag (the tag is the update)"
    better = [c for c in candidates if local_day(c.iso) == local_day(chosen.iso) and precision(c.iso) > precision(chosen.iso)]
    if better:
        chosen, reason = max(better, key=lambda c: precision(c.iso)), "same day, with time and offset"
    local = [c for c in candidates + printed if precision(c.iso) == 2 and not _is_utc(c.iso)
             and _same_instant_any_offset(c.iso, chosen.iso)] if _is_utc(chosen.iso) else []
    if local:
        chosen, reason = local[0], f"same instant as {chosen.source}, in the publisher's own offset"
    elif _is_utc(chosen.iso) and printed and printed[0] is not chosen:
        shown, layer = printed[0], chosen.source
        if shown.text_day and _day_shifted_by_utc(shown.text_day, chosen.iso):
            chosen, reason = _DateCandidate(shown.text_day, "text"), f"{layer} gives UTC; the day printed in the byline decides"
    page.set("date_published", chosen.iso, chosen.source, reason)


def _is_utc(iso: str) -> bool:
    return precision(iso) == 2 and (iso.endswith("Z") or iso.endswith("+00:00"))


def _day_shifted_by_utc(printed_day: str, utc_iso: str) -> bool:
    """The printed day is the UTC instant's day in some real time zone (UTC-12 to UTC+14), and not its UTC day."""
    instant = to_datetime(utc_iso)
    shift = (date.fromisoformat(printed_day) - instant.date()).days
    minutes = instant.hour * 60 + instant.minute
    return (shift == -1 and minutes < 12 * 60) or (shift == 1 and minutes >= 10 * 60)


def _same_instant_any_offset(a: str, b: str) -> bool:
    try:
        return to_datetime(a) == to_datetime(b)
    except (ValueError, TypeError):
        return False


_DATE_TOKENS = {"date", "time", "datetime", "timestamp", "published", "pubdate", "datum", "fecha", "data",
                "publish", "posted", "dateline", "entry-date", "post-date", "article-date", "date-published"}
_UPDATED = re.compile(r"(?i)(updated|aktualisiert|actualizado|mis à jour|atualizado|zaktualizowano|更新)")


def _printed_dates(page: _Page) -> list[_DateCandidate]:
    """The article's printed date: <time> elements, then short elements classed as dates.

    Teasers, comments and "Updated ..." stamps are skipped: they are not the publication.
    """
    language = page.article.language
    found: list[_DateCandidate] = []
    times = list(page.root.iter("time"))
    times.sort(key=lambda t: not (body_mod.class_tokens(t) & {"published", "pubdate", "datepublished"}
                                  or t.get("itemprop") == "datePublished" or t.get("pubdate") is not None))
    for element in times:
        tokens = body_mod.class_tokens(element)
        if _in_non_article_context(element) or (tokens & {"updated", "modified"} and "published" not in tokens):
            continue
        parent = element.getparent()
        before = (parent.text or "") if parent is not None else ""
        if _UPDATED.search(before[-30:]) or _UPDATED.search(element.text_content()[:20]):
            continue
        shown = parse_date(body_mod.normalize_space(element.text_content()), language=language)
        iso = parse_date(element.get("datetime"), language=language) or shown
        if iso:
            found.append(_DateCandidate(iso, "text", local_day(shown) if shown else None))
            break
    for element in page.root.xpath("//*[@class][self::p or self::span or self::div or self::li or self::small]"):
        if not body_mod.class_tokens(element) & _DATE_TOKENS or _in_non_article_context(element):
            continue
        text = body_mod.normalize_space(element.text_content())
        if not text or len(text) > 80 or _UPDATED.match(text):
            continue
        iso = parse_date(text, language=language)
        if iso:
            found.append(_DateCandidate(iso, "text", local_day(iso)))
            break
    if len(found) == 2 and local_day(found[0].iso) == local_day(found[1].iso):
        found.sort(key=lambda c: -precision(c.iso))
    return found


def _mentions_new_year(text: str, year: str) -> bool:
    return bool(re.search(rf"{year}[-/.]0?1[-/.]0?1\b|\b0?1[./]0?1[./]{year}|January 1\b|\b1 Jan|Jan\.? 1\b|"
                          rf"1\. Januar|{year}年1月1日", text))


def _htmldate(page: _Page) -> list[_DateCandidate]:
    import htmldate

    try:
        found = htmldate.find_date(page.text, extensive_search=True, original_date=True,
                                   outputformat="%Y-%m-%dT%H:%M:%S%z", url=page.url)
    except ValueError:
        found = None
    if not found:
        return []
    if found.endswith("T00:00:00"):
        found = found[:10]  # htmldate pads a bare date with midnight: don't invent a time
    if found.endswith("-01-01") and not _mentions_new_year(page.text, found[:4]):
        return []  # htmldate turns a bare year ("© 2025") into January 1: not a date the page gave
    iso = parse_date(found)
    return [_DateCandidate(iso, "htmldate")] if iso else []


# -- lead image ---------------------------------------------------------------------

def _lead_image(page: _Page) -> None:
    url = _first(page.select_texts("lead_image"))
    source = "selectors"
    if url and page.selectors.get("lead_image") and "::attr" not in page.selectors["lead_image"]:
        images = page.select_elements("lead_image")
        url = images[0].get("src") if images else None
    caption = " ".join(page.select_texts("lead_image_caption")) or None
    credit = " ".join(page.select_texts("lead_image_credit")) or None
    if not url:
        image = resolve((page.data.article or {}).get("image"), page.data.index)
        if isinstance(image, list) and image:
            image = resolve(image[0], page.data.index)
        if isinstance(image, dict):
            url = text_value(image.get("url") or image.get("contentUrl"))
            caption = caption or text_value(image.get("caption"))
            credit = credit or text_value(image.get("creditText") or image.get("copyrightHolder"))
            source = "json-ld"
        elif isinstance(image, str):
            url, source = image, "json-ld"
    if not url:
        url, source = page.data.first_meta("og:image", "twitter:image", "twitter:image:src"), "meta"
    if url and not (caption or credit):
        caption, credit = _printed_caption(page)
    if url or caption or credit:
        page.set("lead_image", {"url": urljoin(page.url, url) if url else None, "caption": caption,
                                "credit": credit}, source)
    else:
        page.warn("no lead image found")


_CREDIT_TOKENS = {"credit", "credits", "copyright", "source", "photographer", "byline", "author", "courtesy"}
_CAPTION_TOKENS = {"caption", "description", "text", "title"}


def _printed_caption(page: _Page) -> tuple[str | None, str | None]:
    """Caption and credit of the first article figure: the lead image as printed."""
    for figure in page.root.iter("figure"):
        caption_el = figure.find(".//figcaption")
        if caption_el is None or figure.find(".//img") is None or _in_non_article_context(figure):
            continue
        credit_els = [e for e in caption_el.iter() if body_mod.class_tokens(e) & _CREDIT_TOKENS]
        credit = body_mod.normalize_space(credit_els[0].text_content()) if credit_els else ""
        caption_els = [e for e in caption_el.iter() if e is not caption_el
                       and body_mod.class_tokens(e) & _CAPTION_TOKENS and e not in credit_els]
        if caption_els:
            caption = body_mod.normalize_space(caption_els[0].text_content())
        else:
            caption = body_mod.normalize_space(caption_el.text_content())
            if credit and caption.endswith(credit):
                caption = caption[: -len(credit)].strip()
        return caption or None, credit or None
    return None, None


# -- body ------------------------------------------------------------------------------

def _body(page: _Page) -> None:
    result, source = None, None
    containers = page.select_elements("body")
    if containers:
        result = body_mod.body_from_containers(containers, page.url, page.select_elements("related"))
        source = "selectors"
    if (result is None or not result.paragraphs) and page.data.microdata_body is not None:
        result = body_mod.body_from_containers([page.data.microdata_body], page.url)
        source = "microdata"
    if result is None or not result.paragraphs:
        result, source = _general_body(page)
    if result is None or not result.paragraphs:
        page.warn("no body text found")
        return
    for index in (1, 0):
        if index < len(result.paragraphs) and looks_like_byline(result.paragraphs[index]):
            body_mod.drop_paragraph(result, index)  # the byline printed as the first paragraph
    tagline = author_tagline(result.paragraphs[-1]) if len(result.paragraphs) > 1 else None
    if tagline:
        body_mod.drop_paragraph(result, len(result.paragraphs) - 1)  # "Jane Doe is a columnist."
        if not page.article.authors:
            page.set("authors", [tagline], "text")
            page.warnings[:] = [w for w in page.warnings if w != "no authors found"]
    page.set("body", result.paragraphs, source)
    page.set("text", "\n\n".join(result.paragraphs), source)
    if result.related:
        page.set("related", result.related, source)
    if result.links:
        page.set("links", result.links, source)


def _general_body(page: _Page) -> tuple[body_mod.Body | None, str | None]:
    """JSON-LD articleBody when it keeps paragraphs and is not a stub, else trafilatura."""
    structured_text = text_value((page.data.article or {}).get("articleBody"))
    structured = body_mod.body_from_text(structured_text) if structured_text else None
    if structured and len(structured.paragraphs) >= 2:
        return structured, "json-ld"
    scored, source = _scored_body(page), "text"
    extracted = scored
    if scored is None or _chars(scored) < _MIN_SCORED_CHARS:  # last step: trafilatura may prune the tree
        second = body_mod.body_from_trafilatura(page.root, page.url)
        if scored is None or _chars(second) > 1.5 * _chars(scored):
            extracted, source = second, "trafilatura"
    if structured and structured.paragraphs:
        extracted_len = sum(len(p) for p in extracted.paragraphs)
        if extracted_len < 0.5 * len(structured_text or ""):
            page.warn("body from JSON-LD articleBody: the page shows less text (teaser or paywall)")
            return structured, "json-ld"
    if extracted.paragraphs:
        return extracted, source
    return structured, "json-ld" if structured else None


_MIN_SCORED_CHARS = 800  # below this, a second opinion (trafilatura) is worth its cost


def _scored_body(page: _Page) -> body_mod.Body | None:
    """The article container found by paragraph scoring, walked like an outlet's body."""
    containers = content.main_containers(page.root)
    if not containers:
        return None
    found = body_mod.body_from_containers(containers, page.url, keep_tables=True)
    return found if found.paragraphs else None


def _chars(found: body_mod.Body) -> int:
    return sum(len(p) for p in found.paragraphs)


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None
