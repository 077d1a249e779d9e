"""Short, filesystem-safe keys from URLs: the names of screenshots and text exports.

Its own module, with no dependency, so offline tools (``archiver extract``) name
files as the crawler does without importing the browser layer.
"""

from __future__ import annotations

import hashlib


def url_key(url: str) -> str:
    """The first 16 hex digits of the URL's SHA-1: stable, short and path-safe."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
