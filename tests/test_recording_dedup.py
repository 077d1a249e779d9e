"""DigestIndex + WarcWriter: identical payloads become revisit records, within and across crawls."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.localserver import start_server
from archiver.recording import DigestIndex, WarcWriter
from archiver.recording.records import REVISIT_PROFILE
from archiver.research.tools import tool
from tests.test_recording_writer import b32, exchange, records, warcio_check

LOGO = b"\x89PNG\r\n\x1a\n" + os.urandom(20_000)


def crawl(root: Path, name: str, index: DigestIndex, exchanges) -> tuple[WarcWriter, list]:
    writer = WarcWriter(root / name, prefix=name, warcinfo={"isPartOf": name}, dedup=index)
    with writer:
        locations = [writer.write_exchange(ex) for ex in exchanges]
    return writer, locations


def by_id(path: Path) -> dict[str, dict]:
    return {r["warc"].get_header("WARC-Record-ID"): r for r in records(path)}


def test_revisit_within_a_crawl(tmp_path: Path) -> None:
    index = DigestIndex(tmp_path / "digests.sqlite3")
    first = exchange(url="https://news.example/logo.png", body=LOGO,
                     response_headers=[("Content-Type", "image/png"), ("ETag", '"v1"')])  # fmt: skip
    again = exchange(url="https://news.example/img/logo.png?v=2", body=LOGO,
                     response_headers=[("Content-Type", "image/png"), ("ETag", '"v2"')], page_id="p2")  # fmt: skip
    writer, (original, revisit) = crawl(tmp_path, "crawl-a", index, [first, again])
    assert (original.record_type, revisit.record_type) == ("response", "revisit")

    [path] = writer.files
    recs = by_id(path)
    rv = recs[revisit.record_id]
    headers = rv["warc"]
    assert headers.get_header("WARC-Profile") == REVISIT_PROFILE
    assert headers.get_header("WARC-Refers-To") == original.record_id
    assert headers.get_header("WARC-Refers-To-Target-URI") == "https://news.example/logo.png"
    assert headers.get_header("WARC-Refers-To-Date") == original.warc_date
    assert headers.get_header("WARC-Target-URI") == again.url
    assert headers.get_header("WARC-Page-ID") == "p2"
    assert headers.get_header("WARC-Payload-Digest") == b32("sha1", LOGO)
    # HTTP headers of the revisit are its own, and no payload is stored
    assert rv["http"].get_header("ETag") == '"v2"' and rv["http"].get_header("Content-Length") == str(len(LOGO))
    assert rv["raw"] == b""
    assert int(headers.get_header("Content-Length")) == len(rv["http"].to_ascii_bytes())
    # its request still points at it
    [request] = [r for r in recs.values() if r["warc"].get_header("WARC-Concurrent-To") == revisit.record_id]
    assert request["type"] == "request"
    assert len(index) == 1
    check = warcio_check(path)
    assert check.returncode == 0 and "digest present but not checked (revisit)" in check.stdout


def test_small_redirect_and_truncated_payloads_are_not_deduplicated(tmp_path: Path) -> None:
    index = DigestIndex(tmp_path / "digests.sqlite3")
    redirect = exchange(status=302, body=b"moved", response_headers=[("Location", "/x")])
    empty = exchange(status=200, body=b"")
    partial = exchange(body=LOGO, truncated="length")
    not_modified_range = exchange(status=206, body=LOGO[:100])
    writer, locations = crawl(tmp_path, "crawl-a", index, [redirect, redirect, empty, empty, partial, partial,
                                                          not_modified_range, not_modified_range])  # fmt: skip
    assert [loc.record_type for loc in locations] == ["response"] * 8
    assert len(index) == 0
    # a truncated copy never stands in for the full payload
    writer2, [full, full_again] = crawl(tmp_path, "crawl-b", index, [exchange(body=LOGO), exchange(body=LOGO)])
    assert (full.record_type, full_again.record_type) == ("response", "revisit")


def test_revisit_across_crawls_sharing_an_index(tmp_path: Path) -> None:
    index_path = tmp_path / "output" / "digests.sqlite3"
    logo = exchange(url="https://news.example/logo.png", body=LOGO, response_headers=[("Content-Type", "image/png")])
    article = exchange(url="https://news.example/a", body=b"<html>hour 1</html>")

    with DigestIndex(index_path) as index:
        first_writer, [first_logo, _] = crawl(tmp_path / "output", "hour-1", index, [logo, article])
    # an hour later, a new process opens the same index
    with DigestIndex(index_path) as index:
        second_writer, [second_logo, second_article] = crawl(
            tmp_path / "output", "hour-2", index, [logo, exchange(url=article.url, body=b"<html>hour 2</html>")]
        )
        stored = index.lookup(b32("sha1", LOGO))
    assert (second_logo.record_type, second_article.record_type) == ("revisit", "response")

    [first_file], [second_file] = first_writer.files, second_writer.files
    revisit = by_id(second_file)[second_logo.record_id]["warc"]
    assert revisit.get_header("WARC-Refers-To") == first_logo.record_id
    assert revisit.get_header("WARC-Refers-To-Date") == first_logo.warc_date

    # the index entry leads straight to the stored copy in the first crawl's file
    assert (stored.filename, stored.offset, stored.length) == (first_file.name, first_logo.offset, first_logo.length)
    assert stored.record_id == first_logo.record_id and stored.payload_length == len(LOGO)
    with open(first_file.parent / stored.filename, "rb") as fh:
        fh.seek(stored.offset)
        original = next(iter(ArchiveIterator(fh)))
        assert original.rec_headers.get_header("WARC-Record-ID") == stored.record_id
        assert original.content_stream().read() == LOGO
    assert warcio_check(second_file).returncode == 0


def test_index_is_shared_between_open_handles(tmp_path: Path) -> None:
    path = tmp_path / "digests.sqlite3"
    with DigestIndex(path) as one, DigestIndex(path) as two:
        _, [loc] = crawl(tmp_path, "a", one, [exchange(body=LOGO)])
        _, [again] = crawl(tmp_path, "b", two, [exchange(body=LOGO)])
        assert again.record_type == "revisit"
        assert len(one) == len(two) == 1


@pytest.mark.needs("wayback", "wb-manager")
def test_pywb_replays_a_cross_crawl_revisit(tmp_path: Path) -> None:
    """The revisit in crawl 2 (other URL, other file) must replay with crawl 1's bytes."""
    tools = tool("wayback").parent                  # the tools venv (`make tools`, or $ARCHIVER_TOOLS_VENV)
    index = DigestIndex(tmp_path / "digests.sqlite3")
    w1, _ = crawl(tmp_path, "hour-1", index, [exchange(url="https://news.example/logo.png", body=LOGO,
                                                       response_headers=[("Content-Type", "image/png")])])  # fmt: skip
    w2, [rv] = crawl(tmp_path, "hour-2", index, [exchange(url="https://news.example/logo-2.png", body=LOGO,
                                                          response_headers=[("Content-Type", "image/png")])])  # fmt: skip
    assert rv.record_type == "revisit"
    site = tmp_path / "pywb"
    site.mkdir()
    run = dict(cwd=site, check=True, capture_output=True)
    subprocess.run([str(tools / "wb-manager"), "init", "c"], **run)
    subprocess.run([str(tools / "wb-manager"), "add", "c", *map(str, w1.files + w2.files)], **run)
    try:
        with start_server(lambda port: [tools / "wayback", "-p", port, "-b", "127.0.0.1"], cwd=site) as server:
            url = f"{server.url}/c/2025id_/https://news.example/logo-2.png"
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200 and response.read() == LOGO
    finally:
        shutil.rmtree(site, ignore_errors=True)
