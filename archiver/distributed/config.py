"""The crawl's options in Redis, so a worker joining from another machine crawls the same way."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

import redis

from archiver.distributed.keys import CrawlKeys, crawls_key
from archiver.outlets import Politeness
from archiver.crawl.runner import CrawlOptions, CrawlTarget

_PATHS = ("out", "config", "profiles_dir", "password_file")   # a profile travels by name and folder only


def publish(client: redis.Redis, prefix: str, options: CrawlOptions, target: CrawlTarget) -> None:
    crawl_id = target.crawl_dir.name
    data = {
        "options": {k: (str(v) if k in _PATHS and v is not None else v) for k, v in asdict(options).items()},
        "target": {"name": target.name, "spider_kwargs": target.spider_kwargs,
                   "politeness": asdict(target.politeness)},
    }
    client.set(CrawlKeys(prefix, crawl_id).config, json.dumps(data))
    client.sadd(crawls_key(prefix), crawl_id)


def running_crawls(client: redis.Redis, prefix: str) -> list[str]:
    return sorted(member.decode() for member in client.smembers(crawls_key(prefix)))


def load(client: redis.Redis, prefix: str, crawl_id: str, out: Path | None) -> tuple[CrawlOptions, CrawlTarget]:
    """The crawl's options and target; the crawl folder is ``<out>/<crawl id>`` on this machine."""
    raw = client.get(CrawlKeys(prefix, crawl_id).config)
    if raw is None:
        raise ValueError(f"no crawl {crawl_id!r} in this Redis (running: "
                         f"{', '.join(running_crawls(client, prefix)) or 'none'})")
    data = json.loads(raw)
    known = {f.name for f in fields(CrawlOptions)}
    values = {k: v for k, v in data["options"].items() if k in known}
    for key in _PATHS:
        if values.get(key) is not None:
            values[key] = Path(values[key])
    options = CrawlOptions(**values)
    if out is not None:
        options.out = out
    target = data["target"]
    kwargs = dict(target["spider_kwargs"])   # with resume: the pages not done are queued again (seen once)
    politeness = Politeness(**target["politeness"])
    return options, CrawlTarget(target["name"], kwargs, options.out / crawl_id, politeness)
