"""One item from two archived documents of a page: the server's HTML and the rendered DOM.

A rendered page is archived twice: the HTML the server sent (its response
record) and the DOM after the browser ran the page's scripts and behaviours
(its ``urn:dom:`` record). Neither is always better, so each field is taken
from the document that has it:

* the server's HTML is a shell (``archiver.extraction.shells``): every field
  comes from the rendered DOM, where the app printed the article;
* otherwise the server's HTML wins field by field (it is what the server
  said, and a DOM may carry a consent overlay or a widget), and the DOM fills
  only what the server's HTML lacks: a byline, date or body the app added;
* framework data embedded in either document (``archiver.extraction.bootstrap``)
  fills what is still missing.

``extraction["source"]`` names the document each field came from ("server" or
"dom"); the caller maps those names to WARC records (``extraction["records"]``).
Pure: documents in, item out; crawl and re-extraction from the WARC run the
same function, so they build the same item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archiver.extraction.article import extract_article
from archiver.extraction.bootstrap import article_fields
from archiver.extraction.dates import parse_date
from archiver.extraction.document import decode_html, parse_html
from archiver.extraction.shells import judge_shell
from archiver.items import Article

SERVER, DOM = "server", "dom"
# Fields taken together from one document: a body with its links, authors with their byline.
FIELD_GROUPS: tuple[tuple[str, ...], ...] = (
    ("title",), ("subtitle",), ("authors", "byline"), ("date_published",), ("date_modified",), ("section",),
    ("tags",), ("language",), ("description",), ("body", "text", "links"), ("lead_image",), ("related",),
    ("original_url",),
)
ALL_FIELDS = tuple(name for group in FIELD_GROUPS for name in group)
# Without these the server's HTML is incomplete and the rendered DOM is read too.
KEY_FIELDS = ("title", "authors", "date_published", "body")
SHORT_BODY = 250     # characters: a server body this short (a teaser) loses to a DOM body more than twice as long


@dataclass(frozen=True)
class Document:
    """One archived rendition of the page: its bytes and their charset."""
    html: bytes | str
    encoding: str | None = None


def extract_best(server: Document | None, dom: Document | None, url: str, *, outlet: str | None = None,
                 selectors: Mapping[str, str] | None = None) -> Article:
    """The page's item from the best document per field (see the module docstring)."""
    if server is None and dom is None:
        raise ValueError("extract_best needs the server's HTML, the rendered DOM, or both")
    options: dict[str, Any] = {"outlet": outlet, "selectors": selectors}
    verdict = judge_shell(server.html, server.encoding) if server is not None else None
    if dom is not None and (verdict is None or verdict.shell):
        article = extract_article(dom.html, url, encoding=dom.encoding, **options)
        origin = dict.fromkeys(ALL_FIELDS, DOM)
        if verdict is not None:
            article.extraction["warnings"].append(
                f"the server's HTML is an app shell ({', '.join(verdict.signs)}): fields from the rendered DOM")
        documents = [(dom, DOM), (server, SERVER)]
    else:
        assert server is not None and verdict is not None
        article = extract_article(server.html, url, encoding=server.encoding, **options)
        origin = dict.fromkeys(ALL_FIELDS, SERVER)
        if verdict.shell:
            # nothing rendered it: its "body" is the noscript message, and only framework data can say more
            for name in ("body", "text", "links"):
                setattr(article, name, [] if name != "text" else None)
                article.extraction["sources"].pop(name, None)
            article.extraction["warnings"].append(
                f"the server's HTML is an app shell ({', '.join(verdict.signs)}) and no rendered DOM was "
                "archived: render it (--render auto or always) for its text")
        elif dom is not None and _incomplete(article):
            _fill_from(article, extract_article(dom.html, url, encoding=dom.encoding, **options), origin)
        documents = [(server, SERVER), (dom, DOM)]
    replace = bool(verdict is not None and verdict.shell and dom is None)    # a shell's own fields are chrome
    for document, name in documents:
        if document is not None and (replace or _lacks_key_field(article)):
            _fill_from_bootstrap(article, document, name, origin, replace=replace)
    article.extraction["source"] = {f: origin[f] for f in ALL_FIELDS if not _empty(getattr(article, f))}
    if verdict is not None and verdict.signs:
        article.extraction["shell"] = {"shell": verdict.shell, "signs": list(verdict.signs),
                                       "text_length": verdict.text_length}
    return article


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _lacks_key_field(article: Article) -> bool:
    return any(_empty(getattr(article, f)) for f in KEY_FIELDS)


def _incomplete(article: Article) -> bool:
    return _lacks_key_field(article) or len(article.text or "") < SHORT_BODY


def _fill_from(article: Article, other: Article, origin: dict[str, str]) -> None:
    """Take each field group the server's item lacks (or a much longer body) from the DOM's item."""
    sources, other_sources = article.extraction["sources"], other.extraction["sources"]
    for group in FIELD_GROUPS:
        lead = group[0]
        mine, theirs = getattr(article, lead), getattr(other, lead)
        missing = _empty(mine) or (lead == "original_url" and sources.get(lead) == "text")
        if lead == "body":
            mine_len, theirs_len = len(article.text or ""), len(other.text or "")
            missing = mine_len < SHORT_BODY and theirs_len > 2 * mine_len
        if not missing or _empty(theirs) or (lead == "original_url" and other_sources.get(lead) == "text"):
            continue
        for name in group:
            setattr(article, name, getattr(other, name))
            origin[name] = DOM
            if name in other_sources:
                sources[name] = other_sources[name]
            else:
                sources.pop(name, None)


def _fill_from_bootstrap(article: Article, document: Document, name: str, origin: dict[str, str],
                         replace: bool = False) -> None:
    """Fields of the framework data in *document*: where the item lacks them, or all of them (*replace*)."""
    root = parse_html(decode_html(document.html, document.encoding).text)
    found = article_fields(root) if root is not None else None
    if found is None:
        return
    block, fields = found
    for key in ("date_published", "date_modified"):
        if key in fields:
            fields[key] = parse_date(fields[key], language=article.language)
    sources = article.extraction["sources"]
    for key, value in fields.items():
        if _empty(value) or not (replace or _empty(getattr(article, key))):
            continue
        setattr(article, key, value)
        origin[key] = name
        sources[key] = f"bootstrap:{block}"
        if key == "body":
            article.text = "\n\n".join(value)
            origin["text"] = name
            sources["text"] = f"bootstrap:{block}"
    filled = {w for key in fields for w in (f"no {key} found", f"no {key.replace('_', ' ')} found",
                                            "no body text found" if key == "body" else "")}
    article.extraction["warnings"] = [w for w in article.extraction["warnings"] if w not in filled]
