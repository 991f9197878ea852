"""Crawl speed, memory and bulk writes, measured side by side (run on demand, not in CI).

    python bench/bench_crawl.py [--pages 1000] [--grow 1000,10000]
    python -m pytest -m slow bench/     # the same, with the floors below as assertions

1. pages/s of a full `newsarchive crawl` (fetch, parse once, extract, dedupe, store) against a
   bare Scrapy spider that fetches the same pages and does nothing, same loopback site, one
   run; reported as full/bare (floor 0.5).
2. peak RSS of the full crawl as the site grows (e.g. 1,000 -> 10,000 pages; ceiling 250 MB).
3. bulk write rows/s of sqlite-utils `insert_all` against raw sqlite3 `executemany` into the
   same table shape (floor 0.7).
Both crawls use the same settings: no throttling, no delay, 16 concurrent requests.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchsite  # noqa: E402

SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": "False", "NEWSARCHIVE_GENERIC_DEPTH": "3"}

BARE = """
import json, sys, scrapy
from scrapy.crawler import CrawlerProcess
urls = json.load(open(sys.argv[1]))
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for u in urls:
            yield scrapy.Request(u, callback=self.parse)
    def parse(self, response):
        pass
settings = json.loads(sys.argv[2])
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
s = crawler.stats.get_stats()
print(json.dumps({"pages": s.get("response_received_count", 0),
                  "seconds": s["elapsed_time_seconds"]}))
"""


@contextmanager
def site(pages: int) -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "benchsite.py"), str(pages)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait(10)


def run_watched(cmd: list[str], **kw: object) -> tuple[str, float]:
    """Run a command; (stdout, peak RSS in MB, polled from /proc every 0.1 s)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            **kw)  # type: ignore[call-overload]
    peak = 0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.1)
    out = proc.stdout.read() if proc.stdout else ""
    return out, peak / 1024


def bare_crawl(base: str, pages: int, tmp: Path) -> dict[str, float]:
    url_file = tmp / "urls.json"
    url_file.write_text(json.dumps(benchsite.urls(base, pages)))
    settings = {k: v for k, v in SETTINGS.items() if not k.startswith("NEWSARCHIVE")}
    out, rss = run_watched([sys.executable, "-c", BARE, str(url_file), json.dumps(settings)])
    data = json.loads(out.strip().splitlines()[-1])
    return {**data, "rate": data["pages"] / data["seconds"], "rss_mb": rss}


SITE_FILE = """name = "bench"
hosts = ["127.0.0.1"]
[sources]
start_urls = ["{base}/"]
[urls]
article = ['/news/\\d+\\.html$']
follow = ['/list/\\d+$']
[fields]
headline = "h1::text"
authors = "p.byline::text"
body = "xpath://article/p[not(@class)]"
[fields.images]
container = "article figure"
src = "img::attr(src)"
caption = "figcaption::text"
"""


def full_crawl(base: str, tmp: Path, name: str, site_file: bool = True) -> dict[str, float]:
    """`newsarchive crawl` with a site file (the production case), or generic (a bare URL)."""
    db = tmp / f"{name}.db"
    sets = [a for k, v in SETTINGS.items() for a in ("-s", f"{k}={v}")]
    spiders = tmp / f"spiders-{name}"
    spiders.mkdir()
    if site_file:
        (spiders / "bench.toml").write_text(SITE_FILE.format(base=base))
    env = {**os.environ, "NEWSARCHIVE_SPIDERS": str(spiders), "no_proxy": "*"}
    target = "bench" if site_file else base + "/"
    _, rss = run_watched([sys.executable, "-m", "newsarchive", "crawl", target, "--db",
                          str(db), "--quiet", *sets], cwd=ROOT, env=env)
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("select stats from crawl_runs").fetchone()[0])
        articles = conn.execute("select count(*) from articles").fetchone()[0]
    pages, seconds = stats["response_received_count"], stats["elapsed_time_seconds"]
    return {"pages": pages, "seconds": seconds, "rate": pages / seconds, "rss_mb": rss,
            "articles": articles}


def bulk_writes(rows: int = 50_000) -> dict[str, float]:
    from sqlite_utils import Database

    data = [{"id": i, "url": f"http://x.example/{i}", "site": "x.example", "headline": f"H {i}",
             "body": "word " * 200, "published_at": "2024-05-01T10:00:00+00:00"}
            for i in range(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        raw = sqlite3.connect(Path(tmp) / "raw.db")
        raw.execute("create table t (id integer primary key, url text, site text, "
                    "headline text, body text, published_at text)")
        t0 = time.perf_counter()
        with raw:
            raw.executemany("insert into t values (?, ?, ?, ?, ?, ?)",
                            [tuple(r.values()) for r in data])
        raw_s = time.perf_counter() - t0
        db = Database(Path(tmp) / "su.db")
        db["t"].create({"id": int, "url": str, "site": str, "headline": str, "body": str,
                        "published_at": str}, pk="id")
        t0 = time.perf_counter()
        with db.conn:
            db["t"].insert_all(data, batch_size=1000)
        su_s = time.perf_counter() - t0
    return {"raw_rows_s": rows / raw_s, "sqlite_utils_rows_s": rows / su_s,
            "ratio": raw_s / su_s}


def measure(pages: int, grow: list[int]) -> dict[str, object]:
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        with site(pages) as base:
            bare = bare_crawl(base, pages, tmp)
            full = full_crawl(base, tmp, "speed")
            generic = full_crawl(base, tmp, "generic", site_file=False)
        report["speed"] = {"bare": bare, "full": full, "ratio": full["rate"] / bare["rate"],
                           "generic": generic, "generic_ratio": generic["rate"] / bare["rate"]}
        report["rss_mb"] = {}
        for n in grow:
            with site(n) as base:
                report["rss_mb"][n] = full_crawl(base, tmp, f"grow{n}")  # type: ignore[index]
    report["bulk"] = bulk_writes()
    return report


@pytest.mark.slow
def test_crawl_speed_memory_and_bulk_writes() -> None:
    report = measure(1000, [1000, 10_000])
    print(json.dumps(report, indent=1))
    assert report["speed"]["ratio"] >= 0.5  # type: ignore[index]
    assert all(r["rss_mb"] < 250 for r in report["rss_mb"].values())  # type: ignore[union-attr]
    assert report["bulk"]["ratio"] >= 0.7  # type: ignore[index]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--grow", default="1000,10000")
    opts = parser.parse_args()
    print(json.dumps(measure(opts.pages, [int(n) for n in opts.grow.split(",") if n]),
                     indent=1))
