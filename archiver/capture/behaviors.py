"""What a visitor would do before a page is complete: accept cookies, load more, page through, scroll.

"Load more" and "next page" controls are the outlet's selector, else found by
their text in the languages of the outlets we expect, or by common attributes.
Links are collected after every press: client-side pagination replaces a list,
so the last DOM alone would miss the earlier pages' links.

Each behaviour is bounded (counts and timeouts) so a hostile page cannot keep
the browser busy forever.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

logger = logging.getLogger(__name__)

# Accept buttons of common consent platforms (Didomi, OneTrust, Quantcast, Funding Choices, Cookiebot).
CONSENT_SELECTORS = (
    "#didomi-notice-agree-button",
    "#onetrust-accept-btn-handler",
    ".qc-cmp2-summary-buttons button[mode=primary]",
    ".fc-cta-consent",
    "#CybotCookiebotDialogBodyLevelButtonLLCAllowAllSelection",
    "[data-consent-accept]",
)


async def dismiss_consent(page: Page, extra_selector: str = "") -> bool:
    """Click the first visible accept button (one round trip for all selectors); True if clicked."""
    selectors = ([extra_selector] if extra_selector else []) + list(CONSENT_SELECTORS)
    button = page.locator(f"{', '.join(selectors)} >> visible=true").first
    try:
        if await button.count():
            await button.click(timeout=3_000)
            return True
    except PlaywrightError:
        pass
    return False


# "Load more" in the languages of the outlets we expect; matched against a button's or link's whole text.
LOAD_MORE_TEXTS = (
    "load more", "load more stories", "load more articles", "more articles", "more stories", "show more",
    "see more", "mehr laden", "weitere artikel", "mehr anzeigen", "cargar más", "ver más", "voir plus",
    "afficher plus", "mostra altri", "carica altri", "показать ещё", "показать еще", "загрузить ещё",
)
# Attributes sites put on such controls.
LOAD_MORE_SELECTORS = ("[data-load-more]", "[data-testid*=load-more i]", "button.load-more", "button.js-load-more",
                       "[aria-label*='load more' i]")
# Client-side pagination: a button (not a link: links are followed as pages) to the next page of a list.
NEXT_PAGE_TEXTS = ("next", "next page", "weiter", "nächste seite", "siguiente", "suivant", "page suivante",
                   "successivo", "avanti", "далее", "следующая", "›", "»")
NEXT_PAGE_SELECTORS = ("button[aria-label*='next page' i]", "button[rel=next]", "[role=button][aria-label*='next' i]")
# Controls that act on the page without leaving it (a link with a real target is followed as a page instead;
# pressing it would be refused as self-navigation).
CONTROLS = "button, [role=button], a:not([href]), a[href='#'], a[href^='javascript:']"


def text_pattern(texts: tuple[str, ...]) -> re.Pattern:
    """The whole (trimmed) text of a control is one of *texts*, maybe with an arrow or ellipsis."""
    words = "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True))
    return re.compile(rf"^\s*(?:{words})\s*[.…→›»+↓]*\s*$", re.IGNORECASE)


async def page_links(page: Page) -> set[str]:
    """Every link target in the page now (absolute, without fragment)."""
    try:
        hrefs = await page.evaluate("() => [...document.links].map(a => a.href.split('#')[0])")
    except PlaywrightError:
        return set()
    return {h for h in hrefs if h.startswith(("http://", "https://"))}


def _control(page: Page, selector: str, texts: tuple[str, ...], attributes: tuple[str, ...]) -> Locator:
    """The first visible control: the outlet's selector if it has one, else one found by its text or attributes."""
    if selector:
        return page.locator(selector).first
    by_text = page.locator(CONTROLS).filter(has_text=text_pattern(texts))
    return by_text.or_(page.locator(", ".join(attributes))).filter(visible=True).first


