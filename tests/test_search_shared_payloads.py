"""One payload, many articles: versions whose WARC record holds other URLs' payload too.

Byte-identical app shells are stored once, then as revisits of that record, so
several articles' versions point at one record; every one of them is indexed.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from archiver.sample import load_articles
from archiver.search.entry import IndexedVersion
from archiver.search.index import SCHEMA_VERSION, SearchIndex
from archiver.search.query import search
from tests.conftest import run_archiver

RECORD = "<urn:uuid:0b5e7c4a-0000-4000-8000-00000000aaaa>"
# The index as it was before SCHEMA_VERSION 2: one row per record.
SCHEMA_1 = """
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, version INTEGER NOT NULL, outlet TEXT,
    title TEXT, byline TEXT, body TEXT, authors TEXT, section TEXT, date_published TEXT,
    published_utc TEXT, language TEXT, captured_at TEXT, warc_filename TEXT, warc_offset INTEGER,
    crawl TEXT, item TEXT NOT NULL
);
CREATE INDEX versions_by_url ON versions (url, version, captured_at);
CREATE VIRTUAL TABLE versions_fts USING fts5(title, byline, body, content='versions', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER versions_added AFTER INSERT ON versions BEGIN
    INSERT INTO versions_fts (rowid, title, byline, body) VALUES (new.id, new.title, new.byline, new.body);
END;
"""


def version(url: str, title: str = "The Lantern", record: str = RECORD) -> IndexedVersion:
    item = {"url": url, "title": title, "body": [f"Shell of {url}"], "version": 1,
            "warc": {"filename": "a.warc.gz", "record_id": record, "offset": 0}}
    found = IndexedVersion.from_item(item, "crawl-1")
    assert found is not None
    return found


def test_two_urls_with_one_shell_record_are_two_versions_and_two_hits(tmp_path):
    with SearchIndex(tmp_path / "search.sqlite") as index:
        assert index.add([version("http://x.test/a"), version("http://x.test/b")]) == 2
        assert index.add([version("http://x.test/a")]) == 1            # the same version again replaces it
        assert index.count() == 2
        hits = search(index, "Lantern")
    assert sorted(h.url for h in hits) == ["http://x.test/a", "http://x.test/b"]
    assert {h.warc_record_id for h in hits} == {RECORD}


def test_an_index_of_the_first_schema_is_upgraded_with_its_rows(tmp_path):
    path = tmp_path / "search.sqlite"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_1)
    row = version("http://x.test/old", title="Old headline").row()
    db.execute(f"INSERT INTO versions ({', '.join(IndexedVersion.COLUMNS)}) VALUES "
               f"({', '.join('?' * len(row))})", row)
    db.commit()
    db.close()
    with SearchIndex(path) as index:
        assert index.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        index.add([version("http://x.test/new", title="New headline")])     # same record: refused before
        assert sorted(h.url for h in search(index, "headline")) == ["http://x.test/new", "http://x.test/old"]


@pytest.mark.slow
def test_a_crawl_of_identical_shells_indexes_every_article(sample, tmp_path):
    """--render never, the lantern articles as start URLs: every page is the same shell bytes, stored
    once and then as revisits of that record."""
    paths = [a["url"] for a in load_articles("lantern")]
    config = tmp_path / "outlets.toml"
    config.write_text(f'[shells]\nbase_url = "{sample.urls["lantern"]}"\nstart_urls = {json.dumps(paths)}\n'
                      "article_pattern = '^/news/'\n")
    root = tmp_path / "out"
    proc = run_archiver("crawl", "shells", "--config", config, "--out", root, "--render", "never",
                        "--no-screenshots", "--no-block-private-addresses")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "not indexed" not in proc.stderr
    items = [json.loads(line) for line in next(root.glob("shells-*/items.jsonl")).read_text().splitlines()]
    assert sorted(i["url"] for i in items) == sorted(sample.urls["lantern"] + p for p in paths)
    assert len({i["warc"]["record_id"] for i in items}) == 1                # one payload ...
    hits = run_archiver("search", "Lantern", root, "--json", "--limit", "100")
    assert hits.returncode == 0, hits.stderr
    assert sorted(json.loads(h)["url"] for h in hits.stdout.splitlines()) == sorted(i["url"] for i in items)
    assert run_archiver("search", "--reindex", root).returncode == 0      # ... a version of each article
    again = run_archiver("search", "Lantern", root, "--json", "--limit", "100")
    assert len(again.stdout.splitlines()) == len(items)
    for item in items[:3]:              # and in each article's history
        history = run_archiver("history", item["url"], root)
        assert history.returncode == 0, history.stderr
        assert f"{item['url']}: 1 version(s)" in history.stdout
