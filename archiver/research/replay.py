"""Replay with pywb: a collection built from our WARCs and our CDXJ, served by ``wayback``.

The collection folder holds symlinks to the WARCs (plus the earlier WARCs that
revisits point into, so every revisit resolves), ``indexes/index.cdxj`` written
by :mod:`archiver.research.index`, and ``static/pages.html``, a page list
linking every archived front, section and article page to its replay.

pywb and our records: bodies the browser handed over decoded carry their wire
encoding as ``X-Archive-Orig-Content-Encoding``; pywb passes unknown headers
through untouched, so the browser sees an identity body with no
Content-Encoding, which is right. Revisits (identical-payload-digest) are
resolved by pywb through WARC-Refers-To-Target-URI/Date lookups in the index.
Server-not-modified revisits (a 304 to a re-check) are left out of the replay
index: pywb would replay the empty 304 itself (``drop_not_modified``).
"""

from __future__ import annotations

import html
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from archiver.localserver import allowed_hosts, free_port, wait_for_port
from archiver.research.consent import SCRIPT, consent_cookies, consent_script
from archiver.research.index import drop_not_modified, write_index
from archiver.research.pages import collect_pages
from archiver.research.proxy import FilteringProxy
from archiver.recording.reader import warc_files
from archiver.research.revisits import referenced_warcs
from archiver.research.tools import tool

COLLECTION = "archive"
PAGE_LIST = "pages.html"


def timestamp14(iso: str) -> str:
    """"2025-01-12T10:05:00.123456Z" -> "20250112100500" (pywb's timestamp form)."""
    return "".join(ch for ch in iso if ch.isdigit())[:14]


@dataclass
class ReplayServer:
    """A running ``wayback``; use as a context manager or call ``stop()``."""

    host: str
    port: int
    directory: Path
    process: subprocess.Popen
    proxy: FilteringProxy | None = None
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def index_url(self) -> str:
        """The page list: every archived page, linked to its replay."""
        return f"{self.url}/static/_/{COLLECTION}/{PAGE_LIST}"

    def replay_url(self, url: str, timestamp: str | None = None) -> str:
        """Replay URL of one capture (the closest to *timestamp*, the latest without it)."""
        ts = timestamp14(timestamp) if timestamp else ""
        return f"{self.url}/{COLLECTION}/{ts + '/' if ts else ''}{url}"

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "ReplayServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def build_collection(paths: list[Path], directory: Path, *, framed: bool = True,
                     consent_state: bool = True) -> Path:
    """Lay out a pywb collection for the WARCs under *paths* in *directory*; returns the collection folder.

    ``framed=False`` serves pages without pywb's top frame and without its banner
    (an empty ``custom_banner.html``), so a replay looks like the page did at capture.
    ``consent_state`` injects the cookies the crawl's consent clicks set
    (:mod:`archiver.research.consent`), so pages replay without the dialogs the crawler accepted.
    """
    sources = warc_files(paths)
    if not sources:
        raise FileNotFoundError(f"no WARC files under {', '.join(map(str, paths))}")
    packed = [s for s in sources if s.member is not None]
    if packed:
        raise ValueError(f"{packed[0].path} is a WACZ; replay it with ReplayWeb.page, or give the crawl folder")
    everything = sources + referenced_warcs(sources)
    coll = Path(directory) / "collections" / COLLECTION
    for sub in ("archive", "indexes", "static", "templates"):
        (coll / sub).mkdir(parents=True, exist_ok=True)
    for source in everything:
        link = coll / "archive" / source.filename
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(source.path.resolve())
    drop_not_modified(write_index(everything, coll / "indexes" / "index.cdxj"))
    (coll / "static" / PAGE_LIST).write_text(_page_list(sources), encoding="utf-8")
    (coll / "static" / SCRIPT).write_text(consent_script(consent_cookies(everything) if consent_state else {}),
                                          encoding="utf-8")
    banner = coll / "templates" / "custom_banner.html"
    if framed:
        banner.unlink(missing_ok=True)
    else:
        banner.write_text("")
    (Path(directory) / "config.yaml").write_text(
        f"collections_root: collections\nframed_replay: {'true' if framed else 'false'}\n"
        "enable_memento: true\n"
        f"inject_scripts:\n  - _/{COLLECTION}/{SCRIPT}\n")
    return coll


def _page_list(sources) -> str:
    rows = []
    for page in collect_pages(sources):
        href = f"/{COLLECTION}/{timestamp14(page.ts)}/{page.url}"
        kind = "article" if page.text is not None else "page"
        rows.append(f'<li class="{kind}"><a href="{html.escape(href)}">{html.escape(page.title or page.url)}</a>'
                    f" <small>{html.escape(page.url)} &middot; {html.escape(page.ts)}</small></li>")
    return ("<!doctype html><meta charset=utf-8><title>Archived pages</title>"
            f"<h1>Archived pages</h1><ul>\n{chr(10).join(rows)}\n</ul>\n")


def start_replay(paths: list[Path], port: int = 0, *, host: str = "127.0.0.1", directory: Path | None = None,
                 framed: bool = True, consent_state: bool = True, timeout: float = 60,
                 extra_hosts: tuple[str, ...] = ()) -> ReplayServer:
    """Build the collection (in a temp dir unless *directory*) and start ``wayback`` on it, behind a
    front that answers only to *host*, 127.0.0.1, localhost and *extra_hosts*."""
    wayback = tool("wayback")
    tmp = None if directory else tempfile.TemporaryDirectory(prefix="archiver-replay-")
    root = Path(directory or tmp.name)
    try:
        build_collection([Path(p) for p in paths], root, framed=framed, consent_state=consent_state)
    except BaseException:
        if tmp:
            tmp.cleanup()
        raise
    internal = free_port()
    log = open(root / "wayback.log", "wb")
    process = subprocess.Popen([str(wayback), "-p", str(internal), "-b", "127.0.0.1", "-d", str(root)],
                               cwd=root, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    log.close()
    try:
        proxy = FilteringProxy(host, port, ("127.0.0.1", internal), allowed_hosts(host, extra_hosts)).start()
    except OSError as exc:
        process.terminate()
        process.wait()
        raise RuntimeError(f"cannot listen on {host}:{port} ({exc}); pick another --port") from None
    server = ReplayServer(host, proxy.port, root, process, proxy, tmp)
    try:
        wait_for_port(internal, timeout=timeout, process=process, name="wayback")
    except (RuntimeError, TimeoutError) as exc:
        server.stop()
        output = (root / "wayback.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{exc} (see wayback.log in {root}):\n{output}") from None
    return server
