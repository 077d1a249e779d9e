"""The sample outlets' subscriber area (archiver.sample.subscribers): plain HTTP, no browser."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from archiver.sample import load_articles, serve_sample
from archiver.sample.subscribers import DEMO_ACCOUNTS, SubscriberArea

USER, PASSWORD = next(iter(DEMO_ACCOUNTS.items()))


class Reader:
    """A browser-like client with its own cookie jar."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as r:
            return r.read().decode()

    def login(self, password: str = PASSWORD, csrf: str | None = None) -> tuple[int, str]:
        form = self.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrf": csrf or token, "username": USER, "password": password}).encode()
        try:
            with self.opener.open(self.base + "/login", data) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()


def paywalled(outlet: str) -> list[dict]:
    return [a for a in load_articles(outlet) if SubscriberArea.paywalled(a)]


@pytest.fixture
def outlets():
    with serve_sample(subscribers=SubscriberArea(session_pages=2)) as running:
        yield running


@pytest.mark.parametrize("outlet", ["themoscowtimes", "harbourgazette"])
def test_teaser_logged_out_full_text_logged_in(outlets, outlet):
    reader = Reader(outlets.urls[outlet])
    article = paywalled(outlet)[0]
    teaser = reader.get(article["url"])
    assert 'class="login-link"' in teaser and "data-paywall" in teaser
    assert article["body"][0][:40] in teaser.replace("&#x27;", "'") or article["body"][0][:20] in teaser
    assert article["body"][-1][-40:] not in teaser
    status, page = reader.login()
    assert status == 200 and 'class="account-link"' in page and "Signed in as" in page
    full = reader.get(article["url"])
    assert 'class="account-link"' in full and "data-paywall" not in full
    assert f"{outlet}_last_read" in {c.name for c in reader.jar}


def test_free_articles_stay_free(outlets):
    free = next(a for a in load_articles("harbourgazette") if not SubscriberArea.paywalled(a))
    page = Reader(outlets.urls["harbourgazette"]).get(free["url"])
    assert "data-paywall" not in page and 'class="login-link"' in page


def test_wrong_password_and_forged_csrf_refused(outlets):
    reader = Reader(outlets.urls["themoscowtimes"])
    assert reader.login(password="wrong")[0] == 401
    assert reader.login(csrf="forged")[0] == 403
    assert outlets.subscribers["themoscowtimes"].logins == 0


def test_session_ends_after_its_pages(outlets):
    reader = Reader(outlets.urls["themoscowtimes"])
    assert reader.login()[0] == 200
    articles = paywalled("themoscowtimes")
    assert "data-paywall" not in reader.get(articles[0]["url"])
    assert "data-paywall" not in reader.get(articles[1]["url"])
    lapsed = reader.get(articles[2]["url"])
    assert "data-paywall" in lapsed and 'class="login-link"' in lapsed


def test_session_ends_after_its_lifetime():
    with serve_sample(subscribers=SubscriberArea(session_lifetime=0.001)) as running:
        reader = Reader(running.urls["themoscowtimes"])
        assert reader.login()[0] == 200
        assert "data-paywall" in reader.get(paywalled("themoscowtimes")[0]["url"])


def test_without_subscribers_nothing_changes():
    with serve_sample() as running:
        article = paywalled("themoscowtimes")[0]
        page = Reader(running.urls["themoscowtimes"]).get(article["url"])
        assert "login-link" not in page and "data-paywall" not in page
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(running.urls["themoscowtimes"] + "/login", data=b"x=1"))
        assert err.value.code == 405
