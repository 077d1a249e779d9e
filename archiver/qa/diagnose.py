"""Why a page replays differently from its capture, where the evidence says so (pure functions).

Each finding is a ``Finding(code, detail)``; the codes, in the order they are listed:

- ``replay-failed``: the page itself did not replay (no capture found, navigation error);
- ``overlay``: a box covering the first screen in replay whose text the capture did not show
  (a consent dialog, a newsletter pop-up: the crawler dismissed it, replay cannot);
- ``query-mismatch``: a request the archive could not answer, for a URL that was archived with
  another query string (cache-busting parameters replay cannot reproduce);
- ``lazy-image``: an image that stayed empty or was requested only on scrolling, and is not archived;
- ``after-interaction``: another request made only after scrolling, that the capture never made;
- ``capture-interaction``: data the capture loaded (XHR, fetch) that replay never asked for:
  the crawler clicked ("load more") or scrolled further than a reader of the replay does;
- ``post``: a POST the archive could not answer;
- ``service-worker``: the page registers a service worker (blocked in capture and replay);
- ``not-archived``: a request made on load that the archive has no record of (a record lost or never written);
- ``unanswered``: a request for an archived URL that replay still did not answer;
- ``escaped``: a request to a server other than the replay's (refused; the archive must answer it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from archiver.qa.compare import normalise
from archiver.qa.replayer import Replay

CODES = ("replay-failed", "overlay", "query-mismatch", "lazy-image", "after-interaction", "capture-interaction", "post",
         "service-worker", "not-archived", "unanswered", "escaped")


@dataclass(frozen=True)
class Finding:
    code: str
    detail: str

    def as_json(self) -> dict:
        return {"code": self.code, "detail": self.detail}


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


INTERACTIVE_TYPES = ("xhr", "fetch")


def diagnose(replay: Replay, captured_text: str | None, archived_urls: set[str],
             captured_requests: list[tuple[str, str]] = ()) -> list[Finding]:
    """What the replay's requests, boxes and images say; empty when nothing looks wrong."""
    if replay.error:
        return [Finding("replay-failed", replay.error)]
    findings: list[Finding] = []
    shown = normalise(captured_text or "")
    for overlay in replay.overlays:
        text = normalise(overlay.get("text") or "")
        if captured_text is not None and text[:60] not in shown:
            label = f"#{overlay['id']}" if overlay.get("id") else (overlay.get("cls") or "box").split()[0]
            findings.append(Finding("overlay", f"{label} covers {overlay['share']:.0%} of the screen: {text[:60]}"))
    stems = {_without_query(u) for u in archived_urls}
    lazy_urls = set()
    for request in replay.failed():
        if request.method == "POST":
            findings.append(Finding("post", request.url))
        elif _without_query(request.url) in stems:
            findings.append(Finding("query-mismatch", request.url))
        elif request.phase == "interaction" and request.resource_type == "image":
            lazy_urls.add(request.url)
            findings.append(Finding("lazy-image", request.url))
        elif request.phase == "interaction":
            findings.append(Finding("after-interaction", f"{request.resource_type} {request.url}"))
        elif request.url in archived_urls:
            findings.append(Finding("unanswered", f"{request.resource_type} {request.url}"))
        else:
            findings.append(Finding("not-archived", f"{request.resource_type} {request.url}"))
    for image in replay.missing_images:
        if image["lazy"] and image["top"] >= replay.viewport_height and image["src"] not in lazy_urls:
            findings.append(Finding("lazy-image", f"never loaded, {image['top']:.0f} px down: {image['src'][:80]}"))
    requested = {r.url for r in replay.requests}
    for kind, url in captured_requests:
        if kind in INTERACTIVE_TYPES and url not in requested:
            findings.append(Finding("capture-interaction", f"{kind} {url}"))
    for script in replay.service_workers:
        findings.append(Finding("service-worker", script))
    for url in replay.escaped:
        findings.append(Finding("escaped", url))
    return sorted(findings, key=lambda f: CODES.index(f.code))


def failed_by_type(replay: Replay) -> dict[str, int]:
    return dict(Counter(r.resource_type for r in replay.failed()))
