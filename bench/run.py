"""``make bench``: the archiver against bare Scrapy, wget and scrapy-playwright, on one machine, in one run.

Crawlers run in interleaved rounds (A B C A B C ...) against the same
synthetic site served by nginx, so slow drift of the machine's load hits all
of them alike. Then: a repeated crawl (dedup), extraction time per article,
and a long render crawl for memory growth. Prints one table and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402

from bench import sitegen  # noqa: E402
from bench.crawlers import (ROOT, SCALING_WORKERS, TABS, WORKERS, CrawlerSpec, archiver_render, archiver_static,  # noqa: E402
                            bare_render, crawlers, dom_records, warc_bytes)
from bench.measure import run_measured  # noqa: E402
from bench.report import RunResult, Target, as_json, print_report, ratio, summarize  # noqa: E402
from bench.server import Nginx, Served, check_latency  # noqa: E402
from bench.soak import WINDOW_PAGES, soak  # noqa: E402

OUTLET = "benchgazette"
STATIC, LATENT, RENDER, SHOT = "static 0 ms", "static {} ms", "render", "render +png"
TIERS = ("static", "latent", "render", "shot", "scaling", "qa")


@dataclass(frozen=True)
class Tier:
    name: str
    site: Served
    crawlers: tuple[str, ...]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--articles", type=int, default=300, help="articles of the static site")
    p.add_argument("--render-articles", type=int, default=40, help="articles of the site rendered in Chromium")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--latency-ms", type=int, default=20, help="added per response in the latency tier")
    p.add_argument("--soak-pages", type=int, default=2000, help="rendered pages of the memory soak (0 skips)")
    p.add_argument("--scaling-latency-ms", type=int, default=50,
                   help="added per response in the tier that shows 1 -> 2 workers scaling")
    p.add_argument("--tiers", default=",".join(TIERS),
                   help=f"comma-separated tiers to run (default: all of {', '.join(TIERS)})")
    p.add_argument("--no-extras", action="store_true", help="skip the repeated crawl and the extraction timing")
    p.add_argument("--quick", action="store_true", help="tiny sizes, one round, no soak: a smoke test")
    p.add_argument("--json", type=Path, help="write every run and the summary here")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (sites, logs)")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.render_articles, args.rounds, args.soak_pages = 30, 6, 1, 0
    args.tiers = [t.strip() for t in args.tiers.split(",") if t.strip()]
    unknown = set(args.tiers) - set(TIERS)
    if unknown:
        p.error(f"unknown tiers {', '.join(sorted(unknown))}; choose from {', '.join(TIERS)}")
    return args


def profile_toml(path: Path) -> Path:
    """The bench outlet: start at the front page, sitemap for articles, listings by pattern."""
    path.write_text(
        f"[{OUTLET}]\n"
        'title = "Bench Gazette"\nbase_url = "http://127.0.0.1"\nlanguage = "en"\n'
        'start_urls = ["/index.html"]\nsitemaps = ["/sitemap.xml"]\nfeeds = []\n'
        "article_pattern = '^/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+\\.html$'\n"
        "listing_pattern = '^/(index\\.html|section/[a-z]+/(page-\\d+\\.html)?)$'\n"
        "render_pattern = '.*'\n"
    )
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Bench:
    """Owns the temp dir, nginx and the crawler specs; runs and records crawls."""

    def __init__(self, tmp: Path, nginx: Nginx, specs: dict[str, CrawlerSpec], console: Console):
        self.tmp, self.nginx, self.specs, self.console = tmp, nginx, specs, console
        self.results: list[RunResult] = []

    def crawl(self, tier: str, site: Served, crawler: str, round_: int, workdir: Path | None = None,
              keep: bool = False) -> RunResult:
        spec = self.specs[crawler]
        workdir = workdir or self.tmp / "runs" / f"{_slug(tier)}-{_slug(crawler)}-r{round_}"
        workdir.mkdir(parents=True, exist_ok=True)
        url = site.base_url + sitegen.Site(site.root).start_path
        load = os.getloadavg()[0]
        before = self.nginx.requests_served()
        measured = run_measured(spec.command(url, workdir), cwd=ROOT, env=spec.env,
                                log=self.tmp / "logs" / f"{workdir.name}-{time.time_ns()}.log")
        requests = self.nginx.requests_served() - before - 1
        try:
            pages = spec.pages(workdir)
        except (OSError, ValueError, KeyError):
            pages = 0
        result = RunResult(tier, crawler, round_, measured.returncode, pages, measured.wall_s,
                           measured.cpu_s, measured.peak_pss, requests, warc_bytes(workdir), load)
        self.console.print(f"  r{round_} {tier:>12} | {crawler:<28} {pages:>5} pages "
                           f"{result.pages_per_s:7.1f}/s {result.cpu_ms_per_page:6.1f} CPU ms/page "
                           f"{result.peak_pss / 1e6:6.0f} MB  load {load:.1f}"
                           + ("  OVER LOAD" if result.over_load else "")
                           + (f"  exit {measured.returncode}" if measured.returncode else ""), highlight=False)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        return result

    def rounds(self, tiers: list[Tier], rounds: int) -> None:
        for r in range(1, rounds + 1):
            load, cores = os.getloadavg()[0], os.cpu_count() or 1
            mark = f" [bold red]OVER LOAD ({load:.1f} > {cores} cores): figures of this round are suspect[/]" \
                if load > cores else ""
            self.console.print(f"[bold]round {r}/{rounds}[/], 1-min load average {load:.1f}{mark}")
            for tier in tiers:
                for crawler in tier.crawlers:
                    self.results.append(self.crawl(tier.name, tier.site, crawler, r))

    def repeat(self, site: Served) -> tuple[float | None, str]:
        """WARC bytes of a second crawl into the same root over the first's, and what each fetched.

        The second crawl may skip unchanged articles (crawl state) or refetch them
        and write revisits (digest index); the request counts tell which happened.
        """
        workdir = self.tmp / "runs" / "repeat"
        first = self.crawl("repeat", site, "archiver static", 1, workdir, keep=True)
        second = self.crawl("repeat", site, "archiver static", 2, workdir, keep=True)
        shutil.rmtree(workdir, ignore_errors=True)
        added = second.warc_bytes - first.warc_bytes          # the root holds both crawls
        detail = (f"first {first.warc_bytes / 1e6:.1f} MB / {first.requests} requests, "
                  f"repeat {added / 1e6:.2f} MB / {second.requests} requests")
        return (added / first.warc_bytes if first.warc_bytes else None), detail


def qa_rate(bench: "Bench", site: Served, tmp: Path) -> tuple[float | None, str]:
    """QA's pages/s (``archiver qa``: replay, screenshot, compare) over the rate of the crawl it checks."""
    from archiver.qa.results import read_results

    workdir = tmp / "runs" / "qa"
    crawled = bench.crawl("qa", site, archiver_render(1, True), 1, workdir, keep=True)
    folders = [p.parent for p in workdir.rglob("crawl.json")]
    measured = run_measured([sys.executable, "-m", "archiver.cli", "qa", *map(str, folders)], cwd=ROOT,
                            env=None, log=tmp / "logs" / "qa.log")
    checked = sum(len(read_results(folder)) for folder in folders)
    text_bytes = _resource_bytes(folders, ("urn:text:", "urn:pageinfo:"))
    shutil.rmtree(workdir, ignore_errors=True)
    if measured.returncode or not checked or not crawled.pages_per_s:
        return None, f"archiver qa exited {measured.returncode}, {checked} pages checked"
    rate = checked / measured.wall_s
    detail = (f"QA {checked} pages in {measured.wall_s:.0f} s ({rate:.2f} pages/s) vs the crawl's "
              f"{crawled.pages_per_s:.2f} pages/s; capture-time text and pageinfo records "
              f"{text_bytes / 1e3:.0f} kB of {crawled.warc_bytes / 1e6:.1f} MB WARC")
    return rate / crawled.pages_per_s, detail


