"""Readable crawl logs: a dropped page logs its URL and reason, not the whole record."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class NewsLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        url = item.get("url") if isinstance(item, dict) else None
        level = getattr(exception, "log_level", None) or logging.INFO
        if isinstance(level, str):
            level = getattr(logging, level)
        return {"level": level, "msg": "Rejected %(url)s: %(reason)s",
                "args": {"url": url or getattr(response, "url", "?"), "reason": exception}}

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        url = item.get("url") if isinstance(item, dict) else None
        return {"level": logging.DEBUG, "msg": "Extracted %(url)s",
                "args": {"url": url or getattr(response, "url", "?")}}
