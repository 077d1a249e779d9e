"""CSS selectors for The Moscow Times, read from its public templates.

Source: github.com/themoscowtimes/themoscowtimes, resources/views/article/item.php,
resources/views/article/block/*.php and resources/views/seo/article.php. The lead
moves this dict into the TOML outlet profile; it lives here until then so the
extraction tests can use it.

Why each choice:
* title/subtitle: ``header.article__header`` holds ``<h1><a>title</a></h1><h2>subtitle</h2>``;
  the element text is taken, so the link inside h1 does not matter.
* byline/authors: ``.byline__author`` prints "By A, B and C" with one
  ``.byline__author__name`` per author (an ``<a>``, or a ``<span>`` on archive pages).
* dates: the printed ``<time class="byline__datetime">`` shows the *updated* time
  whenever the article changed more than 10 minutes after publication, so the
  publication time comes from ``article:published_time`` (seo/article.php).
* body: ``.article__content`` holds one ``.article__block--<type>`` per block; the
  walker keeps html/header/quote blocks and drops image, images, embed, newsletter
  and banner blocks. Related boxes are ``aside.article__related-article`` (block
  "article") and ``.article__link`` (block "link").
* lead image: ``figure.article__featured-image`` with caption and credits spans.
* tags: "Read more about:" links in ``.article__tags``.
"""

MOSCOW_TIMES_SELECTORS: dict[str, str] = {
    "title": "header.article__header h1",
    "subtitle": "header.article__header h2",
    "byline": ".article__byline .byline__author",
    "authors": ".article__byline .byline__author .byline__author__name",
    "date_published": "meta[property='article:published_time']::attr(content)",
    "date_modified": "meta[property='article:modified_time']::attr(content)",
    "section": "meta[property='article:section']::attr(content)",
    "tags": ".article__tags a.article__tags__tag",
    "body": ".article__content",
    "lead_image": "figure.article__featured-image img::attr(src)",
    "lead_image_caption": "figure.article__featured-image .article__featured-image__caption",
    "lead_image_credit": "figure.article__featured-image .article__featured-image__credits",
    "related": ".article__content aside.article__related-article, .article__content .article__link",
}
