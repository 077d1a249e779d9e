"""A private ``redis-server`` for ``archiver crawl --workers N`` without ``--redis``.

It listens on a Unix socket in the crawl folder (127.0.0.1 on a free port if the
path is too long for a socket), keeps an append-only file there so an
interrupted crawl can be resumed, and is stopped by its PID when the crawl ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

REDIS_SERVER = "redis-server"
_SOCKET_PATH_MAX = 100        # sun_path holds 108 bytes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 15.0) -> "PrivateRedis":
        binary = shutil.which(REDIS_SERVER)
        if binary is None:
            raise FileNotFoundError("--workers needs Debian's redis-server (apt-get install redis-server), "
                                    "or give --redis URL of a running Redis")
        self.directory.mkdir(parents=True, exist_ok=True)
        sock = (self.directory / "redis.sock").resolve()
        args = [binary, "--dir", str(self.directory.resolve()), "--appendonly", "yes",
                "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--loglevel", "warning",
                "--logfile", str((self.directory / "redis.log").resolve())]
        if len(str(sock)) <= _SOCKET_PATH_MAX:
            args += ["--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700"]
            self.url = f"unix://{sock}"
        else:
            port = _free_port()
            args += ["--port", str(port), "--bind", "127.0.0.1"]
            self.url = f"redis://127.0.0.1:{port}/0"
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                redis.Redis.from_url(self.url, socket_timeout=1).ping()
                return self
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start; see {self.directory / 'redis.log'}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()            # SIGTERM: Redis flushes its append-only file and exits
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "PrivateRedis":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
