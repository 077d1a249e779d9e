"""Redis key names, in one place (modelled on Browsertrix Crawler's ``src/util/state.ts``).

Per crawl, under ``<prefix>:<crawl id>``:

``:q``  sorted set, request ids by priority then arrival (lowest score first)
``:r``  hash, request id -> the serialized request
``:s``  set, request fingerprints seen (the dupefilter)
``:p``  hash, request id -> worker id holding its lease
``:p:<id>``  string, worker id, with an expiry: the lease; when it lapses the
        request goes back into ``:q``
``:n``  counter for request ids
``:budget``  counter of pages and articles queued, against the crawl-wide ``--max-pages``
``:f``  list, request ids given up after ``ARCHIVER_REDIS_MAX_RETAKES`` retakes
``:stats``  hash, crawl-wide counters (leased, acked, retaken, handed_over)
``:w:<worker>``  hash, a worker's live figures; ``:workers`` the set of worker ids
``:alive:<worker>``  set, with the lease expiry, while the worker lives
``:config``  the crawl's options, JSON, for workers that join
``:frontier``  hash, url -> page entry (the ``--resume`` frontier)
``:host:<host>:*``  politeness budgets; ``walls``, ``probes``, ``blocked`` of a blocked host (``blocks.py``)
``:spider:<name>``  spider state all workers need (``shared.py``)

Across crawls: ``<prefix>:crawls`` (running crawl ids), ``<prefix>:articles``
(archived articles), ``<prefix>:lock:<outlet>`` (one crawl per outlet), and
the digest index in Browsertrix's layout: ``h:<crawl id>`` (digest -> entry),
``allhashes`` (digest -> crawl id that stored it), ``allcrawls``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrawlKeys:
    prefix: str
    crawl_id: str

    def _k(self, suffix: str) -> str:
        return f"{self.prefix}:{self.crawl_id}:{suffix}"

    @property
    def base(self) -> str:
        return f"{self.prefix}:{self.crawl_id}"

    queue = property(lambda self: self._k("q"))
    requests = property(lambda self: self._k("r"))
    seen = property(lambda self: self._k("s"))
    pending = property(lambda self: self._k("p"))
    lease_prefix = property(lambda self: self._k("p:"))
    counter = property(lambda self: self._k("n"))
    budget = property(lambda self: self._k("budget"))
    failed = property(lambda self: self._k("f"))
    retakes = property(lambda self: self._k("retakes"))
    stats = property(lambda self: self._k("stats"))
    workers = property(lambda self: self._k("workers"))
    config = property(lambda self: self._k("config"))
    frontier = property(lambda self: self._k("frontier"))

    def lease(self, request_id: str) -> str:
        return self._k(f"p:{request_id}")

    def worker(self, worker_id: str) -> str:
        return self._k(f"w:{worker_id}")

    alive_prefix = property(lambda self: self._k("alive:"))

    def alive(self, worker_id: str) -> str:
        """Set while the worker renews its leases: what it holds elsewhere (host slots) dies with it."""
        return self._k(f"alive:{worker_id}")

    def host(self, host: str, what: str) -> str:
        return self._k(f"host:{host}:{what}")


def crawls_key(prefix: str) -> str:
    return f"{prefix}:crawls"


def articles_key(prefix: str) -> str:
    return f"{prefix}:articles"


def lock_key(prefix: str, outlet: str) -> str:
    return f"{prefix}:lock:{outlet}"


# The digest index uses Browsertrix's key names, so its tools can read it.
def digest_crawl_key(crawl_id: str) -> str:
    return f"h:{crawl_id}"


DIGEST_ALL_HASHES = "allhashes"
DIGEST_ALL_CRAWLS = "allcrawls"
