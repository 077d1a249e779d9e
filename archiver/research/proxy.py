"""A small HTTP front for pywb that drops archived ``Link`` preload headers.

pywb 2.x passes archived ``Link`` headers through unchanged (``'link': 'keep'``
in its header rewriter), so ``Link: <https://site/main.css>; rel=preload``
makes the browser fetch from the live web during replay. This front forwards
everything to ``wayback`` and removes Link headers that point outside the
replay server; preloads are hints, the page's own tags load the same files
through pywb. Memento links (``rel="original"``, ``timegate``, ``timemap``, ``memento``,
which pywb sends with ``enable_memento``) are kept, whatever they point at.

It answers only to its own host names (``archiver.localserver.allowed_hosts``):
a request naming any other host gets 421, so a DNS-rebinding page cannot read
the archive through it.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archiver.localserver import host_allowed

_LINK_TARGET = re.compile(r"<([^>]*)>")
_LINK_ENTRY = re.compile(r"<[^>]*>[^<]*")
_MEMENTO_REL = re.compile(r'rel="?[^";]*\b(original|timegate|timemap|memento)\b')
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def replay_links(value: str, own: str) -> str:
    """The entries of a Link header to pass on: Memento relations (pywb's TimeGate, TimeMap, original)
    and links into the replay server; archived links to the live web (preloads) are dropped."""
    kept = []
    for entry in _LINK_ENTRY.findall(value):
        target = _LINK_TARGET.match(entry).group(1)
        if target.startswith(("/", own)) or _MEMENTO_REL.search(entry):
            kept.append(entry.strip().rstrip(","))
    return ", ".join(kept)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "FilteringProxy"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def _forward(self) -> None:
        if not host_allowed(self.headers.get("Host"), self.server.allowed_hosts):
            body = b"421 Misdirected Request: this replay server answers only to its own host names\n"
            self.send_response(421)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.close_connection = True
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=120)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        self.send_response_only(response.status, response.reason)
        own = f"http://{self.headers.get('Host', '')}"
        for name, value in response.getheaders():
            lname = name.lower()
            if lname in _HOP_BY_HOP or lname == "content-length":
                continue
            if lname == "link":
                value = replay_links(value, own)
                if not value:
                    continue
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _forward


class FilteringProxy(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass                                    # browsers drop keep-alive connections at will

    def __init__(self, host: str, port: int, upstream: tuple[str, int], allowed_hosts: Sequence[str]) -> None:
        super().__init__((host, port), _Handler)
        self.upstream = upstream
        self.allowed_hosts = list(allowed_hosts)
        self._thread = threading.Thread(target=self.serve_forever, name="replay-proxy", daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> "FilteringProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
