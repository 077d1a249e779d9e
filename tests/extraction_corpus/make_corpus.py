"""Writes the offline evaluation corpus: one folder per page, page.html + expected.json.

The pages are invented (no real article text) but each follows the markup
conventions of a real publishing system or outlet: where the byline sits, how
structured data is (mis)used, how dates are printed, which charset is declared.
Re-run after changing a template: ``python tests/extraction_corpus/make_corpus.py``.
The folder ``moscowtimes_seed`` is hand-built from the MT templates and is not
written here.
"""

from __future__ import annotations

import html
import json
import random
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
E = html.escape

PARAGRAPHS = {
    "en": [
        "The city council voted late on Tuesday to expand the harbor ferry service, ending a debate that had dragged on for more than a year.",
        "Supporters said the new routes would cut commuting times for thousands of residents who live on the eastern islands.",
        "Critics questioned the cost, which the transport department put at roughly 40 million dollars over five years.",
        "\"We have waited long enough for a decision,\" said one resident who attended the meeting with her two children.",
        "The first new boats are expected to enter service next spring, according to a timetable published by the port authority.",
        "Officials also promised to review fares after an independent audit of the system is completed in the autumn.",
        "Ridership fell sharply during the pandemic but has since recovered to about 90 percent of its earlier level.",
        "The mayor, who had backed the plan since her election campaign, called the vote a turning point for the region.",
    ],
    "de": [
        "Der Stadtrat hat am Dienstagabend beschlossen, den Fährverkehr im Hafen deutlich auszubauen.",
        "Befürworter erwarten kürzere Wege für Tausende Pendler, die auf den östlichen Inseln wohnen.",
        "Kritiker bemängelten die Kosten, die das Verkehrsamt auf rund 40 Millionen Euro in fünf Jahren schätzt.",
        "„Wir haben lange genug auf eine Entscheidung gewartet“, sagte eine Anwohnerin nach der Sitzung.",
        "Die ersten neuen Schiffe sollen im kommenden Frühjahr in Betrieb gehen, teilte die Hafenbehörde mit.",
        "Zudem sollen die Fahrpreise nach einer unabhängigen Prüfung im Herbst überarbeitet werden.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes por la noche ampliar el servicio de transbordadores del puerto.",
        "Los partidarios aseguran que las nuevas rutas reducirán el tiempo de viaje de miles de vecinos.",
        "Los críticos cuestionaron el coste, que el departamento de transporte cifra en unos 40 millones de euros.",
        "«Hemos esperado demasiado tiempo una decisión», dijo una vecina que asistió a la reunión.",
        "Los primeros barcos nuevos entrarán en servicio la próxima primavera, según la autoridad portuaria.",
    ],
    "fr": [
        "Le conseil municipal a voté mardi soir l'extension du service de navettes maritimes du port.",
        "Les partisans du projet estiment que les nouvelles lignes réduiront les trajets de milliers d'habitants.",
        "Les opposants s'inquiètent du coût, évalué à environ 40 millions d'euros sur cinq ans.",
        "« Nous avons attendu assez longtemps une décision », a déclaré une habitante présente à la séance.",
        "Les premiers bateaux devraient entrer en service au printemps prochain, selon l'autorité portuaire.",
    ],
    "pt": [
        "A câmara municipal aprovou na terça-feira à noite a ampliação do serviço de balsas do porto.",
        "Os defensores dizem que as novas rotas vão reduzir o tempo de viagem de milhares de moradores.",
        "Os críticos questionaram o custo, estimado pela secretaria de transportes em cerca de 40 milhões de reais.",
        "\"Esperamos tempo demais por uma decisão\", disse uma moradora que acompanhou a sessão.",
        "As primeiras embarcações novas devem entrar em operação na próxima primavera, segundo o porto.",
    ],
    "pl": [
        "Rada miasta zdecydowała we wtorek wieczorem o rozbudowie połączeń promowych w porcie.",
        "Zwolennicy projektu twierdzą, że nowe trasy skrócą dojazdy tysiącom mieszkańców wschodnich wysp.",
        "Krytycy pytali o koszty, które wydział transportu szacuje na około 40 milionów złotych.",
        "– Czekaliśmy na tę decyzję wystarczająco długo – powiedziała jedna z mieszkanek obecnych na sesji.",
        "Pierwsze nowe promy mają wypłynąć wiosną przyszłego roku, podał zarząd portu.",
    ],
    "ja": [
        "市議会は火曜日の夜、港のフェリー航路を拡充する計画を可決した。",
        "賛成派は、新しい航路により東部の島々に住む数千人の通勤時間が短くなると説明した。",
        "一方で反対派は、5年間で約40億円とされる費用を疑問視している。",
        "会議を傍聴した住民の女性は「ようやく決まってほっとした」と話した。",
        "港湾当局によると、最初の新造船は来年春に就航する見通しだ。",
    ],
    "zh": [
        "市议会周二晚间投票通过了扩大港口轮渡服务的计划。",
        "支持者表示，新航线将缩短东部岛屿数千名居民的通勤时间。",
        "批评者则质疑其成本，交通部门估计五年内约需四亿元。",
        "一位旁听会议的居民说：“我们等这个决定已经等得太久了。”",
        "据港口管理部门介绍，首批新船预计明年春季投入运营。",
    ],
    "ru": [
        "Городской совет во вторник вечером проголосовал за расширение паромного сообщения в порту.",
        "Сторонники проекта считают, что новые маршруты сократят время в пути для тысяч жителей.",
        "Критики усомнились в стоимости, которую транспортный департамент оценил в 40 млн долларов.",
        "Первые новые суда должны выйти на линию следующей весной, сообщили в администрации порта.",
    ],
}
TITLES = {
    "en": ["Harbor Ferry Expansion Approved After Year-Long Debate", "Council Backs New Island Routes",
           "Ferry Plan Clears Final Vote", "Island Commuters Win Faster Crossings", "City Bets on Boats"],
    "de": ["Stadtrat beschließt Ausbau der Hafenfähren", "Neue Fährlinien für die Inseln"],
    "es": ["El ayuntamiento aprueba ampliar los transbordadores del puerto"],
    "fr": ["Le conseil municipal vote l'extension des navettes du port"],
    "pt": ["Câmara aprova ampliação das balsas do porto"],
    "pl": ["Rada miasta zdecydowała o rozbudowie promów"],
    "ja": ["港のフェリー航路拡充を可決　市議会"],
    "zh": ["市议会通过扩大港口轮渡服务计划"],
    "ru": ["Горсовет одобрил расширение паромного сообщения"],
}


