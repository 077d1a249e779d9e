"""What ``crawl --profile`` adds to a crawl's settings, and the checks before a crawl with a profile starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archiver.profiles.store import ProfileError, ProfileStore

if TYPE_CHECKING:
    from archiver.crawl.runner import CrawlOptions

COOKIES = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
PROFILE_COOKIES = "archiver.profiles.crawl.ProfileCookiesMiddleware"


def store_for(options: "CrawlOptions") -> ProfileStore:
    return ProfileStore(options.profiles_dir) if options.profiles_dir else ProfileStore()


def check_profile(options: "CrawlOptions", target: str) -> None:
    """The profile exists, lives outside the output root, and belongs to this target (ProfileError says why not)."""
    store = store_for(options)
    store.check_outside(options.out)
    profile = store.load(options.profile)
    if profile.outlet and profile.outlet != target:
        raise ProfileError(f"profile {profile.name!r} was made for outlet {profile.outlet!r}, not {target!r}")


def profile_settings(options: "CrawlOptions", has_user_agent: bool, middlewares: dict) -> dict:
    """The profile's name (never its contents), its user agent and viewport, and the cookie middleware
    that loads it. COOKIES_DEBUG stays off: it would log the profile's cookies."""
    profile = store_for(options).load(options.profile)
    settings: dict = {
        "ARCHIVER_PROFILE": profile.name,
        "ARCHIVER_PROFILES_DIR": str(store_for(options).directory),
        "ARCHIVER_KEEP_CREDENTIALS": options.keep_credentials,
        "COOKIES_DEBUG": False,
        "DOWNLOADER_MIDDLEWARES": {**middlewares, COOKIES: None, PROFILE_COOKIES: 700},
    }
    if options.password_file:
        settings["ARCHIVER_LOGIN_PASSWORD_FILE"] = str(options.password_file)
    if profile.user_agent and not has_user_agent:
        settings["USER_AGENT"] = profile.user_agent          # the session was made with it
    if profile.viewport:
        settings["ARCHIVER_VIEWPORT"] = profile.viewport
    return settings
