"""The comparisons of a replay against its capture: pure functions on images and strings.

- screenshot match: mapbox's pixelmatch (the C++ port, on Pillow images), the
  share of the capture's pixels the replay matches at the same size;
- text match: normalised Levenshtein similarity (rapidfuzz) of the visible texts;
- article check: the share of the item's body paragraphs present in the replay's text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pybind11_pixelmatch
from PIL import Image
from rapidfuzz.distance import Levenshtein

_SPACE = re.compile(r"\s+")


@dataclass
class PixelMatch:
    score: float                      # share of matching pixels, 0..1
    size: tuple[int, int]             # the capture's width, height
    diff: Image.Image                 # pixelmatch's diff image (differences in red)

    def diff_png(self) -> bytes:
        """The diff image as PNG (encoded only when wanted: a tall page takes a second)."""
        buffer = io.BytesIO()
        self.diff.save(buffer, format="PNG")
        return buffer.getvalue()


def screenshot_match(captured_png: bytes, replayed_png: bytes, threshold: float = 0.1) -> PixelMatch:
    """Compare at the capture's size: pixels of the capture the replay does not cover (a page that
    replays shorter or narrower) count as different, and are red in the diff image too."""
    captured = Image.open(io.BytesIO(captured_png)).convert("RGBA")
    replayed = Image.open(io.BytesIO(replayed_png)).convert("RGBA")
    width, height = min(captured.width, replayed.width), min(captured.height, replayed.height)
    box = (0, 0, width, height)
    shape = (height, width, 4)
    output = bytearray(width * height * 4)
    options = pybind11_pixelmatch.Options()
    options.threshold = threshold
    different = pybind11_pixelmatch.pixelmatch(
        memoryview(captured.crop(box).tobytes()).cast("B", shape),
        memoryview(replayed.crop(box).tobytes()).cast("B", shape),
        output=memoryview(output).cast("B", shape), options=options)
    total = captured.width * captured.height
    different += total - width * height
    diff = Image.new("RGB", captured.size, (255, 0, 0))
    diff.paste(Image.frombytes("RGBA", (width, height), bytes(output)).convert("RGB"), (0, 0))
    return PixelMatch(score=1 - different / total, size=captured.size, diff=diff)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def text_match(captured: str, replayed: str) -> float:
    """1.0 for the same visible text (whitespace aside), falling with the edit distance."""
    a, b = normalise(captured), normalise(replayed)
    if not a and not b:
        return 1.0
    return Levenshtein.normalized_similarity(a, b)


def article_check(paragraphs: list[str], replayed: str) -> tuple[float, list[str]]:
    """Share of the body paragraphs found in the replay's text, and the paragraphs missing."""
    wanted = [normalise(p) for p in paragraphs if normalise(p)]
    if not wanted:
        return 1.0, []
    text = normalise(replayed)
    missing = [p for p in wanted if p not in text]
    return 1 - len(missing) / len(wanted), missing