def paragraphs(lang: str, seed: int, n: int = 5) -> list[str]:
    bank = PARAGRAPHS[lang]
    rng = random.Random(seed)
    start = rng.randrange(len(bank))
    return [bank[(start + i) % len(bank)] for i in range(min(n, len(bank)))]


def ps(items: list[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{E(p, quote=False)}</p>" for p in items)


def jsonld(obj: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>'


def person(name: str) -> dict[str, str]:
    return {"@type": "Person", "name": name}


def shell(lang: str, head: str, body: str, charset: str = "utf-8", title: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n'
            f"<title>{E(title)}</title>\n{head}\n</head>\n<body>\n"
            '<header class="site-header"><nav><a href="/">Home</a> <a href="/politics">Politics</a> '
            '<a href="/world">World</a></nav></header>\n'
            f"{body}\n"
            '<footer class="site-footer"><p>© 2025 Example Media Group. All rights reserved.</p>'
            '<a href="/privacy">Privacy</a></footer>\n</body>\n</html>\n')


SIDEBAR = ('<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a/1">By the river, a new park opens</a>'
           '<span class="byline">By Peter Other</span></li><li><a href="/a/2">Storm warning for the coast</a>'
           '</li></ul></aside>')
NEWSLETTER = ('<div class="newsletter-signup"><p>Sign up for our morning newsletter and get the news '
              'in your inbox.</p><input type="email"><button>Subscribe</button></div>')
SHARE = '<div class="share-tools"><a href="#">Share on Facebook</a><a href="#">Share on X</a></div>'


# ---- templates ------------------------------------------------------------------
# Each returns the page HTML for a spec dict ``s`` with keys: url, lang, title, authors, byline,
# date (ISO), paras, site, and per-case options.

def wordpress(s: dict) -> str:
    graph = [
        {"@type": "WebSite", "@id": "https://example.org/#website", "name": s["site"]},
        {"@type": "WebPage", "@id": s["url"] + "#webpage", "url": s["url"], "name": s["title"] + " - " + s["site"],
         "datePublished": s["date"], "dateModified": s.get("modified", s["date"])},
        {"@type": "Article", "@id": s["url"] + "#article", "headline": s["title"].replace("'", "&#8217;"),
         "datePublished": s["date"], "dateModified": s.get("modified", s["date"]),
         "author": [{"@id": f"https://example.org/#/schema/person/{i}"} for i in range(len(s["authors"]))],
         "publisher": {"@id": "https://example.org/#organization"}},
    ] + [{"@type": "Person", "@id": f"https://example.org/#/schema/person/{i}", "name": a}
         for i, a in enumerate(s["authors"])]
    head = (f'<link rel="canonical" href="{s["url"]}">\n<meta property="og:title" content="{E(s["title"])}">\n'
            f'<meta property="article:published_time" content="{s["date"]}">\n'
            f'<meta property="og:site_name" content="{s["site"]}">\n'
            + jsonld({"@context": "https://schema.org", "@graph": graph}))
    authors = " and ".join(f'<a href="/author/{i}" rel="author">{E(a)}</a>' for i, a in enumerate(s["authors"]))
    body = (f'<div id="page"><article class="post type-post"><header class="entry-header">'
            f'<h1 class="entry-title">{E(s["title"])}</h1><div class="entry-meta"><span class="byline"> by '
            f'<span class="author vcard">{authors}</span></span> <span class="posted-on"><time class="entry-date '
            f'published" datetime="{s["date"]}">{s["date"][:10]}</time></span></div></header>'
            f'<div class="entry-content">{ps(s["paras"][:2])}{SHARE}{ps(s["paras"][2:])}</div>'
            f'<footer class="entry-footer"><span class="cat-links">Posted in News</span></footer></article>'
            f'{SIDEBAR}</div>')
    return shell(s["lang"], head, body, title=f'{s["title"]} – {s["site"]}')


def arc(s: dict) -> str:
    """Arc XP (Washington Post style): JSON-LD author list, data-qa bylines, Fusion globals."""
    head = (f'<link rel="canonical" href="{s["url"]}">\n'
            f'<meta property="og:title" content="{E(s["title"])}">\n'
            f'<meta name="author" content="{E(", ".join(s["authors"]))}">\n'
            + jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
                      "datePublished": s["date"], "dateModified": s.get("modified", s["date"]),
                      "author": [person(a) for a in s["authors"][: s.get("jsonld_authors", 9)]],
                      "isAccessibleForFree": True})
            + '\n<script>window.Fusion=window.Fusion||{};Fusion.globalContent={"_id":"X","type":"story"};</script>')
    names = "".join(f'<div data-qa="author-name" class="author-name"><a href="/people/{i}/">{E(a)}</a></div>'
                    for i, a in enumerate(s["authors"]))
    body = (f'<main><article><div class="headline-wrapper"><h1 data-qa="headline">{E(s["title"])}</h1></div>'
            f'<div data-qa="attribution" class="byline-wrapper"><span>By </span>{names}</div>'
            f'<div data-qa="timestamp"><span data-qa="display-date">{E(s.get("printed", s["date"][:10]))}</span></div>'
            f'<div class="article-body">{ps(s["paras"][:3], "wpds-c-cYdRxM")}'
            f'<div class="ad-slot" data-qa="article-body-ad"><p>Advertisement</p></div>'
            f'{ps(s["paras"][3:], "wpds-c-cYdRxM")}</div></article></main>')
    return shell(s["lang"], head, body, title=f'{s["title"]} - {s["site"]}')


def brightspot(s: dict) -> str:
    head = (f'<meta property="og:title" content="{E(s["title"])}">\n'
            f'<meta property="og:url" content="{s["url"]}">\n'
            + jsonld([{"@context": "http://schema.org", "@type": "NewsArticle", "headline": s["title"],
                       "author": [person(a) for a in s["authors"]], "datePublished": s["date"]}]))
    authors = ", ".join(f'<a class="ArticlePage-authorName" href="/author/{i}"><span>{E(a)}</span></a>'
                        for i, a in enumerate(s["authors"]))
    body = (f'<div class="ArticlePage-mainContent"><div class="ArticlePage-headline"><h1 class="ArticlePage-headline">'
            f'{E(s["title"])}</h1></div><div class="ArticlePage-authors"><div class="ArticlePage-authorBy">By</div>'
            f'{authors}</div><div class="ArticlePage-datePublished">{E(s.get("printed", ""))}</div>'
            f'<div class="RichTextArticleBody RichTextBody">{ps(s["paras"])}</div>'
            f'<div class="RelatedList"><h3>Related</h3><ul><li><a href="/r/1">Other story</a></li></ul></div></div>')
    return shell(s["lang"], head, body, title=s["title"])


def drupal(s: dict) -> str:
    """Drupal 9 without JSON-LD: dcterms meta, field--name-body, 'Submitted by' line."""
    head = (f'<link rel="canonical" href="{s["url"]}">\n'
            f'<meta name="dcterms.title" content="{E(s["title"])}">\n'
            f'<meta name="dcterms.created" content="{s["date"]}">\n'
            f'<meta property="og:site_name" content="{s["site"]}">\n<meta name="author" content="{s["site"]}">')
    body = (f'<div class="layout-container"><main><h1 class="page-title"><span class="field field--name-title">'
            f'{E(s["title"])}</span></h1><article class="node node--type-article"><div class="node__meta">'
            f'<span class="field field--name-uid">{E(s["byline"])}</span></div>'
            f'<div class="clearfix text-formatted field field--name-body">{ps(s["paras"])}</div></article>'
            f'</main>{SIDEBAR}</div>')
    return shell(s["lang"], head, body, title=f'{s["title"]} | {s["site"]}')


def ghost(s: dict) -> str:
    head = (f'<link rel="canonical" href="{s["url"]}">\n<meta property="og:site_name" content="{s["site"]}">\n'
            f'<meta property="article:published_time" content="{s["date"]}">\n'
            + jsonld({"@context": "https://schema.org", "@type": "Article", "publisher": {"@type": "Organization", "name": s["site"]},
                      "author": {"@type": "Person", "name": s["authors"][0], "url": "https://x/author/a/"},
                      "headline": s["title"], "url": s["url"], "datePublished": s["date"]}))
    body = (f'<main class="gh-main"><article class="gh-article post"><header class="gh-article-header">'
            f'<h1 class="gh-article-title">{E(s["title"])}</h1><p class="gh-article-excerpt">{E(s.get("subtitle", "A short standfirst for the story."))}</p>'
            f'<div class="gh-article-meta"><div class="gh-article-author-name"><a href="/author/a/">{E(s["authors"][0])}</a></div>'
            f'<time class="gh-article-date" datetime="{s["date"][:10]}">{s["date"][:10]}</time></div></header>'
            f'<section class="gh-content gh-canvas">{ps(s["paras"])}</section></article></main>')
    return shell(s["lang"], head, body, title=s["title"])


def substack(s: dict) -> str:
    head = (f'<link rel="canonical" href="{s["url"]}">\n'
            + jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "url": s["url"], "headline": s["title"],
                      "datePublished": s["date"], "author": [{"@type": "Person", "name": a, "url": "https://substack.com/@x"}
                                                             for a in s["authors"]],
                      "publisher": {"@type": "Organization", "name": s["site"]}}))
    names = "".join(f'<div class="profile-hover-card-target"><a href="https://substack.com/@{i}">{E(a)}</a></div>'
                    for i, a in enumerate(s["authors"]))
    body = (f'<div class="single-post"><div class="post-header"><h1 class="post-title">{E(s["title"])}</h1>'
            f'<h3 class="subtitle">{E("Notes from the waterfront, every week.")}</h3>'
            f'<div class="byline-wrapper"><div class="byline-names">{names}</div><div class="post-date">'
            f'{E(s.get("printed", ""))}</div></div></div><div class="available-content"><div class="body markup">'
            f'{ps(s["paras"])}<div class="subscription-widget-wrap"><p>Subscribe to keep reading</p></div></div></div></div>')
    return shell(s["lang"], head, body, title=s["title"])


