"""Authors and the printed byline: outlet selectors, structured data (JSON-LD, microdata, meta),
then the byline printed on the page, reconciled so a printed byline that extends a structured
author list wins (JSON-LD often names only the first of several authors)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from archiver.extraction import body as body_mod
from archiver.extraction.names import (dedupe, is_generic, name_key, normalize_authors,
                                       split_byline)
from archiver.extraction.structured import jsonld_people, resolve, text_value
from archiver.extraction.page import ArticlePage

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

# -- authors -----------------------------------------------------------------------

def site_names(page: ArticlePage) -> list[str]:
    names = [page.data.first_meta("og:site_name"), page.data.first_meta("application-name"),
             page.data.first_meta("twitter:site"), page.article.outlet]
    publisher = resolve((page.data.article or {}).get("publisher"), page.data.index)
    names.append(text_value(publisher))
    return [n.lstrip("@") for n in names if n]


def _filter_people(names: list[str], page: ArticlePage, *, drop_site: bool = True) -> list[str]:
    """Drop placeholders ("Staff", "Redaktion") and, unless printed as a byline, the outlet's own name."""
    sites = site_names(page) if drop_site else []
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
        site_keys = [name_key(site) for site in site_names(page)]
        people = [n for n in out if not any(k and (k.startswith(name_key(n)) or name_key(n).startswith(k))
                                            for k in site_keys)]
        out = people or out
    return out


def _structured_authors(page: ArticlePage) -> tuple[list[str], str] | None:
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


def _printed_byline(page: ArticlePage) -> tuple[list[str], str] | None:
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
            if in_non_article_context(element) or body_mod.class_tokens(element) & _BYLINE_SELF_EXCLUDE:
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


def in_non_article_context(element: HtmlElement) -> bool:
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


def authors(page: ArticlePage) -> None:
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


