"""Named login profiles on disk: one JSON file per profile, mode 0600, in a 0700 folder outside every output root.

A profile is what Browsertrix calls a browser profile, minus the browser's own
files: Playwright's storage state (cookies and localStorage), the user agent
and viewport it was made with, the outlet it belongs to, and the username
(never the password). The folder is ``$XDG_CONFIG_HOME/news-archiver/profiles``
(``~/.config/...`` without it), or ``--profiles-dir``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from archiver import settings as defaults

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ProfileError(ValueError):
    """A profile that is missing, malformed or in the wrong place; the message says what to do."""


def default_profiles_dir() -> Path:
    if defaults.ARCHIVER_PROFILES_DIR:
        return Path(defaults.ARCHIVER_PROFILES_DIR).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "news-archiver" / "profiles"


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Profile:
    name: str
    outlet: str | None = None
    username: str | None = None               # who logged in; the password is never stored
    user_agent: str | None = None             # what the session was made with (None: imported)
    viewport: dict | None = None
    storage_state: dict = field(default_factory=lambda: {"cookies": [], "origins": []})
    source: str = "login"                     # login | interactive | import
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)

    @property
    def cookies(self) -> list[dict]:
        return self.storage_state.get("cookies", [])

    def cookie_names(self) -> set[str]:
        return {c["name"] for c in self.cookies}

    def domains(self) -> list[str]:
        return sorted({c.get("domain", "").lstrip(".") for c in self.cookies})

    def expires(self) -> float | None:
        """The earliest expiry (epoch seconds) of its cookies that have one; None: session cookies only."""
        times = [c["expires"] for c in self.cookies if c.get("expires", -1) > 0]
        return min(times) if times else None

    def merge_cookies(self, cookies: list[dict]) -> None:
        """Cookies the site set or refreshed during a crawl replace the profile's of the same name, domain, path."""
        merged = {(c["name"], c.get("domain"), c.get("path", "/")): c for c in self.cookies}
        for cookie in cookies:
            merged[(cookie["name"], cookie.get("domain"), cookie.get("path", "/"))] = cookie
        self.storage_state = {**self.storage_state, "cookies": list(merged.values())}
        self.updated = now_iso()


@dataclass
class ProfileStore:
    directory: Path = field(default_factory=default_profiles_dir)

    def path(self, name: str) -> Path:
        if not NAME.match(name):
            raise ProfileError(f"profile names are letters, digits, '.', '_' and '-' (up to 64), not {name!r}")
        return self.directory / f"{name}.json"

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.json")) if self.directory.is_dir() else []

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def load(self, name: str) -> Profile:
        path = self.path(name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Profile(**data)
        except FileNotFoundError:
            raise ProfileError(f"no profile {name!r} in {self.directory}; `archiver profile list` shows "
                               "them, `archiver profile login` or `import` makes one") from None
        except (OSError, ValueError, TypeError) as exc:
            raise ProfileError(f"cannot read profile {path}: {exc}") from None

    def save(self, profile: Profile) -> Path:
        """Write atomically, readable by the owner only (0600 file in a 0700 folder)."""
        path = self.path(profile.name)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)
        temporary = path.with_suffix(".json.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(profile), fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
        return path

    def delete(self, name: str) -> bool:
        try:
            self.path(name).unlink()
            return True
        except FileNotFoundError:
            return False

    def check_outside(self, root: Path) -> None:
        """Refuse to crawl into an output root that holds the profiles: WACZ and `ls` take whole folders."""
        mine, theirs = self.directory.resolve(), Path(root).resolve()
        if mine == theirs or mine.is_relative_to(theirs):
            raise ProfileError(f"the profiles folder {mine} is inside the output root {theirs}; "
                               "keep profiles outside every output root (--profiles-dir)")
