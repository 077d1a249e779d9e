"""Rebuild the real-page corpus from the public repositories it was taken from.

    python tests/real_corpus/build.py MIRROR_ROOT

MIRROR_ROOT holds bare clones named owner+name/repo (as the research tool's
``fetch`` leaves them). Every page is read at a fixed commit with ``git show``
and stored gzipped under pages/; manifest.jsonl records where each came from,
its licence and the truth its authors wrote. Truth is taken as published, with
three exceptions decided by hand and listed in AUTHORS_TRUTH: readability's
byline strings become name sets (its byline field is the raw printed text).

Not used, on purpose: trafilatura's evaluation data, newspaper4k's
article-extraction-dataset, scrapinghub's article-extraction-benchmark and the
postlight parser fixtures (the held-out set), and htmldate's BBAW set
(tests/eval_default.json), whose pages overlap trafilatura's evaluation data.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from archiver.extraction.document import decode_html, parse_html  # noqa: E402  (the same decoding as the crawl)

HERE = Path(__file__).resolve().parent
SOURCES = {
    "mozilla/readability": ("ab4027a8b37669745016869a37a504727992b2ba", "Apache-2.0"),
    "goose3/goose3": ("c5a8902eed0c4592a1ff5ec51a0277cf73a3aca7", "Apache-2.0"),
    "adbar/htmldate": ("b8952828329abaeeb3be21387b526f2be614ce67", "Apache-2.0"),
}
# readability's "byline" is the printed byline text; these are the people it names,
# read off each page. Pages absent here (no byline, or a byline field that is not
# a name: "Follow Author", a date line, "Contributors to Wikimedia projects") are
# not scored on authors.
AUTHORS_TRUTH = {
    "001": ["Nicolas Perriault"], "002": ["Nikhil Marathe"], "aclu": ["Daniel Kahn Gillmor"],
    "aktualne": ["Aleš Vávra"], "ars-1": ["Dan Goodin"], "article-author-tag": ["Laura June Topolsky"],
    "breitbart": ["Lucas Nolan"], "bug-1255978": ["Hazel Sheffield"], "citylab-1": ["Sarah Archer"],
    "cnet-svg-classes": ["César Salza"], "cnet": ["Steven Musil"], "cnn": ["Ahiza Garcia"],
    "dropbox-blog": ["Arun Sai Krishnan"], "ebb-org": ["Bradley M. Kuhn"], "ehow-1": ["Lucy Akins"],
    "ehow-2": ["Gina Roberts-Grey"], "engadget": ["Devindra Hardawar"], "firefox-nightly-blog": ["Mike Conley"],
    "gitlab-blog": ["Dave Steer"], "gmw": ["肖春芳"], "google-sre-book-1": ["Rob Ewaschuk"],
    "guardian-1": ["Eleanor Ainge Roy"], "heise": ["Mac & i"], "herald-sun-1": ["Joe Hildebrand"],
    "iab-1": ["Scott Cunningham"], "ietf-1": ["Michiel de Jong"], "keep-images": ["Joseph Cox"],
    "lazy-image-1": ["Vincent Vallet"], "lazy-image-2": ["Mama Robotnik"],
    "lemonde-1": ["Martin Untersinger", "Damien Leloup", "Morgane Tual"], "liberation-1": ["Sébastien Farcis"],
    "lifehacker-post-comment-load": ["Patrick Allan"], "lifehacker-working": ["Patrick Allan"],
    "lwn-1": ["Nathan Willis"], "medicalnewstoday": ["Ana Sandoiu"], "medium-1": ["Pippin Lee"],
    "medium-2": ["Courtney Kirchoff"], "medium-3": ["John C. Welch"], "msn": ["Alex Perry"],
    "nytimes-1": ["Jeffrey Gettleman"], "nytimes-2": ["Steven Davidoff Solomon"], "nytimes-3": ["Corey Kilgannon"],
    "nytimes-4": ["Nelson D. Schwartz"], "nytimes-5": ["Tariq Panja"], "quanta-1": ["Joshua Sokol"],
    "salon-1": ["Joanna Rothkopf"], "schema-org-context-object": ["Stella Kim", "Jennifer Jett"],
    "theverge": ["Alex Heath"], "toc-missing": ["Haki Benita"], "videos-1": ["Alissa Wilkinson"],
    "videos-2": ["Alexandre Hervaud", "Jérémy Piette"], "wapo-1": ["Erin Cunningham"], "wapo-2": ["Steven Mufson"],
    "webmd-1": ["Brenda Goodman"], "webmd-2": ["Kelli Miller"], "wikia": ["James Akinaka"],
    "yahoo-1": ["Ben Silverman"], "yahoo-2": ["Nataliya Vasilyeva"], "yahoo-3": ["Gillian Mohney"],
    "youth": ["崔宁宁"], "folha": ["Bruno Rodrigues"], "bbc-1": ["BBC News"],
}
_SYNTHETIC_BELOW = 4000  # readability's feature tests are hand-written stubs, not pages from the web
_SNIPPET_CHARS = 60


def git_show(mirror: Path, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(mirror), "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout


def git_ls(mirror: Path, commit: str, path: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(mirror), "ls-tree", "--name-only", f"{commit}:{path}"], check=True,
                         capture_output=True, text=True).stdout
    return out.split()


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def language_of(raw: bytes) -> str:
    """The page's declared language (html lang, then meta), else a guess from its script."""
    try:
        root = lxml_html.fromstring(raw)
    except (ValueError, lxml_html.etree.ParserError):
        return "und"
    declared = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    declared += root.xpath("//meta[@http-equiv='content-language' or @http-equiv='Content-Language']/@content")
    declared += root.xpath("//meta[@property='og:locale']/@content")
    for value in declared:
        if value and re.match(r"^[A-Za-z]{2,3}\b", value.strip()):
            return value.strip()[:2].lower()
    text = " ".join(root.xpath("//p//text()"))[:5000]
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if len(re.findall(r"[\u4e00-\u9fff]", text)) > 50:
        return "zh"
    if len(re.findall(r"[\u0400-\u04ff]", text)) > 100:
        return "ru"
    return "und"


