"""Sessions exported from the archivist's own browser: a Netscape ``cookies.txt`` or a Playwright storage state.

``cookies.txt`` (curl, wget, the "cookies.txt" browser extensions) has one
cookie a line: domain, include-subdomains flag, path, secure flag, expiry
(epoch seconds, 0 for a session cookie), name, value; ``#HttpOnly_`` before
the domain marks an HttpOnly cookie. A storage state is the JSON
``BrowserContext.storage_state()`` writes: ``{"cookies": [...], "origins": [...]}``.
"""

from __future__ import annotations

import json
from pathlib import Path

HTTPONLY_PREFIX = "#HttpOnly_"


def read_session_file(path: Path) -> dict:
    """A storage state from either format; ValueError says what is wrong with the file."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return storage_state_from_json(text, path)
    return {"cookies": cookies_from_netscape(text, path), "origins": []}


def storage_state_from_json(text: str, path: Path) -> dict:
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    cookies = state.get("cookies") if isinstance(state, dict) else None
    if not isinstance(cookies, list) or not all(isinstance(c, dict) and {"name", "value", "domain"} <= c.keys()
                                                for c in cookies):
        raise ValueError(f"{path} is not a Playwright storage state: it needs a \"cookies\" list of objects "
                         "with name, value and domain")
    for cookie in cookies:
        cookie.setdefault("path", "/")
        cookie.setdefault("expires", -1)
    origins = state.get("origins", [])
    return {"cookies": cookies, "origins": origins if isinstance(origins, list) else []}


def cookies_from_netscape(text: str, path: Path) -> list[dict]:
    cookies = []
    for number, line in enumerate(text.splitlines(), 1):
        http_only = line.startswith(HTTPONLY_PREFIX)
        if http_only:
            line = line[len(HTTPONLY_PREFIX):]
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            raise ValueError(f"{path}:{number}: a cookies.txt line has 7 tab-separated fields, this one "
                             f"{len(fields)}")
        domain, subdomains, cookie_path, secure, expires, name, value = fields
        try:
            expiry = int(float(expires))
        except ValueError:
            raise ValueError(f"{path}:{number}: the expiry {expires!r} is not a number") from None
        host = domain.lstrip(".")
        cookies.append({"name": name, "value": value,
                        "domain": f".{host}" if subdomains.upper() == "TRUE" else host,
                        "path": cookie_path or "/", "expires": expiry if expiry > 0 else -1,
                        "httpOnly": http_only, "secure": secure.upper() == "TRUE", "sameSite": "Lax"})
    if not cookies:
        raise ValueError(f"{path} holds no cookies (neither a cookies.txt nor a storage-state JSON)")
    return cookies
