"""An outlet whose text is hostile to terminals, spreadsheets and the research page, and its archive.

Its one article's title, byline and body hold what a page may really hold: an
ESC sequence that clears the screen, an OSC 8 hyperlink to a fake address, a
C1 CSI, rich markup and a spreadsheet formula. The outlet's
name holds a "/". ``edit()`` changes the body, so a second crawl makes version 2.
Stdlib server on 127.0.0.1; the crawls are plain fetches (``--render never``).
"""

from __future__ import annotations

import html
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Iterator

from archiver.localserver import serve_http

OUTLET = "wire/hostile"
ARTICLE_PATH = "/news/2024/05/storm-hits-the-harbour"
CLEAR_SCREEN = "\x1b[2J"
FAKE_LINK = "\x1b]8;;http://evil.example/\x07click here\x1b]8;;\x07"
MARKUP = "[bold red]ALERT[/bold red] [link=http://evil.example/]docs[/link]"
FORMULA = '=HYPERLINK("http://evil.example/","click")'
TITLE = f"Storm {CLEAR_SCREEN}{FAKE_LINK} {MARKUP} \x9b31m hits"
BYLINE = f"By Ann {CLEAR_SCREEN}Lee"
WORDS = "The harbour council met on Tuesday after the storm flooded the old docks and the ferry terminal. "
FIRST_BODY = [f"{WORDS * 4}Then {CLEAR_SCREEN}{FAKE_LINK} {MARKUP} came.", WORDS * 5]
EDITED_BODY = [FIRST_BODY[0], f"Update: the ferry runs again {CLEAR_SCREEN}today {MARKUP}. " + WORDS * 3]


def article_html(body: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(TITLE)}</title>'
            '<meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2024-05-02T09:00:00Z"></head><body><article>'
            f'<h1>{html.escape(TITLE)}</h1><p class="byline">{html.escape(BYLINE)}</p>{paragraphs}'
            '</article></body></html>').encode()


class HostileTextSite:
    def __init__(self) -> None:
        self.body = FIRST_BODY
        self.modified = "2024-05-02T09:00:00Z"
        self.base = ""

    def edit(self) -> None:
        """Version 2: a new paragraph, and a sitemap date that sends the next crawl to the article."""
        self.body = EDITED_BODY
        self.modified = "2024-05-03T09:00:00Z"

    @property
    def article_url(self) -> str:
        return self.base + ARTICLE_PATH

    def profile(self) -> str:
        return (f'["{OUTLET}"]\nbase_url = "{self.base}"\nstart_urls = ["/"]\nsitemaps = ["/sitemap.xml"]\n'
                'article_pattern = "^/news/"\n')

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
                pass

            def do_GET(self) -> None:
                if self.path == "/":
                    body, kind = f'<html><body><a href="{ARTICLE_PATH}">storm</a></body></html>'.encode(), "text/html"
                elif self.path == ARTICLE_PATH:
                    body, kind = article_html(site.body), "text/html; charset=utf-8"
                elif self.path == "/sitemap.xml":
                    body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                            f'schemas/sitemap/0.9"><url><loc>{site.article_url}</loc>'
                            f'<lastmod>{site.modified}</lastmod></url></urlset>').encode()
                    kind = "application/xml"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@contextmanager
def serve_hostile_text() -> Iterator[HostileTextSite]:
    site = HostileTextSite()
    with serve_http(site.handler()) as base:
        site.base = base
        yield site


@dataclass
class HostileArchive:
    site: HostileTextSite
    root: Path                 # the output root: two crawls, the article in versions 1 and 2
    folders: list[Path]        # the two crawl folders, oldest first



def crawl_hostile_archive(site: HostileTextSite, root: Path, run_archiver) -> HostileArchive:
    """Two crawls of the outlet, the article edited between them (no pause: folders never clash)."""
    config = root / "hostile-text.toml"
    config.write_text(site.profile())
    folders = []
    for _ in range(2):
        proc = run_archiver("crawl", OUTLET, "--config", config, "--out", root / "out", "--render", "never",
                            "--no-block-private-addresses", "--quiet")
        assert proc.returncode == 0, proc.stderr[-3000:]
        new = sorted(p.parent for p in (root / "out").glob("*/crawl.json") if p.parent not in folders)
        assert len(new) == 1, new
        folders += new
        site.edit()
    return HostileArchive(site, root / "out", folders)
