"""Login profiles without a browser: the store's permissions, import, list/show/delete, the recipe's check."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest

from archiver.cli import main
from archiver.outlets import load_profiles
from archiver.profiles.credentials import NoCredentials, read_credentials
from archiver.profiles.importing import read_session_file
from archiver.profiles.recipe import LoginRecipe, Session
from archiver.profiles.store import Profile, ProfileError, ProfileStore

TOKEN = "tok-" + "9" * 20

COOKIES_TXT = f"""# Netscape HTTP Cookie File
#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t{int(time.time()) + 3600}\tthemoscowtimes_session\t{TOKEN}
.example.org\tTRUE\t/\tTRUE\t0\tprefs\tdark
"""


def test_store_is_private_and_outside_output_roots(tmp_path):
    store = ProfileStore(tmp_path / "profiles")
    path = store.save(Profile("mt", outlet="themoscowtimes"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    store.check_outside(tmp_path / "warcs")
    with pytest.raises(ProfileError, match="inside the output root"):
        store.check_outside(tmp_path)
    with pytest.raises(ProfileError, match="profile names"):
        store.path("../escape")


def test_import_cookies_txt(tmp_path):
    source = tmp_path / "cookies.txt"
    source.write_text(COOKIES_TXT)
    state = read_session_file(source)
    session, prefs = state["cookies"]
    assert session["httpOnly"] and session["domain"] == "127.0.0.1" and session["value"] == TOKEN
    assert prefs["domain"] == ".example.org" and prefs["secure"] and prefs["expires"] == -1
    bad = tmp_path / "bad.txt"
    bad.write_text("not\ta cookie line\n")
    with pytest.raises(ValueError, match="7 tab-separated fields"):
        read_session_file(bad)


def test_import_storage_state_json_and_reject_other_json(tmp_path):
    good = tmp_path / "state.json"
    good.write_text(json.dumps({"cookies": [{"name": "a", "value": "b", "domain": "x.org"}],
                                "origins": [{"origin": "https://x.org", "localStorage": [{"name": "k", "value": "v"}]}]}))
    assert read_session_file(good)["cookies"][0]["path"] == "/"
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(ValueError, match="storage state"):
        read_session_file(other)


def test_cli_import_list_show_delete_never_print_values(tmp_path, capsys):
    source = tmp_path / "cookies.txt"
    source.write_text(COOKIES_TXT)
    where = ["--profiles-dir", str(tmp_path / "p")]
    assert main(["profile", "import", "mt", str(source), "--outlet", "themoscowtimes", *where]) == 0
    assert main(["profile", "list", *where]) == 0
    assert main(["profile", "show", "mt", *where]) == 0
    out = capsys.readouterr().out
    assert "themoscowtimes_session" in out and "127.0.0.1" in out and "example.org" in out
    assert TOKEN not in out and "dark" not in out.replace("dark mode", "")
    assert main(["profile", "delete", "mt", *where]) == 0
    assert main(["profile", "show", "mt", *where]) == 2
    assert "no profile 'mt'" in capsys.readouterr().err


def test_default_folder_follows_xdg_config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert ProfileStore().directory == tmp_path / "news-archiver" / "profiles"


def test_credentials_from_env_or_file_never_an_argument(tmp_path, monkeypatch):
    monkeypatch.delenv("ARCHIVER_LOGIN_PASSWORD", raising=False)
    monkeypatch.setenv("ARCHIVER_LOGIN_USERNAME", "reader@example.org")
    with pytest.raises(NoCredentials, match="ARCHIVER_LOGIN_PASSWORD"):
        read_credentials()
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    os.chmod(secret, 0o600)
    credentials = read_credentials(password_file=secret)
    assert credentials.password == "s3cret" and "s3cret" not in repr(credentials)
    monkeypatch.setenv("ARCHIVER_LOGIN_PASSWORD", "from-env")
    assert read_credentials(password_file=secret).password == "from-env"


def test_recipe_session_check():
    recipe = load_profiles()["themoscowtimes"].login
    assert recipe.session('<body><a class="account-link">My account</a><p>full</p></body>') is Session.LOGGED_IN
    assert recipe.session('<body><a class="login-link">Log in</a></body>') is Session.LOGGED_OUT
    teaser = '<body><a class="account-link">My account</a><div data-paywall></div></body>'
    assert recipe.session(teaser) is Session.LOGGED_OUT       # a logged-out marker wins
    text_only = LoginRecipe(logged_in_text="Signed in as")
    assert text_only.session("<body><p>Signed in as reader</p></body>") is Session.LOGGED_IN
    assert text_only.session("<body><p>Welcome</p></body>") is Session.LOGGED_OUT
    with pytest.raises(ValueError, match="logged_in"):
        LoginRecipe(url="/login")


def test_redaction_replaces_the_profile_s_cookies_and_authorization_only():
    from archiver.profiles.redact import credential_filter

    names = {"themoscowtimes_session"}
    redact = credential_filter(names, "archiver-redacted")
    headers = [("Host", "x"), ("Cookie", f"themoscowtimes_session={TOKEN}; mt_visitor=abc"),
               ("Authorization", "Bearer secret-value")]
    assert redact(headers) == [("Host", "x"), ("Cookie", "themoscowtimes_session=archiver-redacted; mt_visitor=abc"),
                               ("Authorization", "archiver-redacted")]
    names.add("mt_visitor")                     # a re-login brought a cookie of that name
    assert redact(headers)[1] == ("Cookie", "themoscowtimes_session=archiver-redacted; mt_visitor=archiver-redacted")


def test_crawl_refuses_a_profile_of_another_outlet_or_inside_the_output_root(tmp_path, capsys):
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile("mt", outlet="themoscowtimes"))
    where = ["--profiles-dir", str(store.directory), "--render", "never", "--quiet"]
    assert main(["crawl", "harbourgazette", "--profile", "mt", "--out", str(tmp_path / "out"), *where]) == 2
    assert "made for outlet 'themoscowtimes'" in capsys.readouterr().err
    assert main(["crawl", "themoscowtimes", "--profile", "mt", "--out", str(tmp_path), *where]) == 2
    assert "inside the output root" in capsys.readouterr().err
    assert main(["crawl", "themoscowtimes", "--profile", "nobody", "--out", str(tmp_path / "out"), *where]) == 2
    assert "no profile 'nobody'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("themoscowtimes-*"))
