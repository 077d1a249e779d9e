"""HTTP server for the sample outlets: stdlib ThreadingHTTPServer with real-server manners.

Outlets only build :class:`~archiver.sample.site.Response` objects; this module
adds what archiving tests look at: gzip when the client accepts it,
Content-Length, ETag/Last-Modified (with 304s), Cache-Control, Vary, two
Set-Cookie headers and repeated Link headers on HTML pages, HEAD support.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from archiver.sample.edits import Edit, Edition
from archiver.sample.harbourgazette import HarbourGazette
from archiver.sample.lantern import Lantern
from archiver.sample.site import Outlet, Request, Response
from archiver.sample.store import DATA_DIR, ArticleStore, copy_sample_data, load_articles
from archiver.sample.subscribers import SubscriberArea
from archiver.sample.themoscowtimes import TheMoscowTimes

log = logging.getLogger(__name__)

__all__ = ["SampleOutlets", "copy_sample_data", "load_articles", "serve_sample"]

OUTLET_CLASSES: dict[str, type[Outlet]] = {"themoscowtimes": TheMoscowTimes, "harbourgazette": HarbourGazette,
                                           "lantern": Lantern}
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/rss+xml",
                "application/javascript", "image/svg+xml")


def accepts_gzip(header: str | None) -> bool:
    for token in (header or "").split(","):
        coding, _, params = token.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding.strip().lower() in ("gzip", "*") and q > 0:
            return True
    return False


class OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], outlet: Outlet) -> None:
        super().__init__(address, OutletHandler)
        self.outlet = outlet
        host, port = self.server_address[:2]
        self.base = f"http://{host}:{port}"


class OutletHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"
    sys_version = ""
    server: OutletServer

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        """Forms only (the subscriber area's login); anything else is 405."""
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(min(length, 64 * 1024)).decode("utf-8", "replace")))
        if self.server.outlet.subscribers is None:
            self._send(Request("/", {}, self.headers, self.server.base),
                       Response(status=405, body=b"Method Not Allowed", content_type="text/plain"), head=False)
            return
        self._serve(head=False, method="POST", form=form)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    def _serve(self, head: bool, method: str = "GET", form: dict[str, str] | None = None) -> None:
        url = urlsplit(self.path)
        request = Request(path=url.path or "/", query=dict(parse_qsl(url.query)), headers=self.headers,
                          base=self.server.base, method=method, form=form or {})
        outlet = self.server.outlet
        try:
            response = outlet.handle(request)
        except Exception:  # a broken page must not kill the server thread
            log.exception("sample outlet %s failed on %s", outlet.name, self.path)
            response = Response(status=500, body=b"Internal Server Error", content_type="text/plain")
        self._send(request, response, head)

    def _send(self, request: Request, response: Response, head: bool) -> None:
        body = response.body
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        headers: list[tuple[str, str]] = [("Content-Type", response.content_type),
                                          ("Cache-Control", response.cache_control)]
        status = response.status
        if status == 200:
            headers.append(("ETag", etag))
            if response.last_modified is not None:
                headers.append(("Last-Modified", formatdate(response.last_modified, usegmt=True)))
            if self._not_modified(etag, response.last_modified):
                status, body = 304, b""
        if response.is_html and status in (200, 304):
            headers += [("Set-Cookie", c) for c in self.server.outlet.cookies(request)]
            headers += [("Link", v) for v in self.server.outlet.link_headers(request, response)]
        headers += response.headers
        compressible = response.content_type.startswith(COMPRESSIBLE)
        if compressible:
            headers.append(("Vary", "Accept-Encoding"))
            if body and accepts_gzip(self.headers.get("Accept-Encoding")):
                body = gzip.compress(body, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)

    def _not_modified(self, etag: str, last_modified: float | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm:
            return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims and last_modified is not None:
            try:
                return int(last_modified) <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False


@dataclass
class SampleOutlets:
    """Running sample outlets (returned by :func:`serve_sample`); stop() or use as a context manager."""

    urls: dict[str, str]
    data_dir: Path
    companions: dict[str, str] = field(default_factory=dict)   # outlet -> its second host (MT's static host)
    edition: Edition | None = None      # with edits on: publish_edits() changes the articles
    subscribers: dict[str, SubscriberArea] = field(default_factory=dict)   # outlet -> its subscriber area
    _servers: list[OutletServer] = field(default_factory=list, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)

    def publish_edits(self) -> tuple[Edit, ...]:
        """Serve the edited articles from now on (needs ``serve_sample(edits=True)``)."""
        if self.edition is None:
            raise RuntimeError("the sample outlets were started without edits; use serve_sample(edits=True)")
        return self.edition.publish()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def _start(self, server: OutletServer, thread_name: str) -> str:
        """Serve in a background thread; returns the server's base URL."""
        self._servers.append(server)
        thread = threading.Thread(target=server.serve_forever, name=thread_name, daemon=True)
        thread.start()
        self._threads.append(thread)
        return server.base

    def __enter__(self) -> "SampleOutlets":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_sample(host: str = "127.0.0.1", port: int = 0, data_dir: Path | None = None,
                 edits: bool = False, live_dates: bool = True,
                 subscribers: SubscriberArea | None = None) -> SampleOutlets:
    """Serve the outlets in background threads: MT on `port` (0 = any free), harbourgazette and lantern on
    the next free ports.

    With *edits*, ``publish_edits()`` edits articles (archiver.sample.edits), and the outlets are live
    (every date moved so the newest is two hours old) unless *live_dates* is false.
    With *subscribers*, each outlet has a subscriber area configured like it (its own sessions and
    cookie names; archiver.sample.subscribers) and paywalls every other article.
    """
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    outlets = SampleOutlets(urls={}, data_dir=data_dir, edition=Edition(live=live_dates) if edits else None)
    next_port = port
    try:
        for name, cls in OUTLET_CLASSES.items():
            store = ArticleStore(name, data_dir, edition=outlets.edition)
            area = None
            if subscribers is not None:
                area = outlets.subscribers[name] = dataclasses.replace(subscribers, outlet=name)
            server = _bind(host, next_port, cls(store, area), exact=not outlets._servers)
            outlets.urls[name] = outlets._start(server, f"sample-{name}")
            next_port = server.server_address[1] + 1 if port else 0
        for name, server in zip(list(outlets.urls), list(outlets._servers)):
            if server.outlet.companion is None:
                continue
            companion = _bind(host, next_port, server.outlet.companion(server.outlet.store), exact=False)
            companion.outlet.peer_base, server.outlet.peer_base = server.base, companion.base
            outlets.companions[name] = outlets._start(companion, f"sample-{name}-static")
            next_port = companion.server_address[1] + 1 if port else 0
    except BaseException:
        outlets.stop()
        raise
    return outlets


def _bind(host: str, port: int, outlet: Outlet, exact: bool) -> OutletServer:
    """Bind to `port` (0 = any); unless `exact`, a taken port moves on to the next free one."""
    for candidate in range(port, port + 50) if port else [0]:
        try:
            return OutletServer((host, candidate), outlet)
        except OSError:
            if exact:
                raise
    raise OSError(f"no free port from {port} on {host}")
