"""What authenticity costs a package: ``python bench/signing_cost.py ROOT [--rounds 5]``.

For the crawls under an output root (one WACZ of them all): py-wacz's own
``wacz create``, then our finishing step (provenance, logs, digest) unsigned,
signed with a fresh key, and signed and timestamped by a local OpenSSL TSA
(tests/tsa.py; a public TSA adds its network round trip), and ``archiver verify``'s
checks of the result. Prints medians and the bytes each step adds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archiver.recording.reader import warc_files  # noqa: E402
from archiver.research.pages import collect_pages, write_pages  # noqa: E402
from archiver.research.provenance import package_logs, package_provenance  # noqa: E402
from archiver.research.revisits import referenced_warcs  # noqa: E402
from archiver.research.tools import tool  # noqa: E402
from archiver.research.wacz import crawl_folders  # noqa: E402
from archiver.signing.keys import create_key  # noqa: E402
from archiver.signing.package import finish_package  # noqa: E402
from archiver.signing.signature import AnonymousSigner  # noqa: E402
from archiver.signing.verify import verify_package  # noqa: E402
from tests.tsa import make_ca, make_tsa, serve_tsa  # noqa: E402


def median_s(step, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path, help="an output root of `archiver crawl`")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    crawls = crawl_folders(args.root)
    if not crawls:
        parser.error(f"no crawl folders under {args.root}")
    with tempfile.TemporaryDirectory(prefix="signing-cost-") as tmp:
        work = Path(tmp)
        own = [w for c in crawls for w in warc_files([c / "warc"])]
        pages = write_pages(collect_pages(own), work / "pages.jsonl")
        built = work / "pywacz.wacz"
        create = [str(tool("wacz")), "create", "-o", str(built), "-p", str(pages), "--copy-pages", "--title", "bench",
                  *[str(s.path) for s in own + referenced_warcs(own)]]
        key = create_key(work / "key" / "signing-key.pem")
        ca = make_ca(work / "ca", "Bench TSA CA")
        tsa = make_tsa(ca, work / "tsa")
        outputs = {name: work / f"{name}.wacz" for name in ("unsigned", "signed", "timestamped")}
        with serve_tsa(tsa) as tsa_url:
            signers = {"unsigned": None, "signed": AnonymousSigner(key), "timestamped": AnonymousSigner(key, tsa_url)}
            rows = [("py-wacz create", median_s(lambda: subprocess.run(create, check=True, capture_output=True),
                                                args.rounds), built)]
            for name, signer in signers.items():
                finish = lambda s=signer, n=name: finish_package(  # noqa: E731
                    built, outputs[n], provenance=package_provenance(crawls), extra_files=package_logs(crawls), signer=s)
                rows.append((f"finish, {name}", median_s(finish, args.rounds), outputs[name]))
        verify_s = median_s(lambda: verify_package(outputs["timestamped"]), args.rounds)
        print(f"{len(crawls)} crawls, {sum(p.stat().st_size for p in map(lambda s: s.path, own)):,} WARC bytes; "
              f"median of {args.rounds}")
        for name, seconds, package in rows:
            with zipfile.ZipFile(package) as wacz:
                digest = wacz.getinfo("datapackage-digest.json").file_size
                meta = wacz.getinfo("datapackage.json").file_size
            print(f"{name:24s} {seconds * 1000:8.0f} ms  {package.stat().st_size:>11,} bytes  "
                  f"(datapackage.json {meta:,}, datapackage-digest.json {digest:,})")
        print(f"{'archiver verify':24s} {verify_s * 1000:8.0f} ms  (hashes, every record, signature, timestamp)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
