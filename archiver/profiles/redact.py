"""Credentials out of the WARC files: the profile's cookie values and any Authorization in request records.

A login profile's session cookie is a password for as long as it lives: anyone
holding a WARC with it could read the subscriber area as the archive's account.
So by default the *request* records of a crawl with ``--profile`` carry a fixed
marker (ARCHIVER_CREDENTIALS_MARKER, ``archiver-redacted``) instead of the value
of every cookie the profile supplies (by name; other cookies stay as sent) and of
an ``Authorization`` header. Response records stay exactly as received.
``--keep-credentials`` keeps the request as sent, for archives that must show it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

Headers = list[tuple[str, str]]


def redact_cookie_header(value: str, names: Collection[str], marker: str) -> str:
    parts = []
    for part in value.split(";"):
        name, sep, _ = part.strip().partition("=")
        parts.append(f"{name}={marker}" if sep and name in names else part.strip())
    return "; ".join(p for p in parts if p)


def credential_filter(names: Collection[str], marker: str) -> Callable[[Headers], Headers]:
    """A request-header filter for the WARC writer; *names* may grow during the crawl (a re-login)."""
    def redact(headers: Headers) -> Headers:
        out = []
        for name, value in headers:
            lower = name.lower()
            if lower == "cookie":
                value = redact_cookie_header(value, names, marker)
            elif lower in ("authorization", "proxy-authorization"):
                value = marker
            out.append((name, value))
        return out
    return redact


def crawl_filter(crawler) -> Callable[[Headers], Headers] | None:
    """The crawl's filter: None without a profile or with ``--keep-credentials``."""
    from archiver.profiles.crawl import LoginSession

    login = LoginSession.of(crawler)
    if login is None or login.keep_credentials:
        return None
    return credential_filter(login.cookie_names, login.marker)


def login_fields(settings) -> dict[str, str]:
    """warcinfo fields of a crawl with a profile: a reader of the WARC learns the capture was logged in,
    and what the marker in its request records means."""
    name = settings.get("ARCHIVER_PROFILE")
    if not name:
        return {}
    kept = settings.getbool("ARCHIVER_KEEP_CREDENTIALS")
    return {"login-profile": name,
            "credentials": "kept as sent" if kept else
            f"the profile's cookie and Authorization values in request records replaced by "
            f"{settings.get('ARCHIVER_CREDENTIALS_MARKER')}"}
