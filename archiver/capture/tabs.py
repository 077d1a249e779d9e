"""Tabs kept open between renders: opening one costs about as much as rendering a page.

Chromium starts a renderer process for every new tab; navigating an open tab
to the next page of the same site reuses it. A tab goes back to the pool only
after a clean render (its recorder has let go of it), and is closed after
``max_renders`` renders (a tab's memory only grows) or with its browser.

What a reused tab carries over from the page before is what a reader's tab
does: its ``sessionStorage`` and history. Cookies and the rest are per context
and shared by every tab anyway.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from playwright.async_api import Page


@dataclass
class TabPool:
    max_renders: int = 25                       # renders per tab; 1 opens a fresh tab for every page
    _idle: list[Page] = field(default_factory=list)
    _renders: "weakref.WeakKeyDictionary[Page, int]" = field(default_factory=weakref.WeakKeyDictionary)

    def take(self) -> Page | None:
        """An idle tab; None: open a new one."""
        while self._idle:
            tab = self._idle.pop()
            if not tab.is_closed():
                return tab
        return None

    def count_render(self, tab: Page) -> None:
        """The tab, new or reused, starts rendering a page."""
        self._renders[tab] = self._renders.get(tab, 0) + 1

    def give_back(self, tab: Page) -> bool:
        """Keep the tab for a later render; False when it has done its share and must be closed."""
        if tab.is_closed() or self._renders.get(tab, 0) >= self.max_renders:
            return False
        self._idle.append(tab)
        return True

    def forget(self, tab: Page) -> None:
        """The tab closed (or crashed) on its own."""
        if tab in self._idle:
            self._idle.remove(tab)

    def clear(self) -> None:
        """The browser is going away, and its tabs with it."""
        self._idle.clear()
