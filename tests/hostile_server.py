"""A hostile web site for the tests: one route per trap, plus a few normal articles.

Stdlib only, threaded, bound to 127.0.0.1 on a free port. Big bodies are
generated on the fly; nothing large is held in memory except the gzip bomb
(about 1 MB compressed). ``TRAPS`` maps each trap path to the failure reason
the crawl must report for it (None: archived without a failure).
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

from archiver.localserver import serve_http

ARTICLE_TEXT = ("The harbour council voted on Tuesday to approve a new ferry route between the old "
                "docks and the island, after months of debate about cost and noise. ")

# path -> (title, text, charset) of the normal pages; each must be archived and extracted.
ARTICLES = {
    "/news/2024/05/harbour-council-approves-ferry-route": ("Council approves ferry route", ARTICLE_TEXT * 6, "utf-8"),
    "/news/2024/05/fishermen-report-record-catch-season": ("Record catch season", ARTICLE_TEXT * 5, "utf-8"),
    "/news/2024/05/library-reopens-after-flood-repairs": ("Library reopens", ARTICLE_TEXT * 5, "utf-8"),
    "/news/2024/05/gorsovet-odobril-novyi-parom-cp1251": (
        "Горсовет одобрил новый паром",
        "Городской совет во вторник одобрил новый паромный маршрут между старыми доками и островом. " * 6,
        "cp1251"),
    "/news/2024/05/minato-shinki-ferry-sjis": (
        "港湾議会が新しいフェリー航路を承認",
        "港湾議会は火曜日、旧ドックと島を結ぶ新しいフェリー航路を承認した。費用と騒音をめぐる議論の末の決定である。" * 6,
        "shift_jis"),
}

# trap path -> expected failure reason (None: archived, no failure)
TRAPS: dict[str, str | tuple[str, ...] | None] = {
    "/trap/redirect-loop": "redirect-loop",
    "/trap/redirect-chain/0": "too-many-redirects",
    "/trap/404": "http-404",
    "/trap/410": "http-410",
    "/trap/500": "http-5xx",
    "/trap/503": "http-5xx",
    "/trap/reset": "connection-reset",
    "/trap/slowloris": "timeout",
    "/trap/never-loads": ("timeout", "render-timeout"),   # depends on whether `load` fires first
    "/trap/huge-html": ("timeout", "render-timeout"),   # 50 MB: navigation or behaviours time out
    "/trap/big-binary": "too-large",
    "/trap/infinite-scroll": None,
    "/trap/malformed": None,
    "/trap/truncated-html": None,
    "/trap/wrong-charset": None,
    "/trap/binary-as-html": "not-html",
    "/trap/dialogs": None,
    "/trap/popup": None,
    "/trap/navigate-away": None,
    "/trap/crash": "browser-crashed",
    "/trap/attachment": "download",
    # Chromium inflates ~6 MB/s while parsing: the DOWNLOAD_MAXSIZE cap (CDP byte count) trips
    # after ~17 s, the tests' 15 s page timeout first. Plain fetches: see test_gzip_bomb_plain_fetch.
    "/trap/gzip-bomb": ("too-large", "timeout"),
    "/trap/redirect-to-file": "blocked-scheme",
}

HUGE_HTML_SIZE = 50 * 1024 * 1024
BIG_BINARY_SIZE = 200 * 1024 * 1024
BOMB_INFLATED = 512 * 1024 * 1024      # > DOWNLOAD_MAXSIZE (100 MB) five times over
CHUNK = 64 * 1024


def _page(title: str, body: str, head: str = "") -> str:
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>")


def _article_html(title: str, text: str, charset: str) -> bytes:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in text.split(".") if s.strip())
    return (f"<!doctype html><html><head><meta charset=\"{charset}\"><title>{title}</title>"
            f"<meta property=\"article:published_time\" content=\"2024-05-14T09:00:00Z\"></head>"
            f"<body><article><h1>{title}</h1><p class=\"byline\">By Ann Reporter</p>"
            f"{paragraphs}</article></body></html>").encode(charset)


_BOMB: bytes | None = None
_BOMB_LOCK = threading.Lock()


def gzip_bomb() -> bytes:
    """~0.5 MB of gzip that inflates to 512 MB of spaces, built once (serve_hostile warms it)."""
    global _BOMB
    with _BOMB_LOCK:
        if _BOMB is None:
            comp = zlib.compressobj(9, zlib.DEFLATED, 31)
            block = b" " * (1024 * 1024)
            parts = [comp.compress(b"<!doctype html><html><body>")]
            parts += [comp.compress(block) for _ in range(BOMB_INFLATED // len(block))]
            parts.append(comp.flush())
            _BOMB = b"".join(parts)
        return _BOMB


class HostileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def handle_one_request(self) -> None:
        with contextlib.suppress(ConnectionError, BrokenPipeError, TimeoutError):
            super().handle_one_request()

    # --- helpers ----------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", headers={"Location": location})

    def _stream(self, chunks: Iterator[bytes], size: int, content_type: str,
                headers: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(size))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for chunk in chunks:
            self.wfile.write(chunk)

    # --- routes -------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: C901, PLR0912 - one branch per trap
        path = self.path.split("?", 1)[0]
        if path == "/":
            links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in [*ARTICLES, *TRAPS])
            links += '<li><a href="file:///etc/passwd">local file</a></li><li><a href="ftp://127.0.0.1/x">ftp</a></li>'
            self._send(200, _page("Hostile front page", f"<h1>Hostile</h1><ul>{links}</ul>").encode())
        elif path in ARTICLES:
            title, text, charset = ARTICLES[path]
            self._send(200, _article_html(title, text, charset), f"text/html; charset={charset}")
        elif path == "/trap/redirect-loop":
            self._redirect("/trap/redirect-loop-b")
        elif path == "/trap/redirect-loop-b":
            self._redirect("/trap/redirect-loop")
        elif path.startswith("/trap/redirect-chain/"):
            hop = int(path.rsplit("/", 1)[1])
            if hop < 15:
                self._redirect(f"/trap/redirect-chain/{hop + 1}")
            else:
                self._send(200, _page("End of the chain", "<p>fifteen hops later</p>").encode())
        elif path in ("/trap/404", "/trap/410", "/trap/500"):
            status = int(path.rsplit("/", 1)[1])
            self._send(status, _page(f"Error {status}", f"<p>error page {status}</p>").encode())
        elif path == "/trap/503":
            self._send(503, _page("Busy", "<p>come back later</p>").encode(), headers={"Retry-After": "1"})
        elif path == "/trap/reset":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(_page("Cut short", "<p>" + "partial body " * 500).encode()[:8000])
            self.wfile.flush()
            time.sleep(0.3)
            # RST instead of FIN: the client sees a reset mid-body
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif path in ("/trap/slowloris", "/trap/hang.png"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if path.endswith("slowloris") else "image/png")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.close_connection = True
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and not self.server.stopping.is_set():
                self.wfile.write(b" ")          # raises once the client gives up
                self.wfile.flush()
                time.sleep(1)
        elif path == "/trap/never-loads":
            self._send(200, _page("Never loads", '<p>waiting forever</p><img src="/trap/hang.png">').encode())
        elif path == "/trap/huge-html":
            row = b"<p>" + b"filler text for a very large page " * 30 + b"</p>\n"
            head = b"<!doctype html><html><head><title>Huge</title></head><body>"
            count = (HUGE_HTML_SIZE - len(head)) // len(row)
            size = len(head) + count * len(row)
            self._stream(iter([head] + [row] * count), size, "text/html; charset=utf-8")
        elif path == "/trap/big-binary":
            block = os.urandom(CHUNK)
            self._stream((block for _ in range(BIG_BINARY_SIZE // CHUNK)), BIG_BINARY_SIZE,
                         "application/octet-stream")
        elif path == "/trap/big-binary-link":
            self._send(200, _page("Big file", '<a href="/trap/big-binary">the data</a>').encode())
        elif path == "/trap/infinite-scroll":
            script = ("<script>let n=0;function more(){for(let i=0;i<20;i++){const p=document.createElement('p');"
                      "p.textContent='item '+(n++);p.style.height='80px';document.body.appendChild(p);}}"
                      "more();window.addEventListener('scroll',()=>{if(innerHeight+scrollY>=document.body"
                      ".scrollHeight-200)more();});</script>")
            self._send(200, _page("Endless", "<h1>Endless</h1>" + script).encode())
        elif path == "/trap/malformed":
            self._send(200, b"<html><head><title>Broken<title></head><body><div><p>unclosed <b>tags"
                            b"<table><tr><td>cell</div></span></p><<<>>> &nosuch; <script>var x = '</body>")
        elif path == "/trap/truncated-html":
            self._send(200, b"<!doctype html><html><head><title>Truncated</title></head><body><p>stops in the mid")
        elif path == "/trap/wrong-charset":
            body = _article_html("Неверная кодировка", "Этот текст в cp1251, а заявлен utf-8. " * 10, "cp1251")
            self._send(200, body, "text/html; charset=utf-8")
        elif path == "/trap/binary-as-html":
            self._send(200, bytes(range(256)) * 64 + os.urandom(16384), "text/html")
        elif path == "/trap/dialogs":
            script = "<script>alert('hello');confirm('sure?');prompt('name?');</script>"
            self._send(200, _page("Dialogs", "<p>dialogs everywhere</p>" + script).encode())
        elif path == "/trap/popup":
            script = "<script>window.open('/trap/popup-target');window.open('about:blank');</script>"
            self._send(200, _page("Pop-ups", "<p>pop-ups</p>" + script).encode())
        elif path == "/trap/popup-target":
            self._send(200, _page("A pop-up", "<p>popped</p>").encode())
        elif path == "/trap/navigate-away":
            script = "<script>setTimeout(() => { location.href = '/trap/elsewhere'; }, 300);</script>"
            self._send(200, _page("Leaving", "<p>about to leave</p>" + script).encode())
        elif path == "/trap/elsewhere":
            self._send(200, _page("Elsewhere", "<p>you were moved</p>").encode())
        elif path == "/trap/crash":
            script = ("<script>setTimeout(() => { const a = []; for (;;) a.push(new Array(1e5).fill(Math.random())); }"
                      ", 10);</script>")
            self._send(200, _page("Crash", "<p>this tab will die</p>" + script).encode())
        elif path == "/trap/attachment":
            self._send(200, b"id,value\n1,2\n" * 100, "text/csv",
                       headers={"Content-Disposition": 'attachment; filename="data.csv"'})
        elif path == "/trap/gzip-bomb":
            self._send(200, gzip_bomb(), "text/html; charset=utf-8", headers={"Content-Encoding": "gzip"})
        elif path == "/trap/redirect-to-file":
            self._redirect("file:///etc/passwd")
        else:
            self._send(404, _page("Not found", "<p>nothing here</p>").encode())


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), HostileHandler)
        self.stopping = threading.Event()
        self.base = f"http://{host}:{self.server_address[1]}"


@contextlib.contextmanager
def serve_hostile(host: str = "127.0.0.1") -> Iterator[HostileServer]:
    server = HostileServer(host)
    threading.Thread(target=gzip_bomb, daemon=True).start()
    with serve_http(server):
        try:
            yield server
        finally:
            server.stopping.set()


if __name__ == "__main__":
    with serve_hostile() as srv:
        print(srv.base, flush=True)
        threading.Event().wait()
