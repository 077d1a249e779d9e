"""Walls: pages a bot manager, a captcha, a consent banner or a missing page put where the article was.

Each ``WallRule`` names one vendor's signature, taken from public sources (the
URL beside each rule). A rule matches on the status, the response headers and
the markup together; rules whose markers also occur on ordinary pages (a
captcha widget in a comment form, Imperva's tracking script, a consent
banner) only count on a *thin* page, one with too few words to be an article.
Pure code: no Scrapy, no network.
"""

from __future__ import annotations

import html as html_mod
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from archiver import settings as defaults


class WallKind(StrEnum):
    """What stood in the article's place; the values are crawl.json failure reasons."""

    CHALLENGE = "challenge"          # a JS or managed bot challenge, a captcha, an "access denied" page
    SOFT_404 = "soft-404"            # a 2xx page that says the article is not there
    CONSENT_WALL = "consent-wall"    # a cookie/consent wall with no content behind it


@dataclass(frozen=True)
class WallRule:
    """One signature: every condition given must hold (markers: any one of them)."""

    vendor: str
    kind: WallKind
    source: str                                         # where the signature was taken from
    statuses: tuple[int, ...] = ()                      # empty: any status
    headers: tuple[tuple[str, str], ...] = ()           # (name, regex on its value): any one matches
    markers: tuple[str, ...] = ()                       # regexes on the markup: any one matches
    thin_only: bool = False                             # only on a page with few words

    def matches(self, status: int, headers: Mapping[str, str], html: str, thin: bool) -> str | None:
        """The evidence this rule saw, or None."""
        if self.statuses and status not in self.statuses:
            return None
        if self.thin_only and not thin:
            return None
        evidence: list[str] = []
        if self.headers:
            hit = next(((name, headers[name]) for name, pattern in self.headers
                        if name in headers and re.search(pattern, headers[name], re.I)), None)
            if hit is None:
                return None
            evidence.append(f"header {hit[0]}: {hit[1][:60]}")
        if self.markers:
            marker = next((m for m in self.markers if re.search(m, html, re.I)), None)
            if marker is None:
                return None
            evidence.append(f"markup /{marker}/")
        if self.statuses:
            evidence.append(f"status {status}")
        return ", ".join(evidence)


# Statuses a bot manager blocks with. 2xx challenge pages exist too (AWS WAF answers 202).
_DENIED = (401, 403, 405, 429, 503)

