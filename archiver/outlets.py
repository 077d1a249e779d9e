"""Outlet profiles: everything the crawler knows about one news site, in TOML.

A profile holds start URLs, sitemaps, feeds, the article URL pattern, render
rules, selector overrides and politeness, so users add an outlet without
writing Python. The bundled profiles live in ``outlets.toml`` next to this file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from archiver.profiles.recipe import LoginRecipe


RENDER_CHOICES = ("auto", "always", "never")


@dataclass(frozen=True)
class Politeness:
    """What the outlet's profile asks for; None leaves the setting's default (archiver/settings.py)."""
    concurrency: int | None = None    # requests at once to this outlet (CONCURRENT_REQUESTS_PER_DOMAIN)
    delay: float | None = None        # seconds between requests, AutoThrottle adapts from here (DOWNLOAD_DELAY)


@dataclass(frozen=True)
class OutletProfile:
    name: str
    base_url: str
    title: str = ""
    language: str | None = None
    start_urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sitemap_hosts: tuple[str, ...] = ()   # other hosts whose sitemaps are the outlet's (a static/CDN host)
    feeds: tuple[str, ...] = ()
    article_pattern: str = r".*"
    listing_pattern: str = r"$^"
    exclude_pattern: str = r"$^"          # links never followed, on top of ARCHIVER_SKIP_LINK_PATTERN
    render_pattern: str = r".*"
    # with --render auto: "auto" renders render_pattern's pages and any other that a plain fetch shows to be
    # an app shell (archiver.capture.shells); "always" renders every page, "never" none
    render: str = "auto"
    consent_selector: str = ""
    load_more_selector: str = ""
    selectors: dict[str, str] = field(default_factory=dict)
    politeness: Politeness = Politeness()
    login: LoginRecipe | None = None      # how to log in and tell a lapsed session (docs/logged-in.md)
    # A URL target: every page its sitemaps list is fetched, and whether one is an article is decided
    # from the page (archiver.verdict.reads_as_article), not only from article_pattern.
    judge_sitemap_pages: bool = False

    def absolute(self, url: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", url)

    def with_base_url(self, base_url: str) -> "OutletProfile":
        """The same outlet served elsewhere (a mirror, or the bundled sample)."""
        return replace(self, base_url=base_url.rstrip("/"))

    @property
    def allowed_domains(self) -> list[str]:
        return [urlsplit(self.base_url).hostname or ""]

    def _matches(self, pattern: str, url: str) -> bool:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return re.search(pattern, path) is not None

    def is_own(self, url: str) -> bool:
        """Same host as the outlet (ports included, so a mirror on 127.0.0.1 is its own site)."""
        return urlsplit(url).netloc.lower() == urlsplit(self.base_url).netloc.lower()

    def is_sitemap_host(self, url: str) -> bool:
        """The outlet's own host or one of its ``sitemap_hosts`` (a name matches any port, host:port only that one)."""
        parts = urlsplit(url)
        names = {parts.netloc.lower(), (parts.hostname or "").lower()}
        return self.is_own(url) or any(host.lower() in names for host in self.sitemap_hosts)

    def is_excluded(self, url: str) -> bool:
        return self._matches(self.exclude_pattern, url)

    def is_article(self, url: str) -> bool:
        return self._matches(self.article_pattern, url)

    def is_listing(self, url: str) -> bool:
        return self._matches(self.listing_pattern, url)

    def needs_render(self, url: str) -> bool:
        """Rendered by URL alone (with --render auto); a shell found by a plain fetch is rendered too."""
        if self.render != "auto":
            return self.render == "always"
        return self._matches(self.render_pattern, url)


def _profile_from_table(name: str, table: dict) -> OutletProfile:
    table = dict(table)
    politeness = Politeness(**table.pop("politeness", {}))
    selectors = {k: v for k, v in table.pop("selectors", {}).items() if v}
    if "login" in table:
        try:
            table["login"] = LoginRecipe(**table["login"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"outlet profile [{name}.login]: {exc}") from None
    for key in ("start_urls", "sitemaps", "sitemap_hosts", "feeds"):
        table[key] = tuple(table.get(key, ()))
    try:
        profile = OutletProfile(name=name, politeness=politeness, selectors=selectors, **table)
    except TypeError as exc:
        raise ValueError(f"outlet profile [{name}]: {exc}") from None
    if profile.render not in RENDER_CHOICES:
        raise ValueError(f"outlet profile [{name}]: render must be one of {', '.join(RENDER_CHOICES)}, "
                         f"not {profile.render!r}")
    for attr in ("article_pattern", "listing_pattern", "exclude_pattern", "render_pattern"):
        try:
            re.compile(getattr(profile, attr))
        except re.error as exc:
            raise ValueError(f"outlet profile [{name}]: {attr} is not a valid regex: {exc}") from None
    return profile


def load_profiles(config: Path | None = None) -> dict[str, OutletProfile]:
    """The bundled profiles, overlaid with those of a user's TOML file."""
    text = resources.files("archiver").joinpath("outlets.toml").read_text(encoding="utf-8")
    tables = tomllib.loads(text)
    if config is not None:
        try:
            tables.update(tomllib.loads(Path(config).read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read outlet config {config}: {exc}") from None
    return {name: _profile_from_table(name, table) for name, table in tables.items()}


def profile_for_url(url: str) -> OutletProfile:
    """An ad-hoc profile for a bare URL target: its whole host, every HTML link followed up to --depth.

    Article-like URLs become items, every other page is archived as a page;
    robots.txt (always read) names the sitemaps.
    """
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    return OutletProfile(
        name=parts.hostname or "site",
        base_url=base,
        start_urls=(url,),
        article_pattern=r"/(\d{4}/\d{2}/|article|story|news/)[^?#]*[a-z0-9-]{12,}",
        listing_pattern=r".",
        judge_sitemap_pages=True,
    )
