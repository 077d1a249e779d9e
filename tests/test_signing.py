"""Signed WACZ packages (wacz-auth): keys, signing, RFC 3161 timestamps, verification, tampering.

Everything is real: a `--render never` crawl of the sample outlets through the CLI, py-wacz
packaging, an OpenSSL TSA on 127.0.0.1 with its own test CA (tests/tsa.py), a real authsign
server (tests/authsign_server.py), and the independent verifiers of the tools venv: py-wacz's
`wacz validate --verify-auth` and harvard-lil's wacz-signing `verify_wacz`.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from archiver.research.tools import run_tool, tool
from archiver.signing.keys import load_key, public_key_b64
from tests.authsign_server import fingerprint, run_authsign
from tests.conftest import ARCHIVER, ROOT, crawl, run_archiver
from tests.tsa import make_ca, make_tsa, serve_tsa

MT = "themoscowtimes"
NOT_AUTHENTIC = 7


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """Two test CAs, each with a TSA: the trusted one, and one nobody pinned."""
    base = tmp_path_factory.mktemp("pki")
    trusted = make_ca(base / "tsa-ca", "Test TSA CA")
    other = make_ca(base / "other-ca", "Untrusted TSA CA")
    return {"ca": trusted, "tsa": make_tsa(trusted, base / "tsa"),
            "other_ca": other, "other_tsa": make_tsa(other, base / "other-tsa"), "base": base}


@pytest.fixture(scope="module")
def tsa_url(pki):
    with serve_tsa(pki["tsa"]) as url:
        yield url


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("config") / "news-archiver" / "signing-key.pem"
    proc = run_archiver("keys", "create", "--key", path)
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture(scope="module")
def signed_crawl(sample, tmp_path_factory, key_file, tsa_url):
    """`archiver crawl --wacz --sign --timestamp-url`: a plain-fetch crawl, packaged and signed at its end."""
    root = tmp_path_factory.mktemp("signed-archive")
    run = crawl(root, sample, MT, extra=("--render", "never", "--wacz", "--sign", "--key", str(key_file),
                                         "--timestamp-url", tsa_url))
    assert run.returncode == 0, run.stderr[-3000:]
    package = run.dirs[MT].with_name(run.dirs[MT].name + ".wacz")
    assert package.is_file(), run.stderr[-3000:]
    return run, package


def _verify(package: Path, *pins: str) -> subprocess.CompletedProcess:
    return run_archiver("verify", package, *pins)


def _pins(key_file: Path, pki) -> tuple[str, ...]:
    public = key_file.with_suffix(".pub.pem")
    public.write_text(load_key(key_file).public_pem())
    return ("--public-key", str(public), "--trust", str(pki["ca"].cert))


def _rezip(source: Path, target: Path, *, replace: dict[str, bytes] = {}, add: dict[str, bytes] = {}) -> Path:
    """Rebuild the zip as a tamperer would (valid CRCs), with members replaced or added."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, replace.get(info.filename, src.read(info.filename)), compress_type=info.compress_type)
        for name, data in add.items():
            dst.writestr(name, data)
    return target


def _index(package: Path) -> list[dict]:
    with zipfile.ZipFile(package) as wacz:
        lines = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode().splitlines()
    return [json.loads(line.split(" ", 2)[2]) for line in lines]


