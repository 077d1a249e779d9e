"""``make bench-profile``: where a page's CPU goes, by stage, and what a page costs Redis.

One static crawl (``--render never``) and, unless ``--render-articles 0``, one
rendered crawl of the benchmark's synthetic site (nginx), each run under
cProfile with extraction in-process (``ARCHIVER_EXTRACTION_WORKERS=0``), so
every Python cost of a page is in one profile. Each function's own time is
given to a stage by the file it lives in; time in C functions (zlib, hashlib,
sqlite3, lxml, fsync) goes to the stage of the Python code that called them,
except hashing, which is always "digest". cProfile slows Python code down,
so the stage figures are scaled to the crawl's CPU time measured in an
unprofiled run of the same crawl (whole process tree: Chromium too).

Then a ``--workers N`` crawl against a redis-server of its own gives Redis
operations per page (``INFO commandstats``: every command, including those Lua
scripts run) and Redis's CPU per page (``INFO cpu``); with ``--round-trips``,
the commands the workers sent themselves (``MONITOR``): one round trip each,
except that the commands of one pipeline (``MULTI``/``EXEC`` included) share one.
CPU ms and operations per page hardly depend on the machine's load; wall
times do, so none are printed here.
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis  # noqa: E402

from archiver.distributed.server import PrivateRedis  # noqa: E402
from bench import sitegen  # noqa: E402
from bench.crawlers import ROOT, warc_pages  # noqa: E402
from bench.run import OUTLET, profile_toml  # noqa: E402
from bench.server import Nginx, Served  # noqa: E402

# (stage, path fragments of the code that runs in it), first match wins
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("start-up (imports)", ("importlib", "<frozen", "marshal", "inspect.py", "pkgutil", "builtins.compile",
                            "scrapy/utils/deprecate", "scrapy/utils/misc.py:load_object")),
    ("digest", ("hashlib", "_hashlib", "base64", "archiver/recording/digest")),
    ("extraction", ("archiver/extraction/", "trafilatura/", "htmldate/", "justext/", "dateparser/", "courlan/",
                    "lxml/", "lxml.", "charset_normalizer/", "w3lib/encoding", "html5", "extruct/")),
    ("WARC", ("archiver/recording/", "warcio/", "gzip.py", "zlib", "archiver/capture/")),
    ("index", ("archiver/search/",)),
    ("item pipelines", ("pipelines/", "archiver/itemfiles", "archiver/textexport", "scrapy/exporters",
                        "json/", "csv", "archiver/history/", "archiver/crawl/frontier_commits")),
    ("scheduler and leases", ("scrapy/core/scheduler", "scrapy/pqueues", "queuelib/", "scrapy/dupefilters",
                              "archiver/crawl/frontier.py", "archiver/crawl/state", "archiver/distributed/",
                              "redis/", "sqlite3")),
    ("spider and discovery", ("spiders/", "archiver/discovery", "scrapy/spidermiddlewares", "scrapy/linkextractors",
                              "parsel/", "cssselect/", "scrapy/selector", "protego", "scrapy/utils/sitemap")),
    ("fetch", ("twisted/web", "twisted/internet/tcp", "twisted/internet/abstract", "twisted/protocols",
               "scrapy/core/downloader", "scrapy/downloadermiddlewares", "scrapy/http/", "OpenSSL/", "h2/", "hpack/",
               "urllib/", "w3lib/url", "scrapy/utils/url", "scrapy/responsetypes", "scrapy/core/http2",
               "scrapy_playwright/", "playwright/", "greenlet")),
    ("engine (reactor, callbacks, signals)", ("asyncio/", "selectors", "twisted/", "scrapy/core/engine",
                                              "scrapy/core/scraper", "scrapy/utils/asyncio", "scrapy/utils/defer",
                                              "scrapy/utils/signal", "pydispatch/", "scrapy/signalmanager",
                                              "scrapy/statscollectors", "scrapy/middleware", "itemadapter/",
                                              "logging/", "scrapy/utils/python")),
)
OTHER = "the rest (built-ins called from unattributed code)"
BROWSER = "browser (Chromium, Playwright's driver: other processes)"


def stage_of(path: str) -> str | None:
    for stage, parts in STAGES:
        if any(part in path for part in parts):
            return stage
    return None


def stage_times(profile: Path) -> dict[str, float]:
    """Seconds of own time per stage; C functions inherit the stage of their Python callers."""
    stats = pstats.Stats(str(profile)).stats          # (file, line, name) -> (cc, nc, tt, ct, callers)
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, name), (_, _, own, _, callers) in stats.items():
        where = f"{filename}:{name}"
        stage = stage_of(where)
        if stage is None and filename == "~" and callers:
            by_caller: dict[str, float] = defaultdict(float)
            for (c_file, _, c_name), caller_times in callers.items():
                by_caller[stage_of(f"{c_file}:{c_name}") or OTHER] += caller_times[2]
            spent = sum(by_caller.values()) or 1.0
            for each, share in by_caller.items():
                totals[each] += own * share / spent
            continue
        totals[stage or OTHER] += own
    return dict(totals)


def crawl_command(site: Served, profile_path: Path, out: Path, *flags: str) -> list[str]:
    return ["-m", "archiver.cli", "crawl", OUTLET, "--config", str(profile_path),
            f"--base-url={OUTLET}={site.base_url}", "--out", str(out), "--concurrency", "16",
            "--no-block-private-addresses", "--quiet", *flags]


CHECKOUT = ROOT      # the archiver code that crawls (--checkout: another one, for a before/after)


# The crawl's own process: its CPU (every thread) written at exit, apart from its children's (the browser)
_SELF_CPU = """
import atexit, resource, runpy, sys
out, module = sys.argv[1], sys.argv[2]
sys.argv = [module, *sys.argv[3:]]
def write():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    open(out, "w").write(str(usage.ru_utime + usage.ru_stime))
atexit.register(write)
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def run_cpu(args: list[str]) -> float:
    """CPU seconds of a finished command's whole process tree (the kernel's accounting of reaped children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=CHECKOUT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(CHECKOUT)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# cProfile on the process's CPU clock, not the wall clock: a page's fsync or a busy machine's
# waits are not CPU (python -m cProfile measures wall time)
_PROFILED = """
import cProfile, runpy, sys, time
out, module = sys.argv[1], sys.argv[2]
sys.argv = [module, *sys.argv[3:]]
profiler = cProfile.Profile(time.process_time)
try:
    profiler.runcall(runpy.run_module, module, run_name="__main__", alter_sys=True)
