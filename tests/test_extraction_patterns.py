"""One small page per pattern that real pages got wrong (issue 16): bylines, dates, body furniture.

Each page isolates one pattern, with no JSON-LD or meta tags unless the pattern is about them,
so the printed page is all the extractor has, as on a WordPress site.
"""

from __future__ import annotations

import pytest

from archiver.extraction import extract_article

URL = "https://news.example/2025/01/16/story/"
PROSE = "".join(
    f"<p>Paragraph {n} of the story tells what happened in the city council, who voted, and why it matters "
    f"to the people living there.</p>" for n in range(1, 6))


def page(article: str = "", *, head: str = "", lang: str = "en", outside: str = "", body: str = PROSE) -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Council votes on budget'
            f' | News Example</title>{head}</head><body><header class="site-header"><a href="/">News Example</a>'
            f'</header><main><article><h1>Council votes on budget</h1>{article}<div class="entry-content">{body}'
            f"</div></article>{outside}</main><footer>© 2019 News Example</footer></body></html>")


def authors(html: str, lang: str = "en") -> list[str]:
    return extract_article(html, URL).authors


# -- bylines in the visible text ------------------------------------------------------------

@pytest.mark.parametrize("byline, lang, expected", [
    ("Von Anna Schmidt", "de", ["Anna Schmidt"]),
    ("Por María López", "es", ["María López"]),
    ("Par Jean Dupont", "fr", ["Jean Dupont"]),
    ("By Jane Doe | January 16, 2025", "en", ["Jane Doe"]),
    ("By Jane Doe and John Roe", "en", ["Jane Doe", "John Roe"]),
])
def test_printed_byline_prefixes(byline: str, lang: str, expected: list[str]) -> None:
    assert extract_article(page(f"<p>{byline}</p>", lang=lang), URL).authors == expected


def test_rel_author_link() -> None:
    assert authors(page('<div class="meta">Written up by <a rel="author" href="/u/jd">Jane Doe</a></div>')) == [
        "Jane Doe"]


@pytest.mark.parametrize("cls", ["author", "byline", "autor"])
def test_author_classes(cls: str) -> None:
    assert authors(page(f'<span class="{cls}">Jane Doe</span>')) == ["Jane Doe"]


def test_blog_single_first_name() -> None:
    assert authors(page('<span class="byline">By <a rel="author" href="/author/maria/">Maria</a></span>')) == [
        "Maria"]


@pytest.mark.parametrize("byline, expected", [
    ("By Slate Staff", ["Slate Staff"]),
    ("By Team Kitchen", ["Team Kitchen"]),
])
def test_organisation_kept_whole(byline: str, expected: list[str]) -> None:
    assert authors(page(f'<div class="byline">{byline}</div>')) == expected


# -- names that are not authors -----------------------------------------------------------------

def test_photo_credits_are_not_authors() -> None:
    html = page('<div class="byline">By Jane Doe</div><figure><img src="/a.jpg"><figcaption>'
                '<span class="credit">Image: Getty Images</span></figcaption></figure>'
                '<p class="photo-credit">Photo provided by John Roe</p>')
    assert authors(html) == ["Jane Doe"]


def test_job_title_glued_to_name_is_stripped() -> None:
    assert authors(page('<div class="autor">Von Anna Schmidt Chefredakteur</div>', lang="de")) == ["Anna Schmidt"]


def test_section_label_beside_byline_is_not_a_name() -> None:
    assert authors(page('<div class="byline"><a class="section" href="/politics">Politics</a> | By Jane Doe</div>')) \
        == ["Jane Doe"]


def test_review_by_prefix() -> None:
    assert authors(page('<div class="byline">Review by Jane Doe</div>')) == ["Jane Doe"]


def test_our_expert_is_not_a_name() -> None:
    assert authors(page('<div class="author">Our expert: Jane Doe</div>')) == ["Jane Doe"]


def test_teaser_bylines_are_ignored() -> None:
    teasers = ('<section class="related-stories"><article><h3>Other story</h3><span class="byline">By Max Other'
               '</span></article></section><div class="recommended"><span class="author">By Eva Else</span></div>')
    assert authors(page('<div class="byline">By Jane Doe</div>', outside=teasers)) == ["Jane Doe"]


def test_no_byline_means_no_author_not_a_teaser_author() -> None:
    teasers = '<aside><article><h3>Other story</h3><span class="byline">By Max Other</span></article></aside>'
    assert authors(page(outside=teasers)) == []


# -- dates ------------------------------------------------------------------------------------------

def test_time_with_offset_is_kept_whole() -> None:
    html = page('<time class="entry-date published" datetime="2025-01-16T18:45:00-08:00">January 16, 2025</time>')
    assert extract_article(html, URL).date_published == "2025-01-16T18:45:00-08:00"


def test_utc_instant_yields_to_publisher_offset_of_the_same_instant() -> None:
    head = '<meta property="article:published_time" content="2025-12-24T02:00:00Z">'
    html = page('<time datetime="2025-12-23T18:00:00-08:00">December 23, 2025</time>', head=head)
    article = extract_article(html, URL)
    assert article.date_published == "2025-12-23T18:00:00-08:00"
    assert "offset" in article.extraction["reasons"]["date_published"]


def test_utc_only_time_and_printed_day_decides() -> None:
    head = '<meta property="article:published_time" content="2025-12-24T02:00:00Z">'
    html = page('<span class="date">December 23, 2025</span>', head=head)
    article = extract_article(html, URL)
    assert article.date_published[:10] == "2025-12-23"
    assert "printed" in article.extraction["reasons"]["date_published"]  # the printed day, by either rule


