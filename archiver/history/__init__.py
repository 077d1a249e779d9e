"""Article history: versions of an article over time, and what changed between them.

``schedule`` (when a known article is due for another look), ``versions`` (what
counts as a change; pure), ``tracker`` (the crawl's side: re-checks and new
versions over the crawl state), ``diff`` (word diffs), ``lookup`` and
``render`` (for ``archiver history`` and ``archiver diff``).
"""
