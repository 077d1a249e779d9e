"""Where the browser comes from and how it is launched.

Playwright's own browser download cannot work on a closed network, so we
launch the system Chromium (Debian's ``chromium`` package). Playwright 1.64 is
built for Chromium 156, the version Debian 12 ships.

The switches are chosen so the browser contacts only what the captured pages
ask for. An archivist crawling through an institutional proxy, or from a network that
must not leak, needs every request the browser makes to be one a page asked
for. Measured through a logging proxy (see the README's "Browser traffic"),
Debian's Chromium 156 under Playwright still sends, with no page asking:

- ``POST update.googleapis.com/service/update2/json``: an on-demand install of
  the on-device AI model manifest, which ``--disable-component-update`` does
  not stop (on-demand installs bypass it);
- ``POST accounts.google.com/ListAccounts``: the identity manager lists the
  Google accounts in the cookie jar when a profile's network starts, with
  retries; no switch, feature or preference turns it off.

Neither has an off switch, but both take their server from a switch. We point
them, and the other Google service origins, at ``.invalid`` hosts (RFC 2606: a
name that never resolves), resolve those to nothing inside Chromium
(``--host-resolver-rules``) and keep them away from the crawl's proxy (see
``proxy_bypass``). Nothing leaves the machine, and nothing reaches the proxy.

The rest are Chromium's own off switches for background services.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache

# -- switches: a browser that contacts only what the captured pages ask for ---------

# A name that never resolves (RFC 2606); Chromium maps it to "not found" itself.
UNREACHABLE = "invalid"

# Google service origins that have no off switch, only a server switch.
SERVICE_ORIGINS = {
    "--gaia-url": f"https://accounts.{UNREACHABLE}/",          # ListAccounts, sign-in
    "--google-apis-url": f"https://apis.{UNREACHABLE}/",       # OAuth tokens, Google APIs
    "--lso-url": f"https://lso.{UNREACHABLE}/",                # OAuth login service
    "--variations-server-url": f"https://variations.{UNREACHABLE}/",   # field-trial seeds
}
# The component updater's server (its on-demand installs ignore --disable-component-update).
COMPONENT_UPDATER = f"--component-updater=url-source=https://update.{UNREACHABLE}/service/update2/json"

# Playwright passes its own --disable-features; Chromium keeps only the last one,
# so ours repeats Playwright 1.64's list (chromiumSwitches.ts) before its own.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "DialMediaRouteProvider",
    "GlobalMediaControls", "HttpsUpgrades", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "BlockOriginHeaderModificationOnRedirect",
    "AvoidCorsURLLoaderRestartOnRedirect", "Translate", "AutoDeElevate", "OptimizationHints",
    "NetworkTimeServiceQuerying", "AimEnabled",
]
# Background features that send requests of their own during a crawl.
DISABLED_FEATURES = [
    "AutofillServerCommunication",      # form-field queries to content-autofill.googleapis.com
    "CertificateTransparencyComponentUpdater",
    "DnsOverHttps",                     # no automatic upgrade to a DoH server the crawl did not choose
    "InterestFeedContentSuggestions",
    "OptimizationGuideModelDownloading",
    "OptimizationGuideOnDeviceModel",
    "OptimizationHintsFetching",
    "PrivacySandboxSettings4",
    "SafeBrowsingHashPrefixRealTimeLookups",
    "UrlKeyedAnonymizedDataCollection",
]

BACKGROUND_SWITCHES = [
    "--disable-background-networking",  # most background fetches (not on-demand components)
    "--disable-component-update",
    "--disable-component-extensions-with-background-pages",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",     # beacons about Google properties' reliability
    "--disable-sync",
    "--disable-default-apps",
    "--disable-breakpad",               # no crash uploads
    "--metrics-recording-only",         # metrics are recorded, never uploaded
    "--no-pings",                       # <a ping> hyperlink auditing
    "--no-first-run",
    "--no-default-browser-check",
    "--no-service-autorun",
    "--allow-browser-signin=false",
    "--safebrowsing-disable-auto-update",
    "--media-router=0",
]

# Rendering switches: the archiver's choices, not about traffic.
RENDERING_SWITCHES = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",                   # the proxy and the recorder see TCP
    "--disable-dev-shm-usage",
    "--disable-back-forward-cache",
    "--hide-scrollbars",
    "--mute-audio",
]


def proxy_bypass() -> str:
    """Hosts the browser reaches without the proxy: the unreachable service hosts (never resolved)."""
    return f"*.{UNREACHABLE}"


def chromium_args(proxy: str | None = None) -> list[str]:
    """Command-line switches for the crawl's Chromium (Playwright adds its own before them)."""
    args = [*RENDERING_SWITCHES, *BACKGROUND_SWITCHES, COMPONENT_UPDATER]
    args += [f"{switch}={origin}" for switch, origin in SERVICE_ORIGINS.items()]
    args.append("--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + DISABLED_FEATURES))
    if not (proxy or "").startswith("socks5://"):
        # With a socks5 proxy Playwright maps every name to "not found" itself
        # (all names are resolved by the proxy); a second rule would replace that one.
        args.append(f"--host-resolver-rules=MAP *.{UNREACHABLE} ~NOTFOUND")
    return args


# -- the executable and its launch -------------------------------------------------

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "ARCHIVER_CHROMIUM"
CHROMIUM_ARGS = chromium_args()        # without a proxy (replay, tests)


def chromium_path(override: str | None = None) -> str:
    """The Chromium executable: an explicit override, $ARCHIVER_CHROMIUM, or Debian's."""
    path = override or os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    resolved = shutil.which(path) or path
    if not os.access(resolved, os.X_OK):
        raise FileNotFoundError(
            f"Chromium not found at {path}: install Debian's package (apt-get install chromium), "
            f"or point {CHROMIUM_ENV} / --chromium at a Chromium 156 executable"
        )
    return resolved


@lru_cache(maxsize=4)
def chromium_version(path: str) -> str:
    """The version string Chromium prints, for the warcinfo record."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def launch_options(path: str, proxy: str | None = None, js_heap_mb: int = 0) -> dict:
    """Keyword arguments for ``BrowserType.launch``: every Chromium switch the archiver passes.

    `js_heap_mb`: cap each tab's V8 heap (a page exhausting it crashes only its tab).
    """
    args = chromium_args(proxy)         # a browser that contacts only what pages ask for
    if js_heap_mb:
        args.append(f"--js-flags=--max-old-space-size={js_heap_mb}")
    options: dict = {
        "executable_path": path,
        "headless": True,
        "timeout": 60_000,
        "args": args,
    }
    if proxy:
        options["proxy"] = {"server": proxy, "bypass": proxy_bypass()}
    return options
