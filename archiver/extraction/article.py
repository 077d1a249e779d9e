"""Reconcile the layers into one ``Article``, recording where each field came from.

Layers, strongest first: the outlet's CSS selectors, structured data (JSON-LD,
microdata, meta tags), the printed page ("text": byline and <time> elements),
then trafilatura and htmldate. The rules that pick between layers are the ones
that matter for research counts:

* a printed byline beats a structured author list it contains and extends
  (JSON-LD often names only the first of several authors): ``bylines``;
* datePublished beats every modified date, and a meta "published" date equal
  to the modified date loses to an earlier candidate; of two candidates on the
  same day, the one with a time and offset wins: ``datelines``;
* original_url is the canonical link, else og:url, else the fetched URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from archiver.items import Article
from archiver.extraction import body as body_mod
from archiver.extraction import content
from archiver.extraction.agreement import KEEP_SCORED_COVERS, KEEP_SCORED_INSIDE, agreement, merged, stripped
from archiver.extraction.document import decode_html, parse_html
from archiver.extraction.names import author_tagline, looks_like_byline, name_key
from archiver.extraction.structured import read_structured, resolve, text_value
from archiver.extraction.page import ArticlePage
from archiver.extraction.standfirst import printed_standfirst, with_standfirst
from archiver.extraction.bylines import authors, in_non_article_context, site_names
from archiver.extraction.datelines import dates
from archiver.verdict.access import assess_access, paywalled_sections, strip_paywall_boxes

SELECTOR_KEYS = (
    "title", "subtitle", "byline", "authors", "date_published", "date_modified", "section", "tags", "body",
    "lead_image", "lead_image_caption", "lead_image_credit", "related",
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:·•»]\s+|\s+-\s+")


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
    page = ArticlePage(root=root, text=decoded.text, url=url, data=read_structured(root, url),
                       selectors=selectors or {}, article=article)
    if unknown:
        page.warn(f"unknown selector keys ignored: {', '.join(sorted(unknown))}")
    if page.data.jsonld_errors:
        page.warn(f"{page.data.jsonld_errors} JSON-LD block(s) could not be parsed")
    _original_url(page)
    _language(page)
    _title(page)
    _simple_fields(page)
    authors(page)
    dates(page)
    _lead_image(page)
    boxes = strip_paywall_boxes(root, keep=paywalled_sections(root, page.data.article))
    _body(page)
    finding = assess_access(root, decoded.text, page.data.article, len(" ".join(article.body).split()), boxes)
    article.access, article.access_evidence = finding.access.value, finding.evidence
    article.extraction = {"sources": page.sources, "warnings": page.warnings}
    if page.reasons:
        article.extraction["reasons"] = page.reasons
    return article


# -- fields ----------------------------------------------------------------------

def _original_url(page: ArticlePage) -> None:
    for value, source in ((page.data.canonical, "meta"), (page.data.first_meta("og:url"), "meta")):
        if value and urlsplit(urljoin(page.url, value)).scheme in {"http", "https"}:
            page.set("original_url", urljoin(page.url, value), source)
            return
    page.set("original_url", page.url, "text")


def _language(page: ArticlePage) -> None:
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


def _title(page: ArticlePage) -> None:
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


def _heading_in_title_tag(page: ArticlePage, title_text: str) -> str | None:
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


def _strip_site_suffix(title: str, page: ArticlePage) -> str:
    """"Headline | Site" -> "Headline", only when the piece removed names the site."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    sites = site_names(page)
    host = urlsplit(page.url).hostname or ""
    kept = [p for p in parts if not (any(name_key(p) == name_key(s) for s in sites)
                                     or (len(name_key(p)) > 3 and name_key(p) in name_key(host)))]
    if kept and len(kept) < len(parts):
        separator = _TITLE_SEPARATORS.search(title).group(0)
        return separator.join(kept).strip()
    return title


def _simple_fields(page: ArticlePage) -> None:
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


def _printed_subtitle(page: ArticlePage) -> str | None:
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
        if body_mod.class_tokens(element) & _SUBTITLE_TOKENS and not in_non_article_context(element):
            text = body_mod.normalize_space(element.text_content())
            if 10 <= len(text) <= 400:
                return text
    return None


# -- lead image ---------------------------------------------------------------------

def _lead_image(page: ArticlePage) -> None:
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


def _printed_caption(page: ArticlePage) -> tuple[str | None, str | None]:
    """Caption and credit of the first article figure: the lead image as printed."""
    for figure in page.root.iter("figure"):
        caption_el = figure.find(".//figcaption")
        if caption_el is None or figure.find(".//img") is None or in_non_article_context(figure):
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

