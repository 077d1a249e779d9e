"""The crawlers the archiver is compared with, as small standalone scripts.

Each script crawls one start URL, follows same-host links and writes
``{"pages": N}`` (HTML pages fetched) to the path given with ``--stats``.
"""
