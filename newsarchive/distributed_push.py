"""What a crawling process of a distributed crawl sends the store, through Redis.

`PushPipeline` is a worker's only item pipeline: a run_start message, each page's records (each
with its body's MinHash signature, so the store need not compute it) together with the page's
commit and its health counts (distributed.Frontier.commit), and a run_end message with the run's
stats. The seed's also holds the crawl's broken-site check (health.py's rules over every worker's
pages, see docs/distributed.md).
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newsarchive.distributed import COMMIT, Frontier

logger = logging.getLogger(__name__)


def message(kind: str, run: str, **fields: Any) -> str:
    return json.dumps({"type": kind, "run": run, **fields}, default=str, ensure_ascii=False)


class PushPipeline:
    """The only item pipeline of a worker: records go to Redis, with run start and end."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = ""
        self.seed = crawler.settings.get("NEWSARCHIVE_REDIS_ROLE") == "seed"
        self.expected: dict[str, tuple[list[str], int]] = {}  # the seed's health baseline
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PushPipeline:
        return cls(crawler)

    def _frontier(self) -> Frontier:
        return self.crawler.spider.frontier  # type: ignore[union-attr]

    def open_spider(self, spider: Spider | None = None) -> None:
        from newsarchive.pipelines import spider_args

        spider = spider or self.crawler.spider
        front = self._frontier()
        self.run = front.worker
        args = {**spider_args(spider), "worker": front.worker,
                "role": self.crawler.settings.get("NEWSARCHIVE_REDIS_ROLE")}
        revisit = self.crawler.settings.getdict("NEWSARCHIVE_REVISIT")
        front.commit(None, [message("run_start", self.run, spider=spider.name, args=args,
                                    revisit=revisit)])
        if self.seed:  # before any record of this run can be stored, as on one machine
            for site in _expected_sites(spider):
                self.expected[site] = self._baseline(site)
            front.publish_baseline(self.expected)

    def _baseline(self, site: str) -> tuple[list[str], int]:
        from newsarchive.health import baseline

        s = self.crawler.settings
        return baseline(s.get("NEWSARCHIVE_DB"), site,
                        s.getfloat("NEWSARCHIVE_BROKEN_BASELINE", 0.8),
                        s.getint("NEWSARCHIVE_BROKEN_MIN_STORED", 10))

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, dict) and COMMIT in item:
            records = item["items"]
            self._frontier().commit(item[COMMIT], [message("item", self.run, item=r,
                                                           sig=_signature(r))
                                                   for r in records],
                                    Frontier.count_fields(records))
            self.crawler.stats.inc_value("newsarchive/pushed", len(records))
            return {"page_records": len(records)}
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        """The seed judges the sites of the whole crawl (every worker's pages) once it is
        done, with health.py's rules; the verdict goes to the store with run_end. When the seed
        is gone (killed, or stopped before the crawl was done), the first worker to finish the
        crawl judges it, with the baseline the seed left in Redis."""
        try:
            front = self._frontier()
            if not front.done():  # stopped early: the run is not over, nothing to judge
                return
            if not front.take_judging(self.seed):
                return
            pages, missing = front.field_counts()
            if not self.seed:
                self.expected = front.baseline()
        except Exception as exc:
            logger.error("could not read the crawl's field counts from Redis: %s", exc)
            return
        from newsarchive.health import describe, judge

        for site in pages:
            # A site the seed did not foresee: judged as well, on the seed (a worker may have
            # no archive, or another one: it judges the sites of the seed's baseline only).
            if site not in self.expected and self.seed:
                self.expected[site] = self._baseline(site)
        s = self.crawler.settings
        broken = judge(pages, missing, self.expected,
                       s.getfloat("NEWSARCHIVE_BROKEN_MISSING", 0.5),
                       s.getint("NEWSARCHIVE_BROKEN_MIN_PAGES", 5),
                       s.getfloat("NEWSARCHIVE_BROKEN_BASELINE", 0.8))
        if broken:
            self.crawler.stats.set_value("newsarchive/broken", describe(broken))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        from newsarchive.pipelines import _KEPT_STATS

        stats = {k: v for k, v in (self.crawler.stats.get_stats() or {}).items()
                 if k.startswith(_KEPT_STATS)}
        try:
            self._frontier().commit(None, [message("run_end", self.run, stats=stats,
                                                   reason=reason)])
            self._frontier().retire()
        except Exception as exc:
            logger.error("could not report the end of this run to the store: %s", exc)


def _expected_sites(spider: Spider) -> list[str]:
    """The `site` of the records a crawl will make (extract: the site file's, else the page's
    registrable domain)."""
    profile = getattr(spider, "profile", None)
    if profile is not None:
        return [profile.site]
    from newsarchive.extract.urls import registrable_domain

    return sorted({registrable_domain(u) for u in getattr(spider, "start_pages", []) if u})


def _signature(record: dict[str, Any]) -> str | None:
    """The body's MinHash signature, computed where the page was extracted (pages.py hands
    it over through clusters.remember): the store need not compute it again (it was half of
    the store's time per record)."""
    from newsarchive.clusters import signature

    body = record.get("body")
    sig = signature(body) if isinstance(body, str) and body else None
    return None if sig is None else base64.b64encode(sig.tobytes()).decode()
