"""Build the body-text corpus: pages with other people's body truth, split by site into dev and test.

    .venv-eval/bin/python tests/body_corpus/build.py MIRROR_ROOT [--out .eval-cache/body_corpus]

MIRROR_ROOT holds bare clones named owner+name/repo (as the research tool's
``fetch`` leaves them). Nothing here is committed: the pages and their truth
carry other people's rights (see SOURCES), so they are written to a git-ignored
cache, OUT/manifest.jsonl plus OUT/pages/<id>.html.gz. Runs in the
evaluation venv (``make eval-tools``), which has lxml and py3langid.

Each page gets
- ``site``: the host of its canonical or og:url link, else of its <base>, else
  the commonest host among its absolute links, else the page's own id;
- ``split``: dev or test by a hash of the site, so one site never straddles
  the halves (the rule of tests/real_corpus/build.py);
- ``language``: py3langid on the truth text (on the page's paragraphs where
  the truth has no body);
- ``page_type``: institutional (a .gov/.edu/.mil/.int/.org host or a gov./ac./
  edu. second level), blog (blog, typepad, wordpress, blogspot, livejournal,
  tumblr or medium in the host or path), news (the collection is news: L3S-GN1
  is Google News, CleanPortalEval news portals, Dragnet news and blog feeds;
  or the page declares og:type article / a NewsArticle), else other.

Not used, on purpose (held out): trafilatura's evaluation data, newspaper4k's
article-extraction-dataset, scrapinghub's article-extraction-benchmark (also
the ``scrapinghub`` part of the web-content-extraction-benchmark) and the
postlight parser fixtures.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import py3langid
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[2]
REAL_CORPUS = ROOT / "tests" / "real_corpus"

# repository, pinned commit, and per part: folder, licence as its publishers state it
MERGED = "j-szulc/html-cleaning-dataset-merged"
MERGED_COMMIT = "46e01a04b47051838a228bf23631430b2c9de375"
SOURCES = {
    "cleaneval": ("cleaneval-dev", "cleaneval-final"),
    "dragnet": ("dragnet_data",),
    "l3s-gn1": ("page-signal-master",),
    "cleanportaleval": ("CleanPortalEval-master",),
}
LICENCES = {
    "cleaneval": "CleanEval shared task (SIGWAC 2007): research use, no licence stated; not redistributed",
    "dragnet": "Dragnet data (Peters & Lecocq 2013, seomoz/dragnet_data): research data, no licence file in the "
               "mirror; not redistributed",
    "l3s-gn1": "L3S-GN1 (Kohlschütter et al. 2010, boilerpipe): published for research; not redistributed",
    "cleanportaleval": "CleanPortalEval (ppke-nlpg): research data, no licence stated; not redistributed",
    "readability": "Apache-2.0 (mozilla/readability test pages)",
    "goose3": "Apache-2.0 (goose3 test pages)",
    "htmldate": "Apache-2.0 (htmldate Media Cloud test pages)",
    "fundus": "MIT (flairNLP/fundus parser test pages and their reviewed parser output)",
}
FUNDUS = "flairNLP/fundus"
FUNDUS_COMMIT = "18da6e53592f99cf0ac5770dc63d6ba99ba63ae8"
FUNDUS_DATA = "tests/resources/parser/test_data"
# the collections that are news by construction (page_type "news" unless the host says otherwise)
NEWS_COLLECTIONS = {"l3s-gn1", "cleanportaleval", "dragnet", "fundus"}
_INSTITUTIONAL = re.compile(r"\.(gov|edu|mil|int|org)$|\.(gov|gouv|ac|edu|go)\.[a-z]{2}$")
_BLOG = re.compile(r"blog|typepad|wordpress|blogspot|livejournal|tumblr|medium\.com")
_CLEANEVAL_MARK = re.compile(r"^\s*<(?:p|h|l)>", re.MULTILINE)


def git_show(mirror: Path, path: str, commit: str = MERGED_COMMIT) -> bytes:
    return subprocess.run(["git", "--git-dir", str(mirror), "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout


def git_ls(mirror: Path, folder: str, commit: str = MERGED_COMMIT) -> list[str]:
    out = subprocess.run(["git", "--git-dir", str(mirror), "ls-tree", "--name-only", f"{commit}:{folder}"],
                         check=True, capture_output=True, text=True).stdout
    return [name for name in out.split("\n") if name and not name.startswith(".")]


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _text(raw: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def cleaneval_truth(raw: bytes) -> tuple[str | None, str]:
    """CleanEval's gold: a URL line, then <p>/<h>/<l> marked paragraphs."""
    text = _text(raw)
    url = re.search(r"^\s*URL:\s*(\S+)", text)
    text = re.sub(r"^\s*URL:[^\n]*\n", "", text, count=1)
    paragraphs = [norm(html.unescape(p)) for p in _CLEANEVAL_MARK.split(text)]
    return (url.group(1) if url else None), "\n".join(p for p in paragraphs if p)


