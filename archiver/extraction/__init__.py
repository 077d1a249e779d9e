"""Article extraction as pure functions: page bytes in, ``Article`` out.

Nothing here imports Scrapy, so the same code runs inside a crawl and offline
over WARC records. The public surface is ``extract_article``; the modules
behind it each hold one concept (document decoding, structured data, names,
dates, body, reconciliation).
"""

from archiver.extraction.article import SELECTOR_KEYS, extract_article

__all__ = ["SELECTOR_KEYS", "extract_article"]
