"""Debian's nginx, started and stopped by the benchmark, serving the synthetic sites.

Added latency uses the echo module's ``echo_sleep`` (Debian ships it as
libnginx-mod-http-echo; it is loaded dynamically): a non-blocking timer in
nginx itself, then ``echo_exec`` to the real files. Every response, HTML or
image, waits N ms and nginx stays event-driven, so it is never the
bottleneck; ``check_latency`` measures both claims.

Like a news site's CDN, nginx marks the shared assets and images cacheable for
an hour (``Cache-Control: max-age=3600``); pages are not.
"""

from __future__ import annotations

import http.client
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from archiver.localserver import free_port, wait_for_port

NGINX = "/usr/sbin/nginx"
ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"
STATUS_PATH = "/__status"


@dataclass
class Served:
    """One site on one port: files, a per-address robots/sitemap overlay, a delay."""
    name: str
    root: Path
    discovery: Path
    delay_ms: int = 0
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _server_block(site: Served) -> str:
    files = f"root {site.root}; try_files $uri $uri/index.html =404;"
    overlay = f"root {site.discovery};"
    if site.delay_ms:
        wait = f"echo_sleep {site.delay_ms / 1000:.3f};"
        routes = (f"location / {{ {wait} echo_exec @files; }} location @files {{ {files} }}"
                  f"location = /robots.txt {{ {wait} echo_exec @overlay; }}"
                  f"location = /sitemap.xml {{ {wait} echo_exec @overlay; }}"
                  f"location @overlay {{ {overlay} }}")
    else:
        routes = (f"location / {{ {files} }}"
                  f"location = /robots.txt {{ {overlay} }} location = /sitemap.xml {{ {overlay} }}")
    return (f"server {{ listen 127.0.0.1:{site.port}; {routes} "
            f"location = {STATUS_PATH} {{ stub_status; }} }}")


@dataclass
class Nginx:
    """An nginx instance whose config, pid and temp files all live in ``workdir``.

    Workers run as root: the temp dir is private (0700) to the benchmark's user.
    """
    workdir: Path
    sites: list[Served] = field(default_factory=list)
    process: subprocess.Popen | None = None

    def config(self) -> str:
        tmp = self.workdir / "tmp"
        temps = " ".join(f"{kind}_temp_path {tmp}/{kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        servers = "\n".join(_server_block(site) for site in self.sites)
        return (
            f"load_module {ECHO_MODULE};\n"
            f"user root; daemon off; worker_processes 1; pid {self.workdir}/nginx.pid; error_log stderr error;\n"
            "events { worker_connections 4096; }\n"
            f"http {{ access_log off; {temps} include /etc/nginx/mime.types; "
            "default_type application/octet-stream; sendfile on; tcp_nopush on; keepalive_requests 100000; "
            "gzip on; gzip_types text/css application/javascript application/xml text/xml text/plain;\n"
            "map $uri $asset_expires { ~^/(static|img)/ 1h; default off; } expires $asset_expires;\n"
            f"{servers}\n}}\n"
        )

    def start(self) -> "Nginx":
        (self.workdir / "tmp").mkdir(parents=True, exist_ok=True)
        for site in self.sites:
            site.port = site.port or free_port()
        conf = self.workdir / "nginx.conf"
        conf.write_text(self.config())
        self.process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.workdir)],
                                        stderr=open(self.workdir / "nginx.err", "wb"))
        try:
            for site in self.sites:
                wait_for_port(site.port, timeout=10, process=self.process, name="nginx")
        except (RuntimeError, TimeoutError) as exc:
            self.stop()
            raise RuntimeError(f"{exc}: {(self.workdir / 'nginx.err').read_text()}") from None
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def __enter__(self) -> "Nginx":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def requests_served(self) -> int:
        """nginx's total request counter (stub_status); each read counts itself once."""
        conn = http.client.HTTPConnection("127.0.0.1", self.sites[0].port, timeout=5)
        conn.request("GET", STATUS_PATH)
        text = conn.getresponse().read().decode()
        conn.close()
        return int(text.splitlines()[2].split()[2])


@dataclass
class LatencyCheck:
    """Median time of one small GET, sequentially, and the rate of 16 clients at once."""
    base_url: str
    sequential_ms: float
    parallel_per_s: float


def _get_many(port: int, path: str, n: int, out: list[float]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        conn.getresponse().read()
        out.append((time.perf_counter() - t) * 1000)
    conn.close()


def check_latency(site: Served, path: str, n: int = 40, clients: int = 16) -> LatencyCheck:
    """Measure that the delay is really added per response and that nginx keeps up."""
    times: list[float] = []
    _get_many(site.port, path, n, times)
    threads = [threading.Thread(target=_get_many, args=(site.port, path, n, [])) for _ in range(clients)]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate = clients * n / (time.perf_counter() - t)
    return LatencyCheck(site.base_url, statistics.median(times), rate)
