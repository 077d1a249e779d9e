"""The research page's routes (Flask): search, article, outlet, screenshot, QA. Read-only, no JavaScript.

Every page is rendered on the server from the search index and the crawl
folders of one output root; Jinja2 escapes every value (archived text is
hostile), and highlights in snippets come as segments, never as markup.
The page answers only to its own host names (Flask's ``TRUSTED_HOSTS``: any
other Host header is a 400), so a DNS-rebinding page cannot read the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, abort, g, render_template, request, send_file

from archiver.localserver import allowed_hosts
from archiver.search import QueryError, SearchFilters, SearchIndex, index_path, search
from archiver.search.catalog import outlet_names, version_by_id, versions_in_crawl, versions_of
from archiver.search.present import replay_url
from archiver.web.compare import side_by_side
from archiver.web.packages import package_status
from archiver.web.qa import qa_image, qa_rows
from archiver.web.runs import outlet_runs
from archiver.web.screenshots import capture_screenshot

FILTERS = ("outlet", "author", "section", "since", "until", "lang", "access")


@dataclass(frozen=True)
class SiteConfig:
    root: Path                   # the output root
    replay_base: str             # the pywb front ``archiver ui`` started (or another)
    allowed_hosts: list[str] = field(default_factory=lambda: allowed_hosts("127.0.0.1"))
    index: Path | None = None    # the search index; default: the root's own


def create_app(config: SiteConfig) -> Flask:
    app = Flask(__name__)
    app.config["SITE"] = config
    app.config["TRUSTED_HOSTS"] = list(config.allowed_hosts)
    index_file = config.index or index_path(config.root)

    def index() -> SearchIndex:
        if "index" not in g:
            g.index = SearchIndex(index_file, readonly=True)
        return g.index

    @app.teardown_appcontext
    def close_index(_exc: BaseException | None) -> None:
        opened = g.pop("index", None)
        if opened is not None:
            opened.close()

    @app.context_processor
    def helpers() -> dict:
        return {"replay": lambda url, at: replay_url(config.replay_base, url, at),
                "outlets": outlet_names(index()),
                "package": lambda crawl: package_status(config.root, crawl)}

    @app.after_request
    def no_scripts(response: Response) -> Response:
        # The page needs no script at all; archived text that slipped through could not run either.
        response.headers["Content-Security-Policy"] = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/")
    def search_page() -> str:
        query = request.args.get("q", "").strip()
        values = {name: request.args.get(name, "").strip() for name in FILTERS}
        hits, error = [], None
        if query:
            filters = SearchFilters(outlet=values["outlet"] or None, author=values["author"] or None,
                                    section=values["section"] or None, since=values["since"] or None,
                                    until=values["until"] or None, language=values["lang"] or None,
                                    access=values["access"] or None)
            try:
                hits = search(index(), query, filters)
            except QueryError as exc:
                error = str(exc)
        status = 400 if error else 200
        return render_template("search.html", query=query, values=values, hits=hits, error=error,
                               indexed=index().count()), status

    @app.get("/article")
    def article_page() -> str:
        url = request.args.get("url", "")
        versions = versions_of(index(), url)
        if not versions:
            abort(404, f"no archived version of {url}")
        by_id = {v.id: v for v in versions}
        shown = by_id.get(request.args.get("id", type=int)) or versions[-1]
        to = by_id.get(request.args.get("to", type=int)) or shown
        previous = versions[max(versions.index(to) - 1, 0)]       # by default, what changed last
        frm = by_id.get(request.args.get("from", type=int)) or previous
        comparison = side_by_side(frm.item, to.item) if frm.id != to.id else None
        return render_template("article.html", url=url, versions=versions, shown=shown, frm=frm, to=to,
                               comparison=comparison, ordinal={v.id: n for n, v in enumerate(versions, 1)})

    @app.get("/screenshot/<int:version_id>.png")
    def screenshot(version_id: int) -> Response:
        version = version_by_id(index(), version_id)
        crawl_dir = (config.root / version.crawl).resolve() if version else None
        if crawl_dir is None or not crawl_dir.is_relative_to(config.root.resolve()):
            abort(404)
        png = capture_screenshot(crawl_dir, version.url, version.captured_at)
        if png is None:
            abort(404, "no screenshot archived for this capture")
        return Response(png, mimetype="image/png", headers={"Cache-Control": "max-age=3600"})

    @app.get("/qa")
    def qa_page() -> str:
        return render_template("qa.html", rows=qa_rows(config.root), root=config.root)

    @app.get("/qa/<folder>/<name>")
    def qa_file(folder: str, name: str) -> Response:
        path = qa_image(config.root, folder, name)
        if path is None:
            abort(404)
        return send_file(path, mimetype="image/png", max_age=3600)

    @app.get("/qa-capture/<folder>.png")
    def qa_capture(folder: str) -> Response:
        crawl_dir = (config.root / folder).resolve()
        if not crawl_dir.is_relative_to(config.root.resolve()) or not (crawl_dir / "crawl.json").is_file():
            abort(404)
        png = capture_screenshot(crawl_dir, request.args.get("url", ""), request.args.get("ts"))
        if png is None:
            abort(404, "no screenshot archived for this capture")
        return Response(png, mimetype="image/png", headers={"Cache-Control": "max-age=3600"})

    @app.get("/outlet/<path:name>")          # an outlet's name may hold a "/"
    def outlet_page(name: str) -> str:
        runs = outlet_runs(config.root, name)
        if not runs.runs:
            abort(404, f"no crawl of {name} under this root")
        archived = {run.folder: versions_in_crawl(index(), run.folder) for run in runs.runs}
        return render_template("outlet.html", runs=runs, archived=archived)

    @app.errorhandler(404)
    def not_found(error) -> tuple[str, int]:
        return render_template("error.html", message=error.description), 404

    return app
