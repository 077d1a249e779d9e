"""Search latency and index size over an output root: ``python bench/search_latency.py ROOT [-n 50]``.

Queries are drawn (seeded) from the index's own vocabulary: single words,
two-word phrases from titles, prefixes and OR pairs, so every one has work to
do. Latency is that of ``archiver.search.search`` (bm25, snippets, top 20),
not of process start-up; the CLI's whole run is timed separately.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from archiver.recording.reader import warc_files
from archiver.search import SearchIndex, index_path, search


def queries(index: SearchIndex, n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    index.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, versions_fts, row)")
    words = [w for (w,) in index.db.execute("SELECT term FROM temp.vocab WHERE length(term) > 3 ORDER BY term")]
    titles = [t.split() for (t,) in index.db.execute("SELECT title FROM versions WHERE title IS NOT NULL")]
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append(rng.choice(words))
        elif kind == 1:
            title = rng.choice([t for t in titles if len(t) > 2])
            start = rng.randrange(len(title) - 1)
            out.append('"' + " ".join(title[start:start + 2]).replace('"', "") + '"')
        elif kind == 2:
            out.append(rng.choice(words)[:3] + "*")
        else:
            out.append(f"{rng.choice(words)} OR {rng.choice(words)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()
    with SearchIndex.of_root(args.root, readonly=True) as index:
        drawn = queries(index, args.n)
        search(index, "warm OR up")                        # page the index in, as a running UI would have
        times, hits = [], []
        for query in drawn:
            start = time.perf_counter()
            hits.append(len(search(index, query)))
            times.append((time.perf_counter() - start) * 1000)
        versions = index.count()
    cli = []
    for query in drawn[:5]:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "archiver.cli", "search", query, str(args.root)],
                       capture_output=True, check=True)
        cli.append(time.perf_counter() - start)
    warc_bytes = sum(s.path.stat().st_size for s in warc_files([args.root]))
    index_bytes = index_path(args.root).stat().st_size
    print(f"{versions} versions; {len(drawn)} queries, median {statistics.median(hits)} hits each")
    print(f"search(): median {statistics.median(times):.2f} ms, p95 {sorted(times)[int(len(times) * .95) - 1]:.2f} ms, "
          f"max {max(times):.2f} ms")
    print(f"`archiver search` whole command: median {statistics.median(cli):.2f} s (process start included)")
    print(f"index {index_bytes:,} bytes = {index_bytes / warc_bytes:.2%} of {warc_bytes:,} WARC bytes")


if __name__ == "__main__":
    main()
