"""The researcher tools (ls, index, wacz, extract, show) on the real sample crawl, through the real CLI."""

from __future__ import annotations

import io
import json
import tempfile
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from archiver.localserver import start_server
from archiver.research.index import write_crawl_index
from archiver.research.pages import write_pages_jsonl
from archiver.research.tools import run_tool, tool
from archiver.sample.server import load_articles
from tests.conftest import run_archiver
from tests.warc_helpers import png_is_valid_and_not_blank, read_records

SEED = Path(__file__).parent / "sample_data" / "seed_article.txt"
SEED_BYTES = SEED.read_bytes()
SEED_URL = SEED.read_text().rsplit("\n", 1)[-1].strip("<>")
MT = "themoscowtimes"


def _needs_tools() -> None:
    try:
        tool("wayback"), tool("wacz")
    except FileNotFoundError as exc:
        pytest.fail(str(exc))                       # the message says: run `make tools`


def _seed_item(sample_crawl) -> dict:
    return next(i for i in sample_crawl.items(MT) if i["original_url"] == SEED_URL)


def _ok(proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


# --------------------------------------------------------------------------- ls
@pytest.mark.browser
@pytest.mark.slow
def test_ls_counts_agree_with_warcio(sample_crawl):
    crawl_dir = sample_crawl.dirs[MT]
    expected = Counter(r.type for r in read_records(sample_crawl.warcs(MT)))
    listed = [json.loads(line) for line in _ok(run_archiver("ls", crawl_dir, "--json")).stdout.splitlines()]
    assert Counter(r["type"] for r in listed) == expected
    for rec_type in ("response", "revisit", "metadata", "resource"):
        only = _ok(run_archiver("ls", crawl_dir, "--json", "--type", rec_type)).stdout.splitlines()
        assert len(only) == expected[rec_type] > 0
    html = [json.loads(line) for line in
            _ok(run_archiver("ls", crawl_dir, "--json", "--status", "200", "--mime", "text/html",
                             r"--url=-a\d+$")).stdout.splitlines()]
    articles = {r["url"] for r in html}
    assert len(articles) == len(load_articles(MT))
    assert all(r["status"] == 200 and r["mime"].startswith("text/html") for r in html)
    table = _ok(run_archiver("ls", sample_crawl.warcs(MT)[0], "--type", "warcinfo")).stdout
    assert "warcinfo" in table and "1 records" in table


# --------------------------------------------------------------------------- index
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.needs("wayback", "wb-manager")
def test_index_is_sorted_and_pywb_replays_with_it(sample, sample_crawl, tmp_path):
    _needs_tools()
    crawl_dir = sample_crawl.dirs[MT]
    cdxj = tmp_path / "my.cdxj"
    _ok(run_archiver("index", crawl_dir, "-o", cdxj))
    lines = cdxj.read_text().splitlines()
    assert lines == sorted(lines)
    indexed = Counter(json.loads(line.split(" ", 2)[2]).get("mime") == "warc/revisit" for line in lines)
    records = read_records(sample_crawl.warcs(MT))
    assert indexed[True] == sum(r.type == "revisit" for r in records)

    # a pywb collection made by wb-manager, with our CDXJ as its only index
    root = tmp_path / "pywb"
    root.mkdir()
    run_tool("wb-manager", "init", "mine", cwd=root)
    for warc in sample_crawl.warcs(MT):
        (root / "collections/mine/archive" / warc.name).symlink_to(warc)
    (root / "collections/mine/indexes/index.cdxj").write_text(cdxj.read_text())
    item = _seed_item(sample_crawl)
    with start_server(lambda port: [tool("wayback"), "-p", port, "-b", "127.0.0.1"], cwd=root) as server:
        url = f"{server.url}/mine/{item['captured_at'][:4]}id_/{item['url']}"
        body = urllib.request.urlopen(url, timeout=30).read()
        assert item["title"].encode() in body, f"pywb did not replay {url} from our index"


@pytest.mark.browser
@pytest.mark.slow
def test_write_crawl_index(sample_crawl, tmp_path):
    crawl_copy = tmp_path / "crawl"
    (crawl_copy / "warc").mkdir(parents=True)
    for warc in sample_crawl.warcs(MT):
        (crawl_copy / "warc" / warc.name).symlink_to(warc)
    path = write_crawl_index(crawl_copy)
    assert path == crawl_copy / "index.cdxj"
    lines = path.read_text().splitlines()
    assert lines == sorted(lines) and len(lines) > 100
    assert all(json.loads(line.split(" ", 2)[2])["filename"].startswith("warc/") for line in lines)


# --------------------------------------------------------------------------- wacz
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_wacz_validates_and_lists_every_page(sample, sample_crawl, tmp_path):
    _needs_tools()
    crawl_dir = sample_crawl.dirs[MT]
    out = tmp_path / "mt.wacz"
    _ok(run_archiver("wacz", crawl_dir, "-o", out))
    run_tool("wacz", "validate", "-f", str(out))          # raises with py-wacz's output when invalid

    with zipfile.ZipFile(out) as package:
        names = package.namelist()
        lines = package.read("pages/pages.jsonl").decode().splitlines()
        warcs = [n for n in names if n.startswith("archive/")]
        assert all(package.getinfo(n).compress_type == zipfile.ZIP_STORED for n in warcs)
        packed = [r for n in warcs for r in _records_in(package.read(n))]
    assert json.loads(lines[0])["format"] == "json-pages-1.0"
    pages = {p["url"]: p for p in map(json.loads, lines[1:])}
    assert all({"id", "url", "ts", "title"} <= set(p) for p in pages.values())
    front = sample.urls[MT] + "/"
    assert front in pages and pages[front]["title"]
    for item in sample_crawl.items(MT):
        page = pages[item["url"]]
        assert page["title"] == item["title"]
        assert page["text"] == item["text"]
    # every revisit resolves inside the package
    ids = {r.headers["WARC-Record-ID"] for r in packed}
    dangling = [r.uri for r in packed if r.type == "revisit" and r.headers["WARC-Refers-To"] not in ids]
    assert not dangling, f"revisits whose original is not in the WACZ: {dangling[:5]}"


@pytest.mark.browser                     # packages the session's rendered crawl
@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_wacz_of_an_output_root_one_per_crawl_or_combined(sample_crawl, tmp_path):
    """An output root with two crawls: one WACZ each, one with --combine, or the crawls named."""
    _needs_tools()
    root, folders = sample_crawl.root, sorted(sample_crawl.dirs.values())
    refused = run_archiver("wacz", root, "-o", tmp_path / "one.wacz")
    assert refused.returncode == 1 and all(f.name in refused.stderr for f in folders), refused.stderr
    assert "--combine" in refused.stderr and not (tmp_path / "one.wacz").exists()

    _ok(run_archiver("wacz", root, "-o", tmp_path / "each"))
    packages = sorted((tmp_path / "each").glob("*.wacz"))
    assert [p.name for p in packages] == [f"{f.name}.wacz" for f in folders]
    for package, folder in zip(packages, folders):
        with zipfile.ZipFile(package) as wacz:
            packed = {Path(n).name for n in wacz.namelist() if n.startswith("archive/")}
        assert {w.name for w in (folder / "warc").glob("*.warc.gz")} <= packed

    _ok(run_archiver("wacz", root, "--combine", "-o", tmp_path / "all.wacz"))
    run_tool("wacz", "validate", "-f", str(tmp_path / "all.wacz"))
    with zipfile.ZipFile(tmp_path / "all.wacz") as wacz:
        packed = {Path(n).name for n in wacz.namelist() if n.startswith("archive/")}
        pages = {json.loads(line)["url"] for line in wacz.read("pages/pages.jsonl").decode().splitlines()[1:]}
    for folder in folders:
        assert {w.name for w in (folder / "warc").glob("*.warc.gz")} <= packed
    assert {i["url"] for o in sample_crawl.dirs for i in sample_crawl.items(o)} <= pages


def _records_in(data: bytes):
    with tempfile.NamedTemporaryFile(suffix=".warc.gz") as fh:
        fh.write(data)
        fh.flush()
        return read_records([Path(fh.name)])


@pytest.mark.browser
@pytest.mark.slow
def test_write_pages_jsonl(sample_crawl, tmp_path):
    crawl_copy = tmp_path / "crawl"
    (crawl_copy / "warc").mkdir(parents=True)
    for warc in sample_crawl.warcs(MT):
        (crawl_copy / "warc" / warc.name).symlink_to(warc)
    lines = write_pages_jsonl(crawl_copy).read_text().splitlines()
    urls = {json.loads(line)["url"] for line in lines[1:]}
    assert {i["url"] for i in sample_crawl.items(MT)} <= urls


# --------------------------------------------------------------------------- extract
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("outlet", ["themoscowtimes", "harbourgazette"])
def test_extract_reproduces_items_field_for_field(sample_crawl, tmp_path, outlet):
    """Every field, crawl-time ones included (captured_at, warc, screenshot come from the records)."""
    out = tmp_path / "items.jsonl"
    _ok(run_archiver("extract", *sample_crawl.warcs(outlet), "-o", out))
    rebuilt = {i["url"]: i for i in map(json.loads, out.read_text().splitlines())}
    crawled = {i["url"]: i for i in sample_crawl.items(outlet)}
    assert rebuilt.keys() == crawled.keys()
    for url, item in crawled.items():
        assert rebuilt[url] == item, url


@pytest.mark.browser
@pytest.mark.slow
def test_extract_without_metadata_uses_the_article_pattern(sample_crawl, tmp_path):
    """Someone else's WARC: no urn:article records, so every 200 HTML article-pattern response counts."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter
    stripped = tmp_path / "plain.warc.gz"
    with open(stripped, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for warc in sample_crawl.warcs(MT):
            with open(warc, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type != "metadata":
                        writer.write_record(record)
    proc = run_archiver("extract", stripped)
    assert proc.returncode == 1 and "--outlet" in proc.stderr
    items = [json.loads(line) for line in
             _ok(run_archiver("extract", stripped, "--outlet", MT)).stdout.splitlines()]
    crawled = {i["url"]: i for i in sample_crawl.items(MT)}
    assert {i["url"] for i in items} == set(crawled)
    for item in items:
        assert item["body"] == crawled[item["url"]]["body"]


@pytest.mark.browser
@pytest.mark.slow
def test_extract_saved_html_gives_the_seed(sample, sample_crawl, tmp_path):
    item = _seed_item(sample_crawl)
    saved = tmp_path / "seed.html"
    saved.write_bytes(urllib.request.urlopen(item["url"]).read())
    result = json.loads(_ok(run_archiver("extract", saved, "--url", item["url"], "--outlet", MT)).stdout)
    assert result["title"] == item["title"]
    assert result["authors"] == ["AFP"]
    assert result["date_published"][:10] == "2025-01-12"
    assert result["original_url"] == SEED_URL
    guessed = json.loads(_ok(run_archiver("extract", saved, "--url", item["url"])).stdout)
    assert guessed["outlet"] == MT and guessed["body"] == result["body"]

    texts = tmp_path / "texts"
    _ok(run_archiver("extract", saved, "--url", item["url"], "--outlet", MT, "--format", "text", "-o", texts))
    assert [p.read_bytes() for p in texts.glob("*.txt")] == [SEED_BYTES]
    assert [p.name[:11] for p in texts.glob("*.txt")] == ["2025-01-12-"]      # readable: date first
    printed = _ok(run_archiver("extract", saved, "--url", item["url"], "--format", "text"))
    assert printed.stdout.encode() == SEED_BYTES + b"\n"                      # no -o: the text itself
    several = run_archiver("extract", sample_crawl.dirs[MT], "--format", "text")
    assert several.returncode == 1 and "-o DIR" in several.stderr


@pytest.mark.browser
@pytest.mark.slow
def test_extract_text_format_from_warcs_gives_the_seed(sample_crawl, tmp_path):
    _ok(run_archiver("extract", sample_crawl.dirs[MT], "--format", "text", "-o", tmp_path))
    exports = {p.name: p.read_bytes() for p in tmp_path.glob("*.txt")}
    crawled = {p.name: p.read_bytes() for p in (sample_crawl.dirs[MT] / "articles").glob("*.txt")}
    assert exports == crawled and SEED_BYTES in exports.values()


# --------------------------------------------------------------------------- show
@pytest.mark.browser
@pytest.mark.slow
def test_show_prints_the_seed_text_and_writes_its_screenshot(sample_crawl, tmp_path):
    png = tmp_path / "shot.png"
    proc = _ok(run_archiver("show", SEED_URL, sample_crawl.dirs[MT], "--screenshot", png))
    assert proc.stdout.encode() == SEED_BYTES
    assert png_is_valid_and_not_blank(png.read_bytes())
    assert Image.open(io.BytesIO(png.read_bytes())).format == "PNG"
    missing = run_archiver("show", "https://example.org/nothing", sample_crawl.dirs[MT])
    assert missing.returncode == 1 and "archiver ls" in missing.stderr
