"""The one spider: it reads a site file (or a bare URL) and only navigates.

Each fetched page is parsed once into a `Document`; the same tree feeds link discovery and
extraction, in this process or in an extraction worker (newsarchive/pages.py), which hands back
the record and the page's distinct links. `spider_loader.py` turns every `spiders/<site>.toml`
into a named spider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.internet import defer
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from newsarchive.clusters import remember
from newsarchive.extract.urls import absolutize, normalize_url, normalize_url_cached
from newsarchive.listings import NewsSitemap, feed_entries
from newsarchive.pages import DEFAULT_TIMEOUT, PageJob, PagePool, PageResult, extract_processes
from newsarchive.profiles import SiteProfile
from newsarchive.schedule import Target, connect_readonly, known_urls, parse_time, targets

_SKIP_EXT = tuple("." + e for e in IGNORED_EXTENSIONS)
_MAX_ALIASES = 50_000  # aliases remembered for URLs not fetched yet; bounded memory
_MAX_HANDLED = 200_000  # link URLs remembered as already followed (cleared when full)
REVISIT_PRIORITY = -1  # new URLs first: they may vanish from listings; known ones can wait


def _kind(response: Response) -> str:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    head = response.body[:600].lstrip().lower()
    if response.url.endswith(".gz") or head.startswith(b"\x1f\x8b"):
        return "sitemap"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or "rss" in ctype or "atom" in ctype:
        return "feed"
    return "html"


class SiteSpider(scrapy.Spider):
    """Crawls one site file's sources, or (generic mode) one URL's host."""

    name = "site"
    profile: SiteProfile | None = None
    frontier: Any = None  # distributed.Frontier when the crawl runs on Redis (set by scheduler)
    pages: PagePool | None = None  # where pages are parsed and extracted (see from_crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.pages = PagePool(extract_processes(settings), spider.profile,
                                settings.getfloat("NEWSARCHIVE_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT))
        # Start the workers now rather than at spider_opened: they import the extractors
        # (~0.4 s) while the engine, the middlewares and the archive connections are built,
        # and the first page (the home page, whose links everything waits for) is extracted
        # that much sooner; Scrapy's elapsed time starts at spider_opened.
        spider.pages.warm()
        crawler.signals.connect(spider.pages.close, signal=signals.spider_closed)
        return spider

    def __init__(self, url: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.profile is None:
            if not url:
                raise ValueError("a generic crawl needs a start URL: -a url=https://...")
            host = (urlsplit(url).hostname or "").lower()
            self.hosts = [host, host.removeprefix("www.")]
            self.start_pages = [url]
        else:
            self.hosts = self.profile.hosts
            self.start_pages = list(self.profile.start_urls) + (
                [url] if url else [])
        self.allowed_domains = sorted(set(self.hosts))
        self._queued: set[str] = set()
        self._handled: dict[str, int] = {}  # link URL -> shallowest depth it was followed from
        self._aliases: dict[str, set[str]] = {}
        self._known: set[str] = set()  # URLs the archive already resolved to an article
        self._targets: dict[str, Target] = {}  # known articles not yet due, by fetch URL

    async def start(self) -> AsyncIterator[Any]:
        role = self.settings.get("NEWSARCHIVE_REDIS_ROLE")
        if role == "worker":
            return  # workers only pop from the shared frontier the seeding process filled
        if role == "seed":
            self._seed(list(self._start_requests()))
            return
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[Request]:
        prof = self.profile
        sources = self.start_pages + (prof.sitemaps + prof.feeds if prof else [])
        for url in sources:
            self._queued.add(normalize_url(url))
            yield Request(url, callback=self.parse, errback=self.fetch_failed,
                          dont_filter=True)
        if prof is None:  # a bare URL: its robots.txt may list sitemaps
            parts = urlsplit(self.start_pages[0])
            yield Request(f"{parts.scheme}://{parts.netloc}/robots.txt", dont_filter=True,
                          callback=self.parse_robots, errback=self.fetch_failed)
        yield from self._revisits()

    def _seed(self, requests: list[Request]) -> None:
        """Fill the shared frontier at once: known URLs (not due) count as seen for every
        worker, then start pages and due revisits are enqueued; then seeding is over."""
        self.frontier.mark_seen(self._known)
        for request in requests:
            self.crawler.engine.crawl(request)  # type: ignore[union-attr]
        self.frontier.seeded()
        self.logger.info("seeded %d requests, %d known URLs marked seen", len(requests),
                         len(self._known))

    # --- incremental crawling ---------------------------------------------------------------
    def _revisits(self) -> Iterator[Request]:
        """Load what the archive knows about these hosts; yield the revisits now due.

        A known article URL is never requested again for discovery, only when its revisit is
        due (newsarchive/schedule.py), with If-None-Match / If-Modified-Since: this is also what
        makes a run after a kill resume without refetching what was stored.
        """
        from newsarchive.revisit import policy_from

        conn = connect_readonly(self.settings.get("NEWSARCHIVE_DB", ""))
        if conn is None:
            return
        policy, refresh = policy_from(self.crawler), self.settings.getbool("NEWSARCHIVE_REFRESH")
        now = datetime.now(UTC)
        try:
            self._known = set(known_urls(conn, self.hosts))
            due = []
            for target in targets(conn, self.hosts):
                when = policy.next_visit(target.born, target.last_fetched, now)
                if refresh or (when is not None and when <= now):
                    due.append(target)
                else:
                    self._targets[target.url] = target
        finally:
            conn.close()
        self.crawler.stats.set_value("newsarchive/known_urls", len(self._known))
        self.crawler.stats.set_value("newsarchive/revisits_due", len(due))
        self.logger.info("%d known URLs on %s; %d articles due for a revisit",
                         len(self._known), ", ".join(self.hosts), len(due))
        for target in due:
            yield self._revisit(target)

    def _revisit(self, target: Target) -> Request:
        self._queued.add(target.url)
        self._targets.pop(target.url, None)
        self.crawler.stats.inc_value("newsarchive/revisits")
        return Request(target.url, headers=target.headers(), callback=self.parse,
                       errback=self.fetch_failed, priority=REVISIT_PRIORITY, dont_filter=True,
                       meta={"handle_httpstatus_list": [304], "na_revisit": True})

    def parse_robots(self, response: Response) -> Iterator[Any]:
        if self.frontier is None:
            return self._robots(response)
        return self.frontier.finish(response.request, self._robots(response))

    def _robots(self, response: Response) -> Iterator[Request]:
        for line in response.text.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "sitemap" and value.strip():
                yield from self._follow(response.urljoin(value.strip()), response, force=True)

    # --- routing -------------------------------------------------------------------------
    async def parse(self, response: Response) -> AsyncIterator[Any]:
        if self.frontier is None:
            for out in await self._route(response):
                yield out
            return
        try:
            outputs = await self._route(response)
        except Exception:  # a spider bug must not leave the page in flight for ever
            self.logger.exception("spider error on %s", response.url)
            outputs = []
        for out in self.frontier.finish(response.request, outputs):
            yield out

    async def _route(self, response: Response) -> list[Any]:
        if response.status == 304:  # a conditional revisit: unchanged, nothing to parse
            return [{"not_modified": True, "url": response.url, "fetch": _validators(response)}]
        kind = _kind(response)
        if kind == "sitemap":
            return list(self.parse_sitemap(response))
        if kind == "feed":
            return list(self.parse_feed(response))
        return await self.parse_page(response)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError as exc:
                self.logger.warning("skipped sitemap %s: %s", response.url, exc)
                return
        sitemap = NewsSitemap(body)
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield from self._follow(loc, response, force=True)
                continue
            target = self._targets.get(normalize_url(loc))
            changed = parse_time(entry.get("lastmod"))
            if target and changed and (not target.last_fetched or changed > target.last_fetched):
                yield self._revisit(target)  # the sitemap says it changed since our fetch
            else:
                yield from self._follow(loc, response, listed=entry.get("publication_date"))

    def parse_feed(self, response: Response) -> Iterator[Request]:
        try:
            root = etree.fromstring(response.body, etree.XMLParser(recover=True))
        except etree.XMLSyntaxError as exc:
            self.logger.warning("skipped feed %s: %s", response.url, exc)
            return
        if root is None:
            return
        for link, published in feed_entries(root):
            yield from self._follow(link, response, listed=published)

    async def parse_page(self, response: Response) -> list[Any]:
        """Parse, extract and list links (pages.py: maybe in a worker process), then route."""
        stats = self.crawler.stats
        headers = {k.decode("latin-1"): v[0].decode("latin-1")
                   for k, v in response.headers.items() if v}
        want = self._wants_article(response.url)
        res = await self._page_pool().run(PageJob(response.body, response.url, headers, want,
                                                  self.profile is None, datetime.now(UTC),
                                                  response.meta.get("na_listed")))
        if res.crash:
            stats.inc_value("newsarchive/extraction_crashes")
            self.logger.error("extraction failed on %s: %s", response.url, res.crash)
            return [self._error_item(response, res.crash)]
        if res.page_error:
            stats.inc_value("newsarchive/page_errors")
            self.logger.warning("rejected %s: %s", response.url, res.page_error)
            return [self._error_item(response, res.page_error)]
        out: list[Any] = []
        if res.error:
            self.logger.error("extraction failed on %s\n%s", response.url, res.trace)
            stats.inc_value("newsarchive/extraction_errors")
            out.append(self._error_item(response, res.error))
        elif res.record is not None:
            out.append(self._item(res, response))
        for href in res.feeds:  # feeds announced by the page: cheap discovery of articles
            feed = absolutize(href, res.base)
            if feed:
                out += self._follow(feed, response, force=True)
        out += self._follow_links(res.links, res.base, response)
        return out

    def _page_pool(self) -> PagePool:
        if self.pages is None:  # a spider built without a crawler: in-process
            self.pages = PagePool(0, self.profile)
        return self.pages

    def _follow_links(self, hrefs: list[str], base: str, response: Response) -> Iterator[Request]:
        # Across pages too: navigation links repeat on every page, and a URL followed (or
        # refused) once from this depth or a shallower one has nothing left to do.
        depth = 0 if self.profile is not None else response.meta.get("na_depth", 0)
        if len(self._handled) > _MAX_HANDLED:
            self._handled.clear()
        parts = urlsplit(base)
        origin = f"{parts.scheme}://{parts.netloc}"
        for href in hrefs:  # distinct already (pages.py)
            # An absolute or root-relative href means the same URL on every page of the site:
            # remembered as written, a repeat costs no resolving (urljoin + quoting).
            raw = href.strip()
            key = raw if raw.startswith(("http://", "https://")) else (
                origin + raw if raw.startswith("/") and not raw.startswith("//") else None)
            if key is not None and self._handled.get(key, depth + 1) <= depth:
                continue
            url = absolutize(href, base)
            fresh = url is not None and self._handled.get(url, depth + 1) > depth
            if key is not None:
                self._handled[key] = depth
            if url is not None and fresh:
                self._handled[url] = depth
                yield from self._follow(url, response)

    # --- extraction handoff ----------------------------------------------------------------
    def _wants_article(self, url: str) -> bool:
        if self.profile is None:
            return True  # generic: every page is tried; non-articles come back is_article=False
        return self.profile.is_article_url(url)

    def _seen_urls(self, response: Response) -> list[str]:
        urls = list(response.meta.get("redirect_urls", [])) + [response.url]
        if self._aliases:  # (normalizing the URL costs more than the rest of this item)
            urls += sorted(self._aliases.pop(normalize_url(response.request.url), ()))
        return list(dict.fromkeys(urls))

    def _item(self, res: PageResult, response: Response) -> dict[str, Any]:
        item = res.record or {}
        if res.signature and item.get("body"):
            remember(item["body"], res.signature)  # the store indexes it, no second MinHash
        item["seen_urls"] = self._seen_urls(response)
        item["http_status"] = response.status
        item["capture_id"] = response.meta.get("newsarchive_capture")  # captures.META_KEY
        item["fetch"] = _validators(response)
        return item

    def _error_item(self, response: Response, reason: str) -> dict[str, Any]:
        return {"url": response.url, "error": reason, "seen_urls": self._seen_urls(response),
                "http_status": response.status}

    # --- navigation ----------------------------------------------------------------------
    def _in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        host = (parts.hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in self.hosts):
            return False
        return not parts.path.lower().endswith(_SKIP_EXT)

    def _follow(self, url: str, response: Response, force: bool = False,
                listed: str | None = None) -> Iterator[Request]:
        """A request for `url` unless it is out of scope, queued or stored; `listed` is the
        publication date a sitemap or feed gives it (extraction's last resort for the date)."""
        if not self._in_scope(url):
            return
        prof = self.profile
        if prof is not None and not force and not (
            prof.is_article_url(url) or prof.should_follow(url)
        ):
            return
        meta = {}
        if prof is None:  # before `_queued`: a link first met too deep may come back shallower
            depth = response.meta.get("na_depth", 0) + 1
            if depth > self.settings.getint("NEWSARCHIVE_GENERIC_DEPTH", 3):
                return
            meta["na_depth"] = depth
        # Cached, with a fast path for URLs already in normal form: the store normalizes the
        # page's URL (the same string, as requested) again, and so does its fetch state.
        key = normalize_url_cached(url)
        if key in self._known and key not in self._queued:
            self._queued.add(key)  # stored before and not due: no refetch, no duplicate
            self.crawler.stats.inc_value("newsarchive/skipped_known")
            return
        if key in self._queued:
            if key != url and key in self._aliases and len(self._aliases[key]) < 20:
                self._aliases[key].add(url)
            return
        self._queued.add(key)
        if listed:
            meta["na_listed"] = listed
        if key != url and len(self._aliases) < _MAX_ALIASES:
            self._aliases.setdefault(key, set()).add(url)
        # dont_filter: `_queued` already dedupes what we request; Scrapy's filter would also
        # drop a redirect to a page fetched before, and with it the alias the redirect proves.
        # On Redis the shared filter must see every link: `_queued` is one worker's view.
        yield Request(key, callback=self.parse, errback=self.fetch_failed, meta=meta,
                      dont_filter=self.frontier is None)

    def fetch_failed(self, failure: Failure) -> None:
        """One clear line and a counted reason per page that could not be fetched."""
        request = getattr(failure, "request", None)
        if self.frontier is not None and request is not None:
            self.frontier.ack(request)  # done with it, whatever the reason
        exc = failure.value
        detail = None
        if isinstance(exc, HttpError):
            reason = f"http {exc.response.status}"
        elif isinstance(exc, ResponseDataLossError):
            reason = "truncated response"
        elif isinstance(exc, TimeoutError | defer.TimeoutError | DownloadTimeoutError):
            reason = "timeout"
        elif isinstance(exc, DNSLookupError | CannotResolveHostError):
            reason = "dns lookup failed"
        elif isinstance(exc, ConnectionRefusedError | DownloadConnectionRefusedError):
            reason = "connection refused"
        elif isinstance(exc, DownloadCancelledError):
            reason = "too large (DOWNLOAD_MAXSIZE)"
        elif isinstance(exc, IgnoreRequest):
            if not str(exc).startswith(("redirect loop", "max redirections")):
                return  # robots.txt, offsite: counted by Scrapy and the host guard
            reason, detail = "redirect loop", str(exc)
        else:
            reason = type(exc).__name__
        self.crawler.stats.inc_value(f"newsarchive/fetch_failed/{reason}")
        self.logger.warning("skipped %s: %s", getattr(request, "url", "?"), detail or reason)


def _validators(response: Response) -> dict[str, str | None]:
    """What a conditional request needs next time (kept in fetch_state)."""
    get = response.headers.get
    etag, modified = get(b"ETag"), get(b"Last-Modified")
    return {"etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None}
