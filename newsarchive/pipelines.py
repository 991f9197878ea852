"""Item pipelines: validate -> store (deduplication happens inside the store transaction).

Items are plain dicts: `Record.to_dict()` plus the crawl keys `seen_urls` (every URL that led to
the page) and `http_status`; a page whose extraction failed arrives as
`{"url", "error", "seen_urls"}`.

Stats written (read by the demo summary and by `crawl_runs`):
  newsarchive/rejected/<reason>   items dropped by ValidatePipeline, one key per reason
  newsarchive/stored/<outcome>    new / updated / unchanged / merged
  newsarchive/store_errors        items the archive could not write (also logged at ERROR)
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsarchive.archive import OUTCOMES, Archive, ArchiveError

logger = logging.getLogger(__name__)

ITEM_PIPELINES = {
    "newsarchive.pipelines.ValidatePipeline": 100,
    "newsarchive.pipelines.StorePipeline": 300,
}
DEFAULT_DB = "data/archive.db"
STAT_PREFIX = "newsarchive"
EXTRACTION_ERROR = "extraction-error"  # counted as an error in crawl_runs, not as a rejection


def _drop(crawler: Crawler, slug: str, message: str, level: str = "INFO") -> DropItem:
    crawler.stats.inc_value(f"{STAT_PREFIX}/rejected/{slug}")
    exc = DropItem(message)
    # Read by Scrapy's LogFormatter (2.13+): expected rejections are not warnings.
    exc.log_level = level
    return exc


def rejection_reason(item: dict[str, Any]) -> tuple[str, str] | None:
    """(stat slug, message) if the item must not be archived, else None."""
    if item.get("error"):
        return EXTRACTION_ERROR, f"extraction failed: {item['error']}"
    if not item.get("url") or not item.get("site"):
        return "no-url-or-site", "no url or site: cannot identify the article"
    if item.get("is_article") is False:
        return "not-an-article", "not an article: index/section page"
    if not (item.get("headline") or "").strip() and not (item.get("body") or "").strip():
        return "no-headline-no-body", "no headline and no body"
    return None


class ValidatePipeline:
    """Drops pages that are not archivable articles, counting each reason in the stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, dict):
            return item  # not ours (e.g. another pipeline's item type)
        reason = rejection_reason(item)
        if reason is None:
            return item
        slug, message = reason
        level = "WARNING" if slug == EXTRACTION_ERROR else "INFO"
        raise _drop(self.crawler, slug, f"{message} <{item.get('url')}>", level)


