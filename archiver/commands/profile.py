"""``archiver profile``: named login profiles for logged-in crawls (docs/logged-in.md).

    archiver profile login NAME --outlet OUTLET [--username U] [--password-file F] [--interactive]
    archiver profile import NAME FILE [--outlet OUTLET]
    archiver profile list | show NAME | delete NAME
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path

from archiver import settings as defaults
from archiver.profiles.store import Profile, ProfileError, ProfileStore


def register(subparsers) -> None:
    parser = subparsers.add_parser("profile", help="login profiles for logged-in crawls (crawl --profile)")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profiles-dir", type=Path, help="where profiles live (default: "
                        "$XDG_CONFIG_HOME/news-archiver/profiles, else ~/.config/news-archiver/profiles)")

    login = verbs.add_parser("login", parents=[common], help="log in with the outlet's recipe and save the session")
    login.add_argument("name")
    login.add_argument("--outlet", required=True, help="the outlet whose [login] recipe to run")
    login.add_argument("--username", help=f"(default: ${defaults.ARCHIVER_LOGIN_USERNAME_ENV})")
    login.add_argument("--password-file", type=Path, metavar="FILE",
                       help=f"first line is the password (default: ${defaults.ARCHIVER_LOGIN_PASSWORD_ENV}); "
                            "the password is never an argument")
    login.add_argument("--base-url", metavar="URL", help="where the outlet is served (a mirror, the sample)")
    login.add_argument("--config", type=Path, help="TOML file with outlet profiles")
    login.add_argument("--user-agent", help="User-Agent of the session (default: the crawl's USER_AGENT)")
    login.add_argument("--chromium", metavar="PATH", default=defaults.ARCHIVER_CHROMIUM)
    login.add_argument("--ignore-tls-errors", action="store_true")
    login.add_argument("--interactive", action="store_true",
                       help="log in yourself, from your own browser, through a page this command serves on "
                            "127.0.0.1 (reach it over an SSH tunnel); saved when the logged_in check passes")
    login.add_argument("--port", type=int, default=0, help="port of the interactive page (default: any free)")
    login.set_defaults(func=run_login)

    imp = verbs.add_parser("import", parents=[common], help="a cookies.txt or Playwright storage-state JSON")
    imp.add_argument("name")
    imp.add_argument("file", type=Path)
    imp.add_argument("--outlet", help="the outlet the session belongs to")
    imp.set_defaults(func=run_import)

    verbs.add_parser("list", parents=[common], help="profile names, outlets, domains").set_defaults(func=run_list)
    show = verbs.add_parser("show", parents=[common], help="a profile's cookies: names, domains, expiry (never values)")
    show.add_argument("name")
    show.set_defaults(func=run_show)
    delete = verbs.add_parser("delete", parents=[common], help="delete a profile")
    delete.add_argument("name")
    delete.set_defaults(func=run_delete)


def store_of(args: argparse.Namespace) -> ProfileStore:
    return ProfileStore(args.profiles_dir) if args.profiles_dir else ProfileStore()


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def run_login(args: argparse.Namespace) -> int:
    from archiver.chromium import chromium_path, launch_options
    from archiver.outlets import load_profiles
    from archiver.profiles.credentials import NoCredentials, read_credentials
    from archiver.profiles.login import BrowserSetup, LoginFailed, recipe_login

    store = store_of(args)
    try:
        store.path(args.name)
        outlets = load_profiles(args.config)
        if args.outlet not in outlets:
            return _fail(f"unknown outlet {args.outlet!r}; `archiver outlets` lists them")
        outlet = outlets[args.outlet]
        if args.base_url:
            outlet = outlet.with_base_url(args.base_url)
        if outlet.login is None:
            return _fail(f"outlet {args.outlet!r} has no [{args.outlet}.login] table (docs/logged-in.md)")
        setup = BrowserSetup(launch_options(chromium_path(args.chromium)), args.user_agent or defaults.USER_AGENT,
                             dict(defaults.ARCHIVER_VIEWPORT), args.ignore_tls_errors)
        if args.interactive:
            from archiver.profiles.interactive import interactive_login
            state, username, source = interactive_login(outlet, setup, args.port), None, "interactive"
        else:
            credentials = read_credentials(args.username, args.password_file)
            state = asyncio.run(recipe_login(outlet, credentials, setup, defaults.ARCHIVER_LOGIN_TIMEOUT))
            username, source = credentials.username, "login"
    except (ProfileError, NoCredentials, LoginFailed, ValueError, FileNotFoundError) as exc:
        return _fail(str(exc))
    if state is None:
        return _fail("the interactive login ended before the logged_in check passed; nothing saved")
    profile = Profile(args.name, outlet=args.outlet, username=username, user_agent=setup.user_agent,
                      viewport=setup.viewport, storage_state=state, source=source)
    path = store.save(profile)
    print(f"saved profile {args.name} ({len(profile.cookies)} cookies for {', '.join(profile.domains())}) in {path}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from archiver.profiles.importing import read_session_file

    store = store_of(args)
    try:
        store.path(args.name)
        state = read_session_file(args.file)
    except (ProfileError, ValueError, OSError) as exc:
        return _fail(str(exc))
    profile = Profile(args.name, outlet=args.outlet, storage_state=state, source="import")
    path = store.save(profile)
    print(f"imported {len(profile.cookies)} cookies for {', '.join(profile.domains())} into profile "
          f"{args.name} ({path}); the file {args.file} still holds them: delete it if you no longer need it")
    return 0


def _expiry(epoch: float | None) -> str:
    if epoch is None or epoch <= 0:
        return "session"
    when = datetime.fromtimestamp(epoch, timezone.utc)
    return when.replace(microsecond=0).isoformat() + (" (expired)" if when < datetime.now(timezone.utc) else "")


def run_list(args: argparse.Namespace) -> int:
    store = store_of(args)
    names = store.names()
    if not names:
        print(f"no profiles in {store.directory}")
        return 0
    print("\t".join(("name", "outlet", "source", "cookies", "domains", "first expiry", "updated")))
    for name in names:
        try:
            p = store.load(name)
        except ProfileError as exc:
            print(f"{name}\t(unreadable: {exc})")
            continue
        print("\t".join((name, p.outlet or "-", p.source, str(len(p.cookies)), ",".join(p.domains()),
                         _expiry(p.expires()), p.updated)))
    return 0


def run_show(args: argparse.Namespace) -> int:
    try:
        p = store_of(args).load(args.name)
    except ProfileError as exc:
        return _fail(str(exc))
    print(f"profile {p.name}: outlet {p.outlet or '-'}, made by {p.source}, user {p.username or '-'}")
    print(f"created {p.created}, updated {p.updated}")
    print(f"user agent: {p.user_agent or '(the crawl’s)'}; viewport: {p.viewport or '(the crawl’s)'}")
    print("cookies (values never shown):")
    for c in sorted(p.cookies, key=lambda c: (c.get("domain", ""), c["name"])):
        flags = ",".join(f for f, on in (("HttpOnly", c.get("httpOnly")), ("Secure", c.get("secure"))) if on)
        print(f"  {c.get('domain', '')}\t{c.get('path', '/')}\t{c['name']}\t{_expiry(c.get('expires'))}\t{flags}")
    for origin in p.storage_state.get("origins", []):
        keys = [item.get("name") for item in origin.get("localStorage", [])]
        print(f"localStorage {origin.get('origin')}: {len(keys)} keys ({', '.join(keys)})")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    try:
        deleted = store_of(args).delete(args.name)
    except ProfileError as exc:
        return _fail(str(exc))
    if not deleted:
        return _fail(f"no profile {args.name!r}")
    print(f"deleted profile {args.name}")
    return 0
