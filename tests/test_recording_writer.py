"""WarcWriter: record structure, header rules, rollover, memory, crash and disk-full safety.

Everything is checked on real files read back with warcio (and ``warcio check``).
"""

from __future__ import annotations

import base64
import errno
import gzip
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.recording import Exchange, WarcLocation, WarcWriter
from archiver.recording.verify import repair_file, verify_file
from archiver.recording.writer import DiskFullError
from tests.conftest import WARCIO

ROOT = Path(__file__).resolve().parents[1]
CAPTURED = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=timezone.utc)


def exchange(**overrides) -> Exchange:
    fields = dict(
        url="https://news.example/story?id=7",
        method="GET",
        request_headers=[("User-Agent", "news-archiver-test"), ("Cookie", "session=abc")],
        request_body=None,
        status=200,
        reason=None,
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=b"<html><body>story</body></html>",
        body_decoded=False,
        captured_at=CAPTURED,
    )
    fields.update(overrides)
    return Exchange(**fields)


def new_writer(tmp_path: Path, **kwargs) -> WarcWriter:
    kwargs.setdefault("warcinfo", {"operator": "test suite", "isPartOf": "crawl-1"})
    return WarcWriter(tmp_path / "warcs", prefix="test", **kwargs)


def records(path: Path) -> list[dict]:
    """Every record with headers, raw payload and decoded content, in file order."""
    out = []
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            raw = record.raw_stream.read()
            out.append({
                "type": record.rec_type,
                "warc": record.rec_headers,
                "http": record.http_headers,
                "raw": raw,
                "offset": iterator.get_record_offset(),
                "length": iterator.get_record_length(),
            })  # fmt: skip
    return out


