"""verify_file / repair_file / `archiver verify`: damage is found, only a cut-off tail is repaired."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.commands import verify as verify_command
from archiver.recording import WarcWriter
from archiver.recording.verify import (
    BAD_MEMBER,
    BLOCK_DIGEST,
    MISSING_WARCINFO,
    PAYLOAD_DIGEST,
    TRUNCATED_RECORD,
    TRUNCATED_TAIL,
    UNFINISHED,
    repair_file,
    verify_file,
)
from tests.test_recording_writer import exchange, warcio_check


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="archiver")
    verify_command.register(parser.add_subparsers())
    args = parser.parse_args(["verify", *argv])
    return args.func(args)


@pytest.fixture
def warc(tmp_path: Path) -> tuple[Path, list]:
    """A finished file: warcinfo + 4 exchanges; returns (path, response locations)."""
    with WarcWriter(tmp_path / "warcs", prefix="v", warcinfo={"operator": "verify test"}) as writer:
        locations = [writer.write_exchange(exchange(url=f"https://news.example/{i}", body=os.urandom(5000)))
                     for i in range(4)]  # fmt: skip
    return writer.files[0], locations


def kinds(report) -> list[str]:
    return [p.kind for p in report.problems]


def test_clean_file(warc) -> None:
    path, _ = warc
    report = verify_file(path)
    assert report.ok and dict(report.counts) == {"warcinfo": 1, "response": 4, "request": 4}
    assert report.valid_end == path.stat().st_size
    assert cli(str(path)) == 0


def test_flipped_byte_is_found_and_the_rest_still_checked(warc, capsys) -> None:
    path, locations = warc
    data = bytearray(path.read_bytes())
    data[locations[1].offset + locations[1].length // 2] ^= 0x01
    path.write_bytes(data)

    report = verify_file(path)
    assert kinds(report) == [BAD_MEMBER]
    assert report.problems[0].offset == locations[1].offset and report.problems[0].file == str(path)
    assert report.counts["response"] == 3 and report.counts["request"] == 4  # resynchronised after the damage

    before = path.read_bytes()
    result = repair_file(path)
    assert result.refused and "bad gzip member" in result.refused
    assert path.read_bytes() == before  # refused: not touched
    assert cli(str(path), "--repair") == 1
    assert "bad gzip member" in capsys.readouterr().out


def test_digest_mismatch_inside_an_intact_member(warc) -> None:
    path, locations = warc
    loc = locations[2]
    data = path.read_bytes()
    record = bytearray(gzip.decompress(data[loc.offset : loc.offset + loc.length]))
    record[-10] ^= 0xFF  # a payload byte, re-compressed so the gzip layer is fine
    member = gzip.compress(bytes(record))
    path.write_bytes(data[: loc.offset] + member + data[loc.offset + loc.length :])

    report = verify_file(path)
    assert set(kinds(report)) == {BLOCK_DIGEST, PAYLOAD_DIGEST}
    assert all(p.offset == loc.offset for p in report.problems)
    assert warcio_check(path).returncode == 1  # warcio agrees here


def test_truncated_tail_found_and_repaired(warc, tmp_path: Path) -> None:
    path, locations = warc
    last = locations[-1]
    open_path = path.with_name(path.name + ".open")
    data = path.read_bytes()
    open_path.write_bytes(data[: last.offset + last.length // 3])  # what kill -9 mid-append leaves
    path.unlink()

    report = verify_file(open_path)
    assert kinds(report) == [TRUNCATED_TAIL, UNFINISHED]
    assert report.problems[0].offset == last.offset

    assert cli(str(open_path.parent), "--repair") == 0
    assert not open_path.exists() and path.exists()
    assert path.stat().st_size == last.offset
    assert verify_file(path).counts == {"warcinfo": 1, "response": 3, "request": 3}
    assert warcio_check(path).returncode == 0


def test_partial_record_in_a_complete_member_is_repaired(warc) -> None:
    path, locations = warc
    data = path.read_bytes()
    # a gzip member that closes properly but holds only the first half of a record
    record = gzip.decompress(data[locations[0].offset : locations[0].offset + locations[0].length])
    path.write_bytes(data + gzip.compress(record[: len(record) // 2]))
    report = verify_file(path)
    assert kinds(report) == [TRUNCATED_RECORD] and report.problems[0].offset == len(data)

    result = repair_file(path)
    assert result.ok and result.cut_at == len(data) and not result.renamed
    assert path.read_bytes() == data


def test_missing_warcinfo(tmp_path: Path) -> None:
    path = tmp_path / "no-info.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://x.example/", "response", payload=BytesIO(b"hi"),
                                                      http_headers=http))  # fmt: skip
    assert kinds(verify_file(path)) == [MISSING_WARCINFO]
    assert warcio_check(path).returncode == 0  # warcio does not look for it


def test_repair_refuses_a_file_a_writer_still_holds(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="live", warcinfo={})
    writer.write_exchange(exchange())
    [path] = writer.files
    assert path.name.endswith(".open")
    assert "a running crawl still writes it" in verify_file(path).problems[-1].detail
    result = repair_file(path)
    assert result.refused and "locked by a running writer" in result.refused and path.exists()
    writer.close()
    assert verify_file(writer.files[0]).ok


def test_cli_folder_json(warc, tmp_path: Path, capsys) -> None:
    path, locations = warc
    nested = tmp_path / "warcs" / "older" / "deeper"
    nested.mkdir(parents=True)
    shutil.copy(path, nested / "copy.warc.gz")
    (nested / "cut.warc.gz.open").write_bytes(path.read_bytes()[: locations[0].offset + 10])
    (nested / "notes.txt").write_text("not a WARC")

    assert cli(str(tmp_path / "warcs"), "--json") == 1
    doc = json.loads(capsys.readouterr().out)
    by_name = {Path(f["file"]).name: f for f in doc["files"]}
    assert set(by_name) == {path.name, "copy.warc.gz", "cut.warc.gz.open"}
    assert by_name["copy.warc.gz"]["ok"] and by_name["copy.warc.gz"]["records"]["response"] == 4
    assert [p["kind"] for p in by_name["cut.warc.gz.open"]["problems"]] == [TRUNCATED_TAIL, UNFINISHED]

    assert cli(str(tmp_path / "warcs"), "--json", "--repair") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] and (nested / "cut.warc.gz").exists()
    assert cli(str(tmp_path / "missing")) == 1
