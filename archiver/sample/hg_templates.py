"""HTML of the `harbourgazette` sample outlet: a WordPress theme with microdata, no JSON-LD.

The byline lives only in the article text (a first paragraph, an italic line or
a closing italic note); some posts have none, ``meta name=author`` appears only
for some, and one post shows its date only as visible text.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from archiver.sample.site import slugify
from archiver.sample.store import Article

SITE = "Harbour Gazette"
PUBLIC = "https://www.harbourgazette.example"
CATEGORIES = {"local-news": (2, "Local News"), "community": (3, "Community"), "sports": (4, "Sports"),
              "business": (5, "Business"), "opinion": (6, "Opinion"),
              "edicion-en-espanol": (7, "Edición en español")}
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"]
LOCALES = {"en": ("en-CA", "en_CA"), "es": ("es-ES", "es_ES")}


def e(value: object) -> str:
    return escape(str(value), quote=True)


def p(value: str) -> str:
    return escape(value, quote=False)


def visible_date(iso: str, language: str) -> str:
    dt = datetime.fromisoformat(iso)
    if language == "es":
        return f"{dt.day} de {MONTHS_ES[dt.month - 1]} de {dt.year}"
    return f"{dt:%B} {dt.day}, {dt.year}"


def category(a: Article) -> tuple[str, int, str]:
    slug = a["layout"]["category"]
    cid, name = CATEGORIES[slug]
    return slug, cid, name


def layout(base: str, head: str, body_class: str, main: str, lang: str = "en", scripts: str = "") -> str:
    menu = "".join(f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
                   f'<a href="{base}/category/{slug}/">{e(name)}</a></li>' for slug, (_, name) in CATEGORIES.items())
    return f"""<!doctype html>
<html lang="{LOCALES[lang][0]}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<link rel="icon" href="{base}/wp-content/themes/gazette/favicon.png" sizes="32x32">
<link rel="stylesheet" id="gazette-style-css" href="{base}/wp-content/themes/gazette/style.css?ver=1.4.2" media="all">
<link rel="https://api.w.org/" href="{base}/wp-json/">
<meta name="generator" content="WordPress 6.7.1">
</head>
<body class="{body_class}">
<div id="cmplz-cookiebanner-container" data-consent-banner data-consent-cookie="cmplz_banner-status">
  <div class="cmplz-cookiebanner cmplz-show" role="dialog" aria-live="polite">
    <div class="cmplz-message">The Harbour Gazette uses cookies to keep you signed in and to count visits.</div>
    <div class="cmplz-buttons">
      <button class="cmplz-btn cmplz-deny" data-consent-reject>Deny</button>
      <button class="cmplz-btn cmplz-accept" data-consent-accept>Accept</button>
    </div>
  </div>
</div>
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<header id="masthead" class="site-header">
  <div class="site-branding">
    <p class="site-title"><a href="{base}/" rel="home">{SITE}</a></p>
    <p class="site-description">News for Port Aldridge and the Harbour shore</p>
  </div>
  <nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}</ul></nav>
</header>
{main}
<footer id="colophon" class="site-footer">
  <div class="site-info">&copy; 2025 {SITE} &middot; <a href="{base}/wp-sitemap.xml">Sitemap</a></div>
</footer>
</div>
<script src="{base}/wp-includes/js/consent.js?ver=6.7.1" id="consent-js"></script>
<script src="{base}/wp-includes/js/lazyload.js?ver=6.7.1" id="lazyload-js"></script>
<script src="{base}/wp-content/themes/gazette/js/theme.js?ver=1.4.2" id="gazette-theme-js"></script>{scripts}
</body>
</html>
"""


def summary(base: str, a: Article) -> str:
    slug, _, name = category(a)
    img = ""
    if a.get("lead_image"):
        img = (f'<a class="post-thumbnail" href="{base}{a["url"]}" aria-hidden="true" tabindex="-1">'
               f'<img width="300" height="169" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" '
               f'data-src="{e(base + a["lead_image"]["url"])}" class="attachment-medium size-medium wp-post-image" alt=""></a>')
    return f"""<article id="post-{a['id']}" class="post-{a['id']} post type-post status-publish format-standard hentry category-{slug}">
  {img}
  <header class="entry-header"><h2 class="entry-title"><a href="{e(base + a['url'])}" rel="bookmark">{p(a['title'])}</a></h2></header>
  <div class="entry-summary"><p>{p(a['description'])}</p></div>