def content(path: Path, offset: int) -> bytes:
    """content_stream() of the record at *offset*: the body with Content-Encoding undone."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        return next(iter(ArchiveIterator(fh))).content_stream().read()


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)


def b32(algorithm: str, data: bytes) -> str:
    return f"{algorithm}:{base64.b32encode(hashlib.new(algorithm, data).digest()).decode()}"


def raw_block(path: Path, location: WarcLocation) -> tuple[bytes, bytes]:
    """(WARC header block, record block) of the gzip member at *location*, decompressed by hand."""
    with open(path, "rb") as fh:
        fh.seek(location.offset)
        member = gzip.decompress(fh.read(location.length))
    head, _, rest = member.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    assert rest[length:] == b"\r\n\r\n"
    return head, rest[:length]


def header_list(http_headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in http_headers.headers]


# --------------------------------------------------------------------------- structure
@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_golden_structure(tmp_path: Path, algorithm: str) -> None:
    body = b"<html>" + b"news " * 2000 + b"</html>"
    ex = exchange(body=body, ip_address="192.0.2.7", protocol="h2", page_id="page-1", resource_type="document")
    with new_writer(tmp_path, digest=algorithm) as writer:
        location = writer.write_exchange(ex)
    [path] = writer.files
    assert re.fullmatch(r"test-\d{17}-00000-[A-Za-z0-9.-]+\.warc\.gz", path.name)
    assert location.filename == path.name and location.record_type == "response"

    recs = records(path)
    assert [r["type"] for r in recs] == ["warcinfo", "response", "request"]
    info, response, request = recs
    info_text = info["raw"].decode()
    assert "format: WARC File Format 1.1\r\n" in info_text
    assert "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/" in info_text
    assert "software: news-archiver/" in info_text and "operator: test suite\r\n" in info_text
    assert info["warc"].get_header("WARC-Filename") == path.name
    assert info["warc"].protocol == "WARC/1.1"

    warcinfo_id = info["warc"].get_header("WARC-Record-ID")
    rh = response["warc"]
    assert rh.get_header("WARC-Record-ID") == location.record_id
    assert (response["offset"], response["length"]) == (location.offset, location.length)
    assert rh.get_header("WARC-Date") == location.warc_date == "2025-03-04T05:06:07.891011Z"
    assert rh.get_header("WARC-Target-URI") == ex.url
    assert rh.get_header("WARC-IP-Address") == "192.0.2.7"
    assert rh.get_header("WARC-Protocol") == "h2"
    assert rh.get_header("WARC-Page-ID") == "page-1"
    assert rh.get_header("WARC-Resource-Type") == "document"
    assert rh.get_header("Content-Type") == "application/http; msgtype=response"
    assert response["http"].protocol == "HTTP/1.1" and response["http"].statusline == "200 OK"

    qh = request["warc"]
    assert qh.get_header("WARC-Concurrent-To") == location.record_id
    assert qh.get_header("WARC-Date") == rh.get_header("WARC-Date")
    assert qh.get_header("WARC-Page-ID") == "page-1"
    assert (request["http"].protocol, request["http"].statusline) == ("GET", "/story?id=7 HTTP/1.1")
    assert header_list(request["http"]) == [("Host", "news.example"), *ex.request_headers]
    for rec in (response, request):
        assert rec["warc"].get_header("WARC-Warcinfo-ID") == warcinfo_id

    # digests recomputed from the raw member bytes
    _, block = raw_block(path, location)
    http_head, _, payload = block.partition(b"\r\n\r\n")
    assert payload == body
    assert rh.get_header("WARC-Payload-Digest") == b32(algorithm, body)
    assert rh.get_header("WARC-Block-Digest") == b32(algorithm, block)
    assert int(rh.get_header("Content-Length")) == len(block)

    check = warcio_check(path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 3
    assert verify_file(path).ok


def test_decoded_body_renames_encodings(tmp_path: Path) -> None:
    body = "<html>Grüße</html>".encode() * 50
    ex = exchange(
        body=body,
        body_decoded=True,
        response_headers=[
            (":status", "200"),
            ("content-type", "text/html"),
            ("content-encoding", "br"),
            ("transfer-encoding", "chunked"),
            ("content-length", "123"),
            ("vary", "Accept-Encoding"),
        ],
    )
    with new_writer(tmp_path) as writer:
        location = writer.write_exchange(ex)
    response = records(writer.files[0])[1]
    assert header_list(response["http"]) == [
        ("content-type", "text/html"),
        ("X-Archive-Orig-Content-Encoding", "br"),
        ("X-Archive-Orig-Transfer-Encoding", "chunked"),
        ("X-Archive-Orig-Content-Length", "123"),
        ("Content-Length", str(len(body))),
        ("vary", "Accept-Encoding"),
    ]
    assert content(writer.files[0], location.offset) == body
    assert warcio_check(writer.files[0]).returncode == 0


def test_plain_gzip_body_stays_compressed(tmp_path: Path) -> None:
    html = b"<html>" + b"compressible " * 500 + b"</html>"
    wire = gzip.compress(html)
    ex = exchange(
        body=wire,
        response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
    )
    with new_writer(tmp_path) as writer:
        location = writer.write_exchange(ex)
    response = records(writer.files[0])[1]
    assert header_list(response["http"]) == [
        ("Content-Type", "text/html"),
        ("Content-Encoding", "gzip"),
        ("X-Archive-Orig-Transfer-Encoding", "chunked"),  # body is de-chunked: never claim chunking
        ("Content-Length", str(len(wire))),
    ]
    assert response["raw"] == wire
    assert response["warc"].get_header("WARC-Payload-Digest") == b32("sha1", wire)  # iipc #22: CE kept
    assert content(writer.files[0], location.offset) == html
    assert warcio_check(writer.files[0]).returncode == 0


def test_repeated_headers_kept_in_order_and_redirects_recorded(tmp_path: Path) -> None:
    headers = [
        ("Set-Cookie", "a=1; Path=/"),
        ("Link", "</style.css>; rel=preload"),
        ("Set-Cookie", "b=2; Path=/"),
        ("Location", "https://news.example/story/7"),
        ("Link", "</app.js>; rel=preload"),
        ("Set-Cookie", "c=3"),
    ]
    ex = exchange(status=301, body=b"", response_headers=headers,
                  request_headers=[(":method", "GET"), (":authority", "news.example:8443"), ("Accept", "*/*")])  # fmt: skip
    with new_writer(tmp_path) as writer:
        writer.write_exchange(ex)
    _, response, request = records(writer.files[0])
    assert response["http"].statusline == "301 Moved Permanently"
    assert header_list(response["http"]) == [*headers, ("Content-Length", "0")]
    assert header_list(request["http"]) == [("Host", "news.example:8443"), ("Accept", "*/*")]
    assert warcio_check(writer.files[0]).returncode == 0


def test_resource_and_metadata_records(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(5000)
    with new_writer(tmp_path) as writer:
        page = writer.write_exchange(exchange(page_id="p7"))
        shot = writer.write_resource(f"urn:fullPage:{exchange().url}", "image/png", png, page_id="p7",
                                     concurrent_to=page.record_id)  # fmt: skip
        meta = writer.write_metadata(exchange().url, b'{"headline": "Story"}', "application/json",
                                     refers_to=page.record_id, page_id="p7")  # fmt: skip
    recs = {r["warc"].get_header("WARC-Record-ID"): r for r in records(writer.files[0])}
    resource, metadata = recs[shot.record_id], recs[meta.record_id]
    assert resource["type"] == "resource" and resource["raw"] == png
    assert resource["warc"].get_header("Content-Type") == "image/png"
    assert resource["warc"].get_header("WARC-Target-URI") == "urn:fullPage:https://news.example/story?id=7"
    assert resource["warc"].get_header("WARC-Concurrent-To") == page.record_id
    assert resource["warc"].get_header("WARC-Block-Digest") == b32("sha1", png)
    assert metadata["type"] == "metadata" and metadata["raw"] == b'{"headline": "Story"}'
    assert metadata["warc"].get_header("WARC-Refers-To") == page.record_id
    assert metadata["warc"].get_header("WARC-Concurrent-To") == page.record_id
    assert metadata["warc"].get_header("Content-Type") == "application/json"
    assert warcio_check(writer.files[0]).returncode == 0


# --------------------------------------------------------------------------- files
def test_rollover_open_names_and_warcinfo_per_file(tmp_path: Path) -> None:
    writer = new_writer(tmp_path, rollover_size=4000)
    ids = [writer.write_exchange(exchange(body=os.urandom(3000), url=f"https://news.example/{i}")).record_id
           for i in range(4)]  # fmt: skip
    # every full file is already final; the writer keeps no file open after a rollover
    assert all(p.name.endswith(".warc.gz") for p in writer.files)
    writer.write_exchange(exchange(body=b"small"))
    assert writer.files[-1].name.endswith(".warc.gz.open") and writer.files[-1].exists()
    writer.close()
    writer.close()  # idempotent
    files = writer.files
    assert len(files) == 5
    assert [p.name.split("-")[2] for p in files] == ["00000", "00001", "00002", "00003", "00004"]
    assert sorted(p.name for p in (tmp_path / "warcs").iterdir()) == sorted(p.name for p in files)
    seen = []
    for path in files:
        recs = records(path)
        assert recs[0]["type"] == "warcinfo"
        assert recs[0]["warc"].get_header("WARC-Filename") == path.name
        info_id = recs[0]["warc"].get_header("WARC-Record-ID")
        assert all(r["warc"].get_header("WARC-Warcinfo-ID") == info_id for r in recs[1:])
        seen += [r["warc"].get_header("WARC-Record-ID") for r in recs if r["type"] == "response"]
        assert warcio_check(path).returncode == 0
    assert seen[:4] == ids
    assert writer.bytes_written == sum(p.stat().st_size for p in files)


def test_concurrent_writes_from_threads(tmp_path: Path) -> None:
    writer = new_writer(tmp_path, rollover_size=200_000)

    def work(n: int) -> None:
        for i in range(25):
            writer.write_exchange(exchange(url=f"https://news.example/{n}/{i}", body=os.urandom(random.randint(0, 20_000))))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    responses = 0
    for path in writer.files:
        assert warcio_check(path).returncode == 0
        responses += sum(r["type"] == "response" for r in records(path))
    assert responses == 100


def test_large_file_body_is_streamed(tmp_path: Path) -> None:
    size = 30 * 1024 * 1024
    source = tmp_path / "video.bin"
    digest = hashlib.sha1()
    with open(source, "wb") as fh:
        for _ in range(size // (1 << 20)):
            chunk = os.urandom(1 << 20)
            digest.update(chunk)
            fh.write(chunk)
    writer = new_writer(tmp_path)
    with open(source, "rb") as body:
        tracemalloc.start()
        location = writer.write_exchange(exchange(body=body, response_headers=[("Content-Type", "video/mp4")]))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    writer.close()
    assert peak < size / 2, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB body"
    with open(writer.files[0], "rb") as fh:
        fh.seek(location.offset)
        record = next(iter(ArchiveIterator(fh)))
        read_back = hashlib.sha1()
        while chunk := record.raw_stream.read(1 << 20):
            read_back.update(chunk)
    assert read_back.digest() == digest.digest()
    assert warcio_check(writer.files[0]).returncode == 0


def test_unseekable_body_stream(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    payload = os.urandom(300_000)
    threading.Thread(target=lambda: (os.write(write_end, payload), os.close(write_end))).start()
    with open(read_end, "rb", buffering=0) as pipe, new_writer(tmp_path) as writer:
        location = writer.write_exchange(exchange(body=pipe))
    assert content(writer.files[0], location.offset) == payload
    assert warcio_check(writer.files[0]).returncode == 0


# --------------------------------------------------------------------------- crash safety
KILL_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime, timezone
    from pathlib import Path
    from archiver.recording import Exchange, WarcWriter

    writer = WarcWriter(Path(sys.argv[1]), prefix="kill", warcinfo={"operator": "kill test"},
                        rollover_size=10**12)
    print("ready", flush=True)
    i = 0
    while True:
        size = [0, 2_000, 60_000, 600_000, 3_000_000][i % 5]
        ex = Exchange(url=f"https://news.example/{i}", method="GET", request_headers=[], request_body=None,
                      status=200, reason=None, response_headers=[("Content-Type", "application/octet-stream")],
                      body=os.urandom(size), body_decoded=False, captured_at=datetime.now(timezone.utc))
        loc = writer.write_exchange(ex)
        print(loc.record_id, loc.offset, flush=True)
        i += 1
    """
)


