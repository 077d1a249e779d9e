"""Figures of logged-in crawls on the sample (docs/logged-in.md): ``python -m bench.logged_in``.

Serves the sample outlets with a subscriber area, makes a profile with
``archiver profile login`` and crawls each outlet (rendered, no screenshots)
without a profile, with one, and with one whose session ends after a few
articles and no password to log in again. Prints, per crawl, the items and how
many hold the article's full text, the exit code, and the pages seen logged in
and logged out. Counts, not timings: nothing here is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from archiver.sample import copy_sample_data, load_articles, serve_sample
from archiver.sample.subscribers import SubscriberArea

ARCHIVER = [sys.executable, "-m", "archiver.cli"]
USER, PASSWORD = "bench@example.org", "bench-subscriber"
OUTLETS = ("themoscowtimes", "harbourgazette")


def archiver(env: dict, *args: object) -> subprocess.CompletedProcess:
    return subprocess.run([*ARCHIVER, *map(str, args)], capture_output=True, text=True, env=env)


def figures(root: Path, outlet: str) -> dict:
    folder = sorted(root.glob(f"{outlet}-*"))[-1]
    texts = {a["url"]: a["body"] for a in load_articles(outlet)}
    items = [json.loads(line) for line in (folder / "items.jsonl").read_text().splitlines() if line.strip()]
    log = (folder / "crawl.log").read_text()

    def stat(name: str) -> int:
        found = re.search(rf"'archiver/login/{re.escape(name)}': (\d+)", log)
        return int(found.group(1)) if found else 0
    return {"items": len(items), "in_full": sum(i["body"] == texts[urllib.parse.urlsplit(i["url"]).path]
                                                 for i in items),
            "articles": len(texts), "finish": json.loads((folder / "crawl.json").read_text())["finish_reason"],
            "logged_in_pages": stat("pages/logged-in"), "logged_out_pages": stat("pages/logged-out")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--session-pages", type=int, default=5, help="full articles before the session ends")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-logged-in-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_LOGIN_")}
    env["XDG_CONFIG_HOME"] = str(tmp / "config")
    login_env = {**env, "ARCHIVER_LOGIN_USERNAME": USER, "ARCHIVER_LOGIN_PASSWORD": PASSWORD}
    for pages in (0, args.session_pages):
        area = SubscriberArea(accounts={USER: PASSWORD}, session_pages=pages)
        with serve_sample(data_dir=copy_sample_data(tmp / f"data-{pages}"), subscribers=area) as site:
            for outlet in OUTLETS:
                base = ["--base-url", f"{outlet}={site.urls[outlet]}", "--quiet", "--no-screenshots"]
                runs = [("no profile", [])] if pages == 0 else []
                name = f"{outlet}-{pages}"
                login = archiver(login_env, "profile", "login", name, "--outlet", outlet,
                                 "--base-url", site.urls[outlet])
                if login.returncode:
                    print(login.stderr, file=sys.stderr)
                    return 1
                label = "profile" if pages == 0 else f"profile, session ends after {pages} articles, no password"
                runs.append((label, ["--profile", name]))
                for label, extra in runs:
                    root = tmp / f"{name}-{len(extra)}"
                    crawl = archiver(env, "crawl", outlet, "--out", root, *base, *extra)
                    print(json.dumps({"outlet": outlet, "crawl": label, "exit": crawl.returncode,
                                      **figures(root, outlet)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
