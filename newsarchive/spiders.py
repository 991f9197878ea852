"""The one spider: it reads a site file (or a bare URL) and only navigates.

Each fetched page is parsed once into a `Document`; the same tree feeds link discovery and
extraction. A spider loader turns every `spiders/<site>.toml` into a named spider, so
`scrapy list` and `scrapy crawl <site>` work as Scrapy users expect.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest, ResponseDataLossError
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.settings import BaseSettings
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from newsarchive.extract import Document, PageError, extract_document
from newsarchive.extract.urls import absolutize, normalize_url
from newsarchive.profiles import SiteProfile, load_profiles, profiles_dir

_SKIP_EXT = tuple("." + e for e in IGNORED_EXTENSIONS)
_MAX_ALIASES = 50_000  # aliases remembered for URLs not fetched yet; bounded memory


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
        self._aliases: dict[str, set[str]] = {}

    async def start(self) -> AsyncIterator[Any]:
        prof = self.profile
        sources = self.start_pages + (prof.sitemaps + prof.feeds if prof else [])
        for url in sources:
            self._queued.add(normalize_url(url))
            yield Request(url, callback=self.parse, errback=self.fetch_failed,
                          dont_filter=True)

    # --- routing -------------------------------------------------------------------------
    def parse(self, response: Response) -> Iterator[Any]:
        kind = _kind(response)
        if kind == "sitemap":
            yield from self.parse_sitemap(response)
        elif kind == "feed":
            yield from self.parse_feed(response)
        else:
            yield from self.parse_page(response)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError as exc:
                self.logger.warning("skipped sitemap %s: %s", response.url, exc)
                return
        sitemap = Sitemap(body)
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield from self._follow(loc, response, force=True)
            else:
                yield from self._follow(loc, response)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        try:
            root = etree.fromstring(response.body, etree.XMLParser(recover=True))
        except etree.XMLSyntaxError as exc:
            self.logger.warning("skipped feed %s: %s", response.url, exc)
            return
        if root is None:
            return
        links = root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")
        links += root.xpath("//*[local-name()='entry']/*[local-name()='link']"
                            "[not(@rel) or @rel='alternate']/@href")
        for link in links:
            yield from self._follow(link.strip(), response)

    def parse_page(self, response: Response) -> Iterator[Any]:
        stats = self.crawler.stats
        headers = {k.decode("latin-1"): v[0].decode("latin-1")
                   for k, v in response.headers.items() if v}
        try:
            doc = Document.from_bytes(response.body, response.url, headers)
        except PageError as exc:
            stats.inc_value("newsarchive/page_errors")
            self.logger.warning("rejected %s: %s", response.url, exc)
            yield self._error_item(response, str(exc))
            return
        if self._wants_article(response.url):
            yield self._extract(doc, response)
        for href in doc.tree.xpath("//a/@href"):
            url = absolutize(str(href), doc.base_url)
            if url:
                yield from self._follow(url, response)

    # --- extraction handoff ----------------------------------------------------------------
    def _wants_article(self, url: str) -> bool:
        if self.profile is None:
            return True  # generic: every page is tried; non-articles come back is_article=False
        return self.profile.is_article_url(url)

    def _seen_urls(self, response: Response) -> list[str]:
        urls = list(response.meta.get("redirect_urls", [])) + [response.url]
        urls += sorted(self._aliases.pop(normalize_url(response.request.url), ()))
        return list(dict.fromkeys(urls))

    def _extract(self, doc: Document, response: Response) -> dict[str, Any]:
        try:
            rec = extract_document(doc, profile=self.profile, fetched_at=datetime.now(UTC))
        except Exception as exc:  # an extractor bug must not stop the crawl
            self.logger.exception("extraction failed on %s", response.url)
            self.crawler.stats.inc_value("newsarchive/extraction_errors")
            return self._error_item(response, f"extraction failed: {type(exc).__name__}: {exc}")
        item = rec.to_dict()
        item["seen_urls"] = self._seen_urls(response)
        item["http_status"] = response.status
        item["capture_id"] = response.meta.get("newsarchive_capture")  # captures.META_KEY
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

    def _follow(self, url: str, response: Response, force: bool = False) -> Iterator[Request]:
        if not self._in_scope(url):
            return
        prof = self.profile
        if prof is not None and not force and not (
            prof.is_article_url(url) or prof.should_follow(url)
        ):
            return
        key = normalize_url(url)
        if key in self._queued:
            if key != url and key in self._aliases and len(self._aliases[key]) < 20:
                self._aliases[key].add(url)
            return
        self._queued.add(key)
        if key != url and len(self._aliases) < _MAX_ALIASES:
            self._aliases.setdefault(key, set()).add(url)
        meta = {}
        if prof is None:
            depth = response.meta.get("na_depth", 0) + 1
            if depth > self.settings.getint("NEWSARCHIVE_GENERIC_DEPTH", 3):
                return
            meta["na_depth"] = depth
        yield Request(key, callback=self.parse, errback=self.fetch_failed, meta=meta)

    def fetch_failed(self, failure: Failure) -> None:
        """One clear line and a counted reason per page that could not be fetched."""
        request = getattr(failure, "request", None)
        exc = failure.value
        if isinstance(exc, HttpError):
            reason = f"http {exc.response.status}"
        elif isinstance(exc, ResponseDataLossError):
            reason = "truncated response"
        elif isinstance(exc, TimeoutError | defer.TimeoutError):
            reason = "timeout"
        elif isinstance(exc, DNSLookupError):
            reason = "dns lookup failed"
        elif isinstance(exc, ConnectionRefusedError):
            reason = "connection refused"
        elif isinstance(exc, IgnoreRequest):
            return  # robots.txt, offsite: Scrapy already counts these
        else:
            reason = type(exc).__name__
        self.crawler.stats.inc_value(f"newsarchive/fetch_failed/{reason}")
        self.logger.warning("skipped %s: %s", getattr(request, "url", "?"), reason)


def spider_for(profile: SiteProfile) -> type[SiteSpider]:
    cls_name = re.sub(r"\W", "_", profile.name.title()) + "Spider"
    return type(cls_name, (SiteSpider,), {
        "name": profile.name, "profile": profile, "custom_settings": dict(profile.settings),
    })


class ProfileSpiderLoader:
    """SPIDER_LOADER_CLASS: one spider per site file, plus `site` for generic URL crawls."""

    def __init__(self, settings: BaseSettings) -> None:
        directory = settings.get("NEWSARCHIVE_SPIDERS_DIR") or profiles_dir()
        self._spiders: dict[str, type[scrapy.Spider]] = {"site": SiteSpider}
        for name, prof in load_profiles(directory).items():
            self._spiders[name] = spider_for(prof)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[scrapy.Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, cls in self._spiders.items()
                if getattr(cls, "profile", None) and cls.profile.allows_host(request.url)]
