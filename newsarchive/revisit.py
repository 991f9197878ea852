"""Pipelines that keep the revisit state (`fetch_state`) in step with what was archived.

`NotModifiedPipeline` (before validation) takes the spider's `{"not_modified": True}` items -- a
304 answer to a conditional revisit -- records the fetch, moves the article's `last_seen` and
drops the item: nothing else is written. The validators of each stored page are written by
`StorePipeline`, in the transaction that stores the record (pipelines.py): state written
without its record would make the next run send If-None-Match, get a 304 and never store.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive.extract.urls import normalize_url
from newsarchive.schedule import RevisitPolicy, born_of, parse_time, record_fetch

logger = logging.getLogger(__name__)


def policy_from(crawler: Crawler) -> RevisitPolicy:
    return RevisitPolicy.from_mapping(crawler.settings.getdict("NEWSARCHIVE_REVISIT") or None)


class _StateWriter:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("NEWSARCHIVE_DB")
        self.policy = policy_from(crawler)
        self.conn: sqlite3.Connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        # StorePipeline (opened in the same engine step) creates and migrates the file.
        self.conn = sqlite3.connect(self.path, timeout=30)

    def close_spider(self, spider: Any = None) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def record(self, item: dict[str, Any], status: int) -> None:
        if self.conn is None:
            return
        fetch = item.get("fetch") or {}
        url = normalize_url(item["url"])
        now = datetime.now(UTC)
        try:
            born = parse_time(item.get("published_at")) or born_of(self.conn, url)
            record_fetch(self.conn, url, status, fetch.get("etag"), fetch.get("last_modified"),
                         self.policy.next_visit(born, now, now), now)
        except sqlite3.Error as exc:  # state is an optimisation: losing it costs a refetch
            logger.warning("revisit state not saved for %s: %s", url, exc)


class NotModifiedPipeline(_StateWriter):
    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not (isinstance(item, dict) and item.get("not_modified")):
            return item
        self.record(item, 304)
        self.crawler.stats.inc_value("newsarchive/not_modified")
        exc = DropItem(f"not modified since the last visit <{item['url']}>")
        exc.log_level = "DEBUG"  # type: ignore[attr-defined]  # read by NewsLogFormatter
        raise exc

