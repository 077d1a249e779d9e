"""Routes of the `lantern` sample outlet: a client-rendered app (plain JavaScript, history.pushState).

Every page path answers the same HTML shell, an empty ``<div id="root">`` and a
``<noscript>`` "enable JavaScript" message; the browser builds the page from
the JSON API. There is no sitemap and no feed: only the rendered front page,
with its "Load more stories" button, lists the articles.

    /  /news/YYYY/MM/DD/<slug>  (any other path)   the shell (200)
    /api/stories?offset=N&limit=M                  front page list: 8 first, then 6 more
    /api/stories/<slug>                            one article (404 JSON when unknown)
    /static/app.js, /static/app.css                the app (no build step; a classic deferred script:
                                                   pywb's JavaScript rewriting breaks ES modules)
    /media/<name>.jpg                              photos
    /robots.txt                                    no Sitemap line
"""

from __future__ import annotations

from archiver.sample.site import Outlet, Request, Response, as_json, html, photo, text, timestamp
from archiver.sample.store import Article

SITE = "The Lantern"
PUBLIC = "https://www.lantern.example"
TIME_ZONE = "Europe/Berlin"      # the app prints dates in the outlet's own zone
FIRST_PAGE = 8                   # stories on the front page before "Load more stories"
MORE = 6                         # stories each press of the button adds

SHELL = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{SITE}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
<script defer src="/static/app.js"></script>
</head>
<body>
<noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"></div>
</body>
</html>
"""


class Lantern(Outlet):
    name = "lantern"
    public_base = PUBLIC
    assets = {"/static/": "lantern/"}
    routes = [
        (r"/api/stories", "api_stories"),
        (r"/api/stories/(?P<slug>[a-z0-9-]+)", "api_story"),
        (r"/api/.*", "api_not_found"),
        (r"/robots\.txt", "robots"),
        (r"/media/(?P<file>[a-z0-9-]+\.jpg)", "image"),
        (r"/.*", "shell"),
    ]

    def shell(self, request: Request) -> Response:
        """The same bytes for every page: the app routes in the browser."""
        return html(SHELL, cache_control="no-cache")

    def _summary(self, a: Article) -> dict:
        return {"slug": _slug(a), "path": a["url"], "title": a["title"], "summary": a["description"],
                "section": a["section"], "published": a["date_published"], "image": a["lead_image"]["url"]}

    def _story(self, a: Article) -> dict:
        return {**self._summary(a), "subtitle": a["subtitle"], "authors": a["authors"], "modified": a["date_modified"],
                "tags": a["tags"], "body": a["body"], "caption": a["lead_image"]["caption"],
                "credit": a["lead_image"]["credit"], "canonical": PUBLIC + a["url"], "timeZone": TIME_ZONE}

    def api_stories(self, request: Request) -> Response:
        items = self.store.articles()
        offset = _number(request.query.get("offset"), 0)
        limit = min(50, _number(request.query.get("limit"), FIRST_PAGE))
        chunk = items[offset:offset + limit]
        more = offset + limit < len(items)
        return as_json({"site": SITE, "stories": [self._summary(a) for a in chunk], "total": len(items),
                        "next": {"offset": offset + limit, "limit": MORE} if more else None},
                       last_modified=self.store.mtime)

    def api_story(self, request: Request, slug: str) -> Response:
        a = next((x for x in self.store.articles() if _slug(x) == slug), None)
        if a is None:
            return self.api_not_found(request)
        return as_json({"site": SITE, "story": self._story(a)}, last_modified=timestamp(a["date_modified"]))

    def api_not_found(self, request: Request) -> Response:
        response = as_json({"error": "not found"}, cache_control="no-cache")
        response.status = 404
        return response

    def robots(self, request: Request) -> Response:
        return text("User-agent: *\nDisallow: /account/\n")

    def image(self, request: Request, file: str) -> Response:
        return photo(file)


def _slug(a: Article) -> str:
    return a["url"].rstrip("/").rsplit("/", 1)[-1]


def _number(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default
