"""Full-text search over a real archive: two crawls of the sample outlets, one article edited between them.

The index under test is the one the crawl's item pipeline wrote; the reindex
test rebuilds it from the WARC files alone and compares.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from archiver.sample.server import copy_sample_data, load_articles, serve_sample
from archiver.search.index import index_path
from tests.conftest import run_archiver
from tests.edited_sample import (ADDED_PARAGRAPH, ADDED_PHRASE, HG, NEW_TITLE, OLD_TITLE, EditedArchive,
                                 crawl_twice_with_an_edit)
from tests.warc_helpers import read_records

MT = "themoscowtimes"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> EditedArchive:
    data = copy_sample_data(tmp_path_factory.mktemp("search-data"))
    with serve_sample(data_dir=data) as sample:
        yield crawl_twice_with_an_edit(tmp_path_factory.mktemp("search-archive"), sample,
                                       first_outlets=(MT, HG), extra=("--render", "never"))


def search(archive: EditedArchive, query: str, *flags: str) -> list[dict]:
    proc = run_archiver("search", query, archive.root, *flags, "--json", "--limit", "500")
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_a_phrase_only_the_second_version_has_finds_that_capture(archive):
    hits = search(archive, f'"{ADDED_PHRASE}"')
    assert len(hits) == 1
    hit = hits[0]
    assert hit["url"] == archive.edited_url and hit["title"] == NEW_TITLE
    assert hit["crawl"] == archive.second.dirs[HG].name
    assert [h.lower() for h in hit["highlights"]] == [ADDED_PHRASE]
    # the replay link names the exact capture, and that capture's record holds the text
    stamp = "".join(ch for ch in hit["captured_at"] if ch.isdigit())[:14]
    assert hit["replay_url"].endswith(f"/archive/{stamp}/{archive.edited_url}")
    warc = archive.second.dirs[HG] / "warc" / hit["warc_filename"]
    response = next(r for r in read_records([warc]) if r.headers.get("WARC-Record-ID") == hit["warc_record_id"])
    assert response.type == "response" and ADDED_PARAGRAPH.encode() in response.payload


def test_the_first_version_is_found_by_what_only_it_said(archive):
    hits = search(archive, f'title:"{OLD_TITLE}"')
    assert [(h["url"], h["crawl"]) for h in hits] == [(archive.edited_url, archive.first.dirs[HG].name)]
    both = search(archive, '"expansion joints"')           # unchanged text: both versions match
    assert sorted(h["crawl"] for h in both) == sorted([archive.first.dirs[HG].name, archive.second.dirs[HG].name])


def test_title_matches_rank_above_body_matches(archive):
    in_title = [bool(re.search(r"\boil\b", h["title"], re.I)) for h in search(archive, "oil")]
    assert in_title == sorted(in_title, reverse=True) and True in in_title and False in in_title


def test_diacritics_and_prefixes_match(archive):
    spanish = {h["title"] for h in search(archive, "ingles")}           # the page says "inglés"
    assert spanish == {"La biblioteca ofrece clases de inglés gratuitas"}
    assert spanish <= {h["title"] for h in search(archive, "biblio*")}
    assert search(archive, "NEAR(lane closures, 3)") and not search(archive, "NEAR(lane ferry, 2)")
    assert not search(archive, '"toll booths" NOT bridge')


def test_filters_narrow_the_results_as_they_should(archive):
    everything = search(archive, "the OR la OR el")
    articles = {a["title"]: a for o in (MT, HG) for a in load_articles(o)}
    assert len({h["outlet"] for h in everything}) == 2 and len(everything) > 40

    def expect(*flags: str, keep) -> None:
        narrowed = search(archive, "the OR la OR el", *flags)
        wanted = [h for h in everything if keep(h)]
        assert narrowed and len(narrowed) < len(everything), flags
        assert sorted(h["warc_record_id"] for h in narrowed) == sorted(h["warc_record_id"] for h in wanted), flags

    expect("--outlet", HG, keep=lambda h: h["outlet"] == HG)
    expect("--author", "jane", keep=lambda h: any("jane" in a.lower() for a in h["authors"]))
    expect("--section", "Business", keep=lambda h: h["section"] == "business")
    expect("--lang", "es", keep=lambda h: h["language"].startswith("es"))      # es-ES
    expect("--since", "2025-03-10", "--until", "2025-03-13",
           keep=lambda h: "2025-03-10" <= articles[h["title"]]["date_published"][:10] <= "2025-03-13"
           if h["title"] in articles else False)
    expect("--outlet", MT, "--author", "Reuters", "--section", "business",
           keep=lambda h: h["outlet"] == MT and "Reuters" in h["authors"] and h["section"] == "business")


def _rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        columns = [c[1] for c in db.execute("PRAGMA table_info(versions)") if c[1] != "id"]
        rows = db.execute(f"SELECT {', '.join(columns)} FROM versions ORDER BY record_id").fetchall()
        fts = db.execute("SELECT COUNT(*) FROM versions_fts WHERE versions_fts MATCH 'bridge'").fetchone()[0]
    return rows + [("fts matches", fts)]


def test_reindex_from_the_warc_files_alone_equals_the_live_index(archive, tmp_path):
    live = _rows(index_path(archive.root))
    assert len(live) == 31 + 13 + 1 + 1
    bare = tmp_path / "bare"
    for folder in [*archive.first.dirs.values(), archive.second.dirs[HG]]:
        shutil.copytree(folder / "warc", bare / folder.name / "warc")      # the WARCs and nothing else
    proc = run_archiver("search", "--reindex", bare)
    assert proc.returncode == 0, proc.stderr
    assert "indexed 45 article versions" in proc.stderr
    assert _rows(index_path(bare)) == live


def test_a_malformed_query_gets_a_clear_message_and_exit_2(archive, tmp_path):
    for query in ('"unterminated phrase', "AND bridge", "nosuchcolumn:bridge", "NEAR(bridge"):
        proc = run_archiver("search", query, archive.root)
        assert proc.returncode == 2, (query, proc.stderr)
        assert "not a valid search query" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    proc = run_archiver("search", "bridge", archive.root, "--since", "last tuesday")
    assert proc.returncode == 2 and "not a date" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_archiver("search", "bridge", tmp_path)
    assert proc.returncode == 1 and "archiver search --reindex" in proc.stderr


def test_the_terminal_shows_highlighted_snippets_and_replay_links(archive):
    proc = run_archiver("search", f'"{ADDED_PHRASE}"', archive.root, env={"COLUMNS": "400"})
    assert proc.returncode == 0, proc.stderr
    assert NEW_TITLE in proc.stdout and "replay: http://127.0.0.1:8090/archive/" in proc.stdout
    assert "Toll booths on the eastern approach" in proc.stdout


def test_the_wacz_page_list_carries_each_version_text(archive):
    """ReplayWeb.page searches pages.jsonl: each crawl's page of the article has the text it captured."""
    def page_text(folder: Path) -> str:
        lines = (folder / "pages.jsonl").read_text().splitlines()
        return next(json.loads(line) for line in lines[1:] if json.loads(line)["url"] == archive.edited_url)["text"]

    assert ADDED_PARAGRAPH not in page_text(archive.first.dirs[HG])
    assert ADDED_PARAGRAPH in page_text(archive.second.dirs[HG])