def test_website_node_date_is_not_the_article_date() -> None:
    graph = ('{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"News Example",'
             '"datePublished":"2009-03-01"},{"@type":"NewsArticle","headline":"Council votes on budget",'
             '"datePublished":"2025-01-16T09:30:00+01:00"}]}')
    html = page(head=f'<script type="application/ld+json">{graph}</script>')
    assert extract_article(html, URL).date_published == "2025-01-16T09:30:00+01:00"


def test_copyright_and_comment_dates_are_ignored() -> None:
    comments = ('<section class="comments"><div class="comment"><time datetime="2025-02-01T10:00:00+00:00">'
                'Feb 1</time> Great read!</div></section>')
    html = page('<span class="posted-on">Posted on <time datetime="2025-01-16T08:00:00+01:00">16 January 2025'
                '</time></span>', outside=comments)
    assert extract_article(html, URL).date_published == "2025-01-16T08:00:00+01:00"


def test_published_date_beats_modified() -> None:
    html = page('<time class="updated" datetime="2025-03-01T10:00:00+01:00">1 March</time>'
                '<time class="published" datetime="2025-01-16T08:00:00+01:00">16 January</time>')
    assert extract_article(html, URL).date_published == "2025-01-16T08:00:00+01:00"


# -- body ---------------------------------------------------------------------------------------------

BODY_WITH_STRUCTURE = (
    PROSE + "<h2>What the budget funds</h2><p>Short one.</p><ul><li>Schools get new roofs</li>"
    "<li>Buses run later</li></ul><table><tr><td>Parks</td><td>2.1 million</td></tr></table>"
    "<figure><img src='/x.jpg'><figcaption>The council chamber on Tuesday.</figcaption></figure>"
    "<div class='related'><h3>More on this topic</h3><ul><li><a href='/a'>Older budget story</a></li>"
    "<li><a href='/b'>Another budget story</a></li></ul></div>"
    "<div class='newsletter'>Sign up for our newsletter to get the news first.</div>"
    "<p>The final vote is expected next month, the mayor said.</p><p><a href='#top'>Back to top</a></p>")


def test_body_keeps_article_parts_and_drops_furniture() -> None:
    text = extract_article(page(body=BODY_WITH_STRUCTURE), URL).text
    for kept in ("What the budget funds", "Short one.", "Schools get new roofs", "Buses run later",
                 "Parks 2.1 million", "The final vote is expected next month"):
        assert kept in text, kept
    for dropped in ("The council chamber on Tuesday", "Older budget story", "Sign up for our newsletter",
                    "Back to top"):
        assert dropped not in text, dropped


# -- WordPress Twenty Twenty-One, as WordPress 6 prints a single post -----------------------------------

TWENTY_TWENTY_ONE = """<!doctype html><html lang="en-US"><head><meta charset="UTF-8">
<title>Council votes on budget &#8211; Springfield Ledger</title></head>
<body class="post-template-default single single-post postid-12 single-format-standard wp-embed-responsive is-light-theme no-js singular has-main-navigation">
<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header has-title-and-tagline has-menu"><div class="site-branding">
<p class="site-title"><a href="/" rel="home">Springfield Ledger</a></p></div>
<nav id="site-navigation" class="primary-navigation"><ul><li><a href="/about/">About</a></li></ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-12" class="post-12 post type-post status-publish format-standard hentry category-city entry">
<header class="entry-header alignwide"><h1 class="entry-title">Council votes on budget</h1></header>
<div class="entry-content">""" + PROSE + """</div>
<footer class="entry-footer default-max-width"><div class="posted-by"><span class="posted-on">Published
<time class="entry-date published updated" datetime="2025-01-16T18:45:00-08:00">January 16, 2025</time></span>
<span class="byline">By <a href="https://ledger.example/author/jdoe/" rel="author">Jane Doe</a></span></div>
<div class="post-taxonomies"><span class="cat-links">Categorized as <a href="/category/city/" rel="category tag">City</a></span></div>
</footer></article>
<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links"><div class="nav-previous">
<a href="/2025/01/15/older/" rel="prev"><p class="meta-nav">Previous post</p><p class="post-title">Older story</p></a></div></div></nav>
</main></div></div>
<footer id="colophon" class="site-footer"><div class="site-info"><div class="site-name">Springfield Ledger</div>
<div class="powered-by">Proudly powered by <a href="https://wordpress.org/">WordPress</a>.</div></div></footer></div>
</body></html>"""


def test_wordpress_twenty_twenty_one_byline_and_time() -> None:
    article = extract_article(TWENTY_TWENTY_ONE, "https://ledger.example/2025/01/16/council-votes-on-budget/")
    assert article.title == "Council votes on budget"
    assert article.authors == ["Jane Doe"]
    assert article.date_published == "2025-01-16T18:45:00-08:00"
    assert article.text.startswith("Paragraph 1 of the story")
    assert "Previous post" not in article.text and "Proudly powered" not in article.text


def test_co_authors_in_parentheses() -> None:
    html = page('<div class="signature">Martin Untersinger (avec Damien Leloup et Morgane Tual)</div>', lang="fr")
    assert authors(html) == ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]


def test_utc_structured_time_yields_to_the_same_instant_in_a_meta_tag_with_offset() -> None:
    head = ('<meta property="article:published_time" content="2017-02-23T17:18:13-08:00">'
            '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
            '"headline":"Council votes on budget","datePublished":"2017-02-24T01:18:13Z"}</script>')
    assert extract_article(page(head=head), URL).date_published == "2017-02-23T17:18:13-08:00"
