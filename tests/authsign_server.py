"""A real authsign signing server (webrecorder/authsign, from the tools venv) on 127.0.0.1.

Its domain certificate comes from a test CA (made with openssl), placed where authsign
keeps the certificate it would get from ACME, so it never calls Let's Encrypt; its
timestamps come from the local OpenSSL TSA (tests/tsa.py). Its ``/verify`` endpoint
trusts exactly these two test CAs.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from archiver.research.tools import tool
from tests.tsa import Cert, make_ca, make_domain_cert

PASSPHRASE = b"passphrase"           # authsign's own fixed passphrase for its stored key


@dataclass(frozen=True)
class AuthsignServer:
    url: str                          # base URL: POST /sign, POST /verify
    domain: str
    domain_ca: Cert
    token: str


def fingerprint(pem_file: Path) -> str:
    cert = x509.load_pem_x509_certificate(pem_file.read_bytes())
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


@contextmanager
def run_authsign(folder: Path, tsa_url: str, tsa_ca: Cert, *, domain: str = "archive.test",
                 token: str = "test-signing-token") -> Iterator[AuthsignServer]:
    domain_ca = make_ca(folder / "domain-ca", "Test Domain CA")
    leaf = make_domain_cert(domain_ca, folder / "domain", domain)
    data = folder / "authsign-data"
    data.mkdir()
    (data / "cert.pem").write_text(leaf.chain.read_text())
    key = serialization.load_pem_private_key(leaf.key.read_bytes(), password=None)
    (data / "private-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE)))
    roots = folder / "roots.yaml"
    roots.write_text(f"domain_cert_roots:\n  - {fingerprint(domain_ca.cert)}\n"
                     f"timestamp_cert_roots:\n  - {fingerprint(tsa_ca.cert)}\n")
    config = folder / "authsign.yaml"
    config.write_text(f"signing:\n  domain: {domain}\n  email: archivist@{domain}\n  port: 80\n"
                      f"  output: {data}\n  staging: false\n  timestamping:\n    - url: {tsa_url}\n"
                      f"trusted_roots: {roots}\n")
    env = {**os.environ, "CONFIG": str(config), "NO_RENEW": "1", "AUTH_TOKEN": token}
    uvicorn = tool("uvicorn")
    proc = subprocess.Popen([str(uvicorn), "authsign.main:app", "--host", "127.0.0.1", "--port", "0"],
                            cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        log = []
        for line in proc.stdout:
            log.append(line)
            found = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
            if found:
                break
        else:
            raise RuntimeError("authsign did not start:\n" + "".join(log[-40:]))
        yield AuthsignServer(found.group(1), domain, domain_ca, token)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
