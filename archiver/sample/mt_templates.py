"""HTML of the `themoscowtimes` sample outlet, modeled on The Moscow Times' public PHP views.

Element structure and class names follow resources/views/{html,article/item,
seo/article,article/block/*,article/excerpt/default,article/index}.php of
github.com/themoscowtimes/themoscowtimes. Metadata (canonical, og:url, JSON-LD
urls) keeps the public www.themoscowtimes.com address; every link a browser
follows points at ``base``, where the sample is served.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from archiver.sample.site import slugify
from archiver.sample.store import Article

PUBLIC = "https://www.themoscowtimes.com"
SITE = "The Moscow Times"
SECTIONS = {"news": "News", "opinion": "Opinion", "business": "Business", "arts-and-life": "Arts & Life",
            "climate": "Climate"}
PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
DISCLAIMER = "The views expressed in opinion pieces do not necessarily reflect the position of The Moscow Times."


def e(value: object) -> str:
    return escape(str(value), quote=True)


def long_date(iso: str) -> str:
    dt = datetime.fromisoformat(iso)
    return f"{dt:%B} {dt.day}, {dt.year}"


def json_ld(data: dict) -> str:
    return ('<script type="application/ld+json">'
            + json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/") + "</script>")


def is_opinion(a: Article) -> bool:
    return a["section"] == "opinion"


def label(a: Article) -> str:
    return "Opinion" if is_opinion(a) else SECTIONS.get(a["section"], "News")


def image_url(base: str, a: Article, preset: str = "article_1360") -> str:
    return base + a["lead_image"]["url"].replace("/article_1360/", f"/{preset}/")


def teaser(a: Article) -> str:
    first = a["body"][0] if a["body"] else ""
    return first if len(first) <= 150 else first[:147].rsplit(" ", 1)[0] + "..."


# --- layout -------------------------------------------------------------------------------------

def layout(base: str, seo: str, body_class: str, main: str, scripts: tuple[str, ...] = ()) -> str:
    nav = "".join(f'<li class="menu__item"><a href="{base}/{slug}" title="{e(name)}">{e(name)}</a></li>'
                  for slug, name in SECTIONS.items())
    extra = "".join(f'\n  <script src="{base}/static/{s}"></script>' for s in scripts)
    org = json_ld({"@context": "http://schema.org", "@type": "NewsMediaOrganization", "name": SITE,
                   "email": "general@themoscowtimes.com", "url": "https://themoscowtimes.com",
                   "logo": f"{base}/static/mt/img/logo_1280.png",
                   "address": {"@type": "PostalAddress", "addressCountry": "RU", "addressLocality": "Moscow"}})
    website = json_ld({"@context": "https://schema.org", "@type": "WebSite", "url": PUBLIC + "/"})
    return f"""<!DOCTYPE html>
<html lang="en">

<head>
  <meta name="googlebot" content="noarchive">

  <base href="{base}/" />
  <meta charset="utf-8">
  <meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <meta name="theme-color" content="#5882b5">
  <link rel="shortcut icon" href="{base}/static/mt/img/favicon.png">

  <meta property="og:site_name" content="{SITE}" />
  <meta name="twitter:site" content="@MoscowTimes">
  <meta name="twitter:creator" content="@MoscowTimes">
  <meta name="twitter:card" content="summary_large_image">

{seo}

  <!-- load stylesheets -->
  <link type="text/css" href="{base}/static/mt/main.css?v=1736600000" rel="stylesheet" media="screen" />

  {org}
  {website}
</head>

<body class="{body_class}" y-use="Main">
{consent_banner()}
  <div class="progress-bar" y-name="progress"></div>

  <div class="container">
    <div class="site-header py-3 hidden-xs">
      <a href="{base}/" class="site-header__logo" title="The Moscow Times - Independent News from Russia">
        <img src="{base}/static/mt/img/logo.svg" alt="The Moscow Times" />
      </a>
    </div>
  </div>

  <div class="container">
    <nav class="navigation" y-use="Navigation"><ul class="menu depth-0">{nav}</ul></nav>
  </div>

