"""CPU per page of two checkouts crawling the same static site, in turn (A B A B ...).

``python bench/compare_cpu.py --before /work/main --after . [--rounds 3]
[--articles 300] [-- --workers 2]``: the whole process tree's CPU seconds per
archived page (the kernel's accounting of reaped children: the coordinator,
workers, extraction processes and a private Redis included) for each round,
their medians, and the after/before ratio of each round. CPU per page hardly
depends on the machine's load where wall time does, and pairing the runs in
turn cancels what load there is.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import profile, sitegen  # noqa: E402
from bench.crawlers import warc_pages  # noqa: E402
from bench.run import profile_toml  # noqa: E402
from bench.server import Nginx, Served  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", type=Path, required=True, help="checkout A")
    p.add_argument("--after", type=Path, required=True, help="checkout B")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--articles", type=int, default=300)
    p.add_argument("flags", nargs="*", help="more crawl flags, after --: e.g. -- --workers 2")
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="news-compare-"))
    site = sitegen.generate(work / "site", args.articles)
    served = Served("static", site.root, work / "discovery")
    toml = profile_toml(work / "bench-outlet.toml")
    per_page: dict[str, list[float]] = {"before": [], "after": []}
    with Nginx(work / "nginx", [served]):
        sitegen.write_discovery(site, served.discovery, served.base_url)
        for n in range(args.rounds):
            for name in per_page:
                profile.CHECKOUT = getattr(args, name).resolve()
                out = work / f"{name}-{n}"
                cpu = profile.run_cpu([sys.executable, *profile.crawl_command(served, toml, out, "--render", "never",
                                                                              *args.flags)])
                pages = max(warc_pages(out), 1)
                per_page[name].append(cpu / pages * 1000)
                print(f"round {n + 1} {name}: {pages} pages, {cpu / pages * 1000:.1f} CPU ms/page", flush=True)
    for name, values in per_page.items():
        print(f"{name}: median {statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f}) CPU ms/page")
    print("after/before per round: " + ", ".join(f"{b / a:.2f}" for a, b in zip(per_page["before"],
                                                                             per_page["after"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
