"""The item pipelines with real Scrapy crawler objects and real archive files."""

from __future__ import annotations

import inspect
import json
import logging
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsarchive.archive import Archive
from newsarchive.archive_batch import NewRows
from newsarchive.pipelines import ITEM_PIPELINES, StorePipeline, ValidatePipeline

ROOT = Path(__file__).resolve().parents[1]
BODY = "Officials confirmed the new schedule for the northern line on Monday morning. " * 4


class ExampleSpider(Spider):
    name = "example"


def make_crawler(tmp_path: Path, **settings: Any):
    crawler = get_crawler(ExampleSpider, {"NEWSARCHIVE_DB": str(tmp_path / "db" / "archive.db"),
                                          **settings})
    crawler.spider = crawler._create_spider(max_pages="5")  # as `scrapy crawl -a max_pages=5`
    return crawler


def article(n: int, **over: Any) -> dict[str, Any]:
    item = {
        "url": f"https://www.example.com/news/{n}", "canonical_url": f"https://www.example.com/news/{n}",
        "site": "example.com", "language": "en", "headline": f"Story {n}",
        "body": f"Story number {n}. {BODY}", "authors": [], "tags": [], "images": [],
        "comments": [], "related_blocks": [], "is_article": True, "comment_count": None,
        "seen_urls": [f"https://www.example.com/news/{n}"], "http_status": 200,
    }
    item.update(over)
    return item


REJECTS = [
    ({"url": "https://www.example.com/x", "error": "no article found", "seen_urls": []},
     "extraction-error", "extraction failed"),
    (article(9, is_article=False), "not-an-article", "not an article: index/section page"),
    (article(8, headline=None, body="  "), "no-headline-no-body", "no headline and no body"),
    (article(7, site=None), "no-url-or-site", "no url or site"),
]


@pytest.mark.parametrize(("item", "slug", "message"), REJECTS, ids=[r[1] for r in REJECTS])
def test_validate_drops_with_reason_and_counts_it(
    tmp_path: Path, item: dict[str, Any], slug: str, message: str
) -> None:
    crawler = make_crawler(tmp_path)
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=message) as caught:
        pipeline.process_item(item)
    assert crawler.stats.get_value(f"newsarchive/rejected/{slug}") == 1
    expected_level = "WARNING" if slug == "extraction-error" else "INFO"
    assert caught.value.log_level == expected_level  # type: ignore[attr-defined]


def test_validate_passes_articles_through(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path)
    item = article(1)
    assert ValidatePipeline.from_crawler(crawler).process_item(item) is item
    assert not any(k.startswith("newsarchive/") for k in crawler.stats.get_stats())


def test_pipelines_write_a_crawl_run(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path)
    validate = ValidatePipeline.from_crawler(crawler)
    store = StorePipeline.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
    store.open_spider()
    items = [article(1), article(2), article(1), article(2, headline="Story 2, updated"),
             article(3, url="https://www.example.com/news/3?utm_source=x",
                     seen_urls=["https://example.com/s/3"]),
             *[r[0] for r in REJECTS]]
    waiting = []
    for item in items:
        try:
            out = store.process_item(validate.process_item(item))
        except DropItem:
            continue
        if inspect.iscoroutine(out):  # held for its batch; no reactor here to await it on
            waiting.append(out)
    crawler.stats.set_value("response_received_count", len(items))
    crawler.stats.set_value("log_count/ERROR", 2)  # as Scrapy's log counter would
    store.close_spider()
    for out in waiting:
        out.close()
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider,
                                   reason="finished")
    assert store.archive is None  # closed on spider_closed

    with Archive(tmp_path / "db" / "archive.db") as arc:
        run = arc.summary()["last_run"]
        assert arc.db["articles"].count == 3
    assert run["spider"] == "example" and run["finish_reason"] == "finished"
    assert json.loads(run["args"]) == {"max_pages": "5"}
    assert (run["pages"], run["new"], run["updated"], run["unchanged"], run["merged"]) == (
        9, 3, 1, 1, 0)
    assert run["rejected"] == 3  # not-an-article, no-headline-no-body, no-url-or-site
    assert run["errors"] == 3  # 2 logged errors + 1 failed extraction
    assert run["started_at"] <= run["finished_at"]
    stats = json.loads(run["stats"])
    assert stats["newsarchive/stored/new"] == 3
    assert stats["newsarchive/rejected/not-an-article"] == 1


