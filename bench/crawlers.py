"""Every crawler the benchmark runs, described the same way: a command and how to count its work.

Pages are HTML pages fetched: read back from the WARC for crawlers that write
one (distinct http(s) URIs of response or revisit records with an HTML
Content-Type), or from the bare spiders' own count.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.settings import ARCHIVER_BROWSER_TABS as TABS   # the archiver's tabs per worker
from bench.baselines import wget

ROOT = Path(__file__).resolve().parents[1]
BASELINES = Path(__file__).resolve().parent / "baselines"
PY = sys.executable


def warc_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.warc.gz"))


def warc_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in warc_files(root))


def warc_pages(root: Path) -> int:
    """Distinct HTML pages archived under ``root``."""
    urls: set[str] = set()
    for path in warc_files(root):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type not in ("response", "revisit") or record.http_headers is None:
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                ctype = record.http_headers.get_header("Content-Type") or ""
                if uri.startswith("http") and "html" in ctype:
                    urls.add(uri)
    return len(urls)


def dom_records(root: Path) -> int:
    """urn:dom resource records: one per rendered page."""
    count = 0
    for path in warc_files(root):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if (record.rec_headers.get_header("WARC-Target-URI") or "").startswith("urn:dom:"):
                    count += 1
    return count


def spider_pages(workdir: Path) -> int:
    return json.loads((workdir / "stats.json").read_text())["pages"]


@dataclass(frozen=True)
class CrawlerSpec:
    """A crawler: ``command(start_url, workdir)``; ``pages(workdir)``; is it a baseline?"""
    name: str
    command: Callable[[str, Path], list[str]]
    pages: Callable[[Path], int]
    baseline: bool = True
    env: dict[str, str] = field(default_factory=dict)


def _spider(script: str, *extra: str) -> Callable[[str, Path], list[str]]:
    return lambda url, workdir: [PY, str(BASELINES / script), url, "--stats", str(workdir / "stats.json"), *extra]


def archiver_command(profile: Path, outlet: str, *flags: str) -> Callable[[str, Path], list[str]]:
    """The real CLI, pointed at the synthetic site through a bench outlet profile."""
    def command(url: str, workdir: Path) -> list[str]:
        base = url.split("/", 3)
        return [PY, "-m", "archiver.cli", "crawl", outlet, "--config", str(profile),
                f"--base-url={outlet}={base[0]}//{base[2]}", "--out", str(workdir / "out"),
                "--concurrency", "16", "--no-block-private-addresses", *flags]
    return command


def _wget(url: str, workdir: Path) -> list[str]:
    (workdir / "warc").mkdir(parents=True, exist_ok=True)
    return wget.command(url, workdir)


WORKERS = 2        # the distributed rows: `archiver crawl --workers 2` (a private redis-server)
SCALING_WORKERS = (1, 2, 4)   # the static scaling curve: on 2 cores, 4 workers must not be slower than 2


def bare_render(pages: int, screenshots: bool = False) -> str:
    return f"bare scrapy-playwright{' +png' if screenshots else ''} ({pages} pages)"


def archiver_render(workers: int, screenshots: bool = False) -> str:
    split = f"{workers} workers, " if workers > 1 else ""
    return f"archiver render{' +png' if screenshots else ''} ({split}{workers * TABS} tabs)"


def archiver_static(workers: int) -> str:
    return "archiver static" + (f" ({workers} workers)" if workers > 1 else "")


def crawlers(profile: Path, outlet: str) -> dict[str, CrawlerSpec]:
    """Render rows compare equal concurrency: the bare baseline renders as many pages at once
    as the archiver has tabs (TABS per worker), and both numbers are in the crawlers' names."""
    arch = lambda name, *flags: CrawlerSpec(name, archiver_command(profile, outlet, *flags),  # noqa: E731
                                            warc_pages, baseline=False)
    specs = [
        CrawlerSpec("bare scrapy", _spider("scrapy_static.py"), spider_pages),
        CrawlerSpec("wget", _wget, warc_pages),
    ]
    for workers in (1, WORKERS):
        pages = workers * TABS
        distributed = ("--workers", str(workers)) if workers > 1 else ()
        specs += [
            CrawlerSpec(bare_render(pages), _spider("scrapy_render.py", "--pages-at-once", str(pages)), spider_pages),
            CrawlerSpec(bare_render(pages, True),
                        _spider("scrapy_render.py", "--screenshots", "--pages-at-once", str(pages)), spider_pages),
            arch(archiver_render(workers), "--render", "always", "--no-screenshots", *distributed),
            arch(archiver_render(workers, True), "--render", "always", *distributed),
        ]
    for workers in SCALING_WORKERS:
        distributed = ("--workers", str(workers)) if workers > 1 else ()
        specs.append(arch(archiver_static(workers), "--render", "never", *distributed))
    return {spec.name: spec for spec in specs}
