"""Replay QA: does the archive replay what the crawler saw? (``archiver qa``)

``targets`` reads what each capture recorded, ``replayer`` replays it in pywb and
Chromium, ``compare`` scores screenshots, text and article paragraphs,
``diagnose`` says why a page differs, ``results`` writes qa.jsonl and the summary,
and ``run.check_crawls`` ties them together.
"""