{main}

  <footer class="footer fancyfooter">
    <div class="container">
      <div class="footer__inner">
        <div class="footer__logo mb-3">
          <a href="{base}/" class="footer__logo__wrapper" title="The Moscow Times - Independent News from Russia">
            <img src="{base}/static/mt/img/logo.svg" alt="The Moscow Times">
          </a>
        </div>
        <div class="footer__main"><div class="footer__menu"><ul class="row-flex depth-0">
          <li class="col"><a href="{base}/rss/news">RSS</a></li>
          <li class="col"><a href="{base}/sitemap.xml">Sitemap</a></li>
        </ul></div></div>
        <div class="footer__bottom">
          &copy; The Moscow Times, all rights reserved.
        </div>
      </div>
    </div>
  </footer>

  <script src="{base}/static/common/consent.js"></script>
  <script src="{base}/static/common/lazyload.js"></script>
  <script src="{base}/static/mt/main.js"></script>{extra}
</body>

</html>
"""


def consent_banner() -> str:
    """A OneTrust-style consent overlay; common/consent.js removes it and sets the cookie."""
    return """  <div id="onetrust-consent-sdk" data-consent-banner data-consent-cookie="OptanonAlertBoxClosed">
    <div class="onetrust-pc-dark-filter"></div>
    <div id="onetrust-banner-sdk" class="otFlat" role="dialog" aria-label="Privacy">
      <div id="onetrust-policy-text">We use cookies to improve your experience on our website and to analyse traffic.
        By clicking &ldquo;Accept All Cookies&rdquo;, you agree to the storing of cookies on your device.</div>
      <div id="onetrust-button-group">
        <button id="onetrust-reject-all-handler" data-consent-reject>Reject All</button>
        <button id="onetrust-accept-btn-handler" data-consent-accept>Accept All Cookies</button>
      </div>
    </div>
  </div>"""


# --- excerpts (lists, front page, load more) ----------------------------------------------------

def excerpt(base: str, a: Article, modifier: str | None = None, show_label: bool = True) -> str:
    bem = "article-excerpt-default"
    mods = f" {bem}--{a['section']}" + (f" {bem}--{modifier}" if modifier else "")
    url = base + a["url"]
    authors = ""
    if is_opinion(a) and a["authors"]:
        sep = f'<span class="{bem}__author">&nbsp;and&nbsp;</span>'
        authors = sep.join(f'<span class="{bem}__author">{e(n)}</span>' for n in a["authors"])
    lab = f'<span class="label {bem}__label">{e(label(a))}</span>' if show_label else ""
    return f"""<div class="{bem}{mods}" data-url="{e(url)}" data-title="{e(a['title'])}">
  <a href="{e(url)}" class="{bem}__link" title="{e(a['title'])}">
    <div class=" {bem}__image-wrapper">
      <figure><img y-use="Image" src="{PIXEL}" data-src="{e(image_url(base, a, 'article_640'))}" alt="" /></figure>
    </div>
    <div class="{bem}__content">
      {lab}{authors}
      <h3 class="{bem}__headline">{e(a['title'])}</h3>
      <div class="{bem}__teaser">{e(teaser(a))}</div>
    </div>
  </a>
</div>"""


def more_fragment(base: str, items: list[Article], section: str) -> str:
    """What the "View more articles" XHR appends: the equivalent of article/more.php."""
    return "".join(f'<div class="col-4 col-12-md col-4-sm">\n{excerpt(base, a, show_label=section != "opinion")}\n</div>\n'
                   for a in items)


def excerpt_json(base: str, a: Article) -> dict:
    """One article of the front page JSON endpoint (rendered client side by mt/main.js)."""
    return {"id": a["id"], "title": a["title"], "url": base + a["url"], "section": a["section"],
            "label": label(a), "teaser": teaser(a), "image": image_url(base, a, "article_640"),
            "authors": a["authors"], "time_publication": a["date_published"], "opinion": is_opinion(a)}


# --- section, tag and author pages --------------------------------------------------------------

def index_page(base: str, heading: str, canonical_path: str, items: list[Article], more_url: str | None,
               start: int, step: int, section: str = "") -> str:
    cards = []
    for index, a in enumerate(items):
        col = "col-12 col-12-md col-12-sm" if index == 0 else "col-4 col-12-md col-4-sm"
        cards.append(f'<div class="{col}">\n{excerpt(base, a, "primary" if index == 0 else None, section != "opinion")}\n</div>')
    more = ""
    if more_url:
        more = (f'<div class="col-12" y-use="More" data-url="{e(more_url)}" data-start="{start}" data-step="{step}">\n'
                '  <div class="align-center">\n'
                '    <span title="View more articles" class="button">View more articles</span>\n'
                "  </div>\n</div>")
    seo = (f"  <title>{e(heading)} - {SITE}</title>\n"
           f'  <link rel="canonical" href="{PUBLIC}{canonical_path}">\n'
           f'  <meta name="description" content="{e(heading)} - The Moscow Times">\n'
           f'  <meta property="og:url" content="{PUBLIC}{canonical_path}">\n'
           f'  <meta property="og:title" content="{e(heading)}">\n'
           f'  <link rel="alternate" type="application/rss+xml" title="{SITE}" href="{base}/rss/news">')
    main = f"""<div class="container">
  <div class="row-flex">
    <div class="col">
      <section class="cluster cluster--section-articles mb-4">
        <div class="cluster__header">
          <h1 class="cluster__label">{e(heading)}</h1>
        </div>
        <div class="row-flex">
{chr(10).join(cards)}
{more}
        </div>
      </section>
    </div>
  </div>