RULES: tuple[WallRule, ...] = (
    # --- Cloudflare ----------------------------------------------------------
    # "the Challenge Page response (regardless of the Challenge Page type) will have the cf-mitigated
    # header present and set to challenge"
    WallRule("cloudflare", WallKind.CHALLENGE,
             "https://developers.cloudflare.com/cloudflare-challenges/challenge-types/challenge-pages/detect-response",
             headers=(("cf-mitigated", r"^\s*challenge\b"),)),
    # The interstitial's markup: "Just a moment..." with the challenge-platform script and _cf_chl_opt
    # (https://docs.rs/parse-book-source/0.5.0/parse_book_source/fetch/fn.is_challenge.html; FlareSolverr's
    # selectors #cf-challenge-running, #cf-please-wait: https://github.com/FlareSolverr/FlareSolverr
    # src/providers/cloudflare.ts)
    WallRule("cloudflare", WallKind.CHALLENGE,
             "https://docs.rs/parse-book-source/0.5.0/parse_book_source/fetch/fn.is_challenge.html",
             markers=(r"\b_cf_chl_opt\b", r"id=[\"']cf-challenge-running", r"id=[\"']cf-please-wait")),
    # Bot Management's JavaScript Detections inject /cdn-cgi/challenge-platform/scripts/jsd/ into ordinary
    # pages (https://developers.cloudflare.com/cloudflare-challenges/concepts/how-challenges-work), so the
    # platform path and the "Just a moment..." title count only on a thin page
    WallRule("cloudflare", WallKind.CHALLENGE,
             "https://docs.rs/parse-book-source/0.5.0/parse_book_source/fetch/fn.is_challenge.html",
             markers=(r"/cdn-cgi/challenge-platform/h/", r"<title>\s*Just a moment\.\.\.\s*</title>", r"\bcf-chl-"),
             thin_only=True),
    # Turnstile on an interstitial: the widget script on a page with nothing else on it
    # (challenges.cloudflare.com/turnstile: https://github.com/scaredos/cfresearch)
    WallRule("cloudflare-turnstile", WallKind.CHALLENGE, "https://github.com/scaredos/cfresearch",
             markers=(r"challenges\.cloudflare\.com/turnstile", r"class=[\"'][^\"']*\bcf-turnstile\b"), thin_only=True),
    # --- Akamai Bot Manager -----------------------------------------------------
    # 403, Server: AkamaiGHost, <title>Access Denied</title>, "You don't have permission to access ...
    # Reference #18.…" (https://github.com/Ekultek/WhatWaf/issues/1162,
    # https://github.com/netbirdio/netbird/issues/3670: errors.edgesuite.net)
    WallRule("akamai", WallKind.CHALLENGE, "https://github.com/Ekultek/WhatWaf/issues/1162",
             statuses=_DENIED, markers=(r"Reference\s*#\s*\d+\.[0-9a-f]+\.\d+\.[0-9a-f]+", r"errors\.edgesuite\.net")),
    WallRule("akamai", WallKind.CHALLENGE, "https://github.com/Ekultek/WhatWaf/issues/1162",
             statuses=_DENIED, headers=(("server", r"AkamaiGHost"), ("set-cookie", r"\b_abck=")),
             markers=(r"<title>\s*Access Denied\s*</title>",)),
    # --- HUMAN (PerimeterX) -----------------------------------------------------
    # <title>Access to this page has been denied</title>, <meta name="description" content="px-captcha">,
    # window._pxAppId ... (https://github.com/0xjas0/Chegg-Answer-Bot/issues/34); "Press & Hold" and
    # #px-captcha (https://github.com/feder-cr/invisible_playwright/issues/28)
    WallRule("perimeterx", WallKind.CHALLENGE, "https://github.com/0xjas0/Chegg-Answer-Bot/issues/34",
             markers=(r"content=[\"']px-captcha", r"id=[\"']px-captcha",
                      r"Press\s*(?:&amp;|&)\s*Hold to confirm you are")),
    # the sensor's window._pxAppId is set on ordinary protected pages too: thin pages only
    WallRule("perimeterx", WallKind.CHALLENGE, "https://github.com/0xjas0/Chegg-Answer-Bot/issues/34",
             markers=(r"window\._pxAppId", r"/captcha/captcha\.js\?a=c"), thin_only=True),
    WallRule("perimeterx", WallKind.CHALLENGE, "https://github.com/0xjas0/Chegg-Answer-Bot/issues/34",
             statuses=_DENIED, headers=(("set-cookie", r"\b_pxhd="),),
             markers=(r"Access to this page has been denied",)),
    # --- DataDome ----------------------------------------------------------------
    # "the block page (HTTP 403, sometimes 401) ... with a slider (/captcha/) or a device check
    # (/interstitial/) loaded from geo.captcha-delivery.com"
    # (https://glama.ai/mcp/servers/capskip/capskip-mcp/tools/capskip_solve_datadome); X-DataDome response
    # headers (https://github.com/fastly/fastly-magento2/pull/715)
    WallRule("datadome", WallKind.CHALLENGE,
             "https://glama.ai/mcp/servers/capskip/capskip-mcp/tools/capskip_solve_datadome",
             markers=(r"(?:geo|ct)\.captcha-delivery\.com/(?:captcha|interstitial)", r"\bvar dd\s*=\s*\{\s*['\"]rt['\"]")),
    WallRule("datadome", WallKind.CHALLENGE, "https://github.com/fastly/fastly-magento2/pull/715",
             statuses=_DENIED, headers=(("x-datadome", r"."), ("x-dd-b", r"."))),
    # --- Imperva (Incapsula) ------------------------------------------------------
    # "Incapsula incident ID", "/_Incapsula_Resource" (https://github.com/EnableSecurity/wafw00f
    # wafw00f/plugins/incapsula.py); X-Iinfo and X-CDN: Incapsula headers. The resource script is also
    # injected into ordinary pages, so alone it counts only on a thin page.
    WallRule("imperva", WallKind.CHALLENGE, "https://github.com/EnableSecurity/wafw00f/blob/master/wafw00f/plugins/incapsula.py",
             markers=(r"Incapsula incident ID",)),
    WallRule("imperva", WallKind.CHALLENGE, "https://github.com/EnableSecurity/wafw00f/blob/master/wafw00f/plugins/incapsula.py",
             markers=(r"/_Incapsula_Resource\b",), thin_only=True),
    WallRule("imperva", WallKind.CHALLENGE, "https://github.com/EnableSecurity/wafw00f/blob/master/wafw00f/plugins/incapsula.py",
             statuses=_DENIED, headers=(("x-iinfo", r"."), ("x-cdn", r"Incapsula"))),
    # --- Kasada --------------------------------------------------------------------
    # "The first request to the website returns a 429 error ... response headers like x-kpsdk-ct"
    # (https://github.com/TheWebScrapingClub/webscraping-from-0-to-hero Pages/Antibot/Kasada.md); the 429
    # page runs the fingerprinting script ips.js (https://github.com/0x6a69616e/kpsdk-solver)
    WallRule("kasada", WallKind.CHALLENGE,
             "https://github.com/TheWebScrapingClub/webscraping-from-0-to-hero/blob/main/Pages/Antibot/Kasada.md",
             statuses=(429,), headers=(("x-kpsdk-ct", r"."), ("x-kpsdk-cd", r"."), ("x-kpsdk-st", r"."),
                                       ("x-kpsdk-r", r"."))),
    WallRule("kasada", WallKind.CHALLENGE, "https://github.com/0x6a69616e/kpsdk-solver",
             statuses=(429,), markers=(r"/ips\.js\b", r"\bKPSDK\b")),
    # --- AWS WAF ---------------------------------------------------------------------
    # Challenge: x-amzn-waf-action: challenge, 202; CAPTCHA: x-amzn-waf-action: captcha, 405
    # (https://docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge-actions.html);
    # the interstitial loads challenge.js from *.token.awswaf.com or jsapi.js from *.captcha.awswaf.com
    # (https://dev.to/capbypass/aws-waf-challenge-vs-captcha-which-token-you-need-igm)
    WallRule("aws-waf", WallKind.CHALLENGE,
             "https://docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge-actions.html",
             headers=(("x-amzn-waf-action", r"challenge|captcha"),)),
    WallRule("aws-waf", WallKind.CHALLENGE, "https://dev.to/capbypass/aws-waf-challenge-vs-captcha-which-token-you-need-igm",
             markers=(r"\.(?:token|captcha|captcha-sdk|sdk)\.awswaf\.com/", r"\bAwsWafIntegration\b",
                      r"\bAwsWafCaptcha\b"), thin_only=True),
    # --- captcha interstitials ---------------------------------------------------------
    # reCAPTCHA: the api.js script and an element of class g-recaptcha
    # (https://cloud.google.com/recaptcha/docs/instrument-web-pages-with-checkbox)
    WallRule("recaptcha", WallKind.CHALLENGE, "https://cloud.google.com/recaptcha/docs/instrument-web-pages-with-checkbox",
             markers=(r"(?:google\.com|recaptcha\.net)/recaptcha/(?:api|enterprise)\.js",
                      r"class=[\"'][^\"']*\bg-recaptcha\b"), thin_only=True),
    # hCaptcha: js.hcaptcha.com/1/api.js and <div class="h-captcha"> (https://docs.hcaptcha.com)
    WallRule("hcaptcha", WallKind.CHALLENGE, "https://docs.hcaptcha.com",
             markers=(r"hcaptcha\.com/1/api\.js", r"class=[\"'][^\"']*\bh-captcha\b"), thin_only=True),
    # --- consent walls -------------------------------------------------------------------
    # A consent page with nothing behind it: Yahoo's consent.yahoo.com/collectConsent
    # (https://github.com/easylist/easylist/issues/9281), OneTrust's banner
    # (https://github.com/danieldotnl/ha-multiscrape/issues/143), IAB TCF's __tcfapi
    WallRule("consent", WallKind.CONSENT_WALL, "https://github.com/easylist/easylist/issues/9281",
             markers=(r"consent\.yahoo\.com/v2/collectConsent", r"id=[\"']onetrust-consent-sdk",
                      r"\b__tcfapi\b", r"class=[\"'][^\"']*\b(?:consent-wall|cookie-wall|cookiewall)\b",
                      r"id=[\"']sp_message_container"), thin_only=True),
)