def spread(items: list[str], k: int) -> list[str]:
    """k items spread evenly over the list: first, middle, last."""
    if len(items) <= k:
        return items
    return [items[round(i * (len(items) - 1) / (k - 1))] for i in range(k)]


def excerpt(text: str) -> str:
    words = text.split()
    out = []
    for word in words:
        if len(" ".join(out + [word])) > _SNIPPET_CHARS:
            break
        out.append(word)
    return " ".join(out) if out else text[:_SNIPPET_CHARS]


def block_texts(root) -> list[str]:
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    out = []
    for element in root.iter("p", "li", "h2", "h3", "h4", "td", "blockquote", "figcaption", "div", "span", "a"):
        if element.tag in {"div", "span", "a"} and element.xpath(".//p|.//div|.//li"):
            continue
        text = norm(element.text_content())
        if text:
            out.append(text)
    return out


def readability_pages(mirror: Path, commit: str) -> list[dict]:
    pages = []
    for name in git_ls(mirror, commit, "test/test-pages"):
        base = f"test/test-pages/{name}"
        raw = git_show(mirror, commit, f"{base}/source.html")
        if len(raw) < _SYNTHETIC_BELOW:
            continue
        meta = json.loads(git_show(mirror, commit, f"{base}/expected-metadata.json"))
        expected_root = lxml_html.fromstring(git_show(mirror, commit, f"{base}/expected.html").decode("utf-8"))
        paragraphs = [t for t in block_texts(expected_root) if len(t) >= 40]
        body = norm(expected_root.text_content())
        source_root = parse_html(decode_html(raw).text)
        source_blocks = block_texts(source_root)
        outside = [t for t in dict.fromkeys(source_blocks) if 25 <= len(t) <= 200 and t not in body
                   and not any(t in p for p in paragraphs)]
        pages.append({
            "id": f"readability-{name}", "repo": "mozilla/readability", "path": f"{base}/source.html",
            "truth_from": [f"{base}/expected-metadata.json", f"{base}/expected.html"],
            "url": f"http://fakehost/test/{name}.html", "raw": raw,
            "truth": {
                "title": meta.get("title") or None,
                "authors": AUTHORS_TRUTH.get(name),
                "date_published": meta.get("publishedTime") or None,
                "body": body or None,
                "must_contain": [excerpt(p) for p in spread(paragraphs, 3)],
                "must_not_contain": [excerpt(t) for t in spread(outside, 3)],
            },
        })
    return pages