except SystemExit:
    pass
finally:
    profiler.dump_stats(out)
"""


def profile_crawl(name: str, site: Served, toml: Path, work: Path, *flags: str) -> None:
    """An unprofiled run for the CPU total, then a profiled one for the shares; prints one table."""
    flags = (*flags, "--set", "ARCHIVER_EXTRACTION_WORKERS=0")
    own = work / f"{name}-self-cpu"
    tree = run_cpu([sys.executable, "-c", _SELF_CPU, str(own), *crawl_command(site, toml, work / f"{name}-plain",
                                                                               *flags)[1:]])
    cpu = float(own.read_text())
    pages = warc_pages(work / f"{name}-plain")
    prof = work / f"{name}.prof"
    module_and_args = crawl_command(site, toml, work / f"{name}-profiled", *flags)[1:]    # without "-m"
    run_cpu([sys.executable, "-c", _PROFILED, str(prof), *module_and_args])
    times = stage_times(prof)
    profiled = sum(times.values())
    per_page = 1000 / max(pages, 1)
    print(f"\n{name}: {pages} pages, {tree * per_page:.1f} CPU ms/page (whole tree, unprofiled), "
          f"{cpu * per_page:.1f} of them in the crawl's own process; profile in {prof}")
    print("| stage | CPU ms/page | share of the crawl process |\n|---|---|---|")
    for stage, seconds in sorted(times.items(), key=lambda kv: -kv[1]):
        share = seconds / profiled
        print(f"| {stage} | {share * cpu * per_page:.1f} | {share * 100:.0f}% |")
    if tree - cpu > 0.05 * tree:
        print(f"| {BROWSER} | {(tree - cpu) * per_page:.1f} | |")


def _count_round_trips(client: redis.Redis, counts: Counter) -> None:
    """Commands the clients sent (MONITOR), not those Lua scripts ran: a round trip each, but a pipeline's share one."""
    try:
        with client.monitor() as monitor:
            for command in monitor.listen():
                if command.get("client_type") != "lua":
                    counts[command["command"].split(" ", 1)[0].upper()] += 1
    except redis.RedisError:          # the server stopped: the crawl is over
        pass