def bbc(s: dict) -> str:
    """BBC: JSON-LD without author (organization only), printed byline block, data-component text blocks."""
    head = (f'<link rel="canonical" href="{s["url"]}">\n'
            + jsonld({"@context": "http://schema.org", "@type": "ReportageNewsArticle", "headline": s["title"],
                      "datePublished": s["date"], "author": {"@type": "NewsMediaOrganization", "name": "BBC News"},
                      "publisher": {"@type": "NewsMediaOrganization", "name": "BBC News"}}))
    byline = "".join(f'<div data-testid="byline-contributors"><span class="byline-name">{E(a)}</span>'
                     f'<span class="byline-role">{E(s.get("role", "BBC News"))}</span></div>' for a in s["authors"])
    blocks = "".join(f'<div data-component="text-block"><p>{E(p, quote=False)}</p></div>' for p in s["paras"])
    body = (f'<main id="main-content"><article><div data-component="headline-block"><h1 id="main-heading">'
            f'{E(s["title"])}</h1></div><div data-component="byline-block"><div data-testid="byline">{byline}</div></div>'
            f'<time data-testid="timestamp" datetime="{s["date"]}">{E(s.get("printed", ""))}</time>'
            f'{blocks}<div data-component="links-block"><h2>Related topics</h2><a href="/t">Transport</a></div>'
            f'</article></main>')
    return shell(s["lang"], head, body, title=f'{s["title"]} - BBC News')


def guardian(s: dict) -> str:
    head = (f'<link rel="canonical" href="{s["url"]}">\n<meta property="og:title" content="{E(s["title"])}">\n'
            f'<meta property="article:published_time" content="{s["date"]}">\n'
            f'<meta property="article:author" content="https://www.theguardian.com/profile/x">\n'
            f'<meta name="author" content="{E(", ".join(s["authors"]))}">\n'
            + jsonld([{"@type": "NewsArticle", "@context": "https://schema.org", "headline": s["title"],
                       "author": [person(a) for a in s["authors"]], "datePublished": s["date"],
                       "publisher": {"@type": "Organization", "name": "The Guardian"}},
                      {"@type": "WebPage", "@context": "https://schema.org", "potentialAction": {"@type": "ViewAction"}}]))
    links = " and ".join(f'<a rel="author" href="/profile/{i}">{E(a)}</a>' for i, a in enumerate(s["authors"]))
    body = (f'<main><article><div data-gu-name="headline"><h1>{E(s["title"])}</h1></div>'
            f'<div data-gu-name="standfirst"><p>{E("The decision ends a long argument over the future of the waterfront.")}</p></div>'
            f'<aside data-gu-name="meta"><address aria-label="Contributor info">{links} {E(s.get("place", ""))}</address>'
            f'<details><summary>{E(s.get("printed", ""))}</summary></details></aside>'
            f'<div id="maincontent"><div class="article-body-commercial-selector article-body-viewer-selector">'
            f'{ps(s["paras"][:2], "dcr-s3ycb2")}<aside class="ad-slot-container"><div class="ad-slot">Advertisement</div></aside>'
            f'{ps(s["paras"][2:], "dcr-s3ycb2")}</div></div></article></main>')
    return shell(s["lang"], head, body, title=f'{s["title"]} | World news | The Guardian')


