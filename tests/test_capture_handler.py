"""BrowserDownloadHandler reads the browser's context from the crawl's settings, not from values
frozen when archiver.settings was imported: ``--set ARCHIVER_VIEWPORT=...`` sizes the pages."""

from __future__ import annotations

import json
import struct

import pytest

from tests.conftest import run_archiver

OUTLET = "harbourgazette"


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])           # IHDR: width, height


@pytest.mark.browser
@pytest.mark.slow
def test_set_viewport_sizes_the_rendered_pages(sample, tmp_path):
    viewport = {"width": 640, "height": 480}
    proc = run_archiver("crawl", OUTLET, "--out", tmp_path, f"--base-url={OUTLET}={sample.urls[OUTLET]}",
                        "--render", "always", "--max-pages", "3", "--quiet",
                        "--set", f"ARCHIVER_VIEWPORT={json.dumps(viewport)}", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    shots = list(tmp_path.glob(f"{OUTLET}-*/screenshots/*.png"))
    assert shots, "no screenshot taken"
    for shot in shots:
        width, _ = _png_size(shot.read_bytes())
        assert width == viewport["width"], f"{shot.name}: {width} px wide, not the viewport's {viewport['width']}"
