"""Per field: the server's HTML or the rendered DOM (archiver.extraction.choice), on saved pairs.

The pairs are in tests/sample_data/source_pairs (its README says how each was made).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extraction import extract_article
from archiver.extraction.choice import ALL_FIELDS, Document, extract_best
from archiver.extraction.shells import judge_shell
from archiver.sample import load_articles
from archiver.sample.lantern import SHELL

PAIRS = Path(__file__).parent / "sample_data" / "source_pairs"


def pair(name: str) -> tuple[Document, Document | None, str]:
    folder = PAIRS / name
    dom = folder / "dom.html"
    return (Document((folder / "server.html").read_bytes()), Document(dom.read_bytes()) if dom.exists() else None,
            (folder / "url.txt").read_text().strip())


def expected(outlet: str, url: str) -> dict:
    path = "/" + url.split("/", 3)[3]
    return next(a for a in load_articles(outlet) if a["url"] == path)


def test_a_shell_takes_every_field_from_the_rendered_dom():
    server, dom, url = pair("shell")
    server_only = extract_article(server.html, url)
    assert server_only.title == "The Lantern"                       # what the shell alone gives
    article = extract_best(server, dom, url, outlet="lantern")
    want = expected("lantern", url)
    assert article.title == want["title"] and article.subtitle == want["subtitle"]
    assert article.authors == want["authors"] and article.byline == want["byline"]
    assert article.date_published == want["date_published"] and article.date_modified == want["date_modified"]
    assert article.body == want["body"]
    assert article.original_url == want["original_url"]
    assert set(article.extraction["source"].values()) == {"dom"}
    assert article.extraction["source"]["body"] == "dom" and article.extraction["source"]["title"] == "dom"
    assert article.extraction["sources"]["date_published"] == "json-ld"    # the JSON-LD the app added
    assert article.extraction["shell"]["shell"] is True
    assert "You need to enable JavaScript" not in (article.text or "")


def test_a_consent_overlay_in_the_dom_leaves_the_server_body():
    server, dom, url = pair("consent_overlay")
    want = expected("harbourgazette", url)
    assert extract_article(dom.html, url, outlet="harbourgazette").body != want["body"]   # the DOM alone is wrong
    article = extract_best(server, dom, url, outlet="harbourgazette")
    assert article.title == want["title"] and article.authors == want["authors"]
    assert article.date_published == want["date_published"]
    assert article.body == want["body"]
    assert not any("privacy" in p or "cookies" in p for p in article.body)
    assert set(article.extraction["source"].values()) == {"server"}
    assert "shell" not in article.extraction


def test_a_hydrated_page_where_both_agree_keeps_the_server_html():
    server, dom, url = pair("hydrated")
    from_server = extract_article(server.html, url, outlet="themoscowtimes")
    from_dom = extract_article(dom.html, url, outlet="themoscowtimes")
    for name in ("title", "authors", "date_published", "body"):
        assert getattr(from_server, name) == getattr(from_dom, name), name
    article = extract_best(server, dom, url, outlet="themoscowtimes")
    assert article.title == from_server.title and article.body == from_server.body
    assert set(article.extraction["source"].values()) == {"server"}
    assert article.extraction["sources"] == from_server.extraction["sources"]


def test_framework_data_fills_a_shell_that_nothing_rendered():
    server, dom, url = pair("next_data")
    assert dom is None
    article = extract_best(server, None, url)
    assert article.title == "Ferry Timetable Changes After Pier Inspection"
    assert article.subtitle == "Two crossings an hour until the north pier is repaired."
    assert article.authors == ["Ruth Adeyemi", "Colm Byrne"]
    assert article.date_published == "2025-11-20T07:15:00+00:00"
    assert article.section == "Transport" and article.tags == ["Ferries", "Harbour"]
    assert len(article.body) == 3 and article.body[0].startswith("The harbour ferry will run")
    assert article.extraction["sources"]["body"] == "bootstrap:__NEXT_DATA__"
    assert article.extraction["source"]["title"] == "server"      # the record the data is embedded in


def test_a_shell_without_a_dom_keeps_no_noscript_body():
    article = extract_best(Document(SHELL), None, "http://127.0.0.1:8000/news/2025/11/28/x")
    assert article.body == [] and article.text is None
    assert any("app shell" in w for w in article.extraction["warnings"])


@pytest.mark.parametrize("html, shell", [
    (SHELL, True),
    ('<html><body><div id="app"></div><script>window.__INITIAL_STATE__ = {"a": 1};</script></body></html>', True),
    ('<html><body><app-root></app-root><script src="/main.js"></script></body></html>', True),
    ('<html><body><div id="root"><h1>A headline</h1><p>' + "Printed by the server. " * 30
     + '</p></div><noscript>Please enable JavaScript</noscript></body></html>', False),
    ("<html><body><p>Short page, no scripts and no app.</p></body></html>", False),
])
def test_shell_verdicts(html, shell):
    assert judge_shell(html).shell is shell


def test_nuxt_payload_and_initial_state_are_read():
    from archiver.extraction.bootstrap import article_fields
    from archiver.extraction.document import parse_html
    body = "A paragraph of the story long enough to count as an article body. " * 4
    nuxt = json.dumps([{"data": 1}, {"story": 2}, {"title": 3, "content": 4, "author": 5}, "Nuxt headline",
                       f"<p>{body}</p><p>Second paragraph.</p>", {"name": 6}, "Ana Lima"])
    root = parse_html(f'<html><body><div id="__nuxt"></div><script type="application/json" id="__NUXT_DATA__">'
                      f'{nuxt}</script></body></html>')
    name, fields = article_fields(root)
    assert name == "__NUXT_DATA__" and fields["title"] == "Nuxt headline" and fields["authors"] == ["Ana Lima"]
    assert fields["body"] == [body.strip(), "Second paragraph."]
    state = json.dumps({"article": {"headline": "State headline", "articleBody": body, "publishedAt": "2025-01-02"}})
    root = parse_html(f"<html><body><div id=app></div><script>window.__INITIAL_STATE__ = {state};"
                      f"</script></body></html>")
    name, fields = article_fields(root)
    assert name == "window.__INITIAL_STATE__" and fields["title"] == "State headline"
    assert fields["date_published"] == "2025-01-02"


def test_every_field_is_named_once():
    assert len(ALL_FIELDS) == len(set(ALL_FIELDS))