def redis_ops(site: Served, toml: Path, work: Path, workers: int, round_trips: bool = False) -> None:
    trips: Counter = Counter()
    with PrivateRedis(work / "redis") as server:
        client = redis.Redis.from_url(server.url)
        client.config_resetstat()
        if round_trips:
            threading.Thread(target=_count_round_trips, args=(redis.Redis.from_url(server.url), trips),
                             daemon=True).start()
        cpu_before = client.info("cpu")
        out = work / f"workers-{workers}"
        crawl_cpu = run_cpu([sys.executable, *crawl_command(site, toml, out, "--render", "never",
                                                            "--workers", str(workers), "--redis", server.url)])
        stats = client.info("commandstats")
        cpu_after = client.info("cpu")
    pages = max(warc_pages(out), 1)
    if round_trips:
        print(f"\n--workers {workers}: {sum(trips.values()) / pages:.1f} commands/page sent by the workers "
              "(MONITOR, which costs Redis CPU itself; a pipeline's commands share one round trip): " + ", ".join(f"{name} {n / pages:.2f}" for name, n in trips.most_common(8)))
    calls = {name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()}
    scripts = calls.get("evalsha", 0) + calls.get("eval", 0)
    redis_cpu = sum(cpu_after[k] - cpu_before[k] for k in ("used_cpu_sys", "used_cpu_user"))
    # commands run inside scripts are counted too; round trips are the top-level ones
    inner = sum(v for k, v in calls.items() if k not in ("evalsha", "eval"))
    print(f"\n--workers {workers}: {pages} pages, crawl {crawl_cpu / pages * 1000:.1f} CPU ms/page (tree), "
          f"Redis {redis_cpu / pages * 1000:.2f} CPU ms/page; {sum(calls.values()) / pages:.1f} Redis commands/page "
          f"({scripts / pages:.1f} scripts/page; script and direct commands {inner / pages:.1f}/page)")
    top = sorted(calls.items(), key=lambda kv: -kv[1])[:12]
    print("  " + ", ".join(f"{name} {count / pages:.2f}" for name, count in top))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=300, help="articles of the static site")
    p.add_argument("--render-articles", type=int, default=20, help="articles of the rendered site (0: skip)")
    p.add_argument("--workers", type=int, default=2, help="workers of the Redis measurement (0: skip)")
    p.add_argument("--redis-only", action="store_true", help="only the Redis measurement")
    p.add_argument("--round-trips", action="store_true",
                   help="count the workers' Redis round trips per page too (MONITOR; inflates the Redis CPU)")
    p.add_argument("--checkout", type=Path, default=ROOT,
                   help="crawl with the archiver in this checkout (default: this one), to profile before and after")
    p.add_argument("--keep", type=Path, help="keep the profiles (.prof, for snakeviz or flameprof) here")
    args = p.parse_args(argv)
    global CHECKOUT
    CHECKOUT = args.checkout.resolve()
    work = Path(args.keep or tempfile.mkdtemp(prefix="news-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"workdir {work}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    static_site = sitegen.generate(work / "sites" / "static", args.articles)
    served = [Served("static", static_site.root, work / "disc" / "static")]
    if args.render_articles and not args.redis_only:
        render_site = sitegen.generate(work / "sites" / "render", args.render_articles, seed=2)
        served.append(Served("render", render_site.root, work / "disc" / "render"))
    toml = profile_toml(work / "bench-outlet.toml")
    with Nginx(work / "nginx", served):
        generated_sites = [static_site, *([render_site] if len(served) > 1 else [])]
        for site, generated in zip(served, generated_sites):
            sitegen.write_discovery(generated, site.discovery, site.base_url)
        if not args.redis_only:
            profile_crawl("static", served[0], toml, work, "--render", "never")
        if args.render_articles and not args.redis_only:
            profile_crawl("render", served[1], toml, work, "--render", "always", "--no-screenshots")
        if args.workers:
            redis_ops(served[0], toml, work, args.workers, args.round_trips)
    return 0


if __name__ == "__main__":
    sys.exit(main())
