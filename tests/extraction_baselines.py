"""Run one general-purpose extractor over the real-page corpus; print its predictions as JSON lines.

    .venv-eval/bin/python tests/extraction_baselines.py TOOL [MANIFEST [dev|test]] > predictions.jsonl

TOOL is trafilatura, newspaper4k, goose3 or readability (readability-lxml, the
Python port of Arc90's readability); MANIFEST defaults to the real-page corpus
(tests/real_corpus/manifest.jsonl); the body corpus's is
.eval-cache/body_corpus/manifest.jsonl (tests/body_corpus/build.py), pages beside it.

Runs in the evaluation-only virtualenv (``make eval-tools``), never the core
install: the baselines are measured with their own dependencies. Each line is
{"id", "title", "authors", "date", "text", "ms"}; evaluate_extraction.py scores them.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
import warnings
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "real_corpus" / "manifest.jsonl"


def run_trafilatura(html: bytes, url: str) -> dict:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"title": doc.title, "authors": authors, "date": doc.date, "text": doc.text or ""}


def run_newspaper4k(html: bytes, url: str) -> dict:
    import newspaper

    config = newspaper.Config()
    config.fetch_images = False  # its image scoring downloads every image: nothing here may use the network
    article = newspaper.Article(url, config=config)
    article.download(input_html=html.decode("utf-8", "replace"))
    article.parse()
    date = article.publish_date.isoformat() if article.publish_date else None
    return {"title": article.title, "authors": list(article.authors), "date": date, "text": article.text or ""}


def run_goose3(html: bytes, url: str) -> dict:
    from goose3 import Goose

    with Goose({"enable_image_fetching": False, "http_timeout": 0.1}) as goose:
        article = goose.extract(raw_html=html.decode("utf-8", "replace"), url=url)
    date = article.publish_datetime_utc.isoformat() if article.publish_datetime_utc else article.publish_date
    return {"title": article.title, "authors": list(article.authors or []), "date": date,
            "text": article.cleaned_text or ""}


def run_readability(html: bytes, url: str) -> dict:
    from lxml import html as lxml_html
    from readability import Document

    document = Document(html, url=url)
    summary = lxml_html.fromstring(document.summary(html_partial=True))
    blocks = summary.xpath("//p|//li|//h1|//h2|//h3|//h4|//h5|//h6|//pre|//blockquote|//td")
    text = "\n".join(" ".join(b.text_content().split()) for b in blocks if not b.xpath("ancestor::p|ancestor::li"))
    return {"title": document.short_title(), "authors": [], "date": None,
            "text": text or " ".join(summary.text_content().split())}


RUNNERS = {"trafilatura": run_trafilatura, "newspaper4k": run_newspaper4k, "goose3": run_goose3,
           "readability": run_readability}


def main(tool: str, manifest: Path = MANIFEST, split: str | None = None) -> None:
    warnings.simplefilter("ignore")
    run = RUNNERS[tool]
    for line in manifest.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        if split not in (None, page["split"]):
            continue
        html = gzip.decompress((manifest.parent / "pages" / f"{page['id']}.html.gz").read_bytes())
        start = time.perf_counter()
        try:
            out = run(html, page["url"])
        except Exception as exc:  # a baseline that crashes on a page scores nothing on it
            out = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        out.update(id=page["id"], ms=(time.perf_counter() - start) * 1000)
        print(json.dumps(out, ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else MANIFEST, sys.argv[3] if len(sys.argv) > 3 else None)
