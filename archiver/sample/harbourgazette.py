"""Routes of the `harbourgazette` sample outlet (WordPress conventions, no RSS).

    /  /page/N/  /?paged=N               front page (6 posts, infinite scroll)
    /category/<slug>/  (+ /page/N/)      category archive (infinite scroll)
    /tag/<slug>/                         tag archive
    /YYYY/MM/DD/<slug>/                  post;  /?p=<id> shortlink -> 301 to the post
    /wp-json/wp/v2/posts?page=N&per_page=6[&categories=ID]   what infinite scroll fetches
    /wp-json/wp/v2/posts/<id>, /wp-json/
    /wp-sitemap.xml -> /wp-sitemap-posts-post-1.xml (lastmod), /wp-sitemap-taxonomies-category-1.xml
    /robots.txt, /wp-content/..., /wp-includes/js/...;  /feed/ is 404 (feeds disabled)
"""

from __future__ import annotations

import math
import secrets

from archiver.sample import hg_templates as t
from archiver.sample.site import (Outlet, Request, Response, as_json, html, photo, redirect, slugify, static_file,
                                  text, timestamp, xml)
from archiver.sample.store import Article
from archiver.sample.xmlfeeds import SitemapEntry, sitemap_index, urlset

PER_PAGE = 6


class HarbourGazette(Outlet):
    name = "harbourgazette"
    public_base = t.PUBLIC
    assets = {"/wp-content/themes/gazette/js/": "hg/", "/wp-content/themes/gazette/": "hg/",
              "/wp-includes/js/": "common/"}
    routes = [
        (r"/", "home"),
        (r"/page/(?P<page>[0-9]+)/", "home"),
        (r"/category/(?P<slug>[a-z0-9-]+)/", "category_page"),
        (r"/category/(?P<slug>[a-z0-9-]+)/page/(?P<page>[0-9]+)/", "category_page"),
        (r"/tag/(?P<slug>[a-z0-9-]+)/", "tag"),
        (r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/", "article"),
        (r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+", "add_slash"),
        (r"/wp-json/?", "api_root"),
        (r"/wp-json/wp/v2/posts", "api_posts"),
        (r"/wp-json/wp/v2/posts/(?P<post_id>[0-9]+)", "api_post"),
        (r"/wp-sitemap\.xml", "sitemap"),
        (r"/wp-sitemap-posts-post-1\.xml", "sitemap_posts"),
        (r"/wp-sitemap-taxonomies-category-1\.xml", "sitemap_categories"),
        (r"/robots\.txt", "robots"),
        (r"/favicon\.ico", "favicon"),
        (r"/wp-content/uploads/\d{4}/\d{2}/(?P<file>[a-z0-9-]+\.jpg)", "image"),
    ]

    # pages ---------------------------------------------------------------------------------------
    def home(self, request: Request, page: str | None = None) -> Response | None:
        if "p" in request.query:
            a = next((x for x in self.store.articles() if str(x["id"]) == request.query["p"]), None)
            return redirect(request.base + a["url"]) if a else None
        number = int(page or request.query.get("paged", "1"))
        return self._archive(request, None, "/", self.store.articles(), f"{request.base}/wp-json/wp/v2/posts?per_page={PER_PAGE}", number)

    def category_page(self, request: Request, slug: str, page: str | None = None) -> Response | None:
        if slug not in t.CATEGORIES:
            return None
        cid, name = t.CATEGORIES[slug]
        items = [a for a in self.store.articles() if a["layout"]["category"] == slug]
        number = int(page or request.query.get("paged", "1"))
        return self._archive(request, f"Category: {name}", f"/category/{slug}/", items,
                             f"{request.base}/wp-json/wp/v2/posts?per_page={PER_PAGE}&categories={cid}", number)

    def tag(self, request: Request, slug: str) -> Response | None:
        items = [a for a in self.store.articles() if slug in {slugify(x) for x in a["tags"]}]
        if not items:
            return None
        name = next(x for x in items[0]["tags"] if slugify(x) == slug)
        return html(t.archive_page(request.base, f"Tag: {name}", f"/tag/{slug}/", items, "", 1, 1),
                    last_modified=self.store.mtime)

    def _archive(self, request: Request, heading: str | None, canonical: str, items: list[Article], api: str,
                 page: int) -> Response | None:
        total = max(1, math.ceil(len(items) / PER_PAGE))
        if not 1 <= page <= total:
            return None
        chunk = items[(page - 1) * PER_PAGE:page * PER_PAGE]
        return html(t.archive_page(request.base, heading, canonical, chunk, api, page, total),
                    last_modified=self.store.mtime, cache_control="public, max-age=60")

    def article(self, request: Request) -> Response | None:
        a = self.store.by_url(request.path)
        if a is None:
            return None
        return self.article_response(request, a, lambda shown: t.article_page(request.base, shown))

    def add_slash(self, request: Request) -> Response | None:
        return redirect(request.base + request.path + "/") if self.store.by_url(request.path + "/") else None

    # REST API (what the infinite scroll fetches) ------------------------------------------------
    def _post_json(self, request: Request, a: Article) -> dict:
        _, cid, _ = t.category(a)
        return {"id": a["id"], "date": a["date_published"][:19], "modified": a["date_modified"][:19],
                "slug": a["url"].rstrip("/").rsplit("/", 1)[-1], "status": "publish", "type": "post",
                "link": request.base + a["url"], "title": {"rendered": t.p(a["title"])},
                "excerpt": {"rendered": f"<p>{t.p(a['description'])}</p>\n", "protected": False},
                "categories": [cid],
                "featured_image_src": request.base + a["lead_image"]["url"] if a.get("lead_image") else ""}

    def api_root(self, request: Request) -> Response:
        return as_json({"name": t.SITE, "url": request.base, "namespaces": ["wp/v2"],
                        "routes": {"/wp/v2/posts": {"namespace": "wp/v2", "methods": ["GET"]}}})

    def api_posts(self, request: Request) -> Response:
        items = self.store.articles()
        if "categories" in request.query:
            wanted = {int(x) for x in request.query["categories"].split(",") if x.isdigit()}
            items = [a for a in items if t.category(a)[1] in wanted]
        per_page = max(1, min(100, int(request.query.get("per_page", "10"))))
        page = int(request.query.get("page", "1"))
        total_pages = max(1, math.ceil(len(items) / per_page))
        headers = [("X-WP-Total", str(len(items))), ("X-WP-TotalPages", str(total_pages))]
        if not 1 <= page <= total_pages:
            resp = as_json({"code": "rest_post_invalid_page_number",
                            "message": "The page number requested is larger than the number of pages available.",
                            "data": {"status": 400}}, headers=headers)
            resp.status = 400
            return resp
        chunk = items[(page - 1) * per_page:page * per_page]
        return as_json([self._post_json(request, a) for a in chunk], headers=headers, last_modified=self.store.mtime)

    def api_post(self, request: Request, post_id: str) -> Response | None:
        a = next((x for x in self.store.articles() if str(x["id"]) == post_id), None)
        return as_json(self._post_json(request, a), last_modified=timestamp(a["date_modified"])) if a else None

    # sitemaps, robots, assets -------------------------------------------------------------------
    def sitemap(self, request: Request) -> Response:
        return xml(sitemap_index([(f"{request.base}/wp-sitemap-posts-post-1.xml", None),
                                  (f"{request.base}/wp-sitemap-taxonomies-category-1.xml", None)]),
                   last_modified=self.store.mtime)

    def sitemap_posts(self, request: Request) -> Response:
        entries = [SitemapEntry(request.base + a["url"], a["date_modified"]) for a in self.store.articles()]
        return xml(urlset(entries), last_modified=self.store.mtime)

    def sitemap_categories(self, request: Request) -> Response:
        return xml(urlset([SitemapEntry(f"{request.base}/category/{slug}/") for slug in t.CATEGORIES]),
                   last_modified=self.store.mtime)

    def robots(self, request: Request) -> Response:
        return text("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                    f"Sitemap: {request.base}/wp-sitemap.xml\n")

    def favicon(self, request: Request) -> Response | None:
        return static_file("hg/favicon.png")

    def image(self, request: Request, file: str) -> Response:
        return photo(file)

    def cookies(self, request: Request) -> list[str]:
        return ["wordpress_test_cookie=WP%20Cookie%20check; path=/; secure=false",
                f"gazette_visitor={secrets.token_hex(8)}; expires=Fri, 01 Jan 2027 00:00:00 GMT; Max-Age=31536000; path=/"]

    def link_headers(self, request: Request, response: Response) -> list[str]:
        links = [f'<{request.base}/wp-json/>; rel="https://api.w.org/"']
        a = self.store.by_url(request.path)
        if a is not None:
            links += [f'<{request.base}/wp-json/wp/v2/posts/{a["id"]}>; rel="alternate"; type="application/json"',
                      f'<{request.base}/?p={a["id"]}>; rel=shortlink']
        return links