def goose_pages(mirror: Path, commit: str) -> list[dict]:
    pages = []
    for folder in ("tests/data/content", "tests/data/publishdate", "tests/data/authors", "tests/data/title"):
        names = git_ls(mirror, commit, folder)
        for name in sorted(n for n in names if n.endswith(".json")):
            stem = name[:-5]
            if f"{stem}.html" not in names:
                continue
            spec = json.loads(git_show(mirror, commit, f"{folder}/{name}"))
            expected = spec.get("expected", {})
            raw = git_show(mirror, commit, f"{folder}/{stem}.html")
            if "example.com" in spec.get("url", "") or "exemple.com" in spec.get("url", "") or len(raw) < 4000:
                continue  # goose's unit-test stubs, not real pages
            text = expected.get("cleaned_text") or ""
            paragraphs = [norm(p) for p in text.split("\n") if len(norm(p)) >= 40]
            date = expected.get("publish_date")
            pages.append({
                "id": f"goose3-{stem.removeprefix('test_')}", "repo": "goose3/goose3", "path": f"{folder}/{stem}.html",
                "truth_from": [f"{folder}/{name}"], "url": spec.get("url") or "http://fakehost/", "raw": raw,
                "truth": {
                    "title": expected.get("title") or None,
                    "authors": expected.get("authors") or None,
                    "date_published": date or None,
                    "body": None,  # goose keeps only the opening of the text: scored by snippets
                    "must_contain": [excerpt(p) for p in paragraphs[:3]],
                    "must_not_contain": [],
                },
            })
    return pages


def htmldate_pages(mirror: Path, commit: str) -> list[dict]:
    pages = []
    for truth_file, folder in (("tests/eval_mediacloud_2020.json", "tests/test_set"),):  # Media Cloud, worldwide
        for url, spec in json.loads(git_show(mirror, commit, truth_file)).items():
            if not isinstance(spec["date"], str):
                continue  # NaN: a page without a publication date (a home page, a search result)
            raw = git_show(mirror, commit, f"{folder}/{spec['file']}")
            pages.append({
                "id": f"htmldate-{spec['file'].removesuffix('.html')}", "repo": "adbar/htmldate",
                "path": f"{folder}/{spec['file']}", "truth_from": [truth_file], "url": url, "raw": raw,
                "truth": {"title": None, "authors": None, "date_published": spec["date"], "body": None,
                          "must_contain": [], "must_not_contain": []},
            })
    return pages


def split_of(page: dict) -> str:
    """dev or test, by site, so that pages of one site never straddle the split.

    readability's pages all claim the same fake host; each of them is its own site.
    """
    host = (urlsplit(page["url"]).hostname or "").removeprefix("www.")
    key = page["id"] if host == "fakehost" else host
    return "dev" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 == 0 else "test"


def main(mirror_root: str) -> None:
    root = Path(mirror_root)
    builders = {"mozilla/readability": readability_pages, "goose3/goose3": goose_pages,
                "adbar/htmldate": htmldate_pages}
    pages_dir = HERE / "pages"
    pages_dir.mkdir(exist_ok=True)
    lines = []
    for repo, build in builders.items():
        commit, licence = SOURCES[repo]
        mirror = root / repo.replace("/", "+") / "repo"
        for page in build(mirror, commit):
            raw = page.pop("raw")
            (pages_dir / f"{page['id']}.html.gz").write_bytes(gzip.compress(raw, 9, mtime=0))
            lines.append({**page, "commit": commit, "licence": licence, "language": language_of(raw),
                          "split": split_of(page)})
    with open(HERE / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(lines)} pages")


if __name__ == "__main__":
    main(sys.argv[1])