</div>"""
    return layout(base, seo, "article-index", main)


# --- front page ---------------------------------------------------------------------------------

def home_page(base: str) -> str:
    """The front page ships no article links: mt/main.js fetches them from the JSON endpoint."""
    seo = (f"  <title>{SITE} - Independent News from Russia</title>\n"
           f'  <link rel="canonical" href="{PUBLIC}/">\n'
           '  <meta name="description" content="The Moscow Times offers everything you need to know about Russia: '
           'Breaking news, top stories, business, analysis, opinion, multimedia">\n'
           f'  <meta property="og:url" content="{PUBLIC}/">\n'
           f'  <meta property="og:title" content="{SITE} - Independent News from Russia">\n'
           f'  <link rel="alternate" type="application/rss+xml" title="{SITE}" href="{base}/rss/news">')
    main = f"""<div class="container">
  <section class="cluster cluster--home" id="home-articles" y-use="Home" data-url="{base}/api/1/home">
    <div class="cluster__header"><h2 class="cluster__label header--style-3">Latest news</h2></div>
    <div class="row-flex" y-name="items">
      <div class="col-12 home__loading" y-name="loading">Loading&hellip;</div>
    </div>
  </section>
</div>"""
    return layout(base, seo, "home", main)


# --- article page -------------------------------------------------------------------------------

def article_seo(base: str, a: Article) -> str:
    url = a["original_url"]
    tags = ",".join(a["tags"])
    author = a["authors"][0] if a["authors"] else SITE
    image = image_url(base, a)
    thumb = image_url(base, a, "320")
    meta = {"keywords": tags, "news_keywords": tags, "description": a["description"], "thumbnail": thumb,
            "author": author}
    props = {"og:url": url, "og:title": a["title"], "og:description": a["description"], "og:image": image,
             "og:image:width": "1200", "og:image:height": "630", "article:author": author,
             "article:content_tier": "free", "article:modified_time": a["date_modified"],
             "article:published_time": a["date_published"], "article:publisher": f"{base}/",
             "article:section": a["section"], "article:tag": tags, "twitter:title": a["title"],
             "twitter:description": a["description"], "twitter:image:src": image}
    ld = {"@context": "http://schema.org/", "@type": "NewsArticle", "dateCreated": a["date_published"],
          "datePublished": a["date_published"], "dateModified": a["date_modified"], "name": a["title"],
          "headline": a["title"], "description": a["description"], "keywords": tags,
          "articleSection": a["section"], "isAccessibleForFree": True, "mainEntityOfPage": url, "url": url,
          "thumbnailUrl": thumb, "image": {"@type": "ImageObject", "url": image, "width": 1200, "height": 630},
          "publisher": {"@type": "Organization", "name": SITE,
                        "logo": {"@type": "ImageObject", "url": f"{base}/static/mt/img/logo.png",
                                 "width": 50, "height": 50}},
          "inLanguage": {"@type": "Language", "name": "English", "alternateName": "English"}}
    if a["authors"]:
        ld["creator"] = author
        ld["author"] = {"@type": "Person", "name": author, "description": "",
                        "image": f"{base}/static/mt/img/avatar_default.jpg",
                        "url": f"{PUBLIC}/author/{slugify(author)}"}
    else:
        ld["author"] = {"@type": "Organization", "name": SITE}
    crumbs = {"@context": "http://schema.org/", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": SITE, "item": PUBLIC + "/"},
        {"@type": "ListItem", "position": 2, "name": SECTIONS.get(a["section"], "News"),
         "item": f"{PUBLIC}/{a['section']}"},
        {"@type": "ListItem", "position": 3, "name": a["title"], "item": url}]}
    lines = [f"  <title>{e(a['title'])}</title>", f'  <link rel="canonical" href="{e(url)}">']
    lines += [f'  <meta name="{k}" content="{e(v)}">' for k, v in meta.items()]
    lines += [f'  <meta property="{k}" content="{e(v)}">' for k, v in props.items()]
    lines += ["  " + json_ld(ld), "  " + json_ld(crumbs)]
    return "\n".join(lines)


def byline_html(base: str, a: Article) -> str:
    """'By A, B and C' with author links, as item.php builds it."""
    out, sep, names = "", "By ", list(a["authors"])
    while names:
        name = names.pop(0)
        out += (f'{sep}<a href="{base}/author/{slugify(name)}" class="byline__author__name" '
                f'title="{e(name)}">{e(name)}</a>')
        sep = ", " if len(names) > 1 else " and "
    return out


def paragraph_html(text: str, links: list[dict], base: str) -> str:
    html_text = e(text).replace("&#x27;", "'").replace("&quot;", '"')
    for link in links:
        anchor = e(link["text"]).replace("&#x27;", "'")
        html_text = html_text.replace(anchor, f'<a href="{e(base + link["url"])}">{anchor}</a>', 1)
    return html_text


def embed_html(base: str, embed: dict) -> str:
    """Social embeds as their providers ship them, with the widget scripts served locally."""
    if embed["kind"] == "twitter":
        return (f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{e(embed["text"])}</p>'
                f'&mdash; {e(embed["author"])} (@{e(embed["handle"])}) '
                f'<a href="{base}/embed/twitter/{e(embed["handle"])}/status/{e(embed["status"])}">{e(embed["date"])}</a>'
                f'</blockquote>\n<script async src="{base}/static/embed/widgets.js" charset="utf-8"></script>')
    return (f'<script async src="{base}/static/embed/telegram-widget.js" data-telegram-post="{e(embed["post"])}" '
            f'data-width="100%" data-base="{base}/embed/telegram/"></script>')


def block(kind: str, inner: str) -> str:
    return (f'<div data-id="article-block-type" class="article__block article__block--{kind} '
            f'article__block--column ">\n{inner}\n</div>')


def related_html(base: str, related: dict, target: Article | None) -> str:
    opinion = target is not None and is_opinion(target)
    lab, mod = ("Opinion", "opinion") if opinion else ("News", "default")
    return f"""<aside class="article__related-article">
  <span class="label related-article__label label--{mod}">{lab}</span>
  <a data-id="in-article-block" class="related-article__inner" href="{e(base + related['url'])}" title="{e(related['title'])}">
    <h3 class="related-article__title">{e(related['title'])}</h3>
    <span class="related-article__cta">Read more</span>
  </a>