@pytest.mark.parametrize("trial", range(6))
def test_kill_9_leaves_every_returned_record_readable(tmp_path: Path, trial: int) -> None:
    out = tmp_path / "warcs"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(out)], stdout=subprocess.PIPE, env=env, text=True)
    assert proc.stdout.readline().strip() == "ready"
    # the kill lands after a number of returned records (1 to 12, by trial), however busy the machine:
    # the writer is waited for, record by record, never slept for
    wanted = random.Random(trial).randint(1, 12)
    written = dict(proc.stdout.readline().split() for _ in range(wanted))
    proc.send_signal(signal.SIGKILL)
    written.update(line.split() for line in proc.stdout.read().splitlines() if line)
    proc.wait()
    assert len(written) >= wanted >= 1                # records were returned before the kill, so it checks them
    [path] = list(out.iterdir())
    assert path.name.endswith(".warc.gz.open")

    with open(path, "rb") as fh:
        for record_id, offset in written.items():
            fh.seek(int(offset))
            record = next(iter(ArchiveIterator(fh, check_digests=True)))
            assert record.rec_headers.get_header("WARC-Record-ID") == record_id
            record.raw_stream.read()
            assert record.digest_checker.passed is not False

    result = repair_file(path)
    assert result.ok, (result.refused, result.report and result.report.problems)
    assert result.renamed and result.path.name.endswith(".warc.gz") and not path.exists()
    check = warcio_check(result.path)
    assert check.returncode == 0, check.stdout
    assert result.report.counts["response"] >= len(written)


