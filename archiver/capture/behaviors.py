"""What a visitor would do before a page is complete: accept cookies, load more, scroll.

Each behaviour is bounded (counts and timeouts) so a hostile page cannot keep
the browser busy forever.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

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


async def click_load_more(page: Page, selector: str, settle: Callable[[], Awaitable[object]],
                          max_clicks: int = 5) -> int:
    """Press "load more" until it disappears or the budget runs out."""
    clicks = 0
    if not selector:
        return clicks
    while clicks < max_clicks:
        button = page.locator(selector).first
        try:
            if not await button.is_visible():
                break
            await button.click(timeout=3_000)
            clicks += 1
            await settle()
        except PlaywrightError:
            break
    return clicks


async def scroll_through(page: Page, *, max_scrolls: int, step_delay: float,
                         settle: Callable[[], Awaitable[object]]) -> int:
    """Scroll down a screen at a time so lazy images and infinite lists load, then back up.

    `settle` waits for the network to go quiet; at the bottom, a page that grew
    while it settled (infinite scroll) is scrolled on.
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