def nyt(s: dict) -> str:
    head = (f'<link rel="canonical" href="{s["url"]}">\n<meta name="byl" content="{E(s["byline"])}">\n'
            f'<meta property="article:published_time" content="{s["date"]}">\n'
            f'<meta property="article:modified_time" content="{s.get("modified", s["date"])}">\n'
            + jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
                      "dateModified": s.get("modified", s["date"]), "datePublished": s["date"],
                      "author": [{"@context": "https://schema.org", "@type": "Person", "name": a, "url": "https://x"}
                                 for a in s["authors"]],
                      "isAccessibleForFree": False,
                      "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".meteredContent"}}))
    body = (f'<div id="app"><main id="site-content"><article id="story"><header><h1 data-testid="headline">'
            f'{E(s["title"])}</h1><p id="article-summary" class="css-79rysd">{E("A vote that reshapes the waterfront.")}</p>'
            f'<div class="css-1vkm6nb"><p class="css-aknsld e1jsehar1"><span class="byline-prefix">By</span> '
            + " and ".join(f'<span class="css-1baulvz last-byline" itemprop="name">{E(a)}</span>' for a in s["authors"])
            + f'</p><time datetime="{s["date"]}">{E(s.get("printed", ""))}</time></div></header>'
            f'<section name="articleBody" class="meteredContent">'
            + "".join(f'<div class="StoryBodyCompanionColumn"><div>{ps([p], "css-at9mc1 evys1bk0")}</div></div>' for p in s["paras"])
            + '</section></article></main></div>')
    return shell(s["lang"], head, body, title=f'{s["title"]} - The New York Times')


def reuters(s: dict) -> str:
    head = (f'<link rel="canonical" href="{s["url"]}">\n<meta property="og:title" content="{E(s["title"])}">\n'
            f'<meta name="article:published_time" content="{s["date"]}">\n'
            + jsonld({"@context": "http://schema.org", "@type": "NewsArticle", "headline": s["title"],
                      "datePublished": s["date"], "author": [{"@type": "Person", "name": a} for a in s["authors"]],
                      "creator": s["authors"]}))
    body = (f'<main><article><h1 data-testid="Heading">{E(s["title"])}</h1>'
            f'<div class="article-header__info"><div data-testid="AuthorByline">{E(s["byline"])}</div>'
            f'<time data-testid="Body">{E(s.get("printed", ""))}</time></div>'
            f'<div class="article-body__content">'
            + "".join(f'<div data-testid="paragraph-{i}" class="article-body__paragraph">{E(p, quote=False)}</div>'
                      for i, p in enumerate(s["paras"]))
            + '<p class="trust-badge">Our Standards: The Thomson Reuters Trust Principles.</p></div></article></main>')
    return shell(s["lang"], head, body, title=f'{s["title"]} | Reuters')


def ap(s: dict) -> str:
    head = (f'<link rel="canonical" href="{s["url"]}">\n'
            f'<meta property="article:published_time" content="{s["date"]}">\n'
            + jsonld({"@context": "http://schema.org", "@type": "NewsArticle", "headline": s["title"],
                      "author": [s["byline"]], "datePublished": s["date"]}))
    body = (f'<main><div class="Page-headline"><h1 class="Page-headline">{E(s["title"])}</h1></div>'
            f'<div class="Page-authors"><span class="Link">{E(s["byline"])}</span></div>'
            f'<div class="Page-dateModified"><bsp-timestamp data-timestamp="1736690700000"><span>{E(s.get("printed", ""))}</span></bsp-timestamp></div>'
            f'<div class="RichTextStoryBody RichTextBody">{ps(s["paras"])}'
            f'<p>{E("___")}</p><p>{E("Associated Press writers contributed to this report.")}</p></div></main>')
    return shell(s["lang"], head, body, title=f'{s["title"]} | AP News')


def german(s: dict) -> str:
    """Spiegel/Zeit/FAZ/SZ: "Von A und B", printed German date, JSON-LD optional, meta date maybe modified."""
    head = f'<link rel="canonical" href="{s["url"]}">\n<meta property="og:site_name" content="{s["site"]}">\n'
    head += f'<meta name="author" content="{E(s.get("meta_author", s["site"]))}">\n'
    if s.get("meta_date"):
        head += f'<meta name="date" content="{s["meta_date"]}">\n'
    if s.get("jsonld", True):
        head += jsonld({"@context": "http://schema.org", "@type": "NewsArticle", "headline": s["title"],
                        "datePublished": s["date"], "dateModified": s.get("modified", s["date"]),
                        "author": [person(a) for a in s["authors"][: s.get("jsonld_authors", 9)]],
                        "publisher": {"@type": "Organization", "name": s["site"]}})
    body = (f'<main><article class="{s.get("cls", "article")}"><header><span class="kicker">Verkehr</span>'
            f'<h1 class="headline">{E(s["title"])}</h1><p class="{s.get("lead_cls", "leadtext")}">'
            f'{E("Der Beschluss beendet einen langen Streit über den Hafen.")}</p></header>'
            f'<div class="{s.get("byline_cls", "byline")}">{E(s["byline"])}</div>'
            f'<div class="metadata"><time class="metadata__date">{E(s["printed"])}</time></div>'
            f'<div class="article-body">{ps(s["paras"][:2])}<div class="inline-teaser related"><span>Mehr zum Thema</span>'
            f'<a href="/x">Hafen: Die Geschichte einer Fähre</a></div>{ps(s["paras"][2:])}</div>'
            f'<p class="article-disclaimer">{E("© dpa-infocom, dpa:250112-99-12345/2")}</p></article></main>')
    return shell(s["lang"], head, body, title=f'{s["title"]} | {s["site"]}')


def romance(s: dict) -> str:
    """El País / Le Monde / Folha: author links inside a signature block, og:article:published_time."""
    head = (f'<link rel="canonical" href="{s["url"]}">\n<meta property="og:title" content="{E(s["title"])}">\n'
            f'<meta property="og:site_name" content="{s["site"]}">\n')
    if s.get("meta_pub", True):
        head += f'<meta property="article:published_time" content="{s["date"]}">\n'
    if s.get("jsonld", True):
        head += jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
                        "datePublished": s["date"], "author": [person(a) for a in s["authors"]],
                        "inLanguage": s["lang"]})
    body = (f'<main><article><header><h1 class="a_t">{E(s["title"])}</h1><h2 class="a_st">'
            f'{E(s.get("subtitle", "Subtítulo"))}</h2></header><div class="{s.get("byline_cls", "a_md_a")}">'
            f'{s["byline_html"]}</div><div class="a_md_f"><span>{E(s["printed"])}</span></div>'
            f'<div class="a_c clearfix" data-dtm-region="articulo_cuerpo">{ps(s["paras"])}</div>'
            f'<div class="a_ligature"><span class="lire">{E(s.get("read_also", "Lea también"))}</span> <a href="/r">Otra noticia</a></div>'
            f'</article></main>')
    return shell(s["lang"], head, body, title=f'{s["title"]} | {s["site"]}')


