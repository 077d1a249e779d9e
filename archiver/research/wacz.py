"""WACZ 1.1.1 packages of a crawl, built by py-wacz (``wacz create``) from the tools venv.

The package holds the crawl's WARCs plus every earlier WARC its revisits point
into (so each revisit resolves inside the package) and our own page list, with
article titles and text, copied in as ``pages/pages.jsonl``. Then
``archiver.signing.package`` adds the crawls' provenance and logs, and signs it
when asked.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from archiver.research.pages import collect_pages, write_pages
from archiver.recording.reader import warc_files
from archiver.research.provenance import package_logs, package_provenance
from archiver.research.revisits import referenced_warcs
from archiver.research.tools import run_tool
from archiver.signing.package import Signer, finish_package


def crawl_folders(root: Path) -> list[Path]:
    """The crawl folders directly under an output root (each with WARC files in warc/), by name."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "warc").is_dir() and warc_files([p / "warc"]))


def package_crawl(crawl_dir: Path, output: Path, *, title: str | None = None, signer: Signer | None = None) -> Path:
    """Write *output* (.wacz) for *crawl_dir*; raises RuntimeError when py-wacz refuses."""
    return package_crawls([Path(crawl_dir)], output, title=title or Path(crawl_dir).name, signer=signer)


def package_crawls(crawl_dirs: list[Path], output: Path, *, title: str, signer: Signer | None = None) -> Path:
    """One WACZ of several crawls: their WARCs, the earlier ones their revisits need, all their pages.

    *signer* (``archiver.signing.signature``) signs ``datapackage-digest.json``; without one it
    carries only the hash.
    """
    output = Path(output)
    own = []
    for crawl_dir in map(Path, crawl_dirs):
        found = warc_files([crawl_dir / "warc"]) if (crawl_dir / "warc").is_dir() else []
        if not found:
            raise FileNotFoundError(f"no WARC files in {crawl_dir}/warc; give a crawl folder made by "
                                    "`archiver crawl`, or the output root that holds them")
        own += found
    sources = own + referenced_warcs(own)
    names = [s.filename for s in sources]
    if len(set(names)) != len(names):
        raise ValueError("two WARC files share a name; a WACZ keeps them side by side in archive/")
    output.parent.mkdir(parents=True, exist_ok=True)
    crawl_dirs = [Path(d) for d in crawl_dirs]
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".wacz-") as tmp:   # same disk as the output
        pages = write_pages(collect_pages(own), Path(tmp) / "pages.jsonl")
        built = Path(tmp) / "built.wacz"
        run_tool("wacz", "create", "-o", str(built), "-p", str(pages), "--copy-pages",
                 "--title", title, *[str(s.path) for s in sources])
        finish_package(built, output, provenance=package_provenance(crawl_dirs),
                       extra_files=package_logs(crawl_dirs), signer=signer)
    return output


def validate(path: Path) -> None:
    """``wacz validate``; raises RuntimeError with py-wacz's output when the package is invalid."""
    run_tool("wacz", "validate", "-f", str(path))
