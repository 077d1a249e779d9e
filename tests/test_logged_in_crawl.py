"""Logged-in crawls end to end: the sample's subscriber area, `archiver profile`, `crawl --profile`.

Real parts only: the sample outlets on 127.0.0.1 with a subscriber area, the
login recipe in real Chromium, crawls as subprocesses, WARCs read with warcio.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import threading
import urllib.parse
from pathlib import Path

import psutil
import pytest
import redis

from archiver.distributed.server import PrivateRedis
from archiver.profiles.store import ProfileStore
from archiver.sample import copy_sample_data, load_articles, serve_sample
from archiver.sample.subscribers import SubscriberArea
from tests.conftest import ARCHIVER, ROOT
from tests.test_sample_subscribers import Reader
from tests.warc_helpers import read_records

OUTLET = "harbourgazette"
USER = "tester@example.org"
PASSWORD = "pw-Zq81-never-in-output"     # the test password: grepped for in every output


def full_texts() -> dict[str, list[str]]:
    return {a["url"]: a["body"] for a in load_articles(OUTLET)}


def paywalled_urls() -> set[str]:
    return {a["url"] for a in load_articles(OUTLET) if SubscriberArea.paywalled(a)}


@pytest.fixture
def site(tmp_path):
    """The sample outlets with a subscriber area whose only account is the test's."""
    area = SubscriberArea(accounts={USER: PASSWORD})
    with serve_sample(data_dir=copy_sample_data(tmp_path / "data"), subscribers=area) as outlets:
        yield outlets


@pytest.fixture
def env(tmp_path):
    """Profiles under this test's XDG config folder; no credentials unless a test adds them."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_LOGIN_")}
    return {**base, "XDG_CONFIG_HOME": str(tmp_path / "config")}


def archiver(*args, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*ARCHIVER, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env=env)


def login(site, name: str, env: dict) -> subprocess.CompletedProcess:
    proc = archiver("profile", "login", name, "--outlet", OUTLET, "--base-url", site.urls[OUTLET],
                    env={**env, "ARCHIVER_LOGIN_USERNAME": USER, "ARCHIVER_LOGIN_PASSWORD": PASSWORD})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def crawl_args(site, root: Path, *extra: str) -> list[str]:
    return ["crawl", OUTLET, "--base-url", f"{OUTLET}={site.urls[OUTLET]}", "--out", root, "--quiet",
            "--no-screenshots", *extra]


def crawl_dir(root: Path) -> Path:
    folders = sorted(p for p in root.glob(f"{OUTLET}-*") if p.is_dir())
    assert len(folders) == 1, folders
    return folders[0]


def items(root: Path) -> list[dict]:
    path = crawl_dir(root) / "items.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def session_token(env: dict, name: str) -> str:
    profile = ProfileStore(Path(env["XDG_CONFIG_HOME"]) / "news-archiver" / "profiles").load(name)
    return next(c["value"] for c in profile.cookies if c["name"] == f"{OUTLET}_session")


def every_output_byte(root: Path):
    """Each file under the output root, decompressed when gzipped (WARC records, CDXJ, logs, items)."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                pass
        yield path, data


def request_cookies(root: Path) -> list[str]:
    records = read_records(sorted((crawl_dir(root) / "warc").glob("*.warc.gz")))
    return [v for r in records if r.type == "request" for k, v in r.http_headers if k.lower() == "cookie"]


def assert_all_in_full(archived: list[dict], expect_urls: set[str]) -> None:
    """Every expected article archived once, in full, from a logged-in capture: no teaser anywhere."""
    texts = full_texts()
    by_path = {urllib.parse.urlsplit(i["url"]).path: i for i in archived}
    assert expect_urls <= set(by_path), sorted(expect_urls - set(by_path))
    for path, item in by_path.items():
        assert item["body"] == texts[path], f"{path} is not the full text"
        assert item["access"] == "subscriber"


