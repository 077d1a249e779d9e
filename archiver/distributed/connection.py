"""Connecting to Redis, with a message that says what to fix when it is not there."""

from __future__ import annotations

from urllib.parse import urlsplit

import redis


class RedisUnavailable(RuntimeError):
    """Redis could not be reached (or went away mid-crawl)."""


def safe_url(url: str) -> str:
    """The URL without its password, for logs and crawl.json."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def connect(url: str, *, timeout: float = 5.0) -> redis.Redis:
    """A client for ``redis://HOST:PORT/DB`` or ``unix:///path/redis.sock``; checked with PING."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"--redis takes redis://HOST:PORT/DB or unix:///PATH, not {url!r}")
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                  health_check_interval=30)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot reach Redis at {safe_url(url)}: {exc}") from exc
    return client


_CLIENTS: dict[str, redis.Redis] = {}


def shared_client(url: str) -> redis.Redis:
    """One client (one connection pool) per URL and process."""
    client = _CLIENTS.get(url)
    if client is None:
        client = _CLIENTS[url] = connect(url)
    return client
