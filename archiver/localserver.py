"""Servers started on 127.0.0.1 by replay, the benchmark and the tests: a free port, and start-up
that waits for the port to accept connections instead of sleeping and hoping; and the host names
the researcher's servers answer to.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from werkzeug.sansio.utils import host_is_trusted

from archiver import settings as defaults

LOCALHOST = "127.0.0.1"
POLL_INTERVAL = 0.05        # s between connection attempts while a server starts


def allowed_hosts(bind: str, extra: Sequence[str] = ()) -> list[str]:
    """The Host header names a server bound to *bind* answers to (a port in the header is ignored).

    A page on any web site can point its own name at 127.0.0.1 (DNS rebinding) and then
    read a local server as if it were that site; the Host header it sends still names
    the site, so a server that answers only to its own names is out of its reach.
    """
    names = [*defaults.ARCHIVER_ALLOWED_HOSTS, f"[{bind}]" if ":" in bind else bind, *extra]
    return list(dict.fromkeys(name.lower() for name in names))


def host_allowed(host_header: str | None, allowed: Sequence[str]) -> bool:
    return bool(host_header) and host_is_trusted(host_header, list(allowed))


def free_port(host: str = LOCALHOST) -> int:
    """A port nothing listens on now, for a program that takes its port as an argument."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def accepts(port: int, host: str = LOCALHOST) -> bool:
    """True when something accepts a TCP connection on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_port(port: int, host: str = LOCALHOST, *, timeout: float = 30.0,
                  process: subprocess.Popen | None = None, name: str = "the server") -> None:
    """Return once host:port accepts connections; raise if *process* exits first or *timeout* passes."""
    deadline = time.monotonic() + timeout
    while not accepts(port, host):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before listening on {host}:{port}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{name} did not listen on {host}:{port} within {timeout:.0f}s")
        time.sleep(POLL_INTERVAL)


@dataclass
class RunningServer:
    process: subprocess.Popen
    port: int
    host: str = LOCALHOST

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def start_server(argv: Callable[[int], Sequence[str]], *, cwd: Path | None = None, timeout: float = 60.0,
                 log: Path | None = None, name: str | None = None) -> Iterator[RunningServer]:
    """Run ``argv(port)`` on a free port until the block ends; yields once the port accepts connections.

    Output goes to *log* (else it is discarded), so a failed start can be read there.
    """
    port = free_port()
    command = [str(part) for part in argv(port)]
    out = open(log, "wb") if log else subprocess.DEVNULL
    try:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log:
            out.close()
    try:
        wait_for_port(port, timeout=timeout, process=process, name=name or Path(command[0]).name)
        yield RunningServer(process, port)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def serve_http(handler: Callable[..., BaseHTTPRequestHandler] | ThreadingHTTPServer,
               host: str = LOCALHOST) -> Iterator[str]:
    """Serve a request handler (on a new port-0 server) or a bound server on a thread; yields its base URL.

    The server is bound before the block starts, so it is ready without any wait.
    """
    server = handler if isinstance(handler, ThreadingHTTPServer) else ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="local-http", daemon=True).start()
    try:
        yield f"http://{server.server_address[0]}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