def asian(s: dict) -> str:
    """NHK/Asahi/Xinhua/Caixin: printed CJK date, byline in text or none, little structured data."""
    head = f'<meta name="description" content="{E(s["paras"][0])}">\n'
    if s.get("jsonld"):
        head += jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
                        "datePublished": s["date"], **({"author": [person(a) for a in s["authors"]]} if s["authors"] else {})})
    byline = f'<div class="{s.get("byline_cls", "source")}">{E(s["byline"])}</div>' if s.get("byline") else ""
    end = f'<p class="author-end">{E(s["byline_end"])}</p>' if s.get("byline_end") else ""
    body = (f'<div id="main"><div class="article"><h1 class="title">{E(s["title"])}</h1>'
            f'<div class="info"><span class="time">{E(s["printed"])}</span>{byline}</div>'
            f'<div id="detail" class="content">{ps(s["paras"])}{end}</div></div></div>')
    return shell(s["lang"], head, body, charset=s.get("charset", "utf-8"), title=s["title"])


def microdata(s: dict) -> str:
    """Old CMS with schema.org microdata only (no JSON-LD, no og)."""
    authors = ", ".join(f'<span itemprop="author" itemscope itemtype="http://schema.org/Person">'
                        f'<span itemprop="name">{E(a)}</span></span>' for a in s["authors"])
    body = (f'<div itemscope itemtype="http://schema.org/NewsArticle"><h1 itemprop="headline">{E(s["title"])}</h1>'
            f'<p class="meta">By {authors} | <time itemprop="datePublished" datetime="{s["date"]}">{E(s.get("printed", ""))}</time></p>'
            f'<div itemprop="articleBody">{ps(s["paras"])}</div>'
            f'<div class="comments"><div itemscope itemtype="http://schema.org/Comment"><span itemprop="author">troll42</span>'
            f'<p itemprop="text">First!</p></div></div></div>')
    return shell(s["lang"], "", body, title=s["title"])


def liveblog(s: dict) -> str:
    updates = [{"@type": "BlogPosting", "headline": f"Update {i}", "datePublished": s["date"][:11] + f"1{i}:00:00+00:00",
                "articleBody": p} for i, p in enumerate(s["paras"])]
    head = (f'<link rel="canonical" href="{s["url"]}">\n'
            + jsonld({"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": s["title"],
                      "coverageStartTime": s["date"], "datePublished": s["date"],
                      "author": [person(a) for a in s["authors"]], "liveBlogUpdate": updates}))
    posts = "".join(f'<div class="live-post"><time datetime="{u["datePublished"]}">{u["datePublished"][11:16]}</time>'
                    f'<p>{E(u["articleBody"], quote=False)}</p></div>' for u in updates)
    body = (f'<main><h1>{E(s["title"])}</h1><div class="byline">By {E(" and ".join(s["authors"]))}</div>'
            f'<div class="live-blog-body">{posts}</div></main>')
    return shell(s["lang"], head, body, title=s["title"])


def paywall(s: dict) -> str:
    head = (f'<link rel="canonical" href="{s["url"]}">\n'
            + jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
                      "datePublished": s["date"], "author": [person(a) for a in s["authors"]],
                      "isAccessibleForFree": False, "articleBody": "\n\n".join(s["paras"])}))
    body = (f'<main><article><h1>{E(s["title"])}</h1><p class="byline">By {E(" and ".join(s["authors"]))}</p>'
            f'<div class="article-content">{ps(s["paras"][:1])}</div><div class="paywall-box"><h3>Subscribe to continue reading</h3>'
            f'<p>Get unlimited access for just $1 a week.</p></div></article></main>')
    return shell(s["lang"], head, body, title=s["title"])


def plain(s: dict) -> str:
    """A small site with no structured data at all: printed byline and date only."""
    byline = f'<p class="{s.get("byline_cls", "post-meta")}">{E(s["byline"])}</p>' if s.get("byline") else ""
    date = f'<p class="date">{E(s["printed"])}</p>' if s.get("printed") else ""
    body = (f'<div id="content"><div class="post"><h1>{E(s["title"])}</h1>{byline}{date}'
            f'<div class="post-body">{ps(s["paras"])}</div>{NEWSLETTER}</div>{SIDEBAR}</div>')
    return shell(s["lang"], s.get("head", ""), body, title=f'{s["title"]} - {s["site"]}')


TEMPLATES: dict[str, Callable[[dict], str]] = {
    "wordpress": wordpress, "arc": arc, "brightspot": brightspot, "drupal": drupal, "ghost": ghost,
    "substack": substack, "bbc": bbc, "guardian": guardian, "nyt": nyt, "reuters": reuters, "ap": ap,
    "german": german, "romance": romance, "asian": asian, "microdata": microdata, "liveblog": liveblog,
    "paywall": paywall, "plain": plain,
}