def _body(page: ArticlePage) -> None:
    result, source, reason = None, None, None
    standfirst = printed_standfirst(page.root, [page.data.first_meta(key) for key in _DESCRIPTION_KEYS])
    containers = page.select_elements("body")
    if containers:
        result = body_mod.body_from_containers(containers, page.url, page.select_elements("related"))
        source = "selectors"
    if (result is None or not result.paragraphs) and page.data.microdata_body is not None:
        result = body_mod.body_from_containers([page.data.microdata_body], page.url)
        source = "microdata"
    if result is None or not result.paragraphs:
        result, source, reason = _general_body(page)
    if result is None or not result.paragraphs:
        page.warn("no body text found")
        return
    if standfirst and source in _BODIES_WITHOUT_STANDFIRST and with_standfirst(result, standfirst, page.article.subtitle):
        why = "the printed standfirst (the page's description) put before the body"
        reason = f"{reason}; {why}" if reason else why
    for index in (1, 0):
        if index < len(result.paragraphs) and looks_like_byline(result.paragraphs[index]):
            body_mod.drop_paragraph(result, index)  # the byline printed as the first paragraph
    tagline = author_tagline(result.paragraphs[-1]) if len(result.paragraphs) > 1 else None
    if tagline:
        body_mod.drop_paragraph(result, len(result.paragraphs) - 1)  # "Jane Doe is a columnist."
        if not page.article.authors:
            page.set("authors", [tagline], "text")
            page.warnings[:] = [w for w in page.warnings if w != "no authors found"]
    page.set("body", result.paragraphs, source, reason)
    page.set("text", "\n\n".join(result.paragraphs), source)
    if result.related:
        page.set("related", result.related, source)
    if result.links:
        page.set("links", result.links, source)


_DESCRIPTION_KEYS = ("description", "og:description", "twitter:description")
_BODIES_WITHOUT_STANDFIRST = {"json-ld", "microdata", "text"}  # not an outlet's selectors, not trafilatura's text


def _general_body(page: ArticlePage) -> tuple[body_mod.Body | None, str | None, str | None]:
    """JSON-LD articleBody when it keeps paragraphs and is not a stub, else the paragraph-scored
    body checked against trafilatura's (archiver.extraction.agreement); (body, source, why)."""
    structured_text = text_value((page.data.article or {}).get("articleBody"))
    structured = body_mod.body_from_text(structured_text) if structured_text else None
    if structured and len(structured.paragraphs) >= 2:
        return structured, "json-ld", None
    containers = content.main_containers(page.root)
    scored, source = _scored_body(page, containers), "text"
    extracted, reason = scored, None
    furniture = content.furniture_keys(page.root, containers)  # read before trafilatura prunes the tree
    second = body_mod.body_from_trafilatura(page.root, page.url)  # last step: trafilatura may prune the tree
    if scored is None:
        extracted, source = second, "trafilatura"
    elif second.paragraphs:
        extracted, source, reason = _reconcile(scored, second, furniture)
    if structured and structured.paragraphs:
        extracted_len = sum(len(p) for p in extracted.paragraphs)
        if extracted_len < 0.5 * len(structured_text or ""):
            page.warn("body from JSON-LD articleBody: the page shows less text (teaser or paywall)")
            return structured, "json-ld", None
    if extracted.paragraphs:
        return extracted, source, reason
    return structured, ("json-ld" if structured else None), None


def _reconcile(scored: body_mod.Body, second: body_mod.Body,
               furniture: frozenset[str] = frozenset()) -> tuple[body_mod.Body, str, str | None]:
    """The scored body where trafilatura's text agrees with it; the two merged where the scored block
    is a part of trafilatura's text; else trafilatura's text less the scorer's page furniture; saying why."""
    found = agreement("\n".join(scored.paragraphs), "\n".join(second.paragraphs))
    if found.keeps_first:
        return scored, "text", None
    if found.inside >= KEEP_SCORED_INSIDE:
        body, added, dropped = merged(scored, second, furniture)
        return body, "text", (f"merged: the paragraph-scored text holds only {found.covers:.0%} of trafilatura's "
                               f"words (the scored block is a part of the article); {added} of trafilatura's "
                               f"paragraphs added, {dropped} left out as page furniture")
    if found.covers < KEEP_SCORED_COVERS:
        return second, "trafilatura", (f"trafilatura won: the two texts share little ({found.inside:.0%} of the "
                                       f"scored words, {found.covers:.0%} of its own); the scored block is another "
                                       "part of the page")
    why = (f"trafilatura won: {1 - found.inside:.0%} of the paragraph-scored words are not in its text "
           "(the scored block adds page furniture)")
    body, dropped = stripped(second, furniture)
    if dropped and body.paragraphs:
        return body, "trafilatura", f"{why}; {dropped} of its paragraphs left out as page furniture"
    return second, "trafilatura", why


def _scored_body(page: ArticlePage, containers: list[HtmlElement]) -> body_mod.Body | None:
    """The article containers found by paragraph scoring (``content.main_containers``), walked like an
    outlet's body."""
    if not containers:
        return None
    found = body_mod.body_from_containers(containers, page.url, keep_tables=True)
    return found if found.paragraphs else None


def _chars(found: body_mod.Body) -> int:
    return sum(len(p) for p in found.paragraphs)


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None
