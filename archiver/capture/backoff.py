"""Downloader middleware: honour 429/503 and Retry-After by slowing down the whole site.

Scrapy's RetryMiddleware retries such responses at once. A server that says
"come back in N seconds" means the site, not just that URL, so the download
slot's delay is raised to N (capped by ARCHIVER_MAX_RETRY_AFTER); without a
Retry-After header the delay doubles. AutoThrottle lowers it again as the
site recovers.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

logger = logging.getLogger(__name__)

BACKOFF_STATUSES = (429, 503)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class BackoffMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("ARCHIVER_MAX_RETRY_AFTER")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BackoffMiddleware":
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None):
        if response.status not in BACKOFF_STATUSES:
            return response
        slot_key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(slot_key) if slot_key else None
        if slot is not None:
            header = response.headers.get("Retry-After", b"").decode("latin-1")
            wanted = retry_after_seconds(header)
            delay = min(self.max_delay, wanted if wanted is not None else max(1.0, slot.delay * 2))
            if delay > slot.delay:
                slot.delay = delay
                logger.info("%s answered %d: waiting %.0fs between requests to %s",
                            request.url, response.status, delay, slot_key)
            self.crawler.stats.inc_value(f"archiver/backoff/{response.status}")
        return response