def cases() -> list[dict]:
    c: list[dict] = []

    def add(name: str, template: str, lang: str = "en", **kw: Any) -> None:
        i = len(c)
        spec = {"name": name, "template": template, "lang": lang, "site": kw.pop("site", "Example News"),
                "url": kw.pop("url", f"https://news.example.com/{lang}/2025/01/12/story-{i}"),
                "title": kw.pop("title", TITLES[lang][i % len(TITLES[lang])]),
                "paras": kw.pop("paras", paragraphs(lang, i, kw.pop("n", 5))), "authors": [], "byline": "",
                "date": "2025-01-12T10:05:00+00:00"}
        spec.update(kw)
        spec.setdefault("expected_date", spec["date"])
        day = (spec["date"] or "")[:10].replace("-", "/")
        spec["url"] = spec["url"].replace("/2025/01/12/", f"/{day}/" if day else "/")
        c.append(spec)

    # WordPress (Yoast @graph, @id authors, HTML entities in headline)
    add("wordpress_single", "wordpress", authors=["Maya Lindqvist"], date="2025-01-12T08:30:00-05:00")
    add("wordpress_two_authors", "wordpress", authors=["Tom O'Reilly", "Priya Raman"], date="2024-11-03T19:02:11+01:00",
        title="Harbor Plan's Critics Regroup")
    add("wordpress_blog", "wordpress", authors=["Sam Carter"], site="The Waterfront Blog", date="2023-06-30T07:00:00+00:00")
    # Arc XP
    add("arc_wapo_three", "arc", authors=["Ellen Park", "Marcus Webb", "Dana Whitfield"], date="2025-01-12T06:00:00-05:00",
        printed="January 12, 2025 at 6:00 a.m. EST")
    add("arc_jsonld_first_of_three", "arc", authors=["Lena Hoffmann", "Carlos Mendes", "Aiko Tanaka"], jsonld_authors=1,
        date="2025-01-10T14:45:00-05:00", printed="January 10, 2025")
    add("arc_single", "arc", authors=["Jordan Blake"], date="2024-12-24T09:15:00-06:00", printed="December 24, 2024")
    # Brightspot
    add("brightspot_two", "brightspot", authors=["Hannah Cole", "Victor Alvarez"], date="2025-01-09T16:20:00-08:00",
        printed="Updated 4:20 PM PST, January 9, 2025")
    add("brightspot_one", "brightspot", authors=["Grace Kim"], date="2025-01-08T11:00:00-05:00")
    # Drupal (no JSON-LD, meta author = site)
    add("drupal_submitted_by", "drupal", authors=["Peter Novak"], byline="Submitted by Peter Novak on 12 January 2025",
        date="2025-01-12T09:00:00+01:00", site="Riverside Gazette")
    add("drupal_by_line", "drupal", authors=["Alice Moreau", "Ben Okafor"], byline="By Alice Moreau and Ben Okafor",
        date="2025-01-11T17:30:00+00:00", site="County Courier")
    # Ghost
    add("ghost_single", "ghost", authors=["Nora Quinn"], date="2025-01-07T12:00:00.000+00:00", site="Harbor Notes",
        expected_date="2025-01-07T12:00:00+00:00")
    add("ghost_second", "ghost", authors=["Ivan Petrov"], date="2024-10-15T08:45:00+02:00", site="Tidewater")
    # Substack
    add("substack_two", "substack", authors=["Rachel Adams", "Tom Hughes"], date="2025-01-05T13:00:00+00:00",
        printed="Jan 5, 2025", site="Port Dispatch")
    add("substack_one", "substack", authors=["Leo Marsh"], date="2024-09-01T10:00:00+00:00", printed="Sep 1, 2024",
        site="Marsh Notes")
    # BBC (author is an organization in JSON-LD; printed names with roles)
    add("bbc_two_correspondents", "bbc", authors=["Sarah Rainsford", "Daniel Hope"], role="Eastern Europe correspondent",
        date="2025-01-12T07:41:12.000Z", expected_date="2025-01-12T07:41:12+00:00", printed="12 January 2025")
    add("bbc_single", "bbc", authors=["Tom Edgington"], role="BBC Verify", date="2025-01-11T22:05:00.000Z",
        expected_date="2025-01-11T22:05:00+00:00", printed="11 January 2025")
    # Guardian ("in Kyiv", article:author profile URLs)
    add("guardian_in_place", "guardian", authors=["Shaun Grant"], place="in Kyiv", date="2025-01-12T12:00:49.000Z",
        expected_date="2025-01-12T12:00:49+00:00", printed="Sun 12 Jan 2025 12.00 GMT")
    add("guardian_two", "guardian", authors=["Helena Smith", "Jon Henley"], place="in Athens",
        date="2025-01-09T06:00:00.000Z", expected_date="2025-01-09T06:00:00+00:00")
    # NYT (byl meta, metered content)
    add("nyt_two", "nyt", authors=["Anton Troianovski", "Mia Lund"], byline="By Anton Troianovski and Mia Lund",
        date="2025-01-12T05:00:08-05:00", modified="2025-01-13T10:31:00-05:00", printed="Jan. 12, 2025")
    add("nyt_three", "nyt", authors=["Ana Swanson", "Peter Baker", "Lisa Friedman"],
        byline="By Ana Swanson, Peter Baker and Lisa Friedman", date="2025-01-03T18:22:00-05:00")
    # Reuters
    add("reuters_two", "reuters", authors=["Guy Faulconbridge", "Lidia Kelly"], byline="By Guy Faulconbridge and Lidia Kelly",
        date="2025-01-12T10:59:04Z", expected_date="2025-01-12T10:59:04+00:00", printed="January 12, 2025 10:59 AM GMT")
    add("reuters_one", "reuters", authors=["Olesya Astakhova"], byline="By Olesya Astakhova",
        date="2025-01-10T08:12:00Z", expected_date="2025-01-10T08:12:00+00:00")
    # AP (byline in caps with role; JSON-LD author is the printed string)
    add("ap_caps", "ap", authors=["Hyung-Jin Kim"], byline="By HYUNG-JIN KIM Associated Press",
        date="2025-01-12T04:05:00-05:00", printed="Updated 4:05 AM EST, January 12, 2025")
    add("ap_two", "ap", authors=["Kim Tong-Hyung", "Jiwon Song"], byline="By KIM TONG-HYUNG and JIWON SONG",
        date="2025-01-11T21:17:00-05:00")
    # German outlets
    add("spiegel_von_und", "german", "de", authors=["Anna Müller", "Peter Schmidt"], byline="Von Anna Müller und Peter Schmidt",
        site="DER SPIEGEL", date="2022-05-03T14:30:00+02:00", printed="03.05.2022, 14.30 Uhr")
    add("zeit_von_berlin", "german", "de", authors=["Jonas Weber"], byline="Von Jonas Weber, Berlin", site="ZEIT ONLINE",
        date="2022-05-03T16:12:00+02:00", printed="3. Mai 2022, 16:12 Uhr", byline_cls="metadata__source")
    add("faz_meta_modified", "german", "de", authors=["Claudia Brandt"], byline="Von Claudia Brandt", site="FAZ.NET",
        date="2025-01-10T06:00:00+01:00", modified="2025-01-12T09:41:00+01:00", meta_date="2025-01-12T09:41:00+01:00",
        printed="10.01.2025, 06:00", jsonld=False, expected_date="2025-01-10T06:00:00",
        meta_author="Claudia Brandt")
    add("sz_dpa_agency", "german", "de", authors=["dpa"], byline="(dpa)", site="Süddeutsche Zeitung",
        date="2025-01-12T11:20:00+01:00", printed="12. Januar 2025, 11:20 Uhr", jsonld=False,
        meta_date="2025-01-12T11:20:00+01:00", meta_author="Süddeutsche Zeitung")
    add("spiegel_first_of_three", "german", "de", authors=["Lisa Becker", "Tim Rau", "Eva Koch"], jsonld_authors=1,
        byline="Von Lisa Becker, Tim Rau und Eva Koch", site="DER SPIEGEL", date="2024-03-05T18:00:00+01:00",
        printed="05.03.2024, 18.00 Uhr")
    add("zeit_autorin_role", "german", "de", authors=["Miriam Lau"], byline="Eine Analyse von Miriam Lau, Korrespondentin",
        site="ZEIT ONLINE", date="2024-07-21T08:00:00+02:00", printed="21. Juli 2024, 8:00 Uhr")
    add("faz_no_jsonld_text_date", "german", "de", authors=["Markus Frei"], byline="Von Markus Frei, Frankfurt",
        site="FAZ.NET", date="2023-11-02", printed="2. November 2023", jsonld=False, meta_author="Markus Frei",
        expected_date="2023-11-02")
    # Spanish / French / Portuguese
    add("elpais_por_y", "romance", "es", authors=["Juan Pérez", "María López"], site="EL PAÍS",
        byline_html='Por <a href="/autor/juan">Juan Pérez</a> y <a href="/autor/maria">María López</a>',
        date="2025-01-12T05:40:00+01:00", printed="12 de enero de 2025 - 05:40 CET")
    add("elpais_no_jsonld", "romance", "es", authors=["Lucía Gómez"], site="EL PAÍS", jsonld=False,
        byline_html='<a class="a_md_a_n" href="/autor/lucia">Lucía Gómez</a>', byline_cls="a_md_a",
        date="2025-01-11T20:00:00+01:00", printed="11 de enero de 2025 20:00")
    add("lemonde_par_et", "romance", "fr", authors=["Jean Dupont", "Claire Martin"], site="Le Monde",
        byline_html='<span class="author">Par Jean Dupont et Claire Martin</span>',
        date="2025-01-12T06:15:00+01:00", printed="Publié le 12 janvier 2025 à 06h15", read_also="Lire aussi")
    add("lemonde_envoye", "romance", "fr", authors=["Rémy Ourdan"], site="Le Monde", jsonld=False,
        byline_html='Par <span class="author__name">Rémy Ourdan</span> (Kiev, envoyé spécial)',
        date="2024-12-20T10:00:00+01:00", printed="Publié le 20 décembre 2024 à 10h00")
    add("folha_por", "romance", "pt", authors=["Ana Souza"], site="Folha de S.Paulo",
        byline_html='<strong class="c-signature__author">Ana Souza</strong>', byline_cls="c-signature",
        date="2025-01-12T10:05:00-03:00", printed="12.jan.2025 às 10h05", meta_pub=True)
    add("folha_agencia", "romance", "pt", authors=["Reuters"], site="Folha de S.Paulo",
        byline_html='<strong class="c-signature__author">Reuters</strong>', byline_cls="c-signature",
        date="2025-01-09T14:00:00-03:00", printed="9.jan.2025 às 14h00", jsonld=False)
    # Polish
    add("wyborcza_two", "romance", "pl", authors=["Jan Kowalski", "Anna Nowak"], site="Gazeta Wyborcza",
        byline_html='<span class="art-author">Jan Kowalski, Anna Nowak</span>', byline_cls="article-author",
        date="2025-01-12T10:05:00+01:00", printed="12 stycznia 2025 | 10:05", jsonld=False)
    add("wyborcza_przez", "romance", "pl", authors=["Piotr Wiśniewski"], site="Gazeta Wyborcza",
        byline_html='Przez <a href="/autor/pw">Piotr Wiśniewski</a>',
        date="2024-08-14T07:30:00+02:00", printed="14 sierpnia 2024, 07:30")
    # Japanese / Chinese
    add("nhk_no_byline", "asian", "ja", authors=[], printed="2025年1月12日 10時05分", date="2025-01-12T10:05:00",
        site="NHK")
    add("asahi_kakko", "asian", "ja", authors=["山田太郎"], byline_end="（山田太郎）", printed="2025年1月12日 8時00分",
        date="2025-01-12T08:00:00+09:00", jsonld=True, site="朝日新聞")
    add("xinhua_jizhe", "asian", "zh", authors=["张三", "李四"], byline="新华社记者张三、李四", printed="2025-01-12 10:05:32",
        date="2025-01-12T10:05:32", site="新华网", byline_cls="source")
    add("caixin_wen", "asian", "zh", authors=["王五"], byline="文｜财新 王五", printed="2025年01月12日 10:05",
        date="2025-01-12T10:05:00+08:00", jsonld=True, site="财新网")
    # Structured-data quirks
    add("microdata_only", "microdata", authors=["Kate Brennan", "Luis Ortega"], date="2024-05-17T09:30:00-04:00",
        printed="May 17, 2024")
    add("liveblog", "liveblog", authors=["Martin Belam", "Tobi Thomas"], date="2025-01-12T08:00:00+00:00")
    add("paywall_teaser", "paywall", authors=["Oliver Grant"], date="2025-01-12T09:00:00+00:00")
    # No byline / no date / agency copy
    add("plain_no_byline", "plain", authors=[], printed="January 8, 2025", date="2025-01-08")
    add("plain_no_date", "plain", authors=["Ruth Ellis"], byline="By Ruth Ellis", date=None, expected_date=None)
    add("plain_afp", "plain", authors=["AFP"], byline="By AFP", printed="Jan 6, 2025", date="2025-01-06")
    add("plain_staff_writer", "plain", authors=["Dana Fox"], byline="By Dana Fox, Staff Writer",
        printed="March 3, 2024 8:15 am", date="2024-03-03T08:15:00")
    add("plain_reuters_suffix", "plain", authors=["Ben Lowe", "Ann Hart"], byline="By Ben Lowe and Ann Hart, Reuters",
        printed="2 Feb 2024", date="2024-02-02")
    add("plain_ampersand", "plain", authors=["Chris Doyle", "Pat Reyes"], byline="Chris Doyle & Pat Reyes",
        printed="Posted Nov 20, 2024", date="2024-11-20", byline_cls="author-line")
    add("plain_with_photographer", "plain", authors=["Nina Wolf"], byline="By Nina Wolf | Photos by Carl Jung",
        printed="October 2, 2024", date="2024-10-02")
    # Meta dates carrying the modified time, timezones
    add("meta_modified_trap", "plain", authors=["Erin Walsh"], byline="By Erin Walsh",
        head='<meta property="article:published_time" content="2025-01-12T18:40:00+00:00">'
             '<meta property="article:modified_time" content="2025-01-12T18:40:00+00:00">'
             '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
             '"headline":"Ferry Plan Clears Final Vote","datePublished":"2025-01-11T07:15:00+00:00",'
             '"dateModified":"2025-01-12T18:40:00+00:00"}</script>',
        title="Ferry Plan Clears Final Vote", date="2025-01-11T07:15:00+00:00")
    add("timezone_est_printed", "plain", authors=["Gina Ross"], byline="By Gina Ross",
        printed="Jan. 12, 2025 10:05 a.m. EST", date="2025-01-12T10:05:00-05:00")
    add("timezone_date_only_jsonld", "plain", authors=["Hugo Lam"], byline="By Hugo Lam",
        head='<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-01-12"}</script>'
             '<meta property="article:published_time" content="2025-01-12T21:30:00+09:00">',
        date="2025-01-12T21:30:00+09:00")
    add("broken_jsonld", "plain", authors=["Iris Novak", "Omar Haddad"], byline="",
        head='<script type="application/ld+json">{"@context": "https://schema.org", "@type": ["NewsArticle"],\n'
             '"headline": "Council Backs New Island Routes",\n"description": "A line\nbreak inside",\n'
             '"author": [{"@type": "Person", "name": "Iris Novak"}, {"@type": "Person", "name": "Omar Haddad"},],\n'
             '"datePublished": "2025-01-12T10:05:00+01:00",}</script>',
        title="Council Backs New Island Routes", date="2025-01-12T10:05:00+01:00")
    add("jsonld_author_string", "plain", authors=["Sofia Reyes", "Liam Chen"], byline="",
        head='<script type="application/ld+json">[{"@type":"BreadcrumbList"},{"@type":"NewsArticle",'
             '"headline":"Island Commuters Win Faster Crossings","author":"By Sofia Reyes and Liam Chen",'
             '"datePublished":"Sun, 12 Jan 2025 10:05:00 +0100"}]</script>',
        title="Island Commuters Win Faster Crossings", date="2025-01-12T10:05:00+01:00")
    add("parsely_meta", "plain", authors=["Ruth Barnes"], byline="",
        head='<meta name="parsely-author" content="Ruth Barnes"><meta name="parsely-pub-date" content="2024-12-01T15:00:00Z">'
             '<meta name="parsely-title" content="City Bets on Boats">',
        title="City Bets on Boats", date="2024-12-01T15:00:00+00:00")
    add("sailthru_dc_meta", "plain", authors=["Mark Ellis"], byline="",
        head='<meta name="sailthru.author" content="Mark Ellis"><meta name="sailthru.date" content="2024-12-02 09:00:00 -0500">'
             '<meta name="dc.creator" content="Mark Ellis">',
        date="2024-12-02T09:00:00-05:00")
    add("citation_meta", "plain", authors=["Laura Stein", "Felix Brandt"], byline="",
        head='<meta name="citation_author" content="Stein, Laura"><meta name="citation_author" content="Brandt, Felix">'
             '<meta name="citation_publication_date" content="2024/06/30">', date="2024-06-30",
        expected_authors_note="citation_author uses 'Last, First'")
    return c


