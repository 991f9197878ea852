"""Downloader middlewares for what Scrapy lacks: waiting retries, a strict host guard, loops.

Retries that wait: Scrapy's RetryMiddleware retries 429/5xx at once and ignores Retry-After.

`RetryAfterMiddleware` replaces it (same settings: RETRY_ENABLED, RETRY_TIMES, RETRY_HTTP_CODES)
and, before each retry of an HTTP error, waits what the server asked for in Retry-After (seconds
or an HTTP date), else an exponential backoff: NEWSARCHIVE_RETRY_BACKOFF seconds (default 1)
doubled per attempt. A wait longer than NEWSARCHIVE_RETRY_AFTER_MAX (default 120 s) is not
worth holding the request for: the page is given up with that reason (the next run gets it).
Only this request waits; other requests and other hosts go on.

Two of Scrapy's own, made cheaper per response with the same behaviour: `MetaRefreshMiddleware`
(decodes every HTML page to look for a refresh tag) and `HttpProxyMiddleware` (re-reads the
environment on every request whenever any *_proxy variable, no_proxy included, is set).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import proxy_bypass

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware as _HttpProxyMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as _MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.httpobj import urlparse_cached
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


# Scrapy's meta refresh looks at the first 4,096 characters of the decoded text: at most 16 KB of
# bytes in any ASCII-compatible encoding (UTF-8: 4 bytes a character at most).
_REFRESH_WINDOW = 4 * 4096


class MetaRefreshMiddleware(_MetaRefreshMiddleware):
    """Scrapy's, which decodes every HTML page (and detects its encoding) to look for a
    `<meta http-equiv="refresh">` (0.07-0.15 ms per bench page); a page whose first 16 KB do
    not hold the word "refresh" has none, so it is passed on undecoded. Pages with NUL bytes
    there (UTF-16/32: the word would not show as ASCII) still go through Scrapy's check."""

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if isinstance(response, HtmlResponse):
            head = response.body[:_REFRESH_WINDOW]
            if b"\x00" not in head and b"refresh" not in head.lower():
                return response
        return super().process_response(request, response)


class HttpProxyMiddleware(_HttpProxyMiddleware):
    """Scrapy's, with urllib's `proxy_bypass(host)` answer kept per host: it re-reads the whole
    environment on each call (~60 us), and Scrapy asks it for every request whenever a proxy
    variable is set (no_proxy alone is enough). The proxies themselves are read once at
    start by Scrapy too, so a host's answer does not change during a crawl."""

    _MAX_HOSTS = 10_000

    def __init__(self, auth_encoding: str | None = "latin-1") -> None:
        super().__init__(auth_encoding)
        self._bypass: dict[str, bool] = {}

    def process_request(self, request: Request, spider: Any = None) -> None:
        if "proxy" not in request.meta and self.proxies:
            parsed = urlparse_cached(request)
            host = parsed.hostname
            if parsed.scheme in ("http", "https") and host:
                bypass = self._bypass.get(host)
                if bypass is None:
                    if len(self._bypass) >= self._MAX_HOSTS:
                        self._bypass.clear()
                    bypass = self._bypass[host] = bool(proxy_bypass(host))
                creds, proxy_url, scheme = None, None, None
                if not bypass and parsed.scheme in self.proxies:
                    scheme = parsed.scheme
                    creds, proxy_url = self.proxies[scheme]
                self._set_proxy_and_creds(request, proxy_url, creds, scheme)
                return None
        return super().process_request(request)
