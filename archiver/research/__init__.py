"""Researcher tools: reading crawls back out of their WARC files.

One module per concept; the ``archiver`` subcommands (ls, index, wacz,
extract, show, replay) are thin wrappers around them. Nothing here imports
Scrapy or the GPL tools (pywb, py-wacz): those run as subprocesses from the
tools venv (``make tools``), located by :mod:`archiver.research.tools`.
"""