def test_archive_failure_is_logged_counted_and_not_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    crawler = make_crawler(tmp_path, NEWSARCHIVE_STORE_BATCH=1)  # stored within the call
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()

    def broken(self: NewRows) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(NewRows, "write", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(DropItem, match="disk is full"):
        store.process_item(article(1))
    assert crawler.stats.get_value("newsarchive/store_errors") == 1
    assert any(r.levelno == logging.ERROR and "disk is full" in r.getMessage()
               for r in caplog.records)
    store.spider_closed(crawler.spider, "finished")


def test_item_pipelines_constant_names_importable_classes() -> None:
    assert ITEM_PIPELINES == {"newsarchive.pipelines.ValidatePipeline": 100,
                              "newsarchive.pipelines.StorePipeline": 300}


CRAWL_SCRIPT = textwrap.dedent('''
    import sys
    from pathlib import Path
    from scrapy import Spider
    from scrapy.crawler import CrawlerProcess
    from newsarchive.pipelines import ITEM_PIPELINES

    BODY = "Officials confirmed the new schedule for the northern line on Monday. " * 4

    class Pages(Spider):
        name = "pages"
        start_urls = [p.as_uri() for p in sorted(Path(sys.argv[1]).glob("*.html"))]

        def parse(self, response):
            stem = Path(response.url).stem
            yield {
                "url": response.url, "canonical_url": response.url, "site": "localhost",
                "language": "en", "headline": response.css("h1::text").get(),
                "body": stem + " " + BODY, "is_article": stem != "index",
                "images": [], "comments": [], "related_blocks": [], "authors": [], "tags": [],
                "seen_urls": [response.url], "http_status": response.status,
            }

    process = CrawlerProcess({"ITEM_PIPELINES": ITEM_PIPELINES, "NEWSARCHIVE_DB": sys.argv[2],
                              "LOG_LEVEL": "INFO"})
    process.crawl(Pages)
    process.start()
''')


def test_real_crawl_twice_changes_no_count(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a", "b", "index"):
        (pages / f"{name}.html").write_text(f"<html><h1>Page {name}</h1></html>")
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL_SCRIPT)
    db = tmp_path / "archive.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    counts = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, str(script), str(pages), str(db)], env=env,
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-3000:]
        with Archive(db) as arc:
            counts.append({k: v for k, v in arc.counts().items() if k != "crawl_runs"})
            runs = list(arc.db.query("SELECT * FROM crawl_runs ORDER BY id"))
    assert counts[0] == counts[1] and counts[0]["articles"] == 2
    first, second = runs
    assert (first["pages"], first["new"], first["rejected"], first["errors"]) == (3, 2, 1, 0)
    assert (second["new"], second["unchanged"], second["finish_reason"]) == (0, 2, "finished")


def test_batched_items_wait_for_their_commit_with_their_fetch_state(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path, NEWSARCHIVE_STORE_BATCH=3)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    db = tmp_path / "db" / "archive.db"
    fetch = {"etag": '"v1"', "last_modified": None}
    waiting = [store.process_item(article(n, fetch=fetch)) for n in (1, 2)]
    assert all(hasattr(w, "__await__") for w in waiting)  # not committed yet
    with sqlite3.connect(db) as conn:  # another reader sees nothing of them
        assert conn.execute("select count(*) from articles").fetchone()[0] == 0
        assert conn.execute("select count(*) from fetch_state").fetchone()[0] == 0
    assert crawler.stats.get_value("newsarchive/stored/new") is None
    third = article(3, fetch=fetch, headline={"not": "text"})  # one the database refuses
    with pytest.raises(DropItem, match="not archived"):
        store.process_item(third)  # completes the batch: committed now
    for w in waiting:
        w.close()  # (Scrapy would await them; their Deferreds have fired)
    assert crawler.stats.get_value("newsarchive/stored/new") == 2
    assert crawler.stats.get_value("newsarchive/store_errors") == 1
    with sqlite3.connect(db) as conn:
        state = conn.execute("select url, etag, fetches, article_id is not null"
                             " from fetch_state order by url").fetchall()
    assert state == [(f"https://www.example.com/news/{n}", '"v1"', 1, 1) for n in (1, 2)]
    pending = store.process_item(article(4))
    store.close_spider()  # commits what is pending
    pending.close()
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider,
                                   reason="finished")
    with Archive(db) as arc:
        assert arc.db["articles"].count == 3
        assert arc.summary()["last_run"]["new"] == 3