# --------------------------------------------------------------------------- disk full
@pytest.fixture
def tiny_tmpfs(tmpfs) -> Path:
    return tmpfs("1m")


@pytest.mark.root
def test_disk_full_cuts_back_to_record_boundary(tiny_tmpfs: Path, tmp_path: Path) -> None:
    filler = tiny_tmpfs / "filler"
    filler.write_bytes(b"\0" * 300_000)
    writer = WarcWriter(tiny_tmpfs / "warcs", prefix="full", warcinfo={"operator": "disk full test"})
    written: list[WarcLocation] = []
    with pytest.raises(DiskFullError) as caught:
        for i in range(100):
            written.append(writer.write_exchange(exchange(url=f"https://news.example/{i}", body=os.urandom(70_000))))
    error = caught.value
    assert error.errno == errno.ENOSPC
    assert "No space left on device" in str(error) and ".warc.gz.open" in str(error)
    assert "cut back to its last complete record" in str(error) and "free disk space" in str(error)
    assert len(written) >= 3

    [path] = writer.files
    assert path.name.endswith(".warc.gz") and path.exists()  # closed under its final name
    last = written[-1]
    assert path.stat().st_size > last.offset + last.length  # its request record is there too
    report = verify_file(path)
    assert report.ok, report.problems
    assert report.counts["response"] == len(written)
    assert warcio_check(path).returncode == 0
    with open(path, "rb") as fh:
        for loc in written:
            fh.seek(loc.offset)
            assert next(iter(ArchiveIterator(fh))).rec_headers.get_header("WARC-Record-ID") == loc.record_id

    # once space is freed the same writer carries on in a new file
    filler.unlink()
    writer.write_exchange(exchange(body=b"after"))
    writer.close()
    assert len(writer.files) == 2 and records(writer.files[1])[0]["type"] == "warcinfo"
    assert verify_file(writer.files[1]).ok


@pytest.mark.root
def test_disk_full_on_the_warcinfo_leaves_no_file(tiny_tmpfs: Path) -> None:
    (tiny_tmpfs / "filler").write_bytes(b"\0" * (1024 * 1024 - 4096))
    writer = WarcWriter(tiny_tmpfs, prefix="full", warcinfo={"operator": os.urandom(20_000).hex()})
    with pytest.raises(DiskFullError, match="removed"):
        writer.write_exchange(exchange())
    assert writer.files == [] and not list(tiny_tmpfs.glob("*.warc.gz*"))