def build_case(spec: dict) -> tuple[str, dict]:
    s = dict(spec)
    if not s.get("byline") and s["template"] in {"plain"} and s["authors"] and s["name"] not in {
            "broken_jsonld", "jsonld_author_string", "parsely_meta", "sailthru_dc_meta", "citation_meta"}:
        s["byline"] = "By " + " and ".join(s["authors"])
    if s["date"] is None:
        s["date"] = ""
    page = TEMPLATES[s["template"]](s)
    expected = {
        "url": s["url"], "convention": s["template"], "language": s["lang"], "title": s["title"],
        "authors": s["authors"], "date_published": s["expected_date"], "body": s["paras"],
    }
    if s["name"] == "citation_meta":
        expected["authors"] = ["Laura Stein", "Felix Brandt"]
    return page, expected


def encode(name: str, page: str) -> bytes:
    """Some pages are stored in legacy or misdeclared charsets, as archives hold them."""
    if name == "wordpress_blog":
        return page.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("utf-8")  # wrong declaration
    if name == "ghost_second":
        return page.replace('<meta charset="utf-8">', "").encode("utf-8")  # undeclared
    if name == "nhk_no_byline":
        return page.replace('charset="utf-8"', 'charset="shift_jis"').encode("cp932", errors="xmlcharrefreplace")
    if name == "drupal_submitted_by":
        return page.encode("utf-8")[: len(page.encode("utf-8")) - 420]  # truncated transfer
    return page.encode("utf-8")


