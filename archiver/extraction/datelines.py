"""Publication and modification dates: every layer's candidates, and the rules that pick one
(datePublished beats modified dates; a time and offset beat a bare day; a UTC instant yields
to the same instant in the publisher's offset or the day printed in the byline)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from archiver.extraction import body as body_mod
from archiver.extraction.dates import local_day, parse_date, precision, to_datetime
from archiver.extraction.structured import text_value
from archiver.extraction.page import ArticlePage
from archiver.extraction.bylines import in_non_article_context

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

# -- dates ---------------------------------------------------------------------------

@dataclass
class _DateCandidate:
    iso: str
    source: str
    text_day: str | None = None  # the calendar day as printed for readers, when the element shows one


def _date_candidates(page: ArticlePage, which: str) -> list[_DateCandidate]:
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


def dates(page: ArticlePage) -> None:
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


def _printed_dates(page: ArticlePage) -> list[_DateCandidate]:
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
        if in_non_article_context(element) or (tokens & {"updated", "modified"} and "published" not in tokens):
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
        if not body_mod.class_tokens(element) & _DATE_TOKENS or in_non_article_context(element):
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


def _htmldate(page: ArticlePage) -> list[_DateCandidate]:
    import htmldate  # costly import, needed only where no layer gave a date

    try:
        # bytes, never a str: htmldate downloads a str that looks like a URL (a body "https://...")
        found = htmldate.find_date(page.text.encode("utf-8", "replace"), extensive_search=True, original_date=True,
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


