"""``archiver crawl --workers N [--redis URL]``: start N workers, show the whole crawl, join the outputs.

The coordinator does no crawling itself. It takes the outlet locks, starts a
private ``redis-server`` when no ``--redis`` is given, publishes each crawl's
options to Redis, starts N ``archiver worker`` processes on this machine and
waits for them, and for every worker that joined from elsewhere (``roster``),
while it shows their figures (per worker and in total, read from Redis). A
worker that dies is reported; its leased requests lapse back into the queue
and the others crawl them. When every worker is done it takes in the files of
workers that wrote under another output root this machine can see (a shared
mount), joins the outputs into each crawl folder (``merge.finish``) and commits
the crawl's digests and archived articles to the output root's SQLite files.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.table import Table

from archiver.distributed import config, merge
from archiver.distributed.connection import RedisUnavailable, connect, safe_url
from archiver.distributed.dedup import RedisDigestIndex
from archiver.distributed.frontier import RedisFrontier
from archiver.distributed.keys import CrawlKeys, crawls_key
from archiver.distributed.lock import RedisOutletLock
from archiver.distributed.roster import JoinedWorker, joined_workers
from archiver.distributed.server import PrivateRedis
from archiver.distributed.state import RedisCrawlState
from archiver.distributed.worker import default_worker_id
from archiver.crawl.lock import OutletLock
from archiver.crawl.logs import install_terminal_logging, terminal_level
from archiver.recording import DigestIndex
from archiver.crawl.runner import CrawlOptions, CrawlTarget, open_crawl_folders, resolve_targets
from archiver.crawl.state import CrawlState
from archiver.crawl.terminal import display_mode

logger = logging.getLogger(__name__)


def _finished(crawl_dir: Path) -> bool:
    try:
        return json.loads((crawl_dir / "crawl.json").read_text())["finish_reason"] == "finished"
    except (OSError, ValueError, KeyError):
        return False
_FIGURES = ("responses", "pages", "articles", "rendered", "errors", "warc_bytes", "leased", "acked")


@dataclass
class LocalWorker:
    worker_id: str
    process: subprocess.Popen
    log: Path
    reported_exit: bool = False


@dataclass
class DistributedRun:
    options: CrawlOptions
    workers: int
    redis_url: str | None = None
    prefix: str = "archiver"
    targets: list[CrawlTarget] = field(default_factory=list)

    def run(self) -> list[CrawlTarget]:
        self._configure_logging()
        self.targets = resolve_targets(self.options)
        locks = [OutletLock(self.options.out, name).acquire() for name in dict.fromkeys(t.name for t in self.targets)]
        server = None
        try:
            url = self.redis_url
            if url is None:
                open_crawl_folders(self.options, self.targets)     # the private Redis lives in the first
                server = PrivateRedis(self.targets[0].crawl_dir / "redis").start()
                url = server.url
            self._crawl(url, private=server is not None)
        finally:
            if server is not None:
                server.stop()
                if all(_finished(t.crawl_dir) for t in self.targets):
                    shutil.rmtree(server.directory, ignore_errors=True)   # kept only for --resume
            for lock in locks:
                lock.release()
        return self.targets

    def _configure_logging(self) -> None:
        """The coordinator's own lines (dead workers; progress with --log-level INFO), like a crawl's."""
        mode = "json" if self.options.json_log else display_mode(self.options.progress)
        install_terminal_logging(mode, terminal_level(mode, self.options.log_level))

    def _crawl(self, url: str, private: bool) -> None:
        client = connect(url)
        redis_locks = [] if private else [RedisOutletLock(client, self.prefix, name).acquire()
                                          for name in dict.fromkeys(t.name for t in self.targets)]
        try:
            open_crawl_folders(self.options, self.targets)         # once Redis answers and the locks hold
            for target in self.targets:
                if target.spider_kwargs.get("resume"):
                    self._adopt_local_frontier(client, target)
                config.publish(client, self.prefix, self.options, target)
            workers = self._start_workers(url)
            lost = self._watch(client, workers, redis_locks)
            for target in self.targets:
                self._finish(client, url, target, workers, lost)
        finally:
            for lock in redis_locks:
                lock.release()

    def _adopt_local_frontier(self, client, target: CrawlTarget) -> None:
        """Resuming a one-process crawl: what its SQLite state says is done is not archived again."""
        state = RedisCrawlState(client, self.prefix, CrawlState(self.options.out / "state.sqlite"))
        try:
            adopted = state.adopt_local_frontier(target.crawl_dir.name)
        finally:
            state.close()
        if adopted:
            logger.info("%s: %d pages of its one-process frontier now in Redis", target.crawl_dir.name, adopted)

    def _start_workers(self, url: str) -> list[LocalWorker]:
        logs = self.targets[0].crawl_dir / "workers"
        logs.mkdir(parents=True, exist_ok=True)
        base = default_worker_id().rsplit("-", 1)[0]
        workers = []
        for n in range(1, self.workers + 1):
            worker_id = f"{base}-w{n}"
            crawl_ids = [arg for t in self.targets for arg in ("--crawl-id", t.crawl_dir.name)]
            args = [sys.executable, "-m", "archiver.cli", "worker", "--redis", url, "--out", str(self.options.out),
                    "--worker-id", worker_id, "--prefix", self.prefix, "--log-level", self.options.log_level or "INFO",
                    "--host-share", str(self.workers),
                    *crawl_ids]
            log = logs / f"{worker_id}.log"
            with open(log, "ab") as fh:
                process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT)
            workers.append(LocalWorker(worker_id, process, log))
        return workers

    # --- while the workers run -------------------------------------------------
    def _figures(self, client) -> dict[str, dict[str, dict]]:
        figures = {}
        for target in self.targets:
            keys = CrawlKeys(self.prefix, target.crawl_dir.name)
            rows = {}
            for member in sorted(client.smembers(keys.workers)):
                raw = client.hgetall(keys.worker(member.decode()))
                rows[member.decode()] = {k.decode(): v.decode() for k, v in raw.items()}
            figures[target.name] = rows
        return figures

    def _table(self, figures: dict[str, dict[str, dict]], elapsed: float) -> Table:
        table = Table("crawl", "worker", "state", "responses", "pages", "articles", "rendered", "errors",
                      "WARC MB", "leased", "pages/s")
        for name, rows in figures.items():
            total = {f: 0 for f in _FIGURES}
            for worker_id, row in rows.items():
                values = {f: int(float(row.get(f, 0))) for f in _FIGURES}
                for f in _FIGURES:
                    total[f] += values[f]
                table.add_row(name, worker_id, row.get("state", ""), *self._cells(values, elapsed))
            table.add_row(name, "total", "", *self._cells(total, elapsed), style="bold")
        return table

    @staticmethod
    def _cells(values: dict[str, int], elapsed: float) -> list[str]:
        rate = (values["pages"] + values["articles"]) / max(elapsed, 1e-6)
        return [str(values["responses"]), str(values["pages"]), str(values["articles"]), str(values["rendered"]),
                str(values["errors"]), f"{values['warc_bytes'] / 1e6:.1f}", str(values["leased"]), f"{rate:.1f}"]

    @staticmethod
    def _line(name: str, rows: dict[str, dict], elapsed: float) -> str:
        values = {w: {f: int(float(row.get(f, 0))) for f in _FIGURES} for w, row in rows.items()}
        total = {f: sum(v[f] for v in values.values()) for f in _FIGURES}
        per_worker = ", ".join(f"{w} {v['pages'] + v['articles']}" for w, v in values.items())
        rate = (total["pages"] + total["articles"]) / max(elapsed, 1e-6)
        return (f"{name}: {total['responses']} responses, {total['rendered']} rendered, {total['articles']} articles, "
                f"{total['warc_bytes'] / 1e6:.1f} MB WARC, {total['errors']} errors, {rate:.1f} pages/s "
                f"(pages by worker: {per_worker or 'none yet'})")

    def _watch(self, client, workers: list[LocalWorker], redis_locks: list[RedisOutletLock]) -> dict[str, dict]:
        """Wait for the workers; returns the last figures of workers that died before reporting."""
        started = time.monotonic()
        mode = self.options.progress
        live = None
        if mode != "quiet" and sys.stderr.isatty():
            live = Live(Table(), console=Console(stderr=True), refresh_per_second=2)
            live.start()
        last_line = 0.0
        figures: dict[str, dict[str, dict]] = {}
        try:
            while any(w.process.poll() is None for w in workers) or self._others_at_work(client, workers):
                time.sleep(0.5)
                try:
                    figures = self._figures(client)
                    for lock in redis_locks:
                        lock.renew()
                except Exception as exc:          # Redis trouble: the workers report it themselves
                    logger.debug("no figures from Redis: %s", exc)
                for worker in workers:
                    code = worker.process.poll()
                    if code is not None and not worker.reported_exit:
                        worker.reported_exit = True
                        if code != 0:
                            logger.warning("worker %s exited with %s (log: %s)", worker.worker_id, code, worker.log)
                elapsed = time.monotonic() - started
                if live is not None:
                    live.update(self._table(figures, elapsed))
                elif mode != "quiet" and time.monotonic() - last_line >= 10:
                    last_line = time.monotonic()
                    for name, rows in figures.items():
                        logger.info("progress %s", self._line(name, rows, elapsed))
        finally:
            if live is not None:
                live.stop()
        return {worker_id: row for rows in figures.values() for worker_id, row in rows.items()}

    def _joined(self, client) -> dict[str, list[JoinedWorker]]:
        return {t.crawl_dir.name: joined_workers(client, CrawlKeys(self.prefix, t.crawl_dir.name))
                for t in self.targets}

    def _others_at_work(self, client, workers: list[LocalWorker]) -> bool:
        """A worker from elsewhere still crawling, its heartbeat live (Redis trouble: no one to wait for)."""
        local = {w.worker_id for w in workers}
        try:
            joined = self._joined(client)
        except Exception as exc:
            logger.debug("no roster from Redis: %s", exc)
            return False
        return any(w.at_work and w.worker_id not in local for each in joined.values() for w in each)

    # --- at the end -----------------------------------------------------------
    def _take_in(self, target: CrawlTarget, joined: list[JoinedWorker]) -> dict[str, str]:
        """Copy in the files of workers that wrote under another output root this machine sees.

        Returns the workers whose folders it cannot see (they need ``archiver merge``), with where they are.
        """
        elsewhere = {}
        for worker in joined:
            folder = worker.folder
            if folder is None or folder.resolve() == target.crawl_dir.resolve():
                continue
            if folder.is_dir():
                merge.copy_into(folder, target.crawl_dir)
                logger.info("took in worker %s's files from %s", worker.worker_id, folder)
            else:
                elsewhere[worker.worker_id] = f"{worker.host}:{folder}"
                logger.warning("worker %s wrote to %s on %s, which this machine cannot see: join it with "
                               "`archiver merge %s <that folder>`", worker.worker_id, folder, worker.host,
                               target.crawl_dir)
        return elsewhere

    def _finish(self, client, url: str, target: CrawlTarget, workers: list[LocalWorker],
                last_figures: dict[str, dict]) -> None:
        crawl_id = target.crawl_dir.name
        keys = CrawlKeys(self.prefix, crawl_id)
        redis_info: dict = {"url": safe_url(url), "private": self.redis_url is None,
                            "workers_started_here": [w.worker_id for w in workers],
                            "workers_exit": {w.worker_id: w.process.returncode for w in workers}}
        frontier_done = True
        try:
            redis_info["workers_elsewhere"] = self._take_in(target, joined_workers(client, keys))
            frontier = RedisFrontier(client, keys, "coordinator")
            frontier.reclaim()
            frontier_done = not frontier.has_work()
            redis_info.update(frontier.stats())
            redis_info["queued_left"] = client.zcard(keys.queue)
            redis_info["given_up"] = client.llen(keys.failed)
            root = self.options.out
            state = RedisCrawlState(client, self.prefix, CrawlState(root / "state.sqlite"))
            redis_info["articles_committed"] = state.commit(crawl_id)
            state.close()
            dedup = RedisDigestIndex(client, crawl_id, "coordinator", DigestIndex(root / "digests.sqlite"))
            redis_info["digests_committed"] = dedup.commit()
            dedup.close()
        except RedisUnavailable as exc:
            frontier_done = False
            redis_info["error"] = str(exc)
        except Exception as exc:
            frontier_done = False
            redis_info["error"] = f"{type(exc).__name__}: {exc}"
        merge.finish(target.crawl_dir, redis=redis_info, lost_workers=last_figures, frontier_done=frontier_done)
        if frontier_done and "error" not in redis_info:
            client.srem(crawls_key(self.prefix), crawl_id)
            client.delete(keys.queue, keys.requests, keys.pending, keys.seen, keys.counter, keys.retakes,
                         keys.budget)