def l3s_truth(raw: bytes) -> str:
    """L3S-GN1's annotated page: the spans marked full text (x-nc-sel2) and supplemental (x-nc-sel3).

    The headline (x-nc-sel1) is left out: the body text of every extractor scored here excludes the title.
    """
    root = lxml_html.fromstring(raw)
    marked = "contains(concat(' ', @class, ' '), ' x-nc-sel2 ') or contains(concat(' ', @class, ' '), ' x-nc-sel3 ')"
    spans = root.xpath(f"//*[{marked}][not(ancestor::*[{marked}])]")
    return "\n".join(t for t in (norm(s.text_content()) for s in spans) if t)


def _root(raw: bytes):
    try:
        return lxml_html.fromstring(raw)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def site_of(raw: bytes, url: str | None, page_id: str) -> tuple[str, str | None]:
    """(site, url): the page's host by its own links, most trusted first; the page id when nothing says."""
    root = _root(raw)
    candidates = [url] if url else []
    if root is not None:
        candidates += root.xpath("//link[@rel='canonical']/@href") + root.xpath("//meta[@property='og:url']/@content")
        candidates += root.xpath("//base/@href")
    for candidate in candidates:
        host = (urlsplit(candidate.strip()).hostname or "").removeprefix("www.")
        if host and host != "fakehost":
            return host, candidate.strip()
    if root is not None:
        hosts = Counter((urlsplit(h).hostname or "").removeprefix("www.")
                        for h in root.xpath("//a/@href") if h.startswith("http"))
        hosts.pop("", None)
        if hosts:
            host = hosts.most_common(1)[0][0]
            return host, None
    return page_id, None


def split_of(site: str) -> str:
    return "dev" if int(hashlib.sha1(site.encode()).hexdigest(), 16) % 2 == 0 else "test"


def language_of(truth_text: str, raw: bytes) -> str:
    text = truth_text
    if len(text) < 200:
        root = _root(raw)
        text = " ".join(root.xpath("//p//text()")) if root is not None else ""
    if len(norm(text)) < 50:
        return "und"
    return py3langid.classify(text[:5000])[0]


def page_type(collection: str, site: str, url: str | None, raw: bytes) -> str:
    if _INSTITUTIONAL.search(site):
        return "institutional"
    if _BLOG.search(site) or (url and _BLOG.search(urlsplit(url).path.lower())):
        return "blog"
    if collection in NEWS_COLLECTIONS:
        return "news"
    head = raw[:200_000].decode("utf-8", "replace")
    if re.search(r"og:type[\"']\s+content=[\"']article|\"@type\"\s*:\s*\"NewsArticle\"", head):
        return "news"
    return "other"


def merged_pages(mirror: Path) -> list[dict]:
    pages = []
    for collection, folders in SOURCES.items():
        for folder in folders:
            gold = set(git_ls(mirror, f"{folder}/GoldStandard"))
            for name in git_ls(mirror, f"{folder}/input"):
                stem = name.rsplit(".", 1)[0]
                gold_name = f"{stem}.txt" if f"{stem}.txt" in gold else name if name in gold else None
                if gold_name is None:
                    continue
                raw = git_show(mirror, f"{folder}/input/{name}")
                truth_raw = git_show(mirror, f"{folder}/GoldStandard/{gold_name}")
                url = None
                if collection in ("cleaneval", "cleanportaleval"):
                    url, body = cleaneval_truth(truth_raw)
                elif collection == "l3s-gn1":
                    body = l3s_truth(truth_raw)
                else:
                    body = "\n".join(norm(line) for line in _text(truth_raw).splitlines() if norm(line))
                if len(body) < 20:
                    continue  # an empty gold file: the page has no main text to score against
                pages.append({"id": f"{collection}-{folder.split('-')[-1]}-{stem}", "collection": collection,
                              "repo": MERGED, "commit": MERGED_COMMIT, "path": f"{folder}/input/{name}",
                              "raw": raw, "url": url, "truth": {"body": body, "date_published": None}})
    return pages