def _a_response(package: Path) -> dict:
    """An article's response record in the middle of its WARC (records follow it)."""
    entries = [e for e in _index(package) if e.get("mime") == "text/html" and e.get("status") == "200"]
    return sorted(entries, key=lambda e: int(e["offset"]))[len(entries) // 2]


def _flip_a_byte(package: Path, entry: dict) -> tuple[str, bytes]:
    """The WARC member holding *entry*, with one byte of its payload flipped (re-gzipped, as a tamperer would)."""
    member = f"archive/{entry['filename']}"
    with zipfile.ZipFile(package) as wacz:
        warc = bytearray(wacz.read(member))
    start, length = int(entry["offset"]), int(entry["length"])
    record = bytearray(gzip.decompress(bytes(warc[start:start + length])))
    record[-10] ^= 0x01
    warc[start:start + length] = gzip.compress(bytes(record))
    return member, bytes(warc)


# --------------------------------------------------------------------------- keys
def test_keys_create_is_private_and_refuses_an_output_root(tmp_path):
    key = tmp_path / "config" / "news-archiver" / "signing-key.pem"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    made = run_archiver("keys", "create", env=env)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    shown = run_archiver("keys", "show", env=env)
    assert shown.returncode == 0 and "BEGIN PUBLIC KEY" in shown.stdout
    assert public_key_b64(load_key(key).public_key) in shown.stdout

    again = run_archiver("keys", "create", env=env)
    assert again.returncode == 2 and "already exists" in again.stderr

    root = tmp_path / "archive"
    root.mkdir()
    (root / "state.sqlite").write_bytes(b"")           # what marks an output root
    inside = run_archiver("keys", "create", "--key", root / "keys" / "k.pem")
    assert inside.returncode == 2 and "inside the output root" in inside.stderr
    assert not (root / "keys" / "k.pem").exists()

    key.chmod(0o644)
    loose = run_archiver("keys", "show", env=env)
    assert loose.returncode == 2 and "chmod 600" in loose.stderr


# --------------------------------------------------------------------------- signing and verifying
@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_signed_crawl_is_authentic_with_a_trusted_timestamp(signed_crawl, key_file, pki):
    run, package = signed_crawl
    with zipfile.ZipFile(package) as wacz:
        digest = json.loads(wacz.read("datapackage-digest.json"))
        datapackage_bytes = wacz.read("datapackage.json")
    signed = digest["signedData"]
    assert digest["path"] == "datapackage.json"
    assert digest["hash"] == "sha256:" + hashlib.sha256(datapackage_bytes).hexdigest() == signed["hash"]
    assert set(signed) == {"hash", "created", "software", "version", "signature", "publicKey",
                           "timeSignature", "timestampCert"}
    assert signed["created"] == json.loads(datapackage_bytes)["created"]
    key = load_key(key_file)
    assert signed["publicKey"] == public_key_b64(key.public_key)
    key.public_key.verify(base64.b64decode(signed["signature"]), signed["hash"].encode(), ec.ECDSA(hashes.SHA256()))

    proc = _verify(package, *_pins(key_file, pki))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{package}: authentic" in proc.stdout
    assert "(pinned)" in proc.stdout and "timestamped by CN=Test TSA" in proc.stdout
    assert f"at {signed['created']}, with news-archiver" in proc.stdout
    run_tool("wacz", "validate", "-f", str(package))      # py-wacz: hashes, digest, created agree


@pytest.mark.slow
@pytest.mark.root
@pytest.mark.needs("wacz", "unshare")
def test_anonymous_signing_needs_no_network(signed_crawl, key_file, tmp_path):
    """`archiver wacz --sign` in a network namespace with no interface up, not even loopback."""
    run, _ = signed_crawl
    out = tmp_path / "offline.wacz"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(["unshare", "--net", *ARCHIVER, "wacz", str(run.dirs[MT]), "-o", str(out),
                           "--sign", "--key", str(key_file)], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    verdict = run_archiver("verify", out, "--json")
    assert verdict.returncode == 0, verdict.stdout
    package = json.loads(verdict.stdout)["packages"][0]
    assert package["authentic"] and package["signed"] and package["timestamp"] is None


@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_provenance_and_logs_are_in_the_package(signed_crawl):
    run, package = signed_crawl
    with zipfile.ZipFile(package) as wacz:
        datapackage = json.loads(wacz.read("datapackage.json"))
        names = set(wacz.namelist())
        everything = b"".join(wacz.read(n) for n in names)
    crawl_entry = datapackage["provenance"]["crawls"][0]
    assert crawl_entry["crawl_id"] == run.dirs[MT].name and crawl_entry["started"] and crawl_entry["finished"]
    info = crawl_entry["warcinfo"]
    for part in ("Scrapy/", "playwright/", "warcio/", "Python/"):
        assert part in info["software"]
    assert info["robots"] == "obey" and info["hostname"] and info["operator"] and info["run-started"]
    assert "news-archiver" in info["http-header-user-agent"]
    assert json.loads(info["settings"])["ARCHIVER_RENDER"] == "never"
    assert f"logs/{run.dirs[MT].name}-crawl.log" in names
    listed = {r["path"] for r in datapackage["resources"]}
    assert f"logs/{run.dirs[MT].name}-crawl.log" in listed
    assert b"PRIVATE KEY" not in everything


@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_refusals_say_what_to_fix_and_write_nothing(signed_crawl, key_file, pki, tmp_path):
    run, _ = signed_crawl
    out = tmp_path / "x.wacz"
    no_tsa = run_archiver("wacz", run.dirs[MT], "-o", out, "--sign", "--key", key_file,
                          "--timestamp-url", "http://127.0.0.1:9/tsr")
    assert no_tsa.returncode == 1 and "timestamp authority http://127.0.0.1:9/tsr did not answer" in no_tsa.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    no_key = run_archiver("wacz", run.dirs[MT], "-o", out, "--sign", "--key", tmp_path / "none.pem")
    assert no_key.returncode == 1 and "archiver keys create" in no_key.stderr and not out.exists()
    stray = run_archiver("wacz", run.dirs[MT], "-o", out, "--timestamp-url", "http://127.0.0.1:9/tsr")
    assert stray.returncode == 1 and "take effect with --sign" in stray.stderr

    unsigned = run_archiver("wacz", run.dirs[MT], "-o", out)
    assert unsigned.returncode == 0, unsigned.stderr
    plain = _verify(out)
    assert plain.returncode == 0 and "intact, but not signed" in plain.stdout
    pinned = _verify(out, *_pins(key_file, pki))
    assert pinned.returncode == NOT_AUTHENTIC and "not signed, but you asked for a pinned signer" in pinned.stdout


# --------------------------------------------------------------------------- tampering
@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_one_changed_byte_in_a_record_is_found(signed_crawl, key_file, pki, tmp_path):
    _, package = signed_crawl
    entry = _a_response(package)
    member, warc = _flip_a_byte(package, entry)
    start = int(entry["offset"])
    tampered = _rezip(package, tmp_path / "byte.wacz", replace={member: warc})
    proc = _verify(tampered, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC, proc.stdout
    assert "NOT AUTHENTIC" in proc.stdout
    assert f"{member} was changed after packaging" in proc.stdout
    assert f"record of {entry['url']} at offset {start}" in proc.stdout


@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_a_removed_record_is_found(signed_crawl, key_file, pki, tmp_path):
    _, package = signed_crawl
    entry = _a_response(package)
    member = f"archive/{entry['filename']}"
    with zipfile.ZipFile(package) as wacz:
        warc = wacz.read(member)
    start, length = int(entry["offset"]), int(entry["length"])
    tampered = _rezip(package, tmp_path / "removed.wacz", replace={member: warc[:start] + warc[start + length:]})
    proc = _verify(tampered, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC, proc.stdout
    assert f"{member} was changed after packaging" in proc.stdout
    assert "records before it were removed or added" in proc.stdout


@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_datapackage_edited_with_its_hash_breaks_the_signature(signed_crawl, key_file, pki, tmp_path):
    """A tamperer changes a WARC, lists its new hash in datapackage.json and updates the digest's hash."""
    _, package = signed_crawl
    member, warc = _flip_a_byte(package, _a_response(package))
    with zipfile.ZipFile(package) as wacz:
        datapackage = json.loads(wacz.read("datapackage.json"))
        digest = json.loads(wacz.read("datapackage-digest.json"))
    for resource in datapackage["resources"]:
        if resource["path"] == member:
            resource["hash"] = "sha256:" + hashlib.sha256(warc).hexdigest()
    new_bytes = json.dumps(datapackage, indent=2).encode()
    digest["hash"] = "sha256:" + hashlib.sha256(new_bytes).hexdigest()
    tampered = _rezip(package, tmp_path / "edited.wacz", replace={
        member: warc, "datapackage.json": new_bytes, "datapackage-digest.json": json.dumps(digest).encode()})
    proc = _verify(tampered, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC, proc.stdout
    assert "the signature is over another datapackage.json" in proc.stdout
    assert f"{member} was changed after packaging" not in proc.stdout       # the hash list agrees now
    failed = run_archiver("verify", tampered, "--json")
    assert not json.loads(failed.stdout)["packages"][0]["authentic"]


@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_a_signature_by_another_key_is_refused(signed_crawl, key_file, pki, tmp_path):
    _, package = signed_crawl
    intruder = ec.generate_private_key(ec.SECP256R1())
    with zipfile.ZipFile(package) as wacz:
        digest = json.loads(wacz.read("datapackage-digest.json"))
    signed = dict(digest["signedData"])
    signed.pop("timeSignature"), signed.pop("timestampCert")
    signed["signature"] = base64.b64encode(intruder.sign(signed["hash"].encode(), ec.ECDSA(hashes.SHA256()))).decode()

    swapped = _rezip(package, tmp_path / "swapped.wacz", replace={"datapackage-digest.json": json.dumps(
        {**digest, "signedData": signed}).encode()})
    proc = _verify(swapped, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC, proc.stdout
    assert "does not verify with the package's publicKey" in proc.stdout

    signed["publicKey"] = public_key_b64(intruder.public_key())       # a whole, valid signature by the intruder
    resigned = _rezip(package, tmp_path / "resigned.wacz", replace={"datapackage-digest.json": json.dumps(
        {**digest, "signedData": signed}).encode()})
    proc = _verify(resigned, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC, proc.stdout
    assert "which is not one of the keys you pinned" in proc.stdout
    assert _verify(resigned).returncode == 0        # unpinned, it is a valid anonymous signature: pins matter


@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_a_timestamp_from_an_untrusted_tsa_is_refused(signed_crawl, key_file, pki, tmp_path):
    run, _ = signed_crawl
    out = tmp_path / "other-tsa.wacz"
    with serve_tsa(pki["other_tsa"]) as other_url:
        made = run_archiver("wacz", run.dirs[MT], "-o", out, "--sign", "--key", key_file, "--timestamp-url", other_url)
    assert made.returncode == 0, made.stderr
    proc = _verify(out, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC, proc.stdout
    assert "the timestamp by CN=Test TSA is not from a timestamp authority you trust" in proc.stdout
    trusting_it = _verify(out, "--trust", str(pki["other_ca"].cert))
    assert trusting_it.returncode == 0, trusting_it.stdout


@pytest.mark.slow
@pytest.mark.needs("wacz")
def test_a_page_added_by_rezipping_is_found(signed_crawl, key_file, pki, tmp_path):
    _, package = signed_crawl
    with zipfile.ZipFile(package) as wacz:
        pages = wacz.read("pages/pages.jsonl")
    page = json.dumps({"id": "added", "url": "http://example.com/fake", "ts": "2026-01-01T00:00:00Z",
                       "title": "Never archived"}).encode()
    tampered = _rezip(package, tmp_path / "page.wacz", replace={"pages/pages.jsonl": pages + page + b"\n"})
    proc = _verify(tampered, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC, proc.stdout
    assert "pages/pages.jsonl was changed after packaging" in proc.stdout
    added = _rezip(package, tmp_path / "extra.wacz", add={"pages/extraPages.jsonl": page})
    proc = _verify(added, *_pins(key_file, pki))
    assert proc.returncode == NOT_AUTHENTIC and "pages/extraPages.jsonl was added after packaging" in proc.stdout


# --------------------------------------------------------------------------- domain identity, independent verifiers
@pytest.mark.slow
@pytest.mark.needs("wacz", "uvicorn")
def test_domain_signing_through_authsign_passes_three_verifiers(signed_crawl, pki, tsa_url, tmp_path):
    run, _ = signed_crawl
    out = tmp_path / "domain.wacz"
    with run_authsign(tmp_path / "authsign", tsa_url, pki["ca"]) as server:
        refused = run_archiver("wacz", run.dirs[MT], "-o", tmp_path / "refused.wacz", "--signing-url",
                               server.url + "/sign", env={"ARCHIVER_SIGNING_TOKEN": "wrong"})
        assert refused.returncode == 1 and "HTTP 403" in refused.stderr and "ARCHIVER_SIGNING_TOKEN" in refused.stderr
        assert not (tmp_path / "refused.wacz").exists()

        made = run_archiver("wacz", run.dirs[MT], "-o", out, "--signing-url", server.url + "/sign",
                            env={"ARCHIVER_SIGNING_TOKEN": server.token})
        assert made.returncode == 0, made.stderr
        assert server.token not in made.stdout + made.stderr

        ours = _verify(out, "--trust", str(server.domain_ca.cert), "--trust", str(pki["ca"].cert))
        assert ours.returncode == 0, ours.stdout
        assert "authentic" in ours.stdout and "signed by domain archive.test" in ours.stdout
        assert "with authsigner" in ours.stdout and "timestamped by CN=Test TSA" in ours.stdout

        pywacz = subprocess.run([str(tool("wacz")), "validate", "-f", str(out), "--verify-auth",
                                 "--verifier-url", server.url + "/verify"], capture_output=True, text=True, timeout=300)
        assert pywacz.returncode == 0, pywacz.stdout + pywacz.stderr
        assert "Successfully verified signature via" in pywacz.stdout

    python = tool("python")
    env = {**os.environ, "CERT_ROOTS": fingerprint(server.domain_ca.cert), "TS_ROOTS": fingerprint(pki["ca"].cert)}
    lil = subprocess.run([str(python), "-c", "import json, sys; from wacz_signing import signer; "
                          "print(json.dumps(signer.verify_wacz(sys.argv[1])))", str(out)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert lil.returncode == 0, lil.stderr[-2000:]
    assert json.loads(lil.stdout.strip().splitlines()[-1])["observer"] == ["archive.test"]
    with zipfile.ZipFile(out) as wacz:
        assert all(server.token.encode() not in wacz.read(n) for n in wacz.namelist())


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.needs("wacz", "wayback")
def test_the_research_page_shows_who_signed_a_capture_and_whether_it_verifies(page, signed_crawl, tmp_path):
    from playwright.sync_api import expect

    run, package = signed_crawl
    article = run.items(MT)[0]["url"]
    process = subprocess.Popen([*ARCHIVER, "ui", str(run.root), "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    original = package.read_bytes()
    try:
        line = ""
        while not line.startswith("research page: "):
            line = process.stdout.readline()
            assert line, f"archiver ui exited: {process.stderr.read()[-3000:]}"
        base = line.strip().partition(": ")[2]
        page.goto(f"{base}/article?url={article}")
        cell = page.locator("#package")
        expect(cell).to_contain_text(f"{package.name}: signed by key ")
        expect(cell).to_contain_text("timestamped by CN=Test TSA")
        expect(cell).to_contain_text("; verified")

        member, warc = _flip_a_byte(package, _a_response(package))
        _rezip(package, tmp_path / "tampered.wacz", replace={member: warc}).replace(package)
        page.reload()
        expect(cell).to_contain_text("NOT AUTHENTIC: ")
        expect(cell).to_contain_text(f"{member} was changed after packaging")
    finally:
        package.write_bytes(original)                # the other tests' package stays as signed
        process.terminate()
        process.wait(timeout=30)