@pytest.mark.browser
@pytest.mark.slow
def test_recipe_login_archives_every_paywalled_article_in_full_and_leaks_nothing(site, env, tmp_path):
    login(site, "gazette", env)
    token = session_token(env, "gazette")
    # without a profile: the paywalled articles are teasers (the figure for the docs)
    plain = tmp_path / "plain"
    proc = archiver(*crawl_args(site, plain), env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    texts = full_texts()
    teasers = [i for i in items(plain) if len(i["body"]) < len(texts[urllib.parse.urlsplit(i["url"]).path])]
    assert {urllib.parse.urlsplit(i["url"]).path for i in teasers} == paywalled_urls()

    root = tmp_path / "logged-in"
    leaks: list[str] = []                    # command lines holding the password or the token
    crawl_seen = threading.Event()
    process = subprocess.Popen([*ARCHIVER, *map(str, crawl_args(site, root, "--profile", "gazette"))],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def watch_process_list() -> None:         # every process on the machine, while the crawl runs
        while not stop.is_set():
            for p in psutil.process_iter(["cmdline"]):
                args = " ".join(p.info["cmdline"] or ())
                if PASSWORD in args or token in args:
                    leaks.append(args)
                if p.pid == process.pid and "--profile gazette" in args:
                    crawl_seen.set()
            stop.wait(0.2)

    watcher = threading.Thread(target=watch_process_list)
    watcher.start()
    try:
        out, err = process.communicate(timeout=900)
    finally:
        stop.set()
        watcher.join()
    assert process.returncode == 0, err[-3000:]
    assert crawl_seen.is_set()                                   # the watcher saw the crawl running
    assert_all_in_full(items(root), set(texts))
    for path, data in every_output_byte(root):
        assert PASSWORD.encode() not in data, path
        assert token.encode() not in data, path
    assert PASSWORD not in out + err and token not in out + err
    assert not leaks
    cookies = request_cookies(root)
    assert cookies and all(f"{OUTLET}_session=archiver-redacted" in c for c in cookies)
    # the cookies the site set during the crawl went back into the profile
    profile = ProfileStore(Path(env["XDG_CONFIG_HOME"]) / "news-archiver" / "profiles").load("gazette")
    assert f"{OUTLET}_last_read" in profile.cookie_names()


@pytest.mark.slow
def test_imported_cookies_txt_and_keep_credentials(site, env, tmp_path):
    reader = Reader(site.urls[OUTLET])
    form = reader.get("/login")
    csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    data = urllib.parse.urlencode({"csrf": csrf, "username": USER, "password": PASSWORD}).encode()
    reader.opener.open(site.urls[OUTLET] + "/login", data).read()
    token = next(c.value for c in reader.jar if c.name == f"{OUTLET}_session")
    lines = ["# Netscape HTTP Cookie File"]
    for c in reader.jar:
        lines.append("\t".join((c.domain, "FALSE", c.path, "FALSE", str(c.expires or 0), c.name, c.value)))
    cookies_txt = tmp_path / "cookies.txt"
    cookies_txt.write_text("\n".join(lines) + "\n")
    assert archiver("profile", "import", "mine", cookies_txt, "--outlet", OUTLET, env=env).returncode == 0

    root = tmp_path / "kept"
    proc = archiver(*crawl_args(site, root, "--profile", "mine", "--render", "never", "--keep-credentials"), env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert_all_in_full(items(root), set(full_texts()))
    assert any(f"{OUTLET}_session={token}" in c for c in request_cookies(root))
    warcinfo = [r for r in read_records(sorted((crawl_dir(root) / "warc").glob("*.warc.gz"))) if r.type == "warcinfo"]
    assert warcinfo and all(b"login-profile: mine" in r.payload and b"credentials: kept as sent" in r.payload
                            for r in warcinfo)


def _expiring_site(tmp_path, pages: int):
    area = SubscriberArea(accounts={USER: PASSWORD}, session_pages=pages)
    return serve_sample(data_dir=copy_sample_data(tmp_path / "data"), subscribers=area)


@pytest.mark.browser
@pytest.mark.slow
def test_session_expiry_without_password_stops_with_code_9_and_resume_finishes(env, tmp_path):
    with _expiring_site(tmp_path, pages=3) as site:
        login(site, "gazette", env)
        root = tmp_path / "out"
        first = archiver(*crawl_args(site, root, "--profile", "gazette"), env=env)
        assert first.returncode == 9, first.stderr[-3000:]
        report = json.loads((crawl_dir(root) / "crawl.json").read_text())
        assert report["finish_reason"] == "session_expired" and report["exit_status"] == 9
        archived = items(root)
        assert 0 < len(archived) < len(full_texts())
        assert_all_in_full(archived, set())              # what was archived is full text: no teaser item
        assert "archiver profile login" in (crawl_dir(root) / "crawl.log").read_text()

        site.subscribers[OUTLET].session_pages = 0      # the new session does not lapse
        login(site, "gazette", env)
        resumed = archiver(*crawl_args(site, root, "--profile", "gazette", "--resume"), env=env)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        everything = items(root)
        assert_all_in_full(everything, set(full_texts()))
        assert len({i["url"] for i in everything}) == len(everything)      # each article once: no teaser version


@pytest.mark.browser
@pytest.mark.slow
def test_session_expiry_with_password_logs_in_again(env, tmp_path):
    with _expiring_site(tmp_path, pages=4) as site:
        login(site, "gazette", env)
        root = tmp_path / "out"
        secret = tmp_path / "password"
        secret.write_text(PASSWORD + "\n")
        secret.chmod(0o600)
        proc = archiver(*crawl_args(site, root, "--profile", "gazette", "--password-file", secret),
                        env={**env, "ARCHIVER_LOGIN_USERNAME": USER})
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert site.subscribers[OUTLET].logins >= 2                     # the profile's, and the re-login
        assert_all_in_full(items(root), set(full_texts()))
        log = (crawl_dir(root) / "crawl.log").read_text()
        assert "logging in again with the recipe" in log and PASSWORD not in log


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.needs("redis-server")
def test_two_workers_load_the_profile_by_name(site, env, tmp_path):
    login(site, "gazette", env)
    root = tmp_path / "out"
    with PrivateRedis(tmp_path / "redis") as server:
        proc = archiver(*crawl_args(site, root, "--profile", "gazette", "--render", "never", "--workers", "2",
                                    "--redis", server.url), env=env)
        client = redis.Redis.from_url(server.url)
        stored = b"".join(client.get(k) or b"" for k in client.keys("*config*"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert b'"profile": "gazette"' in stored and session_token(env, "gazette").encode() not in stored
    assert_all_in_full(items(root), set(full_texts()))
    workers = sorted((crawl_dir(root) / "workers").glob("*.log"))
    assert len(workers) == 2
