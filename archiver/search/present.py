"""How a search hit reads in the terminal: rich ``Text`` (archived text never becomes markup), control
characters made visible (``archiver.terminaltext``)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from archiver.research.replay import COLLECTION, timestamp14
from archiver.search.query import Hit
from archiver.terminaltext import visible


def replay_url(base: str, url: str, captured_at: str | None) -> str:
    """The pywb URL of the exact capture (``archiver replay`` serves the collection under this base)."""
    stamp = timestamp14(captured_at) if captured_at else ""
    return f"{base.rstrip('/')}/{COLLECTION}/{stamp + '/' if stamp else ''}{url}"


def render_hit(n: int, hit: Hit, replay_base: str) -> Group:
    heading = Text(f"{n}. ", style="bold")
    heading.append(visible(hit.title or hit.url), style="bold")
    facts = [hit.outlet, hit.section, (hit.date_published or "")[:10], f"version {hit.version}",
             f"captured {hit.captured_at}" if hit.captured_at else None]
    heading.append(visible("  " + " · ".join(f for f in facts if f)), style="dim")
    snippet = Text("   ")
    for text, marked in hit.snippet:
        snippet.append(visible(text.replace("\n", " ")), style="bold black on yellow" if marked else None)
    return Group(heading, snippet, Text(visible(f"   {hit.url}"), style="cyan"),
                 Text(visible(f"   replay: {replay_url(replay_base, hit.url, hit.captured_at)}"), style="green"),
                 Text())