# A 2xx page saying the article is not there: a "not found" title or heading on a thin page
# ("at least two independent signals ... a 'page not found' title or heading, plus ... near-empty
# content. A regular article that merely mentions '404' is never flagged":
# https://docs.squirrelscan.com/rules/crawl/soft-404)
SOFT_404_SOURCE = "https://docs.squirrelscan.com/rules/crawl/soft-404"
_NOT_FOUND = re.compile(r"\b(?:page not found|not found|404|no longer available|does not exist|doesn['’]t exist|"
                        r"could not be found|couldn['’]t be found|nothing (?:was )?found)\b", re.I)
_HEADINGS = re.compile(r"<(title|h1)\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
_INVISIBLE = re.compile(r"<(script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Wall:
    """A wall found on a page: what it is, whose, and the evidence (for the log and the docs)."""

    kind: WallKind
    vendor: str
    evidence: str
    source: str = ""
    words: int = 0

    def describe(self) -> str:
        return f"{self.kind} ({self.vendor}: {self.evidence})"


@dataclass
class PageText:
    """The visible words of a page, counted once."""

    html: str
    words: int = field(init=False)

    def __post_init__(self) -> None:
        self.words = len(_TAG.sub(" ", _INVISIBLE.sub(" ", self.html)).split())


def normalize_headers(headers: Mapping[str, object] | Iterable[tuple[object, object]] | None) -> dict[str, str]:
    """Lowercased names, str values; several values of one header joined by newlines (bytes decoded)."""
    if headers is None:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        text = "\n".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values)
        key = (name.decode("latin-1") if isinstance(name, bytes) else str(name)).lower()
        out[key] = f"{out[key]}\n{text}" if key in out else text
    return out


def find_wall(status: int, headers: Mapping[str, object] | None, html: bytes | str,
              thin_words: int = defaults.ARCHIVER_WALL_THIN_WORDS) -> Wall | None:
    """The wall this response is, or None for a page that may hold content."""
    raw = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    text = html_mod.unescape(raw)           # Akamai writes "Reference&#32;&#35;18&#46;..."
    head = normalize_headers(headers)
    page = PageText(text)
    thin = page.words < thin_words
    for rule in RULES:
        evidence = rule.matches(status, head, text, thin)
        if evidence is not None:
            return Wall(rule.kind, rule.vendor, evidence, rule.source, page.words)
    if 200 <= status < 300 and thin:
        for tag, inner in _HEADINGS.findall(text):
            heading = " ".join(_TAG.sub(" ", inner).split())
            if _NOT_FOUND.search(heading):
                return Wall(WallKind.SOFT_404, "site", f"<{tag.lower()}> {heading[:60]!r}, {page.words} words",
                            SOFT_404_SOURCE, page.words)
    return None
