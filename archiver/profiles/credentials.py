"""Where a login's username and password come from: an option or the environment, and the environment or a file.

Never from a command-line argument: anyone on the machine can read another
process's arguments (``ps``). The password lives in this process's memory and
goes to Chromium over Playwright's pipe, typed into the form; nothing writes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archiver import settings as defaults


class NoCredentials(ValueError):
    """No password (or no username) was given; the message says how to give one."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = ""

    def __repr__(self) -> str:              # never printed, even in a traceback's locals
        return f"Credentials(username={self.username!r}, password=<hidden>)"

    __str__ = __repr__


def read_credentials(username: str | None = None, password_file: str | Path | None = None,
                     username_env: str = defaults.ARCHIVER_LOGIN_USERNAME_ENV,
                     password_env: str = defaults.ARCHIVER_LOGIN_PASSWORD_ENV) -> Credentials:
    """Username: *username*, else $ARCHIVER_LOGIN_USERNAME. Password: $ARCHIVER_LOGIN_PASSWORD, else
    the first line of *password_file*."""
    user = username or os.environ.get(username_env, "")
    if not user:
        raise NoCredentials(f"no username: pass --username or set {username_env}")
    password = os.environ.get(password_env, "")
    if not password and password_file:
        try:
            password = Path(password_file).read_text(encoding="utf-8").splitlines()[0] if \
                Path(password_file).stat().st_size else ""
        except OSError as exc:
            raise NoCredentials(f"cannot read the password file {password_file}: {exc.strerror}") from None
    if not password:
        raise NoCredentials(f"no password: set {password_env} or pass --password-file FILE "
                            "(never the password itself as an argument)")
    return Credentials(user, password)
