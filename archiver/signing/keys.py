"""The archivist's signing key: an ECDSA P-256 key pair in a file only its owner can read.

The key lives outside every output root (a WACZ or crawl folder that is shared
must never carry it): by default ``$XDG_CONFIG_HOME/news-archiver/signing-key.pem``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from archiver import settings as defaults

KEY_FILE_NAME = "signing-key.pem"


class SigningKeyError(Exception):
    """A key that cannot be made or used, with the reason and the fix."""


def default_key_path() -> Path:
    """``$ARCHIVER_SIGNING_KEY``, else ``$XDG_CONFIG_HOME/news-archiver/signing-key.pem`` (~/.config)."""
    if os.environ.get("ARCHIVER_SIGNING_KEY"):
        return Path(os.environ["ARCHIVER_SIGNING_KEY"])
    if defaults.ARCHIVER_SIGNING_KEY:
        return Path(defaults.ARCHIVER_SIGNING_KEY)
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "news-archiver" / KEY_FILE_NAME


def output_root_holding(path: Path, roots: list[Path] = ()) -> Path | None:
    """The output root or crawl folder *path* would sit in, or None.

    An output root is one named in *roots* (and the default ``warcs``), or any folder that
    holds the marks of one: ``state.sqlite`` (an output root) or ``crawl.json`` (a crawl folder).
    """
    target = Path(path).expanduser().resolve()
    named = [Path(r).expanduser().resolve() for r in (*roots, defaults.ARCHIVER_OUTPUT_ROOT)]
    for root in named:
        if target.is_relative_to(root):
            return root
    for folder in target.parents:
        if (folder / "state.sqlite").is_file() or (folder / "crawl.json").is_file():
            return folder
    return None


def public_key_b64(public_key: ec.EllipticCurvePublicKey) -> str:
    """The ``publicKey`` of a wacz-auth anonymous signature: base64 of the DER SubjectPublicKeyInfo."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def fingerprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """SHA-256 of the DER public key, hex: short enough to read out, compare and publish."""
    return hashlib.sha256(base64.b64decode(public_key_b64(public_key))).hexdigest()


def load_public_key(text: str) -> ec.EllipticCurvePublicKey:
    """A public key given as PEM, or as the base64 DER a signature carries."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
    else:
        key = serialization.load_der_public_key(base64.b64decode(text))
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("not an ECDSA public key")
    return key


@dataclass(frozen=True)
class SigningKey:
    path: Path
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    def sign(self, text: str) -> str:
        """ECDSA-SHA256 over the ASCII *text*, base64 DER: what authsign and wacz-auth verifiers expect."""
        der = self.private_key.sign(text.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        return base64.b64encode(der).decode("ascii")

    def public_pem(self) -> str:
        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def create_key(path: Path, *, roots: list[Path] = (), force: bool = False) -> SigningKey:
    """Make a new P-256 key at *path* (mode 0600, its folder 0700); never inside an output root."""
    path = Path(path).expanduser()
    inside = output_root_holding(path, roots)
    if inside is not None:
        raise SigningKeyError(f"refusing to keep a signing key inside the output root {inside}: anything there "
                        "may be packaged and shared; give --key a path outside it (default: "
                        f"{default_key_path()})")
    if path.exists() and not force:
        raise SigningKeyError(f"{path} already exists; packages signed with it verify only with its public key. "
                        "Keep it, or pass --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_key = ec.generate_private_key(ec.SECP256R1())
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    partial = path.with_name(path.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(partial, 0o600)
    partial.replace(path)
    return SigningKey(path, private_key)


def load_key(path: Path | None = None) -> SigningKey:
    """The key at *path* (default: default_key_path()); refused when others may read it."""
    path = Path(path or default_key_path()).expanduser()
    if not path.is_file():
        raise SigningKeyError(f"no signing key at {path}; make one with `archiver keys create` (or give --key)")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SigningKeyError(f"{path} can be read by others (mode {mode:o}); `chmod 600 {path}`, and make a new "
                        "key if anyone else may have copied it")
    try:
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise SigningKeyError(f"{path} is not a PEM private key: {exc}") from exc
    if not isinstance(private_key, ec.EllipticCurvePrivateKey):
        raise SigningKeyError(f"{path} is not an ECDSA key; make one with `archiver keys create`")
    return SigningKey(path, private_key)