</aside>"""


def body_blocks(base: str, a: Article, lookup) -> str:
    lay = a.get("layout", {})
    inserts: dict[int, list[str]] = {}
    for pos, rel in zip(lay.get("related_after", []), a["related"]):
        inserts.setdefault(pos, []).append(block("article", related_html(base, rel, lookup(rel["url"]))))
    for emb in lay.get("embeds", []):
        inserts.setdefault(emb["after"], []).append(
            block("embed", f'<div class="article__embed" y-use="Embed">\n{embed_html(base, emb)}\n</div>'))
    quotes = set(lay.get("quotes", []))
    links = lay.get("links", [])
    blocks: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            blocks.append(block("html", "\n".join(run)))
            run.clear()

    for index, para in enumerate(a["body"]):
        for item in inserts.get(index, []):
            flush()
            blocks.append(item)
        mine = [l for l in links if l["paragraph"] == index]
        if index in quotes:
            flush()
            blocks.append(block("quote", f'<blockquote class="article__quote">\n{paragraph_html(para, mine, base)}\n</blockquote>'))
        else:
            run.append(f"<p>{paragraph_html(para, mine, base)}</p>")
    flush()
    for item in inserts.get(len(a["body"]), []):
        blocks.append(item)
    return "\n".join(blocks)


def article_page(base: str, a: Article, lookup, recent: list[Article], more: list[Article]) -> str:
    opinion = is_opinion(a)
    published, modified = a["date_published"], a["date_modified"]
    updated = datetime.fromisoformat(modified).timestamp() > datetime.fromisoformat(published).timestamp() + 600
    when = modified if updated else published
    date = (("Updated:\n" if updated else "")
            + f'<time class="byline__datetime timeago" datetime="{e(when)}" y-use="Timeago">{long_date(when)}</time>')
    img = a.get("lead_image")
    figure = ""
    if img:
        caption = ""
        if img.get("caption") or img.get("credit"):
            caption = ('\n  <figcaption class="">\n'
                       f'    <span class="article__featured-image__caption featured-image__caption">{e(img.get("caption", ""))}</span>\n'
                       f'    <span class="article__featured-image__credits featured-image__credits">{e(img.get("credit", ""))}</span>\n'
                       "  </figcaption>")
        figure = f"""<figure class="article__featured-image featured-image">
  <img src="{e(base + img['url'])}" />{caption}
