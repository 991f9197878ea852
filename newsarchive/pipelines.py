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
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newsarchive.archive import OUTCOMES, Archive, ArchiveError
from newsarchive.captures import capture_id
from newsarchive.revisit import policy_from
from newsarchive.schedule import record_item_fetches

logger = logging.getLogger(__name__)

ITEM_PIPELINES = {
    "newsarchive.pipelines.ValidatePipeline": 100,
    "newsarchive.pipelines.StorePipeline": 300,
}
DEFAULT_DB = "data/archive.db"
STAT_PREFIX = "newsarchive"
EXTRACTION_ERROR = "extraction-error"  # counted as an error in crawl_runs, not as a rejection
# Items per store transaction and the longest an item waits for its batch. Measured
# (bench/bench_bulk.py): a record costs ~6.7 ms stored alone, ~3 ms in batches of 5-10 and
# ~1.7-2.2 ms in batches of 25-50; crawls run at 10-60 pages/s, so a quarter second already
# makes batches of 5-15 while keeping what a kill can lose (fetched, not committed: refetched)
# small.
STORE_BATCH = 50
STORE_BATCH_SECONDS = 0.25


async def _waited(done: Deferred[Any]) -> Any:
    return await maybe_deferred_to_future(done)


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
    """Stores items in the archive in batches and records the crawl in `crawl_runs`.

    An item waits in the batch until its batch commits: the next pipelines, the item counts and
    the progress line see it only then. Its `fetch_state` row (ETag, next visit) is written in
    the same transaction, so a page fetched but not committed when the process dies has neither
    record nor state, and the next run fetches it again; a committed one is never refetched.

    Settings: NEWSARCHIVE_DB (archive path, default data/archive.db), NEWSARCHIVE_STORE_BATCH
    (items per transaction, default 50; 1 = one transaction per item),
    NEWSARCHIVE_STORE_BATCH_SECONDS (commit a batch at the latest this long after its first item,
    default 0.25), NEWSARCHIVE_MAX_STORE_ERRORS (close the spider after this many consecutive
    archive failures; default 10, 0 = never; a full disk or a broken file closes it at once).
    """

    def __init__(self, crawler: Crawler, path: str, max_errors: int, batch: int = STORE_BATCH,
                 seconds: float = STORE_BATCH_SECONDS) -> None:
        self.crawler = crawler
        self.path = path
        self.max_errors = max_errors
        self.batch_size = max(1, batch)
        self.batch_seconds = seconds
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.outcomes: Counter[str] = Counter()
        self.store_errors = 0
        self._consecutive_errors = 0
        self._stopping = False
        self._pending: list[tuple[dict[str, Any], Deferred[Any]]] = []
        self._timer: Any = None
        self.policy = policy_from(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        path = crawler.settings.get("NEWSARCHIVE_DB", DEFAULT_DB)
        if not path:
            raise NotConfigured("NEWSARCHIVE_DB is empty")
        max_errors = crawler.settings.getint("NEWSARCHIVE_MAX_STORE_ERRORS", 10)
        batch = crawler.settings.getint("NEWSARCHIVE_STORE_BATCH", STORE_BATCH)
        seconds = crawler.settings.getfloat("NEWSARCHIVE_STORE_BATCH_SECONDS",
                                            STORE_BATCH_SECONDS)
        pipeline = cls(crawler, str(path), max_errors, batch, seconds)
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
        """The item once its batch committed (or DropItem if the archive refused it): at once
        when this call completed the batch, else an awaitable Scrapy waits on."""
        if not isinstance(item, dict) or self.archive is None:
            return item
        done: Deferred[Any] = Deferred()
        self._pending.append((item, done))
        if len(self._pending) >= self.batch_size or self._backing_out() or self._last_items():
            self.flush()
        elif self._timer is None and self._engine() is not None:
            self._timer = call_later(self.batch_seconds, self.flush)
        if done.called:
            result: list[Any] = []
            done.addBoth(result.append)  # consumes a failure: it is raised here instead
            if isinstance(result[0], Failure):
                result[0].raiseException()
            return result[0]
        return _waited(done)

    def _engine(self) -> Any:
        try:  # None outside a running crawl (Scrapy >= 2.14 raises instead)
            return self.crawler.engine
        except (AttributeError, RuntimeError):
            return None

    def _backing_out(self) -> bool:
        # Scrapy stops fetching while the responses being processed exceed
        # SCRAPER_SLOT_MAX_ACTIVE_SIZE (5 MB); items waiting for a batch hold theirs, so with
        # big pages a batch would only ever be completed by the timer: commit now when the
        # batch holds at least half of those responses. Not sooner: when most of them are
        # pages still being extracted (a worker slower than the downloads, the usual case),
        # their items come next, and committing each alone (611 of ~660 batches in a 1,000-page
        # bench crawl) costs the store ~3x per record what batches of 25-50 do.
        scraper = getattr(self._engine(), "scraper", None)
        slot = getattr(scraper, "slot", None)
        if slot is None or not slot.needs_backout():
            return False
        return 2 * len(self._pending) >= len(getattr(slot, "active", ()))

    def _last_items(self) -> bool:
        # The end of a crawl: no page is being extracted, none waits for the spider, and
        # nothing is scheduled or downloading, so no item can join the batch before the timer;
        # it only held the crawl's end back (0.12-0.28 s of a 1,000-page bench crawl). Scrapy's
        # own idle test (engine.spider_is_idle), but for our items; any attribute missing
        # (another Scrapy): False, and the timer commits as before.
        engine = self._engine()
        pages = getattr(getattr(self.crawler, "spider", None), "pages", None)
        slot = getattr(getattr(engine, "scraper", None), "slot", None)
        sched = getattr(getattr(engine, "_slot", None), "scheduler", None)
        if (getattr(pages, "in_flight", 1) or slot is None or sched is None
                or getattr(engine, "_start", True) is not None):
            return False
        try:
            return (not slot.queue and not engine.downloader.active
                    and not sched.has_pending_requests())
        except AttributeError:
            return False

    def flush(self) -> None:
        """Commit the pending items in one transaction and release them."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        if self.archive is None:  # closed under them: not stored
            results: list[Any] = [ArchiveError("the archive was closed")] * len(batch)
        else:
            for item, _ in batch:  # their captures rows commit first (captures.py)
                if "capture_id" in item:
                    item["capture_id"] = capture_id(item["capture_id"])
            results = self.archive.store_many([it for it, _ in batch], self._record_fetches)
            logger.debug("committed a batch of %d item(s)", len(batch))
        for (item, done), result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                done.errback(Failure(self._refused(result)))
                continue
            self._consecutive_errors = 0
            self.outcomes[result] += 1
            self.crawler.stats.inc_value(f"{STAT_PREFIX}/stored/{result}")
            done.callback(item)

    def _record_fetches(self, stored: list[tuple[Any, str]]) -> None:
        # In the batch's transaction (see the class docstring).
        assert self.archive is not None
        record_item_fetches(self.archive.db.conn, [item for item, _ in stored],
                            lambda _item: self.policy)

    def _refused(self, exc: Exception) -> DropItem:
        self.store_errors += 1
        self._consecutive_errors += 1
        self.crawler.stats.inc_value(f"{STAT_PREFIX}/store_errors")
        logger.error("not archived: %s", exc)
        if is_fatal(exc):  # the disk or the file, not this record: stop now
            logger.error("the archive cannot be written: stopping the crawl")
        self._maybe_stop(force=is_fatal(exc))
        err = DropItem(f"not archived: {exc}")
        err.log_level = "DEBUG"  # already logged above, once, at ERROR
        err.__cause__ = exc
        return err

    def close_spider(self, spider: Spider | None = None) -> None:
        self.flush()
        # Provisional: counts as of now, reason unknown until spider_closed.
        self._finish(reason=None)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.flush()
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
        engine = self._engine()
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