def _resource_bytes(folders: list[Path], prefixes: tuple[str, ...]) -> int:
    """Stored (compressed) bytes of the records whose URI starts with one of *prefixes*."""
    from archiver.recording.reader import iter_records, warc_files
    return sum(r.length for r in iter_records(warc_files([f / "warc" for f in folders]))
               if r.uri.startswith(prefixes))


def extraction_ms(site: sitegen.Site, sample: int = 200) -> float:
    """Median wall time of extract_article on generated article HTML."""
    from archiver.extraction import extract_article
    times = []
    for path in site.articles[:sample]:
        html = sitegen.article_html(site.root, path)
        t = time.perf_counter()
        extract_article(html, f"http://127.0.0.1{path}", outlet=OUTLET)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=200)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="news-bench-"))
    (tmp / "logs").mkdir()
    console.print(f"workdir {tmp}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    sites = {
        "static": sitegen.generate(tmp / "sites" / "static", args.articles),
        "render": sitegen.generate(tmp / "sites" / "render", args.render_articles, seed=2),
    }
    if args.soak_pages:
        sites["soak"] = sitegen.generate(tmp / "sites" / "soak", int(args.soak_pages * 1.1), seed=3)
    served = {
        "static": Served("static", sites["static"].root, tmp / "disc" / "static"),
        "latent": Served("latent", sites["static"].root, tmp / "disc" / "latent", args.latency_ms),
        "scaling": Served("scaling", sites["static"].root, tmp / "disc" / "scaling", args.scaling_latency_ms),
        "render": Served("render", sites["render"].root, tmp / "disc" / "render"),
    }
    if args.soak_pages:
        served["soak"] = Served("soak", sites["soak"].root, tmp / "disc" / "soak")
    specs = crawlers(profile_toml(tmp / "bench-outlet.toml"), OUTLET)
    notes: list[str] = []
    with Nginx(tmp / "nginx", list(served.values())) as nginx:
        for name, s in served.items():
            sitegen.write_discovery(sites["static" if name in ("latent", "scaling") else name], s.discovery,
                                    s.base_url)
        for s in (served["static"], served["latent"]):
            check = check_latency(s, sites["static"].articles[0])
            notes.append(f"server {s.name} (+{s.delay_ms} ms): one GET {check.sequential_ms:.1f} ms median, "
                         f"16 clients {check.parallel_per_s:.0f} req/s")
        console.print("\n".join(notes), highlight=False)
        latent, scaling = LATENT.format(args.latency_ms), LATENT.format(args.scaling_latency_ms)
        static = ("bare scrapy", "wget", *(archiver_static(n) for n in SCALING_WORKERS))
        renders = lambda png: (bare_render(TABS, png), bare_render(WORKERS * TABS, png),  # noqa: E731
                               archiver_render(1, png), archiver_render(WORKERS, png))
        tiers = [tier for key, tier in (
            ("static", Tier(STATIC, served["static"], static)),
            ("latent", Tier(latent, served["latent"], static)),
            ("render", Tier(RENDER, served["render"], renders(False))),
            ("shot", Tier(SHOT, served["render"], renders(True))),
            ("scaling", Tier(scaling, served["scaling"], tuple(archiver_static(n) for n in SCALING_WORKERS))),
        ) if key in args.tiers]
        bench = Bench(tmp, nginx, specs, console)
        bench.rounds(tiers, args.rounds)
        repeat, repeat_detail, extract = None, "skipped", None
        qa, qa_detail = None, "skipped"
        if "qa" in args.tiers:
            qa, qa_detail = qa_rate(bench, served["render"], tmp)
        if not args.no_extras:
            repeat, repeat_detail = bench.repeat(served["static"])
            extract = extraction_ms(sites["static"])
        soak_result = None
        if args.soak_pages:
            console.print(f"[bold]memory soak: {args.soak_pages} rendered pages[/]")
            workdir = tmp / "runs" / "soak"
            workdir.mkdir(parents=True)
            command = specs[archiver_render(1)].command(served["soak"].base_url + "/index.html", workdir)
            # past N by half a window, so the last checkpoint's window is whole
            soak_result = soak(command + ["--max-pages", str(args.soak_pages + WINDOW_PAGES // 2 + 20)], cwd=ROOT,
                               log=tmp / "logs" / "soak.log", pages=args.soak_pages)
            soak_result.rendered = max(soak_result.rendered, dom_records(workdir))
            shutil.rmtree(workdir, ignore_errors=True)
    summaries = summarize(bench.results, {n for n, s in specs.items() if s.baseline})
    notes.append(f"repeated crawl of the unchanged site: {_pct(repeat)} of the first crawl's WARC bytes ({repeat_detail})")
    notes.append(f"replay QA: {qa_detail}")
    if extract is not None:
        notes.append(f"extraction: {extract:.2f} ms per article (median of {min(200, args.articles)})")
    if soak_result:
        points = ", ".join(f"{n}: {_mb(v)}" for n, v in soak_result.checkpoints.items())
        notes.append(f"memory soak (archiver render, no screenshots; {soak_result.rendered} rendered, "
                     f"{soak_result.measured.wall_s:.0f} s, peak {soak_result.measured.peak_pss / 1e6:.0f} MB): "
                     f"whole-tree PSS at {points}")
    loads = [r.load_avg for r in bench.results]
    if loads:                                   # none when only the qa tier ran
        notes.append(f"1-min load average at run starts: median {statistics.median(loads):.1f}, "
                     f"{min(loads):.1f}–{max(loads):.1f} (2 cores; other work shares the machine)")
    two = f"{WORKERS} workers"
    targets = [
        Target("static archiving vs bare scrapy, 0 ms", ratio(summaries, STATIC, archiver_static(1), "bare scrapy"), 0.9, True),
        Target(f"static archiving vs wget, {args.latency_ms} ms", ratio(summaries, latent, archiver_static(1), "wget"), 5, True),
        Target(f"static archiving, {two}, vs bare scrapy, 0 ms",
               ratio(summaries, STATIC, archiver_static(WORKERS), "bare scrapy"), 0.9, True),
        Target(f"static archiving, {two}, vs wget, {args.latency_ms} ms",
               ratio(summaries, latent, archiver_static(WORKERS), "wget"), 5, True),
        Target(f"render+capture vs bare scrapy-playwright ({TABS} tabs / pages)",
               ratio(summaries, RENDER, archiver_render(1), bare_render(TABS)), 1.0, True, aim=1.3),
        Target(f"render+capture+screenshot vs bare scrapy-playwright +png ({TABS} tabs / pages)",
               ratio(summaries, SHOT, archiver_render(1, True), bare_render(TABS, True)), 1.0, True, aim=1.5),
        Target(f"render+capture+screenshot, {two}, vs bare scrapy-playwright +png ({WORKERS * TABS} tabs / pages)",
               ratio(summaries, SHOT, archiver_render(WORKERS, True), bare_render(WORKERS * TABS, True)), 1.3, True),
        Target(f"static scaling 1 -> {two}, 0 ms",
               ratio(summaries, STATIC, archiver_static(WORKERS), archiver_static(1)), 1.0, True, aim=WORKERS),
        Target(f"static scaling 1 -> {two}, {args.scaling_latency_ms} ms",
               ratio(summaries, scaling, archiver_static(WORKERS), archiver_static(1)), 1.0, True, aim=WORKERS),
        Target(f"static scaling {two} -> {SCALING_WORKERS[-1]} workers on {os.cpu_count()} cores, 0 ms",
               ratio(summaries, STATIC, archiver_static(SCALING_WORKERS[-1]), archiver_static(WORKERS)), 1.0, True),
        Target(f"memory after {args.soak_pages or 'N'} rendered pages vs after 500",
               soak_result.growth if soak_result else None, 1.1, False),
        Target("repeated crawl WARC bytes vs first crawl", repeat, 0.10, False, unit=""),
        Target("extraction per article, median", extract, 20, False, unit=" ms"),
        Target("replay QA pages/s vs the crawl's (archiver qa, one pywb, one browser)", qa, 0.15, True, aim=0.5),
    ]
    print_report(summaries, targets, notes, console)
    elapsed = time.monotonic() - started
    console.print(f"benchmark took {elapsed / 60:.1f} min")
    if args.json:
        extra = {"notes": notes, "elapsed_s": elapsed, "args": {k: str(v) for k, v in vars(args).items()},
                 "soak": soak_result.checkpoints if soak_result else None}
        args.json.write_text(json.dumps(as_json(bench.results, summaries, targets, extra), indent=2))
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
