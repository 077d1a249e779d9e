"""The research page's QA view: every page ``archiver qa`` checked under the root, worst first.

Reads the crawl folders' ``qa.jsonl`` only; the images are the files QA wrote in each
folder's ``qa/`` (replay screenshot, diff) and the capture's ``urn:fullPage:`` record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.qa.results import QA_IMAGES, PageResult, read_results


@dataclass
class QaRow:
    result: PageResult
    folder: str                  # the crawl folder's name under the root


def qa_rows(root: Path) -> list[QaRow]:
    """Every QA result under *root*: failing pages first, lowest score first."""
    rows = [QaRow(result, crawl_json.parent.name)
            for crawl_json in sorted(Path(root).glob("*/crawl.json"))
            for result in read_results(crawl_json.parent)]
    return sorted(rows, key=lambda r: (r.result.passed, r.result.score if r.result.score is not None else -1,
                                       r.result.url))


def qa_image(root: Path, folder: str, name: str) -> Path | None:
    """A replay screenshot or diff image QA wrote, if *folder*/qa/*name* is one (nothing outside it)."""
    base = (Path(root) / folder / QA_IMAGES).resolve()
    path = (base / name).resolve()
    if path.parent != base or path.suffix != ".png" or not path.is_file():
        return None
    return path