def _store_with_noted_timers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                             ) -> tuple[list[Any], Any, StorePipeline]:
    """An open StorePipeline (batches of 50) whose batch timers are noted, not run (no event
    loop here)."""
    timers: list[Any] = []
    monkeypatch.setattr("newsarchive.pipelines.call_later",
                        lambda *a: timers.append(a) or type("T", (), {"cancel": lambda _: None})())
    crawler = make_crawler(tmp_path, NEWSARCHIVE_STORE_BATCH=50)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    return timers, crawler, store


def test_a_backed_out_scraper_commits_only_when_the_batch_holds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrapy stops downloading while its scraper holds too many response bytes. Items waiting
    for a batch hold theirs: when they are most of it, the batch commits at once; when the
    scraper is full of pages still being extracted, their items come next (no 1-item batches)."""
    timers, crawler, store = _store_with_noted_timers(tmp_path, monkeypatch)
    slot = type("Slot", (), {})()
    slot.active = set(range(10))  # 10 responses in the scraper, all over the limit
    slot.needs_backout = lambda: True
    crawler.engine = type("Engine", (), {"scraper": type("S", (), {"slot": slot})()})()
    waiting = [store.process_item(article(n)) for n in range(4)]  # 4 of 10: wait
    assert all(hasattr(w, "__await__") for w in waiting)
    assert store.process_item(article(4)) is not None and not store._pending  # 5 of 10: commit
    for w in waiting:
        w.close()
    slot.needs_backout = lambda: False
    last = store.process_item(article(5))
    assert hasattr(last, "__await__") and timers  # no back-out: the batch waits for its timer
    store.close_spider()
    last.close()
    with Archive(tmp_path / "db" / "archive.db") as arc:
        assert arc.db["articles"].count == 6


def test_the_last_items_of_a_crawl_do_not_wait_for_the_timer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing extracting, queued, scheduled or downloading: no item can join the batch, so it
    commits at once instead of holding the crawl's end for the batch timer."""
    timers, crawler, store = _store_with_noted_timers(tmp_path, monkeypatch)
    slot = type("Slot", (), {"queue": [], "active": {1, 2}, "needs_backout": lambda _: False})()
    scheduler = type("Sched", (), {"pending": 0,
                                   "has_pending_requests": lambda s: bool(s.pending)})()
    downloader = type("D", (), {"active": set()})()
    crawler.engine = type("Engine", (), {"scraper": type("S", (), {"slot": slot})(),
                                         "_slot": type("ES", (), {"scheduler": scheduler})(),
                                         "downloader": downloader, "_start": None})()
    crawler.spider.pages = type("Pool", (), {"in_flight": 1})()  # one page still extracted
    first = store.process_item(article(1))
    assert hasattr(first, "__await__") and timers  # its page's item may come: waits
    for busy in ("scheduled", "downloading", "queued", "start"):
        crawler.spider.pages.in_flight = 0
        scheduler.pending = busy == "scheduled"
        downloader.active = {1} if busy == "downloading" else set()
        slot.queue = [1] if busy == "queued" else []
        crawler.engine._start = object() if busy == "start" else None
        waiting = store.process_item(article(10 + len(store._pending)))
        assert hasattr(waiting, "__await__"), busy
        waiting.close()
    scheduler.pending, downloader.active, slot.queue, crawler.engine._start = 0, set(), [], None
    assert store.process_item(article(2)) is not None and not store._pending  # all committed
    first.close()
    with Archive(tmp_path / "db" / "archive.db") as arc:
        assert arc.db["articles"].count == 6
