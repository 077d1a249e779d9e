"""Archived text reaches the terminal with its control characters made visible (``cat -v`` style).

The archive under test holds an article whose title, byline and body carry a
clear-screen sequence, an OSC 8 hyperlink, a C1 CSI and rich markup
(tests/hostile_text_site.py); the commands must print them as visible escapes,
and the WARC, items and index must keep them as archived.
"""

from __future__ import annotations

import json
import logging

import pytest
from rich.console import Console

from archiver.crawl.logs import LOG_FORMAT, VisibleFormatter
from archiver.terminaltext import text, visible
from tests.conftest import run_archiver
from tests.hostile_text_site import CLEAR_SCREEN, MARKUP, TITLE

RAW = ("\x1b", "\x07", "\x9b", "\r")      # none of these may reach the terminal


def test_control_characters_become_visible_escapes():
    assert visible("a\x1b[2Jb") == "a^[[2Jb"
    assert visible("\x1b]8;;http://evil/\x07x") == "^[]8;;http://evil/^Gx"
    assert visible("\r\x7f\x00\x9b") == "^M^?^@M-^["
    assert visible("\u202egnp.exe") == "<U+202E>gnp.exe"
    assert visible("tabs\tand\nnewlines stay, é and 東京 too") == "tabs\tand\nnewlines stay, é and 東京 too"


def test_rich_never_reads_archived_text_as_markup():
    console = Console(record=True, width=200)
    console.print(text(f"{MARKUP} {CLEAR_SCREEN}"))
    assert console.export_text().strip() == f"{MARKUP} ^[[2J"


def test_log_lines_on_the_terminal_are_made_visible():
    record = logging.LogRecord("archiver", logging.WARNING, __file__, 1, "page failed [%s] %s",
                               ("http-404", f"http://x/{CLEAR_SCREEN}"), None)
    line = VisibleFormatter(LOG_FORMAT).format(record)
    assert line.endswith("page failed [http-404] http://x/^[[2J") and "\x1b" not in line


def _terminal_safe(output: str) -> None:
    assert not [ch for ch in RAW if ch in output], repr(output[:500])
    assert "^[[2J" in output


def _ok(*args) -> str:
    proc = run_archiver(*args, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.slow
def test_search_prints_hostile_titles_and_snippets_visibly(hostile_archive):
    out = _ok("search", "ferry OR storm", hostile_archive.root)
    _terminal_safe(out)
    assert "[bold red]ALERT[/bold red]" in out.replace("\n", "")      # markup shown as text, not applied
    hits = [json.loads(line) for line in _ok("search", "storm", hostile_archive.root, "--json").splitlines()]
    assert CLEAR_SCREEN in hits[0]["title"]                             # the index keeps the text as archived


@pytest.mark.slow
def test_history_and_diff_print_visibly(hostile_archive):
    url = hostile_archive.site.article_url
    history = _ok("history", url, hostile_archive.root)
    assert "2 version(s)" in history and not [ch for ch in RAW if ch in history]
    diff = _ok("diff", url, hostile_archive.root)
    _terminal_safe(diff)
    assert "{+Update: the ferry runs again ^[[2Jtoday" in diff


@pytest.mark.slow
def test_show_and_extract_print_visibly_and_the_files_keep_the_text(hostile_archive):
    url = hostile_archive.site.article_url
    shown = _ok("show", url, *hostile_archive.folders)
    _terminal_safe(shown)
    assert visible(TITLE) in shown
    extracted = _ok("extract", hostile_archive.folders[0], "--format", "text")
    _terminal_safe(extracted)
    item = json.loads((hostile_archive.folders[0] / "items.jsonl").read_text().splitlines()[0])
    assert item["title"] == TITLE                                       # stored as archived, escapes and all
    text_export = next((hostile_archive.folders[0] / "articles").glob("*.txt")).read_text()
    assert CLEAR_SCREEN in text_export


@pytest.mark.slow
def test_coverage_and_ls_print_no_raw_control_characters(hostile_archive):
    coverage = _ok("coverage", hostile_archive.root)
    assert "wire/hostile" in coverage and not [ch for ch in RAW if ch in coverage]
    listing = _ok("ls", hostile_archive.folders[0], "--url", "storm")
    assert "records" in listing and "response" in listing and not [ch for ch in RAW if ch in listing]
