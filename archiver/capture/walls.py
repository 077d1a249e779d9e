"""Downloader middleware: walls never reach the spider as pages, and a host that keeps
answering with them is blocked for the run.

Every response to a page, article or listing request is judged by
``archiver.verdict.find_wall`` (status, headers, markup). A wall keeps the
WARC record the fetch recorder already wrote (what the server sent), and the
page fails with the wall's own reason (``challenge``, ``soft-404``,
``consent-wall``), so no item, version or search entry is made of it and the
next run tries the page again. The response is passed on marked (not raised:
a distributed worker acknowledges its lease when the callback or errback ends):
a 4xx wall fails as HttpError with the reason in ``REASON_META_KEY``, a 2xx one
is failed by the spider's callback (``wall_of``).

Blocks: ``ARCHIVER_BLOCK_AFTER`` challenges in a row from one host (a 403/429
with a bot manager's signature is one) block it. The host's requests then wait
out the Retry-After the last wall sent (else ``ARCHIVER_BLOCK_BACKOFF``, capped
by ``ARCHIVER_MAX_RETRY_AFTER``) and only ``ARCHIVER_BLOCK_PROBES`` go out, one
at a time. If the probes meet walls too, ``--on-block stop`` gives the host up
for the run: every later request to it is refused with reason ``blocked`` and
counted as left untried (in a ``--workers`` crawl for every worker: the walls,
the probes and the give-up are shared in Redis through ``ARCHIVER_BLOCK_SHARING``); ``--on-block wait`` backs off again (doubling) until
``ARCHIVER_BLOCK_MAX_WAIT`` has passed. Any page that is not a wall clears the
host. No evasion: requests are not altered, only held back or dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import load_object

from archiver.capture.backoff import retry_after_seconds
from archiver.failures import REASON_META_KEY, FailureReason, PageRefused, failure_handled
from archiver.verdict import Wall, WallKind, find_wall

logger = logging.getLogger(__name__)

JUDGED_KINDS = ("page", "article", "robots", "sitemap", "feed")   # requisites are never judged
WALL_META_KEY = "archiver_wall"          # the Wall a response was: its callback fails it (``wall_of``)
STATS = "archiver/blocks/"


def wall_of(response: Response) -> Wall | None:
    """The wall this response was judged to be (set by WallMiddleware), else None."""
    return response.meta.get(WALL_META_KEY) if response.request is not None else None


class BlockSharing:
    """What other processes of the same crawl know about a host's walls; a single process knows nothing more.

    A distributed crawl names a Redis implementation in ``ARCHIVER_BLOCK_SHARING``
    (``archiver.distributed.blocks.RedisBlockSharing``), so a block is crawl-wide.
    """

    def walls_in_row(self, host: str, wall: bool) -> int | None:
        """Count a page answer (a wall, or not: the count starts over); the crawl-wide count, or None."""
        return None

    def block_started(self, host: str, probes: int) -> None:
        """The host is blocked: *probes* probes for the whole crawl."""

    def take_probe(self, host: str) -> bool:
        """May this process send a probe now? (Locally: its own probes_left decides.)"""
        return True

    def given_up(self, host: str) -> str | None:
        """The vendor, if any process of the crawl gave the host up."""
        return None

    def give_up(self, host: str, vendor: str) -> None:
        """Tell the other processes."""


@dataclass
class HostBlock:
    """One host's walls and, once blocked, its back-off and probes."""

    host: str
    walls_in_row: int = 0
    vendor: str = ""
    blocked_at: float | None = None        # monotonic time the block began
    resume_at: float = 0.0                 # no probe before this
    backoff: float = 0.0
    probes_left: int = 0
    probing: bool = False                  # a probe is out
    gave_up: bool = False
    requests_after_block: int = 0          # probes let through
    in_flight: int = 0                     # requests past this middleware, not yet answered
    untried: int = 0
    waits: list[float] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.blocked_at is not None


class WallMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.thin_words = settings.getint("ARCHIVER_WALL_THIN_WORDS")
        self.block_after = settings.getint("ARCHIVER_BLOCK_AFTER")
        self.probes = settings.getint("ARCHIVER_BLOCK_PROBES")
        self.backoff = settings.getfloat("ARCHIVER_BLOCK_BACKOFF")
        self.max_retry_after = settings.getfloat("ARCHIVER_MAX_RETRY_AFTER")
        self.max_wait = settings.getfloat("ARCHIVER_BLOCK_MAX_WAIT")
        self.concurrency = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.on_block = settings.get("ARCHIVER_ON_BLOCK") or "stop"
        if self.on_block not in ("stop", "wait"):
            raise ValueError(f"ARCHIVER_ON_BLOCK must be stop or wait, not {self.on_block!r}")
        self.hosts: dict[str, HostBlock] = {}
        sharing = settings.get("ARCHIVER_BLOCK_SHARING")
        self.shared: BlockSharing = load_object(sharing)(crawler) if sharing else BlockSharing()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "WallMiddleware":
        middleware = cls(crawler)
        crawler.wall_middleware = middleware            # the report reads the blocks from here
        # a failure raised by a later middleware's process_response (DOWNLOAD_MAXSIZE while
        # decompressing) reaches neither hook below: its slot is given back when the errback is done
        crawler.signals.connect(middleware.failure_handled, signal=failure_handled)
        return middleware

    def failure_handled(self, request: Request, **kwargs) -> None:
        if request.meta.get("archiver_kind") in JUDGED_KINDS:
            self._settled(request)               # a no-op when process_response or _exception settled it

    # --- requests ---------------------------------------------------------------------------
    async def process_request(self, request: Request, spider=None):
        if request.meta.get("archiver_kind") not in JUDGED_KINDS:
            return None
        host = urlsplit(request.url).netloc
        block = self.hosts.setdefault(host, HostBlock(host))
        if not block.gave_up and (vendor := self.shared.given_up(host)):
            block.vendor, block.blocked_at = vendor, block.blocked_at or time.monotonic()
            self._give_up(block, tell=False)           # another worker of this crawl gave it up
        # Requests wait here, not in the download slot's queue, so a wall is seen before the next
        # ones leave: at most the domain's concurrency are out, one once the host has sent a wall.
        while not block.blocked and block.in_flight >= (1 if block.walls_in_row else self.concurrency):
            await asyncio.sleep(0.02)
            block = self.hosts.setdefault(host, HostBlock(host))
        if not block.blocked:
            block.in_flight += 1
            request.meta["archiver_block_counted"] = True
            return None
        while True:
            if block.gave_up:
                self._refuse(block, request)
            if block.probing or time.monotonic() < block.resume_at:
                await asyncio.sleep(min(0.2, max(0.01, block.resume_at - time.monotonic())))
            elif block.probes_left > 0:
                if self.shared.take_probe(host):
                    break
                block.probes_left = 0                 # the crawl's probes went out from other workers
            else:
                self._back_off_again(block)        # every probe met a wall: wait longer, or give up
        block.probes_left -= 1
        block.probing = True
        block.in_flight += 1
        request.meta["archiver_block_counted"] = True
        block.requests_after_block += 1
        request.meta["archiver_block_probe"] = True
        self.stats.inc_value(STATS + "probes")
        logger.info("%s is blocked: probing with %s", block.host, request.url)
        return None

    def _refuse(self, block: HostBlock, request: Request) -> None:
        if request.meta.get("archiver_kind") in JUDGED_KINDS:
            block.untried += 1
            self.stats.inc_value(STATS + "untried")
        raise PageRefused(FailureReason.BLOCKED, f"{block.host} is blocked ({block.vendor}): not requested")

    def _back_off_again(self, block: HostBlock) -> None:
        """--on-block wait: another round of probes after a longer wait, while ARCHIVER_BLOCK_MAX_WAIT lasts."""
        waited = time.monotonic() - (block.blocked_at or time.monotonic())
        if self.on_block != "wait" or waited >= self.max_wait:
            self._give_up(block)
            return
        block.backoff = min(max(block.backoff, 1.0) * 2, self.max_wait - waited)
        block.resume_at = time.monotonic() + block.backoff
        block.probes_left = self.probes
        block.waits.append(block.backoff)
        logger.warning("%s still answers with walls: waiting %.0fs before probing again", block.host, block.backoff)

    def _give_up(self, block: HostBlock, tell: bool = True) -> None:
        if not block.gave_up:
            block.gave_up = True
            if tell:
                self.shared.give_up(block.host, block.vendor)
            self.stats.inc_value(STATS + "hosts")
            logger.error("%s is blocked (%s): no more requests to it in this run; see docs/walls.md",
                         block.host, block.vendor)

    # --- responses --------------------------------------------------------------------------
    def _settled(self, request: Request) -> HostBlock:
        block = self.hosts.setdefault(urlsplit(request.url).netloc, HostBlock(urlsplit(request.url).netloc))
        if request.meta.pop("archiver_block_counted", False):
            block.in_flight = max(0, block.in_flight - 1)
        if request.meta.pop("archiver_block_probe", False):
            block.probing = False
        return block

    def process_exception(self, request: Request, exception: BaseException, spider=None):
        if request.meta.get("archiver_kind") in JUDGED_KINDS:
            self._settled(request)
        return None

    def process_response(self, request: Request, response: Response, spider=None):
        if request.meta.get("archiver_kind") not in JUDGED_KINDS:
            return response
        host = urlsplit(request.url).netloc
        block = self._settled(request)
        wall = find_wall(response.status, response.headers.to_unicode_dict(), response.body, self.thin_words)
        if wall is None:
            if request.meta.get("archiver_kind") not in ("page", "article"):
                return response             # a robots.txt or sitemap that answers says nothing of the pages
            self.shared.walls_in_row(host, False)
            if block.blocked and not block.gave_up:
                logger.warning("%s answers again: block lifted", host)
            if not block.gave_up:
                self.hosts[host] = HostBlock(host, in_flight=block.in_flight)
            return response
        self.stats.inc_value(f"archiver/walls/{wall.kind}")
        self.stats.inc_value(f"archiver/walls/vendor/{wall.vendor}")
        # The response goes on, marked: a 4xx fails as HttpError with this reason, a 2xx wall is
        # failed by the spider's callback (``wall_of``). Not retried: a wall asks for no quick retry.
        request.meta[REASON_META_KEY] = str(wall.kind)
        request.meta[WALL_META_KEY] = wall
        request.meta["dont_retry"] = True
        if wall.kind is WallKind.CHALLENGE:
            self._challenged(block, wall.vendor, response)
        return response

    def _challenged(self, block: HostBlock, vendor: str, response: Response) -> None:
        block.walls_in_row += 1
        block.walls_in_row = max(block.walls_in_row, self.shared.walls_in_row(block.host, True) or 0)
        block.vendor = vendor
        wanted = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if not block.blocked:
            if block.walls_in_row < self.block_after:
                return
            block.blocked_at = time.monotonic()
            block.backoff = min(self.max_retry_after, wanted if wanted is not None else self.backoff)
            block.resume_at = block.blocked_at + block.backoff
            block.probes_left = self.probes
            block.waits.append(block.backoff)
            self.shared.block_started(block.host, self.probes)
            self.stats.set_value(STATS + "blocked", 1)
            logger.warning("%s answered %d challenges in a row (%s): backing off %.0fs, then %d probe(s)",
                           block.host, block.walls_in_row, vendor, block.backoff, self.probes)
        elif wanted is not None:
            block.resume_at = max(block.resume_at, time.monotonic() + min(self.max_retry_after, wanted))
        if block.probes_left <= 0 and not block.probing:
            if self.on_block == "stop":
                self._give_up(block)

    def summary(self) -> list[dict]:
        """The blocked hosts, for crawl.json."""
        return [{"host": b.host, "vendor": b.vendor, "gave_up": b.gave_up, "walls_in_row": b.walls_in_row,
                 "requests_after_block": b.requests_after_block, "untried": b.untried,
                 "waits_s": [round(w, 1) for w in b.waits]}
                for b in self.hosts.values() if b.blocked]
