"""The live progress display, seen in a real terminal (tmux), and plain lines elsewhere."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import time
import uuid

import pytest


from tests.conftest import ARCHIVER, ROOT, in_terminal, run_archiver


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.needs("tmux")
def test_live_display_in_a_terminal(sample, tmp_path):
    assert shutil.which("tmux"), "tmux is needed for this test (apt-get install tmux)"
    session = f"archiver-progress-{uuid.uuid4().hex[:12]}"   # the tmux server is shared: unique names
    base = sample.urls["themoscowtimes"]
    command = " ".join(shlex.quote(part) for part in [
        *ARCHIVER, "crawl", "themoscowtimes", "--out", str(tmp_path / "out"),
        f"--base-url=themoscowtimes={base}", "--max-pages", "12", "--log-level", "WARNING"])
    done = tmp_path / "done"
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40",
          f"cd {shlex.quote(str(ROOT))} && {in_terminal(command)}; echo exit=$? > {shlex.quote(str(done))}; sleep 60")
    try:
        screens, last = [], ""
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not done.exists():
            screen = _tmux("capture-pane", "-p", "-t", session)
            last = screen
            if "errors" in screen and "ETA" in screen and "themoscowtimes" in screen:
                screens.append(screen)
            time.sleep(0.5)
        assert done.exists() and done.read_text().strip() == "exit=0"
        assert screens, f"the live table never appeared while the crawl ran; the screen:\n{last}"
        print(screens[len(screens) // 2])
        assert any("themoscowtimes" in screen for screen in screens)
        assert any(re.search(r" \d+s *$", screen, re.M) for screen in screens), "no ETA was shown:\n" + "\n".join(screens)
        assert len({screen for screen in screens}) > 2, "the figures never changed"
        final = _tmux("capture-pane", "-p", "-t", session)
        assert "status" in final and "finished (0)" in final     # the summary table at the end
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_plain_progress_lines_and_json_log_off_a_terminal(sample, tmp_path):
    base = sample.urls["harbourgazette"]
    proc = run_archiver("crawl", "harbourgazette", "--out", tmp_path / "out", "--render", "never",
                        f"--base-url=harbourgazette={base}", "--json-log")
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert lines and all({"time", "level", "logger", "message"} <= set(entry) for entry in lines)
    assert any(entry["message"].startswith("Spider closed") for entry in lines)


@pytest.mark.slow
@pytest.mark.needs("tmux")
def test_quiet_terminal_and_a_summary_that_fits_80_columns(sample, tmp_path):
    """In an 80-column terminal: the live table, warnings and the summary; names and reasons whole.

    Pages over 20 kB (some articles) fail as ``too-large``, so the summary has failure reasons to show.
    """
    assert shutil.which("tmux"), "tmux is needed for this test (apt-get install tmux)"
    session = f"archiver-80-{uuid.uuid4().hex[:12]}"
    out = tmp_path / "out"
    bases = [f"--base-url={name}={sample.urls[name]}" for name in ("themoscowtimes", "harbourgazette")]
    command = " ".join(shlex.quote(part) for part in [
        *ARCHIVER, "crawl", "themoscowtimes", "harbourgazette", "--out", str(out), *bases,
        "--render", "never", "--max-pages", "20", "--set", "DOWNLOAD_MAXSIZE=20000"])
    done = tmp_path / "done"
    _tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "50",
          f"cd {shlex.quote(str(ROOT))} && {in_terminal(command)}; echo exit=$? > {shlex.quote(str(done))}; sleep 60")
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not done.exists():
            time.sleep(0.5)
        assert done.exists(), "the crawl did not finish in 240 s"
        history = _tmux("capture-pane", "-p", "-S", "-", "-t", session)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    print(history)
    lines = [line for line in history.splitlines() if line.strip()]
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in history, "something was cut short"
    # quiet: no INFO lines, no stats dump, and the live table's header drawn once (log lines never cut into it)
    assert " INFO" not in history and "Dumping Scrapy stats" not in history and "request_count" not in history
    assert sum(1 for line in lines if "responses" in line and "ETA" in line) == 1, history
    folders = sorted(out.glob("*-*T*Z"))
    assert len(folders) == 2
    joined = re.sub(r"\n *", "", history)     # a folded value continues on the next line
    for folder in folders:
        assert "Dumping Scrapy stats" in (folder / "crawl.log").read_text()    # INFO went to crawl.log
        report = json.loads((folder / "crawl.json").read_text())
        assert re.search(rf"crawl +{report['outlet']}\n", history), f"{report['outlet']} not whole"
        assert str(folder) in joined
        for reason in report["failures"]:
            assert re.search(rf"\b{re.escape(reason)}: \d+", history), f"failure reason {reason} not whole"
    assert any(json.loads((f / "crawl.json").read_text())["failures"] for f in folders), "no failure to show"


def _cron_run(sample, out, *extra: str) -> subprocess.CompletedProcess:
    """A crawl as cron runs it: no terminal on stdin, stdout or stderr."""
    base = sample.urls["themoscowtimes"]
    return subprocess.run([*ARCHIVER, "crawl", "themoscowtimes", "--out", str(out), "--render", "never",
                           f"--base-url=themoscowtimes={base}", "--max-pages", "20",
                           "--set", "DOWNLOAD_MAXSIZE=20000", *extra],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.mark.slow
def test_a_cron_run_prints_warnings_and_the_summary_only(sample, tmp_path):
    """Off a terminal and without --quiet: warnings and the summary; Scrapy's listing and stats in crawl.log."""
    proc = _cron_run(sample, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr[-2000:]
    print(proc.stderr)
    assert " INFO: " not in proc.stderr and " DEBUG: " not in proc.stderr, proc.stderr
    assert "Dumping Scrapy stats" not in proc.stderr and "Overridden settings" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert " WARNING: " in proc.stderr, "pages over 20 kB fail as too-large: their warnings must still show"
    assert re.search(r"status +finished \(0\)", proc.stderr), "no summary"
    [log] = (tmp_path / "out").glob("*/crawl.log")
    text = log.read_text()
    assert "Overridden settings" in text and "Dumping Scrapy stats" in text

    verbose = _cron_run(sample, tmp_path / "out-info", "--log-level", "INFO")
    assert verbose.returncode == 0, verbose.stderr[-2000:]
    assert " INFO: " in verbose.stderr and "Dumping Scrapy stats" in verbose.stderr


@pytest.mark.slow
def test_a_cron_run_with_workers_prints_the_summary_only(sample, tmp_path):
    """The coordinator of --workers follows the same rule: no progress or INFO lines off a terminal."""
    proc = _cron_run(sample, tmp_path / "out", "--workers", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert " INFO: " not in proc.stderr and "progress" not in proc.stderr, proc.stderr
    assert re.search(r"status +finished \(0\)", proc.stderr), "no summary"