class StorePipeline:
    """Stores each item in the archive and records the crawl in `crawl_runs`.

    Settings: NEWSARCHIVE_DB (archive path, default data/archive.db), NEWSARCHIVE_MAX_STORE_ERRORS
    (close the spider after this many consecutive archive failures, e.g. a full disk; default 10,
    0 = never).
    """

    def __init__(self, crawler: Crawler, path: str, max_errors: int) -> None:
        self.crawler = crawler
        self.path = path
        self.max_errors = max_errors
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.outcomes: Counter[str] = Counter()
        self.store_errors = 0
        self._consecutive_errors = 0
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        path = crawler.settings.get("NEWSARCHIVE_DB", DEFAULT_DB)
        if not path:
            raise NotConfigured("NEWSARCHIVE_DB is empty")
        max_errors = crawler.settings.getint("NEWSARCHIVE_MAX_STORE_ERRORS", 10)
        pipeline = cls(crawler, str(path), max_errors)
        # The finish reason is only known after pipelines close, from this signal.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.archive = Archive(self.path)
        # WAL + NORMAL: a killed process loses no committed record and the file stays sound;
        # only an OS crash may roll back the last commits (refetched next run). Halves the
        # per-record cost of FULL (an fsync per commit). NEWSARCHIVE_SQLITE_SYNCHRONOUS=FULL.
        sync = self.crawler.settings.get("NEWSARCHIVE_SQLITE_SYNCHRONOUS", "NORMAL")
        if str(sync).upper() in ("OFF", "NORMAL", "FULL", "EXTRA"):
            self.archive.db.execute(f"PRAGMA synchronous = {str(sync).upper()}")
        name = getattr(spider, "name", None) or "unknown"
        self.run_id = self.archive.start_run(name, spider_args(spider))
        self.crawler.stats.set_value(f"{STAT_PREFIX}/run_id", self.run_id)  # for other pipelines
        logger.info("archive %s (schema %s), crawl run %s",
                    self.path, self.archive.schema_version, self.run_id)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, dict) or self.archive is None:
            return item
        try:
            outcome = self.archive.store(item)
        except (ArchiveError, ValueError) as exc:
            self.store_errors += 1
            self._consecutive_errors += 1
            self.crawler.stats.inc_value(f"{STAT_PREFIX}/store_errors")
            logger.error("not archived: %s", exc)
            if is_fatal(exc):  # the disk or the file, not this record: stop now
                logger.error("the archive cannot be written: stopping the crawl")
            self._maybe_stop(force=is_fatal(exc))
            err = DropItem(f"not archived: {exc}")
            err.log_level = "DEBUG"  # already logged above, once, at ERROR
            raise err from exc
        self._consecutive_errors = 0
        self.outcomes[outcome] += 1
        self.crawler.stats.inc_value(f"{STAT_PREFIX}/stored/{outcome}")
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        # Provisional: counts as of now, reason unknown until spider_closed.
        self._finish(reason=None)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._finish(reason)
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def run_counts(self) -> dict[str, int]:
        stats = self.crawler.stats
        rejected = {
            k.rsplit("/", 1)[1]: int(v) for k, v in (stats.get_stats() or {}).items()
            if k.startswith(f"{STAT_PREFIX}/rejected/")
        }
        extraction_errors = rejected.pop(EXTRACTION_ERROR, 0)
        # Failed downloads, spider exceptions and archive failures are all logged at ERROR by
        # Scrapy or by us, so log_count/ERROR counts each once; extraction errors log a WARNING.
        errors = int(stats.get_value("log_count/ERROR", 0)) + extraction_errors
        return {
            "pages": int(stats.get_value("response_received_count", 0)),
            **{o: self.outcomes[o] for o in OUTCOMES},
            "rejected": sum(rejected.values()),
            "errors": errors,
        }

    def _finish(self, reason: str | None) -> None:
        if self.archive is None or self.run_id is None:
            return
        all_stats = self.crawler.stats.get_stats() or {}
        kept = {k: v for k, v in all_stats.items() if k.startswith(_KEPT_STATS)}
        self.archive.finish_run(self.run_id, self.run_counts(), reason, kept)

    def _maybe_stop(self, force: bool = False) -> None:
        if not force and (not self.max_errors or self._consecutive_errors < self.max_errors):
            return
        engine = self.crawler.engine
        if engine is None or engine.spider is None or self._stopping:
            return
        self._stopping = True  # items already in flight fail too: close once
        if not force:
            logger.error("%d archive failures in a row: closing the spider",
                         self._consecutive_errors)
        close_async = getattr(engine, "close_spider_async", None)
        if close_async is not None:  # Scrapy >= 2.14
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(close_async(reason="archive_error"))
        else:
            engine.close_spider(self.crawler.spider, "archive_error")


def is_fatal(exc: BaseException) -> bool:
    """A store failure no later record can avoid: disk full, read-only, I/O error, corrupt file
    (per-record failures such as a constraint violation are IntegrityError)."""
    cause = exc.__cause__
    return isinstance(cause, sqlite3.OperationalError) or type(cause) is sqlite3.DatabaseError


# Scrapy stats copied into crawl_runs.stats, so the counts can be re-derived and audited.
_KEPT_STATS = (
    f"{STAT_PREFIX}/", "log_count/", "downloader/", "response_received_count", "retry/",
    "httperror/", "item_scraped_count", "item_dropped", "elapsed_time_seconds", "robotstxt/",
)


def spider_args(spider: Any) -> dict[str, Any]:
    """The crawl's arguments: `spider.crawl_args` if the spider keeps them, else its public
    scalar attributes (Scrapy turns `-a key=value` into attributes)."""
    explicit = getattr(spider, "crawl_args", None)
    if isinstance(explicit, dict):
        return dict(explicit)
    return {
        k: v for k, v in vars(spider).items()
        if not k.startswith("_") and k not in ("name", "crawler", "settings")
        and isinstance(v, str | int | float | bool | list | tuple)
        and (not isinstance(v, list | tuple) or (v and all(isinstance(x, str) for x in v)))
    } if spider is not None else {}