</figure>"""
    tag_links = ", ".join(f'<a href="{base}/tag/{slugify(t)}" class="tag article__tags__tag" title="{e(t)}">{e(t)}</a>'
                          for t in a["tags"])
    tags = f'<div class="article__tags">\nRead more about:\n{tag_links}\n</div>' if a["tags"] else ""
    op_label = '<span class="label article__label label--opinion">Opinion</span>\n' if opinion else ""
    disclaimer = f'<div class="article__disclaimer">\n{DISCLAIMER}\n</div>' if opinion else ""
    just_in = "\n".join(f'<li class="article-excerpt-tiny"><a href="{base}{r["url"]}" title="{e(r["title"])}">'
                        f'<h5 class="article-excerpt-tiny__headline">{e(r["title"])}</h5></a></li>' for r in recent)
    read_more = "\n".join(f'<div class="col-3 col-6-sm">\n{excerpt(base, m)}\n</div>' for m in more)
    main = f"""<article y-use="article.IsIntersecting">

  <div class="gtm-section gtm-type" data-section="{e(a['section'])}" data-type="default">
  </div>

  <div class="container article-container" id="article-id-{a['id']}" data-page-id="{a['id']}" data-next-id=""
    data-article-url="{e(base + a['url'])}" data-article-title="{e(a['title'])}">
    <div class="row-flex gutter-2">
      <div class="col">
        <article class="article article--{e(a['section'])}">
          <header class="article__header ">
            {op_label}<h1><a href="{e(base + a['url'])}">{e(a['title'])}</a>
            </h1>
            <h2>{e(a['subtitle'])}</h2>
          </header>

          <div class="article__byline byline {'byline--opinion' if opinion else ''} ">
            <div class="row-flex">
              <div class="col">
                <div class="byline__details">
                  <div class="byline__details__column">
                    <div class="byline__author">
                      {byline_html(base, a)}
                    </div>
                    {date}
                  </div>
                </div>
              </div>
              <div class="col-auto">
                <div class="byline__social"></div>
              </div>
            </div>
          </div>

{figure}

          <div class="article__content-container">
            <div class="article__content" y-name="article-content">
{body_blocks(base, a, lookup)}
            </div>

{disclaimer}

            <div class="article__bottom">
            </div>

{tags}
          </div>
        </article>
      </div>

      <div class="col-auto hidden-sm-down">
        <aside class="sidebar">
          <div class="sidebar__sticky">
            <section class="sidebar__section">
              <div class="sidebar__section__header"><h3 class="tab__header header--style-3">Just in</h3></div>
              <ul class="tabs__content">
{just_in}
              </ul>
            </section>
          </div>
        </aside>
      </div>
    </div>
  </div>

  <div class="container">
    <section class="cluster">
      <div class="cluster__header">
        <h2 class="cluster__label header--style-3">Read more</h2>
      </div>
      <div class="row-flex">
{read_more}
      </div>
    </section>
  </div>
</article>"""
    return layout(base, article_seo(base, a), "article-item", main)
