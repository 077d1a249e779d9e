"""One worker of a distributed crawl: the ordinary Scrapy crawl, with its frontier in Redis.

``archiver worker --redis URL`` (and each of the N processes ``archiver crawl
--workers N`` starts) runs this. The worker reads the crawl's options from
Redis, crawls into ``<out>/<crawl id>/`` with its own WARC files (its id in
their names) and its own ``workers/<id>/`` report and items, and publishes
its figures to Redis for the live display.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from twisted.internet import task

from archiver.crawl.folder import folder_slug
from archiver.distributed import config
from archiver.distributed.connection import connect, shared_client
from archiver.distributed.keys import CrawlKeys
from archiver.distributed.roster import CRAWLING, mark_exited
from archiver.distributed.shared import share_spider_sets
from archiver.crawl.report import ExitCode, read_report
from archiver.crawl.runner import CrawlOptions, CrawlTarget, _run_process, crawl_settings
from archiver.crawl.session import ArchiveSession

DISTRIBUTED_DOWNLOADER_MIDDLEWARES = {
    "archiver.distributed.leases.LeaseDownloaderMiddleware": 10,    # sees a final failure last
    "archiver.distributed.politeness.HostBudgetMiddleware": 950,   # just before the download itself
}
DISTRIBUTED_SPIDER_MIDDLEWARES = {"archiver.distributed.leases.LeaseSpiderMiddleware": 10}
DISTRIBUTED_EXTENSIONS = {"archiver.distributed.worker.WorkerProgress": 30}


def default_worker_id() -> str:
    return f"{socket.gethostname().split('.')[0]}-{os.getpid()}"


def worker_folder(crawl_dir, worker_id: str):
    return crawl_dir / "workers" / worker_id


def worker_settings(redis_url: str, worker_id: str, host_share: int = 1):
    """``settings_for`` of the runner: a crawl's settings, turned into one worker's.

    With *host_share* N the worker's own Scrapy sends at most 1/N of a host's
    concurrency at once; Redis holds all workers to the whole (politeness.py).
    """
    def settings_for(options: CrawlOptions, target: CrawlTarget) -> Settings:
        settings = crawl_settings(options, target)
        if host_share > 1:
            whole = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
            settings.set("ARCHIVER_HOST_CONCURRENCY", whole, priority="cmdline")
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", max(1, -(-whole // host_share)), priority="cmdline")
        own = worker_folder(target.crawl_dir, worker_id)
        settings.setdict({
            "ARCHIVER_REDIS_URL": redis_url,
            "ARCHIVER_STATE_BACKENDS": "archiver.distributed.backends.shared_backends",
            "ARCHIVER_BLOCK_SHARING": "archiver.distributed.blocks.RedisBlockSharing",   # crawl-wide blocks
            "ARCHIVER_WORKER_ID": worker_id,
            "ARCHIVER_WARC_PREFIX": f"archiver-{folder_slug(target.name)}-{worker_id}",
            "ARCHIVER_PROGRESS": "quiet",          # the coordinator shows the whole crawl
            "ARCHIVER_RESUME_RECOVER": False,      # the folder is shared: merge.finish rebuilds the items
            "ARCHIVER_CRAWL_LOG": f"workers/{worker_id}/crawl.log",
            "SCHEDULER": "archiver.distributed.scheduler.RedisScheduler",
            "ARCHIVER_ITEM_FILES_DIR": str(own.relative_to(target.crawl_dir)),   # merged at the end
        }, priority="cmdline")
        if "ARCHIVER_EXTRACTION_WORKERS" not in options.extra_settings:
            # the workers are the parallelism: extraction processes of their own would only compete
            settings.set("ARCHIVER_EXTRACTION_WORKERS", 0, priority="cmdline")
        for name, extra in (("DOWNLOADER_MIDDLEWARES", DISTRIBUTED_DOWNLOADER_MIDDLEWARES),
                            ("SPIDER_MIDDLEWARES", DISTRIBUTED_SPIDER_MIDDLEWARES),
                            ("EXTENSIONS", DISTRIBUTED_EXTENSIONS)):
            merged = dict(settings.getdict(name))
            merged.update(extra)
            settings.set(name, merged, priority="cmdline")
        return settings
    return settings_for


def run_worker(redis_url: str, crawl_ids: list[str], worker_id: str, out, prefix: str = "archiver",
               log_level: str = "INFO", host_share: int = 1) -> int:
    """Crawl the given (or every running) crawl of this Redis until its frontier is empty."""
    client = connect(redis_url)
    crawl_ids = crawl_ids or config.running_crawls(client, prefix)
    if not crawl_ids:
        raise ValueError("no crawl is running in this Redis; start one with `archiver crawl ... --redis URL`")
    loaded = [config.load(client, prefix, crawl_id, out) for crawl_id in crawl_ids]
    options = loaded[0][0]
    options.progress, options.log_level = "quiet", log_level
    targets = [target for _, target in loaded]
    for target in targets:
        worker_folder(target.crawl_dir, worker_id).mkdir(parents=True, exist_ok=True)
    _run_process(options, targets, settings_for=worker_settings(redis_url, worker_id, host_share))
    for target in targets:
        try:
            mark_exited(client, CrawlKeys(prefix, target.crawl_dir.name), worker_id)
        except redis.RedisError:
            pass                     # Redis is gone: the coordinator sees the heartbeat lapse instead
    codes = []
    for target in targets:
        try:
            report = read_report(worker_folder(target.crawl_dir, worker_id))
        except (OSError, ValueError, KeyError):
            codes.append(int(ExitCode.FAILED))
            continue
        # a worker that found nothing left to take did not fail: the others crawled it
        idle = report["finish_reason"] == "finished" and report["exit_status"] == ExitCode.FAILED
        codes.append(int(ExitCode.OK) if idle else report["exit_status"])
    return max(codes, default=int(ExitCode.FAILED))


class WorkerProgress:
    """Scrapy extension: publishes this worker's figures to Redis every second; shares the spider's sets."""

    FIELDS = ("responses", "pages", "articles", "rendered", "errors", "warc_bytes", "leased", "acked")

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.worker_id = settings.get("ARCHIVER_WORKER_ID")
        self.keys = CrawlKeys(settings.get("ARCHIVER_REDIS_PREFIX"), settings.get("ARCHIVER_CRAWL_ID"))
        self.client = shared_client(settings.get("ARCHIVER_REDIS_URL"))
        self.interval = settings.getfloat("ARCHIVER_REDIS_PROGRESS_INTERVAL")
        self.folder = str(Path(settings.get("ARCHIVER_OUTPUT_DIR")).resolve())   # where the coordinator finds its files
        self.loop = task.LoopingCall(self.publish)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "WorkerProgress":
        if not crawler.settings.get("ARCHIVER_WORKER_ID"):
            raise NotConfigured("not a worker of a distributed crawl")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def figures(self) -> dict[str, int]:
        stats = self.crawler.stats.get_stats()
        return {
            "responses": stats.get("response_received_count", 0),
            "pages": stats.get("archiver/pages", 0),
            "articles": stats.get("archiver/articles", 0),
            "rendered": stats.get("archiver/browser/renders", 0),
            "errors": sum(v for k, v in stats.items() if k.startswith("archiver/failures/")),
            "warc_bytes": ArchiveSession.of(self.crawler).writer.bytes_written,
            "leased": stats.get("archiver/redis/leased", 0),
            "acked": stats.get("archiver/redis/acked", 0),
        }

    def publish(self, state: str = CRAWLING) -> None:
        key = self.keys.worker(self.worker_id)
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.hset(key, mapping={**self.figures(), "state": state, "host": socket.gethostname(),
                                    "pid": os.getpid(), "updated": time.time(), "folder": self.folder})
            pipe.sadd(self.keys.workers, self.worker_id)
            pipe.execute()
        except Exception:           # Redis trouble is handled (and reported) by the lease book
            pass

    def spider_opened(self, spider) -> None:
        share_spider_sets(spider, self.client, self.keys.base)
        self.loop.start(self.interval, now=True)

    def spider_closed(self, spider, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()
        self.publish(state=self.crawler.stats.get_value("archiver/finish_reason", reason))
