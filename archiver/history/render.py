"""Showing a word diff: rich text for a terminal, markers for a pipe, and a side-by-side HTML page."""

from __future__ import annotations

import html
from datetime import datetime, timezone

from rich.text import Text

from archiver.history.diff import Change, words_changed
from archiver.history.versions import Version
from archiver.terminaltext import visible

INSERT_STYLE = "bold green"
DELETE_STYLE = "red strike"


def diff_text(changes: list[Change], *, markers: bool) -> Text:
    """Inserts green, deletes red and struck through; with *markers* also ``{+added+}`` / ``[-removed-]``
    (git's word-diff), so the diff still reads where there is no colour."""
    text = Text()
    for change in changes:
        words = visible(change.text)
        if change.op == "equal":
            text.append(words)
        elif change.op == "insert":
            text.append(f"{{+{words}+}}" if markers else words, style=INSERT_STYLE)
        else:
            text.append(f"[-{words}-]" if markers else words, style=DELETE_STYLE)
    return text


def version_label(version: Version) -> str:
    return f"version {version.version} ({version.captured_at or 'time unknown'})"


_PAGE_CSS = """
body{font:16px/1.5 Georgia,serif;margin:2em auto;max-width:76em;padding:0 1em;color:#222}
h1{font-size:1.3em} .meta{color:#555;font-size:.9em}
table{width:100%;border-collapse:collapse;table-layout:fixed} td,th{vertical-align:top;padding:.5em 1em;
border:1px solid #ddd;white-space:pre-wrap;overflow-wrap:anywhere} th{background:#f4f4f4;text-align:left;white-space:normal}
del{background:#fdd;color:#900;text-decoration:line-through} ins{background:#dfd;color:#060;text-decoration:none}
"""


def _side(changes: list[Change], keep: str, tag: str) -> str:
    out = []
    for change in changes:
        escaped = html.escape(change.text)
        if change.op == "equal":
            out.append(escaped)
        elif change.op == keep:
            out.append(f"<{tag}>{escaped}</{tag}>")
    return "".join(out)


def _provenance(version: Version) -> str:
    warc = version.warc
    return html.escape(f"{warc.get('filename')} @ {warc.get('offset')} {warc.get('record_id')}")


def diff_page(url: str, old: Version, new: Version, changes: list[Change]) -> str:
    """A self-contained HTML page: the old version on the left (deletions marked), the new on the right."""
    added, removed = words_changed(changes)
    made = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(old.snapshot.title or url)}: versions {old.version} and {new.version}</title>
<style>{_PAGE_CSS}</style></head><body>
<h1>{html.escape(url)}</h1>
<p class="meta">{removed} words removed, {added} added; changed: {html.escape(", ".join(new.changed) or "nothing")}.
Made by archiver diff on {made} from the crawl state; each side is the text extracted from the WARC record named under it.</p>
<table><tr><th>{html.escape(version_label(old))}<br><small>{_provenance(old)}</small></th>
<th>{html.escape(version_label(new))}<br><small>{_provenance(new)}</small></th></tr>
<tr><td>{_side(changes, "delete", "del")}</td><td>{_side(changes, "insert", "ins")}</td></tr></table>
</body></html>
"""
