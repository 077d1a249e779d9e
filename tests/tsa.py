"""A test PKI made with openssl, and a real RFC 3161 timestamp authority: ``openssl ts -reply``
behind a small HTTP front on 127.0.0.1.

``make_ca(dir, name)`` makes a self-signed CA; ``make_tsa(ca, dir)`` a TSA certificate it
issues (critical extendedKeyUsage timeStamping, as RFC 3161 requires); ``make_domain_cert``
a TLS-style certificate for a host name (an authsign server's domain identity).
``serve_tsa(tsa)`` answers timestamp queries until the context ends.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Cert:
    cert: Path
    key: Path
    chain: Path          # this certificate, then its issuers up to the root (PEM)


def _openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"openssl {' '.join(args)}: {result.stderr}"


def make_ca(folder: Path, name: str) -> Cert:
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key", cwd=folder)
    _openssl("req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "30", "-subj", f"/CN={name}",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-out", "ca.crt", cwd=folder)
    return Cert(folder / "ca.crt", folder / "ca.key", folder / "ca.crt")


def _issue(ca: Cert, folder: Path, subject: str, extensions: str, *, rsa: bool = False) -> Cert:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ext.cnf").write_text(extensions)
    if rsa:
        _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "leaf.key", cwd=folder)
    else:
        _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key", cwd=folder)
    _openssl("req", "-new", "-key", "leaf.key", "-subj", subject, "-out", "leaf.csr", cwd=folder)
    _openssl("x509", "-req", "-in", "leaf.csr", "-CA", str(ca.cert), "-CAkey", str(ca.key), "-CAcreateserial",
             "-days", "5", "-sha256", "-extfile", "ext.cnf", "-out", "leaf.crt", cwd=folder)
    chain = folder / "chain.pem"
    chain.write_text((folder / "leaf.crt").read_text() + ca.chain.read_text())
    return Cert(folder / "leaf.crt", folder / "leaf.key", chain)


def make_tsa(ca: Cert, folder: Path) -> Cert:
    """An RSA TSA, as FreeTSA and DigiCert are (wacz-signing's rfc3161ng checks RSA tokens only)."""
    return _issue(ca, folder, "/CN=Test TSA", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                              "extendedKeyUsage=critical,timeStamping\n", rsa=True)


def make_domain_cert(ca: Cert, folder: Path, domain: str) -> Cert:
    return _issue(ca, folder, f"/CN={domain}", f"basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                               f"subjectAltName=DNS:{domain}\n")


TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = {cert}
certs = {certs}
signer_key = {key}
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@contextmanager
def serve_tsa(tsa: Cert) -> Iterator[str]:
    """The URL of a TSA signing with *tsa*; each POSTed query gets ``openssl ts -reply``'s answer."""
    with tempfile.TemporaryDirectory(prefix="tsa-") as tmp:
        work = Path(tmp)
        (work / "serial").write_text("01\n")
        issuers = work / "issuers.pem"                 # the chain above the TSA (the signer goes in once)
        pem = tsa.chain.read_text()
        issuers.write_text(pem[pem.index("-----END CERTIFICATE-----") + 26:])
        config = work / "tsa.cnf"
        config.write_text(TSA_CONFIG.format(dir=work, cert=tsa.cert, certs=issuers, key=tsa.key))
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:                       # openssl keeps one serial file
                    (work / "query.tsq").write_bytes(query)
                    result = subprocess.run(["openssl", "ts", "-reply", "-config", str(config),
                                             "-queryfile", "query.tsq", "-out", "reply.tsr"],
                                            cwd=work, capture_output=True)
                    reply = (work / "reply.tsr").read_bytes() if result.returncode == 0 else b""
                if not reply:
                    self.send_error(500, result.stderr.decode()[:200])
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/tsr"
        finally:
            server.shutdown()
            server.server_close()
