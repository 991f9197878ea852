"""Broken-site detection: a run in which most pages lose a field the site used to have.

A redesign usually leaves the spider fetching happily while its selectors match nothing, so the
archive fills with headline-less or body-less records and nobody notices. Before the first item
of a site is stored, this pipeline reads which fields that site's recent stored articles have
(present in >= NEWSARCHIVE_BROKEN_BASELINE of them, default 0.8, over at least
NEWSARCHIVE_BROKEN_MIN_STORED articles, default 10); at the end of the run a field missing from
more than NEWSARCHIVE_BROKEN_MISSING (0.5) of the run's pages (at least
NEWSARCHIVE_BROKEN_MIN_PAGES, 5) marks the site as broken: an ERROR naming the site and fields,
the stat `newsarchive/broken`, and `crawl_runs.broken` -- so the run exits 1.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# field -> (SQL "is present" over articles a, test on an item)
FIELDS: dict[str, str] = {
    "headline": "coalesce(a.headline, '') != ''",
    "subheadline": "coalesce(a.subheadline, '') != ''",
    "body": "coalesce(a.body, '') != ''",
    "published_at": "a.published_at IS NOT NULL",
    "authors": "coalesce(a.authors, '[]') != '[]'",
    "section": "coalesce(a.section, '') != ''",
    "tags": "coalesce(a.tags, '[]') != '[]'",
    "images": "EXISTS (SELECT 1 FROM images i WHERE i.article_id = a.id)",
    "comment_count": "a.comment_count IS NOT NULL",
}
RECENT = 500  # the baseline is the site's most recently seen articles: its current layout


def has(item: dict[str, Any], name: str) -> bool:
    value = item.get(name)
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


class SiteHealthPipeline:
    def __init__(self, crawler: Crawler) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.path = s.get("NEWSARCHIVE_DB")
        self.baseline_share = s.getfloat("NEWSARCHIVE_BROKEN_BASELINE", 0.8)
        self.missing_share = s.getfloat("NEWSARCHIVE_BROKEN_MISSING", 0.5)
        self.min_pages = s.getint("NEWSARCHIVE_BROKEN_MIN_PAGES", 5)
        self.min_stored = s.getint("NEWSARCHIVE_BROKEN_MIN_STORED", 10)
        self.expected: dict[str, tuple[list[str], int]] = {}  # site -> (fields, stored count)
        self.pages: Counter[str] = Counter()
        self.missing: dict[str, Counter[str]] = {}
        self.broken: dict[str, list[str]] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteHealthPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        site = counted_site(item)
        if site is None:
            return item
        if site not in self.expected:
            self.expected[site] = self._baseline(site)
        self.pages[site] += 1
        self.missing.setdefault(site, Counter()).update(
            name for name in self.expected[site][0] if not has(item, name))
        return item

    def _baseline(self, site: str) -> tuple[list[str], int]:
        return baseline(self.path, site, self.baseline_share, self.min_stored)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.broken = judge(self.pages, self.missing, self.expected, self.missing_share,
                            self.min_pages, self.baseline_share)
        if self.broken:
            self.crawler.stats.set_value("newsarchive/broken", self.describe())

    def describe(self) -> str:
        return describe(self.broken)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        run_id = self.crawler.stats.get_value("newsarchive/run_id")
        if not self.broken or not run_id or not self.path:
            return
        try:
            with sqlite3.connect(self.path, timeout=30) as conn:
                conn.execute("UPDATE crawl_runs SET broken = ? WHERE id = ?",
                             [self.describe(), run_id])
        except sqlite3.Error as exc:
            logger.error("could not record the broken site in crawl_runs: %s", exc)


def counted_site(item: Any) -> str | None:
    """The site this page counts for, or None if it does not count (not a record, an
    extraction error, a 304, a page that is not an article)."""
    if (not isinstance(item, dict) or item.get("error") or item.get("not_modified")
            or not item.get("site") or item.get("is_article") is False):
        return None
    return str(item["site"])


def baseline(path: str | None, site: str, share: float, min_stored: int) -> tuple[list[str], int]:
    """(fields present in >= `share` of the site's recent stored articles, how many were read);
    no fields under `min_stored` articles. Read-only: the seed of a distributed crawl calls it
    on an archive the store is writing."""
    if not path or not Path(path).exists():
        return [], 0
    sums = ", ".join(f"sum({sql})" for sql in FIELDS.values())
    try:
        with sqlite3.connect(path, timeout=30) as conn:
            row = conn.execute(
                f"SELECT count(*), {sums} FROM (SELECT * FROM articles WHERE site = ?"
                f" ORDER BY last_seen DESC LIMIT {RECENT}) a", [site]).fetchone()
    except sqlite3.Error as exc:
        logger.warning("no field baseline for %s: %s", site, exc)
        return [], 0
    total = row[0] or 0
    if total < min_stored:
        return [], total
    return [n for n, c in zip(FIELDS, row[1:], strict=True)
            if (c or 0) >= share * total], total


def judge(pages: Mapping[str, int], missing: Mapping[str, Mapping[str, int]],
          expected: Mapping[str, tuple[list[str], int]], missing_share: float, min_pages: int,
          baseline_share: float) -> dict[str, list[str]]:
    """site -> the expected fields missing from more than `missing_share` of its pages (sites
    with fewer than `min_pages` pages are not judged); logs one ERROR per broken site."""
    broken: dict[str, list[str]] = {}
    for site, n in pages.items():
        if n < min_pages:
            continue
        fields, stored = expected.get(site, ([], 0))
        counts = missing.get(site, {})
        lost = [f for f in fields if counts.get(f, 0) > missing_share * n]
        if not lost:
            continue
        broken[site] = sorted(lost)
        detail = ", ".join(f"{f} missing in {counts[f]}/{n} pages" for f in sorted(lost))
        logger.error("site %s looks broken: %s (present in >= %d%% of its %d stored "
                     "articles); check the selectors of its site file", site, detail,
                     round(baseline_share * 100), stored)
    return broken


def describe(broken: Mapping[str, list[str]]) -> str:
    return "; ".join(f"{site}: {', '.join(f)}" for site, f in sorted(broken.items()))
