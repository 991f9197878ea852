"""Downloader middlewares for what Scrapy lacks: waiting retries, a strict host guard, loops.

Retries that wait: Scrapy's RetryMiddleware retries 429/5xx at once and ignores Retry-After.

`RetryAfterMiddleware` replaces it (same settings: RETRY_ENABLED, RETRY_TIMES, RETRY_HTTP_CODES)
and, before each retry of an HTTP error, waits what the server asked for in Retry-After (seconds
or an HTTP date), else an exponential backoff: NEWSARCHIVE_RETRY_BACKOFF seconds (default 1)
doubled per attempt. A wait longer than NEWSARCHIVE_RETRY_AFTER_MAX (default 120 s) is not
worth holding the request for: the page is given up with that reason (the next run gets it).
Only this request waits; other requests and other hosts go on.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def retry_after(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header value; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        mw = super().from_crawler(crawler)
        mw.backoff = crawler.settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF", 1.0)
        mw.max_wait = crawler.settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 120.0)
        return mw

    async def process_response(self, request: Request, response: Response,
                               spider: Any = None) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        attempt = request.meta.get("retry_times", 0)
        if attempt >= request.meta.get("max_retry_times", self.max_retry_times):
            return self._retry(request, response_status_message(response.status)) or response
        asked = retry_after(response.headers.get(b"Retry-After"))
        wait = asked if asked is not None else self.backoff * 2**attempt
        if wait > self.max_wait:
            self.crawler.stats.inc_value("newsarchive/retry_after_too_long")
            logger.warning("gave up %s: http %d with Retry-After %.0fs (over %.0fs)",
                           request.url, response.status, wait, self.max_wait)
            return response
        logger.info("http %d on %s: retrying in %.1fs%s", response.status, request.url, wait,
                    " (Retry-After)" if asked is not None else " (backoff)")
        if wait > 0:
            await asyncio.sleep(wait)
        return self._retry(request, response_status_message(response.status)) or response


class HostGuardMiddleware:
    """No request outside the spider's allowed hosts, whatever its dont_filter says.

    Scrapy's OffsiteMiddleware lets `dont_filter` requests through, and a redirect inherits
    that flag: a start URL redirecting to another site would be fetched. Runs right after it
    (before robots.txt, so an off-site robots.txt is not fetched either).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        spider = self.crawler.spider
        hosts = [h.lower() for h in getattr(spider, "allowed_domains", None) or []]
        host = (urlsplit(request.url).hostname or "").lower()
        if not hosts or any(host == h or host.endswith("." + h) for h in hosts):
            return
        self.crawler.stats.inc_value("newsarchive/offsite_blocked")
        was = request.meta.get("redirect_urls")
        logger.info("not fetched %s: outside the site's hosts%s", request.url,
                    f" (redirected from {was[0]})" if was else "")
        raise IgnoreRequest(f"offsite: {host}")


class RedirectLoopMiddleware:
    """A redirect back to a URL already in the chain is a loop: give it a reason.

    Without this, Scrapy's duplicate filter silently drops the looping request, so the page
    vanishes from the log. Sits outside RedirectMiddleware (sees responses before it).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self.crawler.stats.inc_value("newsarchive/redirect_loops")
            raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, target])}")
        return response
