"""A small HTTP proxy (plain requests and CONNECT) that records every host it is asked for.

Tests crawl through it with ``--proxy`` to see every request the crawl makes,
the browser's own included. Loopback destinations (the sample outlets) are
forwarded; anything else is answered 502 after it is recorded, since a test
machine has no internet and a leak must not depend on one to be seen.

Run alone: ``python -m tests.logging_proxy`` prints its URL, then one line per request.
"""

from __future__ import annotations

import collections
import contextlib
import select
import socket
import socketserver
import sys
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

FORWARDED_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ProxiedRequest:
    method: str
    host: str
    port: int
    target: str          # the request target as sent (absolute URL, or host:port for CONNECT)


@dataclass
class ProxyLog:
    requests: list[ProxiedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    echo: bool = False

    def add(self, request: ProxiedRequest) -> None:
        with self.lock:
            self.requests.append(request)
        if self.echo:
            print(request.method, request.target, flush=True)

    def hosts(self) -> collections.Counter:
        """Requests per destination host (without the port)."""
        with self.lock:
            return collections.Counter(r.host for r in self.requests)


def _pipe(a: socket.socket, b: socket.socket) -> None:
    sockets = [a, b]
    while True:
        readable, _, broken = select.select(sockets, [], sockets, 60)
        if broken or not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (b if sock is a else a).sendall(data)


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            head += chunk
            if len(head) > 1 << 20:
                return
        head, _, rest = head.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = (lines[0].split(" ") + ["", ""])[:3]
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            host, port = host.strip("[]"), int(port or 443)
        else:
            parts = urlsplit(target)
            host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        self.server.log.add(ProxiedRequest(method, host, port, target))
        if host not in FORWARDED_HOSTS:
            self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        try:
            upstream = socket.create_connection((host, port), timeout=30)
        except OSError:
            self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with upstream:
            if method == "CONNECT":
                self.request.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                parts = urlsplit(target)
                path = parts.path or "/"
                if parts.query:
                    path += "?" + parts.query
                headers = [h for h in lines[1:]
                           if h.split(":", 1)[0].strip().lower() not in ("connection", "proxy-connection", "keep-alive")]
                out = "\r\n".join([f"{method} {path} {version}", *headers, "Connection: close", "", ""])
                upstream.sendall(out.encode("latin-1") + rest)
            _pipe(self.request, upstream)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    log: ProxyLog


@contextlib.contextmanager
def logging_proxy(echo: bool = False):
    """Serve on 127.0.0.1 (a free port); yields (url, log)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.log = ProxyLog(echo=echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.log
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    with logging_proxy(echo=True) as (url, log):
        print(url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            for host, count in log.hosts().most_common():
                print(f"{count:6d} {host}", file=sys.stderr)
