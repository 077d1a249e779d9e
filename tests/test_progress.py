"""The live progress display, seen in a real terminal (tmux), and plain lines elsewhere."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import time

import pytest

from tests.conftest import ARCHIVER, ROOT, run_archiver


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.needs("tmux")
def test_live_display_in_a_terminal(sample, tmp_path):
    assert shutil.which("tmux"), "tmux is needed for this test (apt-get install tmux)"
    session = f"archiver-progress-{tmp_path.name}"
    base = sample.urls["themoscowtimes"]
    command = " ".join(shlex.quote(part) for part in [
        *ARCHIVER, "crawl", "themoscowtimes", "--out", str(tmp_path / "out"),
        f"--base-url=themoscowtimes={base}", "--max-pages", "12", "--log-level", "WARNING"])
    done = tmp_path / "done"
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40",
          f"cd {shlex.quote(str(ROOT))} && env -u COLUMNS -u LINES {command}; echo exit=$? > {shlex.quote(str(done))}; sleep 60")
    try:
        screens, last = [], ""
        deadline = time.monotonic() + 240
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
        assert any(re.search(r"│ \d+s +│", screen) for screen in screens), "no ETA was shown:\n" + "\n".join(screens)
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