def fundus_body(body: dict) -> str:
    """fundus's body: the summary (lede), then each section's headline and paragraphs."""
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n".join(t for t in (norm(p) for p in parts) if t)


def fundus_pages(mirror: Path) -> list[dict]:
    """fundus's parser test pages: per publisher, its saved pages (oldest first) against its parser
    versions (in the order of its JSON), which its tests pair one to one; publishers where the
    counts differ are left out rather than guessed."""
    pages = []
    for country in git_ls(mirror, FUNDUS_DATA, FUNDUS_COMMIT):
        if "." in country:
            continue
        folder = f"{FUNDUS_DATA}/{country}"
        names = git_ls(mirror, folder, FUNDUS_COMMIT)
        meta = json.loads(git_show(mirror, f"{folder}/meta.info", FUNDUS_COMMIT)) if "meta.info" in names else {}
        for spec_name in (n for n in names if n.endswith(".json")):
            publisher = spec_name.removesuffix(".json")
            versions = list(json.loads(git_show(mirror, f"{folder}/{spec_name}", FUNDUS_COMMIT)).values())
            files = sorted(n for n in names if re.fullmatch(rf"{re.escape(publisher)}_\d{{4}}_\d\d_\d\d\.html\.gz", n))
            if not files or len(files) != len(versions):
                continue
            for name, truth in zip(files, versions):
                body = fundus_body(truth.get("body") or {})
                if len(body) < 20:
                    continue
                date = truth.get("publishing_date")
                pages.append({"id": f"fundus-{country}-{name.removesuffix('.html.gz')}", "collection": "fundus",
                              "repo": FUNDUS, "commit": FUNDUS_COMMIT, "path": f"{folder}/{name}",
                              "raw": gzip.decompress(git_show(mirror, f"{folder}/{name}", FUNDUS_COMMIT)),
                              "url": (meta.get(name) or {}).get("url"),
                              "truth": {"body": body, "date_published": str(date).replace(" ", "T") if date else None}})
    return pages


def real_corpus_pages() -> list[dict]:
    """The pages already in tests/real_corpus: readability's (body truth), goose3's and htmldate's (dates)."""
    pages = []
    for line in (REAL_CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        raw = gzip.decompress((REAL_CORPUS / "pages" / f"{row['id']}.html.gz").read_bytes())
        pages.append({"id": row["id"], "collection": row["repo"].split("/")[1], "repo": row["repo"],
                      "commit": row["commit"], "path": row["path"], "raw": raw, "url": row["url"],
                      "truth": {"body": row["truth"].get("body"), "date_published": row["truth"].get("date_published"),
                                "must_contain": row["truth"].get("must_contain") or [],
                                "must_not_contain": row["truth"].get("must_not_contain") or []},
                      "real_corpus_split": row["split"]})
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirror_root", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / ".eval-cache" / "body_corpus")
    args = parser.parse_args()
    mirror = args.mirror_root / MERGED.replace("/", "+") / "repo"
    (args.out / "pages").mkdir(parents=True, exist_ok=True)
    rows = []
    fundus = args.mirror_root / FUNDUS.replace("/", "+") / "repo"
    for page in merged_pages(mirror) + fundus_pages(fundus) + real_corpus_pages():
        raw = page.pop("raw")
        site, url = site_of(raw, page["url"], page["id"])
        split = page.pop("real_corpus_split", None) or split_of(site)
        (args.out / "pages" / f"{page['id']}.html.gz").write_bytes(gzip.compress(raw, 6, mtime=0))
        url = page["url"] or url or (f"http://{site}/" if "." in site else f"http://fakehost/{page['id']}")
        rows.append({**page, "url": url, "site": site, "split": split,
                     "language": language_of(page["truth"].get("body") or "", raw),
                     "page_type": page_type(page["collection"], site, url, raw),
                     "licence": LICENCES[page["collection"]]})
    with open(args.out / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    counts = Counter((r["split"], r["language"]) for r in rows if r["truth"].get("body"))
    print(f"{len(rows)} pages, {sum(counts.values())} with body truth; by split and language: "
          + ", ".join(f"{s}/{lang} {n}" for (s, lang), n in sorted(counts.items(), key=lambda kv: -kv[1])[:30]))


if __name__ == "__main__":
    main()
