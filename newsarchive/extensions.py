"""A progress line on the terminal: pages, articles, errors and rate every few seconds.

Enabled by `newsarchive crawl` when stderr is a terminal and --quiet is not given
(NEWSARCHIVE_PROGRESS = True; NEWSARCHIVE_PROGRESS_INTERVAL seconds, default 5). Under cron the
one-line summary and the log file replace it.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call


class Progress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: Any = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.show, spider)
        self.task.start(self.interval, now=False)

    def line(self, spider: Spider) -> str:
        get = self.crawler.stats.get_value
        pages = get("response_received_count", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        new = get("newsarchive/stored/new", 0)
        seen = sum(get(f"newsarchive/stored/{o}", 0) for o in ("updated", "unchanged", "merged"))
        errors = get("log_count/ERROR", 0) + get("newsarchive/page_errors", 0)
        return (f"{spider.name}: {pages} pages ({pages / elapsed:.1f}/s), {new} new articles, "
                f"{seen} seen again, {get('newsarchive/not_modified', 0)} not modified, "
                f"{errors} errors, {elapsed:.0f}s")

    def show(self, spider: Spider) -> None:
        print(self.line(spider), file=sys.stderr, flush=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