async def click_load_more(page: Page, selector: str, settle: Callable[[], Awaitable[object]],
                          max_clicks: int = 5, seen: set[str] | None = None) -> int:
    """Press "load more" (the outlet's selector, else a control named so) until it disappears, a press
    brings no new link, or the budget runs out; the links seen go into *seen*."""
    return await _press(page, load_more_control(page, selector), settle, max_clicks, seen)


def load_more_control(page: Page, selector: str) -> Locator:
    """The "load more" control ``click_load_more`` presses; ``archiver qa`` presses the same on replay
    (a locator is built alike on Playwright's sync and async pages)."""
    return _control(page, selector, LOAD_MORE_TEXTS, LOAD_MORE_SELECTORS)


async def page_through(page: Page, settle: Callable[[], Awaitable[object]], max_pages: int = 5,
                       seen: set[str] | None = None) -> int:
    """Client-side pagination: press "next" while it brings new links; each page's links go into *seen*."""
    control = _control(page, "", NEXT_PAGE_TEXTS, NEXT_PAGE_SELECTORS)
    return await _press(page, control, settle, max_pages, seen)


async def _press(page: Page, button: Locator, settle: Callable[[], Awaitable[object]], max_clicks: int,
                 seen: set[str] | None) -> int:
    seen = set() if seen is None else seen
    seen |= await page_links(page)
    clicks = 0
    while clicks < max_clicks:
        try:
            if not await button.count() or not await button.is_visible():
                break
            await button.click(timeout=3_000)
        except PlaywrightError:
            break
        clicks += 1
        await settle()
        links = await page_links(page)
        if links <= seen:
            break                       # the press brought nothing new
        seen |= links
    return clicks


async def scroll_through(page: Page, *, max_scrolls: int, step_delay: float,
                         settle: Callable[[], Awaitable[object]], seen: set[str] | None = None) -> int:
    """Scroll down a screen at a time so lazy images and infinite lists load, then back up.

    `settle` waits for the network to go quiet; at the bottom, a page that grew
    while it settled (infinite scroll) is scrolled on, until a wait there loads
    nothing more. The links of every screen go into *seen*: a list that recycles
    its rows keeps only the last of them in the DOM.
    """
    scrolls = 0
    last_height = -1
    while scrolls < max_scrolls:
        try:
            position, height = await page.evaluate(
                "() => { window.scrollBy(0, window.innerHeight);"
                " return [window.scrollY + window.innerHeight, document.documentElement.scrollHeight]; }"
            )
        except PlaywrightError:
            break
        scrolls += 1
        await asyncio.sleep(step_delay)
        if seen is not None:
            seen |= await page_links(page)
        if position >= height:
            if height == last_height:
                break                   # at the bottom, and the last wait loaded nothing more
            await settle()
        last_height = height
    try:
        await page.evaluate("() => window.scrollTo(0, 0)")
    except PlaywrightError:
        pass
    return scrolls


# Images a lazy loader has not started yet (a data-src placeholder) or native lazy images not loaded,
# each brought into view for two frames; archiver qa does the same in replay.
LAZY_IMAGES_JS = """async (max) => {
  const pending = [...document.images].filter(img => img.hasAttribute('data-src') || img.hasAttribute('data-lazy-src')
      || (img.loading === 'lazy' && !(img.complete && img.naturalWidth))).slice(0, max);
  for (const img of pending) {
    img.scrollIntoView({block: 'center'});
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  window.scrollTo(0, 0);
  return pending.length;
}"""


async def load_lazy_images(page: Page, settle: Callable[[], Awaitable[object]], max_images: int = 200) -> int:
    """Bring every image still waiting for its lazy loader into view, as a reader scrolling to it would.

    A page that grows while it is scrolled (a list built by a script) can leave images
    the screen-at-a-time scroll passed before they existed; the screenshot would show
    their placeholders while a replay, scrolled by a reader, shows the images (archiver qa
    found this on the sample front page). Returns how many images were brought into view.
    """
    try:
        count = await page.evaluate(LAZY_IMAGES_JS, max_images)
    except PlaywrightError:
        return 0
    if count:
        await settle()
    return count
