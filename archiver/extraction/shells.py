"""Is this HTML an app shell, a page that only JavaScript fills in?

A client-rendered front end answers every path with the same few hundred bytes:
an empty mount point (``<div id="root">``), a ``<noscript>`` asking for
JavaScript, scripts, and sometimes the framework's bootstrap data. Extracting
such HTML gives the site's name as the headline and the noscript message as
the body; the rendered DOM (``urn:dom:`` record) holds the article instead.
Pure: HTML in, verdict out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from archiver import settings as defaults
from archiver.extraction.bootstrap import ASSIGNMENT, JSON_SCRIPT_IDS
from archiver.extraction.document import decode_html, parse_html

# Mount points of React, Vue, Nuxt, Next.js, Angular, Svelte(Kit), Ember and generic apps.
APP_ROOTS = ("root", "app", "__next", "__nuxt", "__layout", "svelte", "main-app", "ember-application")
APP_ROOT_TAGS = ("app-root",)
ENABLE_JS = re.compile(r"enable javascript|javascript (?:is )?(?:required|disabled|must be enabled)|"
                       r"javascript aktivieren|active javascript|activa javascript|attiva javascript|"
                       r"включите javascript", re.IGNORECASE)
_VISIBLE_TEXT = ("//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template "
                 "or ancestor::head)]")


@dataclass(frozen=True)
class ShellVerdict:
    """What a page's own HTML says about it; ``shell`` when only JavaScript can show its content."""
    shell: bool
    text_length: int                   # characters of visible text
    signs: tuple[str, ...] = ()        # "empty app root #root", "noscript asks for JavaScript", ...


def visible_text_length(root: HtmlElement) -> int:
    """Characters of text a reader would see without JavaScript (scripts, styles, noscript left out)."""
    return sum(len(t.strip()) for t in root.xpath(_VISIBLE_TEXT))


def shell_signs(root: HtmlElement) -> list[str]:
    """Marks of a client-rendered app in a page's HTML, whether or not it also has text."""
    signs = []
    for node in root.iter("div", "main", "section", "body", *APP_ROOT_TAGS):
        ident = node.get("id") or ""
        if (ident in APP_ROOTS or node.tag in APP_ROOT_TAGS) and not len(node) and not (node.text or "").strip():
            signs.append(f"empty app root {'#' + ident if ident else node.tag}")
    for node in root.iter("noscript"):
        if ENABLE_JS.search(node.text_content() or ""):
            signs.append("noscript asks for JavaScript")
            break
    for script in root.iter("script"):
        if script.get("id") in JSON_SCRIPT_IDS:
            signs.append(f"bootstrap data {script.get('id')}")
        elif (found := ASSIGNMENT.search(script.text or "")):
            signs.append(f"bootstrap data window.{found.group(1)}")
    return signs


def judge_shell(html: bytes | str, encoding: str | None = None,
                max_text: int = defaults.ARCHIVER_SHELL_MAX_TEXT) -> ShellVerdict:
    """A shell: at most *max_text* visible characters, and a mark of an app (mount point, noscript, data)."""
    root = parse_html(decode_html(html, encoding).text)
    if root is None:
        return ShellVerdict(False, 0)
    length = visible_text_length(root)
    signs = tuple(shell_signs(root))
    return ShellVerdict(length <= max_text and bool(signs), length, signs)