def main() -> None:
    specs = cases()
    for spec in specs:
        folder = HERE / spec["name"]
        folder.mkdir(exist_ok=True)
        page, expected = build_case(spec)
        (folder / "page.html").write_bytes(encode(spec["name"], page))
        (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # A cp1251 Russian page (Interfax-style agency copy) built by hand.
    ru = paragraphs("ru", 3, 4)
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            f'<title>{TITLES["ru"][0]}</title><meta name="author" content="Интерфакс"></head><body>'
            f'<h1>{TITLES["ru"][0]}</h1><div class="textMTitle"><span>Москва. 12 января 2025. INTERFAX.RU</span></div>'
            f'<div class="byline">Интерфакс</div><time datetime="2025-01-12T10:05:00+03:00">12 января 2025 10:05</time>'
            f'<article itemprop="articleBody">{ps(ru)}</article></body></html>')
    folder = HERE / "interfax_cp1251"
    folder.mkdir(exist_ok=True)
    (folder / "page.html").write_bytes(page.encode("cp1251"))
    (folder / "expected.json").write_text(json.dumps({
        "url": "https://www.interfax.ru/russia/1000001", "convention": "agency-cp1251", "language": "ru",
        "title": TITLES["ru"][0], "authors": ["Интерфакс"], "date_published": "2025-01-12T10:05:00+03:00",
        "body": ru}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(specs) + 1} cases to {HERE}")


if __name__ == "__main__":
    main()
