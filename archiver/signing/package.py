"""Finishing a WACZ that py-wacz wrote: our provenance and logs in, then ``datapackage-digest.json``.

py-wacz cannot add fields to ``datapackage.json``, so the package is copied once
into a new zip: every member as it was (WARCs stay uncompressed, as WACZ needs),
the extra files (``logs/``) with their hashes listed, then ``datapackage.json``
and last ``datapackage-digest.json`` signed by *signer* when one is given.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from archiver.signing.signature import SOFTWARE, created_now

DATAPACKAGE = "datapackage.json"
DIGEST = "datapackage-digest.json"

Signer = Callable[[str, str], dict]     # (hash of datapackage.json, created) -> signedData


def sha256_hex(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def finish_package(source_path: Path, target_path: Path, *, provenance: dict, extra_files: dict[str, Path],
                   signer: Signer | None = None) -> dict:
    """Copy the WACZ *source_path* to *target_path* with all of the above; returns the digest written.

    *extra_files* maps a name inside the package (``logs/crawl.log``) to a file on disk. On any
    error (a signing server that refuses, say) nothing is left at *target_path*.
    """
    target_path = Path(target_path)
    partial = target_path.with_name(target_path.name + ".part")
    try:
        with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(partial, "w") as target:
            package = json.loads(source.read(DATAPACKAGE))
            for info in source.infolist():
                if info.filename in (DATAPACKAGE, DIGEST) or info.filename in extra_files:
                    continue
                with source.open(info) as src, target.open(_copy_info(info), "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            resources = [r for r in package.get("resources", []) if r.get("path") not in extra_files]
            for name, file in sorted(extra_files.items()):
                data = Path(file).read_bytes()
                target.writestr(_member(name, zipfile.ZIP_DEFLATED), data)
                resources.append({"name": Path(name).name.lower(), "path": name, "hash": sha256_hex(data),
                                  "bytes": len(data)})
            package["resources"] = resources
            created = created_now()
            package["created"] = created            # py-wacz and wacz-auth: the signature's `created`
            package["software"] = f"{SOFTWARE} ({package.get('software', 'py-wacz')})"
            package["provenance"] = provenance
            package_bytes = json.dumps(package, indent=2).encode("utf-8")
            target.writestr(_member(DATAPACKAGE, zipfile.ZIP_DEFLATED), package_bytes)
            digest = {"path": DATAPACKAGE, "hash": sha256_hex(package_bytes)}
            if signer is not None:
                digest["signedData"] = signer(digest["hash"], created)
            target.writestr(_member(DIGEST, zipfile.ZIP_DEFLATED), json.dumps(digest, indent=2))
        partial.replace(target_path)
    finally:
        partial.unlink(missing_ok=True)
    return digest


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.file_size = info.file_size          # lets zipfile decide on ZIP64 before writing
    return copy


def _member(name: str, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, time.gmtime()[:6])
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16
    return info
