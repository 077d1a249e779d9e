"""The consent state a crawl accepted, given back to its replay.

The crawler accepts cookie dialogs before its screenshot; the cookie the dialog's
script sets is in no HTTP exchange, so a replay shows the dialog again over the
page. The crawl keeps the cookies its consent clicks set in each page's
``urn:pageinfo:`` record; the replay collection turns them into one small script
that pywb injects into every replayed page (``inject_scripts``), which sets, before
the page's own scripts run, the cookies accepted on that page's host.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from archiver.recording.reader import WarcSource, iter_records, read_record

PAGEINFO_PREFIX = "urn:pageinfo:"
SCRIPT = "consent-state.js"

_TEMPLATE = """/* Written by the archiver: cookies the crawler's consent clicks set, by host (urn:pageinfo records). */
(function () {{
  var accepted = {state};
  var info = window.wbinfo || {{}};
  var host = (info.url || '').split('/')[2] || '';
  (accepted[host.split(':')[0]] || []).forEach(function (c) {{
    document.cookie = c.name + '=' + c.value + '; path=/';
  }});
}})();
"""


def consent_cookies(sources: Iterable[WarcSource]) -> dict[str, list[dict]]:
    """host -> the cookies (name, value) its pages were captured with after a consent click; latest wins."""
    by_host: dict[str, dict[str, str]] = {}
    for record in iter_records(list(sources)):
        if record.type != "resource" or not record.uri.startswith(PAGEINFO_PREFIX):
            continue
        try:
            info = json.loads(read_record(record))
        except ValueError:
            continue                          # a damaged record: the rest of the archive still replays
        host = urlsplit(record.uri[len(PAGEINFO_PREFIX):]).hostname or ""
        for cookie in info.get("consent_cookies") or []:
            by_host.setdefault(host, {})[cookie["name"]] = cookie["value"]
    return {host: [{"name": n, "value": v} for n, v in cookies.items()] for host, cookies in by_host.items()}


def consent_script(cookies: dict[str, list[dict]]) -> str:
    # </script> cannot appear: the state is JSON in a separate .js file, never inline markup
    return _TEMPLATE.format(state=json.dumps(cookies, sort_keys=True))
