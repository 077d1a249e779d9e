"""Login profiles: named browser sessions (cookies, localStorage, user agent, viewport) for logged-in crawls.

Stored outside every output root (``store``), made by an outlet's login recipe
(``recipe``, ``login``) or imported from the archivist's browser (``importing``),
used by a crawl (``crawl``), kept out of the WARC files (``redact``).
"""
