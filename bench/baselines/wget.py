"""wget's own recursive mirror with page requisites, written to a WARC."""

from __future__ import annotations

from pathlib import Path


def command(url: str, workdir: Path) -> list[str]:
    """Unlimited depth (section pagination), robots obeyed, one gzip WARC."""
    return ["wget", "--recursive", "--level=inf", "--page-requisites", "--no-verbose",
            "--no-host-directories", f"--directory-prefix={workdir / 'files'}",
            f"--warc-file={workdir / 'warc' / 'wget'}", "--no-warc-keep-log", url]