</article>"""


def archive_page(base: str, heading: str | None, canonical: str, items: list[Article], api: str, page: int,
                 total_pages: int) -> str:
    head = (f"<title>{e(heading + ' – ' if heading else '')}{SITE}</title>\n"
            f'<link rel="canonical" href="{PUBLIC}{canonical}">\n'
            f'<meta property="og:site_name" content="{SITE}">\n<meta property="og:type" content="website">\n'
            f'<meta property="og:url" content="{PUBLIC}{canonical}">')
    header = f'<header class="page-header"><h1 class="page-title">{e(heading)}</h1></header>' if heading else ""
    handle = ""
    if page < total_pages:
        handle = ('<div id="infinite-handle" class="infinite-loader" data-infinite-scroll>'
                  '<span class="infinite-loader__text">Loading more stories&hellip;</span></div>')
    main = f"""<main id="primary" class="site-main">
{header}
<div id="posts" class="posts infinite-wrap" data-api="{e(api)}" data-page="{page}" data-total-pages="{total_pages}">
{chr(10).join(summary(base, a) for a in items)}
</div>
{handle}
</main>"""
    return layout(base, head, "archive blog infinite-scroll", main)


def article_head(base: str, a: Article) -> str:
    lay = a["layout"]
    lines = [f"<title>{e(a['title'])} – {SITE}</title>",
             f'<meta name="description" content="{e(a["description"])}">',
             '<meta name="robots" content="index, follow, max-image-preview:large">']
    if lay.get("meta_author") and a["authors"]:
        lines.append(f'<meta name="author" content="{e(", ".join(a["authors"]))}">')
    lines += [f'<link rel="canonical" href="{e(a["original_url"])}">',
              f'<link rel="shortlink" href="{base}/?p={a["id"]}">',
              f'<link rel="alternate" type="application/json" href="{base}/wp-json/wp/v2/posts/{a["id"]}">',
              f'<meta property="og:locale" content="{LOCALES[a["language"]][1]}">',
              '<meta property="og:type" content="article">',
              f'<meta property="og:title" content="{e(a["title"])}">',
              f'<meta property="og:description" content="{e(a["description"])}">',
              f'<meta property="og:url" content="{e(a["original_url"])}">',
              f'<meta property="og:site_name" content="{SITE}">']
    if lay.get("date_in_meta"):
        lines += [f'<meta property="article:published_time" content="{e(a["date_published"])}">',
                  f'<meta property="article:modified_time" content="{e(a["date_modified"])}">']
    if a.get("lead_image"):
        lines += [f'<meta property="og:image" content="{e(base + a["lead_image"]["url"])}">',
                  '<meta property="og:image:width" content="1024">', '<meta property="og:image:height" content="576">']
    return "\n".join(lines)


def article_page(base: str, a: Article) -> str:
    lay = a["layout"]
    slug, _, name = category(a)
    lang = a["language"]
    if lay.get("date_in_meta"):
        meta = (f'<span class="posted-on"><a href="{e(base + a["url"])}" rel="bookmark">'
                f'<time class="entry-date published" datetime="{e(a["date_published"])}" itemprop="datePublished">'
                f'{visible_date(a["date_published"], lang)}</time>'
                f'<time class="updated" datetime="{e(a["date_modified"])}" itemprop="dateModified">'
                f'{visible_date(a["date_modified"], lang)}</time></a></span>')
    else:
        meta = f'<span class="posted-on">{p(lay.get("date_text", ""))}</span>'
    figure = ""
    img = a.get("lead_image")
    if img:
        figure = f"""<figure class="post-thumbnail wp-caption" itemprop="image" itemscope itemtype="https://schema.org/ImageObject">
  <img width="1024" height="576" src="{e(base + img['url'])}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async" itemprop="url">
  <figcaption class="wp-caption-text">{p(img['caption'])} <span class="photo-credit">(Photo: {p(img['credit'])})</span></figcaption>
</figure>"""
    paras = [f"<p>{p(x)}</p>" for x in a["body"]]
    style = lay.get("byline_style")
    if a["byline"] and style == "p":
        paras.insert(0, f"<p>{p(a['byline'])}</p>")
    elif a["byline"] and style == "em":
        paras.insert(0, f"<p><em>{p(a['byline'])}</em></p>")
    elif a["byline"] and style == "em-end":
        paras.append(f"<p><em>{p(a['byline'])}</em></p>")
    related = ""
    if a["related"]:
        items = "".join(f'<li class="jp-relatedposts-post"><a class="jp-relatedposts-post-a" href="{e(base + r["url"])}">'
                        f'{p(r["title"])}</a></li>' for r in a["related"])
        related = (f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
                   f'<em>Related</em></h3><ul class="jp-relatedposts-items">{items}</ul></div>')
    tags = ""
    if a["tags"]:
        tags = ' <span class="tags-links">Tagged ' + ", ".join(
            f'<a href="{base}/tag/{slugify(t)}/" rel="tag">{p(t)}</a>' for t in a["tags"]) + "</span>"
    body = "\n".join(paras)
    main = f"""<main id="primary" class="site-main">
<article id="post-{a['id']}" class="post-{a['id']} post type-post status-publish format-standard{' has-post-thumbnail' if img else ''} hentry category-{slug}" itemscope itemtype="https://schema.org/NewsArticle">
  <header class="entry-header">
    <h1 class="entry-title" itemprop="headline">{p(a['title'])}</h1>
    <div class="entry-meta">{meta}</div>
  </header>
  {figure}
  <div class="entry-content" itemprop="articleBody">
{body}
  </div>
  {related}
  <footer class="entry-footer"><span class="cat-links">Posted in <a href="{base}/category/{slug}/" rel="category tag">{e(name)}</a></span>{tags}</footer>
  <div itemprop="publisher" itemscope itemtype="https://schema.org/Organization"><meta itemprop="name" content="{SITE}"></div>
  <meta itemprop="mainEntityOfPage" content="{e(a['original_url'])}">
</article>
<nav class="navigation post-navigation" aria-label="Posts"><a href="{base}/">&larr; Back to the front page</a></nav>
</main>"""
    return layout(base, article_head(base, a), f"post-template-default single single-post postid-{a['id']}", main, lang)
