"""Researchers' tools read an archive without writing to it, and work on a read-only mount.

Each tool runs twice over a copy of the hostile-text archive (two crawls, the
second with revisits into the first, so the digest index is read): once on a
read-only bind mount of the copy (``mount -o remount,ro,bind``: the tests run as
root, whom file permissions do not stop), and once on the writable copy, whose
every file and folder must keep its size and modification time.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import run_archiver
from tests.hostile_text_site import HostileArchive
from tests.local_http import get, serving

pytestmark = [pytest.mark.root, pytest.mark.slow]


@dataclass
class Copies:
    writable: Path              # a copy of the archive's output root
    readonly: Path              # the same copy, bind-mounted read-only
    archive: HostileArchive

    def folder(self, root: Path, n: int) -> Path:
        return root / self.archive.folders[n].name


def _mount_readonly(source: Path, mountpoint: Path) -> None:
    mountpoint.mkdir()
    for argv in (["mount", "--bind", str(source), str(mountpoint)],
                 ["mount", "-o", "remount,ro,bind", str(mountpoint)]):
        result = subprocess.run(argv, capture_output=True, text=True)
        assert result.returncode == 0, f"{' '.join(argv)}: {result.stderr}"


@pytest.fixture(scope="module")
def copies(hostile_archive, tmp_path_factory) -> Iterator[Copies]:
    base = tmp_path_factory.mktemp("readonly")
    writable = base / "archive"
    shutil.copytree(hostile_archive.root, writable, symlinks=True)
    _mount_readonly(writable, base / "mounted")
    try:
        probe = base / "mounted" / "probe"
        with pytest.raises(OSError):
            probe.write_text("x")                       # the mount really is read-only
        yield Copies(writable, base / "mounted", hostile_archive)
    finally:
        subprocess.run(["umount", "-l", str(base / "mounted")], check=False)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in [root, *root.rglob("*")]}


def _ok(*args) -> str:
    proc = run_archiver(*args, timeout=300)
    assert proc.returncode == 0, f"archiver {args[0]}: {proc.stderr[-3000:]}"
    return proc.stdout


def _ls(c: Copies, root: Path, out: Path) -> None:
    assert "response" in _ok("ls", c.folder(root, 1), "--json")


def _verify(c: Copies, root: Path, out: Path) -> None:
    _ok("verify", root)


def _search(c: Copies, root: Path, out: Path) -> None:
    assert "storm" in _ok("search", "storm", root, "--json").lower()


def _history(c: Copies, root: Path, out: Path) -> None:
    assert "2 version(s)" in _ok("history", c.archive.site.article_url, root)


def _diff(c: Copies, root: Path, out: Path) -> None:
    assert "{+Update" in _ok("diff", c.archive.site.article_url, root, "--html", out / "diff.html")


def _show(c: Copies, root: Path, out: Path) -> None:
    assert "Storm" in _ok("show", c.archive.site.article_url, c.folder(root, 1))


def _wacz(c: Copies, root: Path, out: Path) -> None:
    _ok("wacz", c.folder(root, 1), "-o", out / "second.wacz")
    assert (out / "second.wacz").stat().st_size > 0


def _replay(c: Copies, root: Path, out: Path) -> None:
    with serving("replay", str(c.folder(root, 1)), "--port", "0", ready="pages") as (pages, _):
        status, body = get(pages, urlsplit(pages).path)
        assert status == 200 and "storm" in body.lower()


def _ui(c: Copies, root: Path, out: Path) -> None:
    with serving("ui", str(root), "--port", "0", ready="research page") as (url, _):
        status, body = get(url, "/?q=storm")
        assert status == 200 and "storm" in body.lower()


TOOLS: dict[str, tuple[Callable[[Copies, Path, Path], None], tuple[str, ...]]] = {
    "ls": (_ls, ()), "verify": (_verify, ()), "search": (_search, ()), "history": (_history, ()),
    "diff": (_diff, ()), "show": (_show, ()), "wacz": (_wacz, ("wacz",)),
    "replay": (_replay, ("wayback", "wb-manager")), "ui": (_ui, ("wayback", "wb-manager")),
}


@pytest.mark.parametrize("tool", [pytest.param(name, marks=pytest.mark.needs(*needs) if needs else ())
                                  for name, (_, needs) in TOOLS.items()])
def test_a_tool_reads_the_archive_without_writing_to_it(copies, tool, tmp_path):
    run, _ = TOOLS[tool]
    run(copies, copies.readonly, tmp_path)          # works on a read-only mount
    before = _snapshot(copies.writable)
    run(copies, copies.writable, tmp_path)
    assert _snapshot(copies.writable) == before     # and writes nothing, creates nothing, in a writable one


@pytest.mark.needs("wayback", "wb-manager")
def test_ui_without_a_search_index_builds_one_outside_the_archive(copies, tmp_path):
    source = tmp_path / "no-index"
    shutil.copytree(copies.writable, source, symlinks=True)
    (source / "search.sqlite").unlink()
    mounted = tmp_path / "mounted"
    _mount_readonly(source, mounted)
    try:
        _ui(copies, mounted, tmp_path)
    finally:
        subprocess.run(["umount", "-l", str(mounted)], check=False)
    assert not (source / "search.sqlite").exists()
