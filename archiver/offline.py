"""Libraries the archiver uses reach the network only for the crawl: this turns their own fetches off.

``tldextract`` (built by Scrapy's ``CookiesMiddleware`` when it is imported)
downloads the Public Suffix List from publicsuffix.org and GitHub on first use,
whatever proxy the crawl was given. It reads its list of sources from the
environment when it is built, so the empty list set here, before Scrapy's
middlewares are imported, makes it use the snapshot it ships. A list the user
set (a local file, say) is kept.

The other libraries that can fetch do so only when handed a URL where a
document was expected (``htmldate.find_date``, ``trafilatura.fetch_url``);
the extraction code hands them documents (see ``extraction.datelines``).
"""

from __future__ import annotations

import os

PUBLIC_SUFFIX_LIST_SOURCES = "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"


def keep_libraries_offline() -> None:
    """Make tldextract use its bundled Public Suffix List (an empty source list means: fetch nothing)."""
    os.environ.setdefault(PUBLIC_SUFFIX_LIST_SOURCES, "")
