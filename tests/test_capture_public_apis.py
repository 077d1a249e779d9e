"""The browser layer uses Playwright's public API only, and no scrapy-playwright at all; the venv is what
constraints.txt pins.

Private names (a leading underscore) of a dependency change without notice
between releases; an upgrade would then break rendering silently. This is the
check issue 14 asks for (``grep -rn "\\._[a-z]" archiver/ | grep -i playwright``),
plus the imports, read from the code itself.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ARCHIVER = Path(__file__).resolve().parents[1] / "archiver"
PRIVATE_ATTRIBUTE = re.compile(r"\._[a-z]")


def _sources() -> list[Path]:
    return sorted(ARCHIVER.rglob("*.py"))


def test_no_private_name_on_a_line_that_names_playwright():
    hits = [f"{path.relative_to(ARCHIVER.parent)}:{n}: {line.strip()}"
            for path in _sources()
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if PRIVATE_ATTRIBUTE.search(line) and "playwright" in line.lower()]
    assert not hits, "private Playwright names:\n" + "\n".join(hits)


def test_only_public_playwright_modules_are_imported():
    bad = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                parts = name.split(".")
                if parts[0] == "scrapy_playwright" or (parts[0] == "playwright"
                                                       and any(p.startswith("_") for p in parts)):
                    bad.append(f"{path.relative_to(ARCHIVER.parent)}:{node.lineno}: {name}")
    assert not bad, "private or dropped browser modules imported:\n" + "\n".join(bad)


def test_installed_versions_are_the_constraints():
    """constraints.txt is what CI tested; an upgrade in the venv must show up here, not as a silent change."""
    from importlib.metadata import PackageNotFoundError, version

    constraints = Path(__file__).resolve().parents[1] / "constraints.txt"
    differ = []
    for line in constraints.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, pinned = line.partition("==")
        try:
            installed = version(name)
        except PackageNotFoundError:
            differ.append(f"{name}: not installed (constraints.txt has {pinned})")
            continue
        if installed != pinned:
            differ.append(f"{name}: {installed} installed, constraints.txt has {pinned}")
    assert not differ, ("the venv is not what constraints.txt pins (make setup installs with it; after a "
                        "deliberate upgrade, regenerate it as its header says):\n" + "\n".join(differ))
