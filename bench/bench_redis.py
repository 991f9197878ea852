"""Distributed crawl throughput: 1, 2 and 4 crawling processes on one frontier, and the store.

    PYTHONPATH=. python bench/bench_redis.py [--pages 1000] [--workers 1,2,4]

For each worker count: a fresh `bench/benchsite.py` site (N ~85 KB articles), a flushed
redis-server on 127.0.0.1, `newsarchive crawl URL --redis` (the seed, itself one crawling
process) plus N-1 `newsarchive worker`s; pages/s = pages fetched by all of them / wall time
from the seed's start to the last exit (process start-up included, as an operator sees it).
The store is not running meanwhile, so the records wait in Redis; then `newsarchive store`
drains them into a fresh archive: records/s. Same settings as bench_crawl.py (no throttling,
16 concurrent requests per process). Needs redis-server (apt-get install redis-server).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": "False", "NEWSARCHIVE_GENERIC_DEPTH": "3",
            "NEWSARCHIVE_REDIS_HEARTBEAT": "3"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def newsarchive(*args: str, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSARCHIVE_SPIDERS": str(tmp),
           "no_proxy": "*"}
    env.pop("http_proxy", None)
    sets = [x for k, v in SETTINGS.items() for x in ("-s", f"{k}={v}")]
    store = args[0] == "store"
    return subprocess.Popen([sys.executable, "-m", "newsarchive", *args,
                             *([] if store else sets)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run(workers: int, pages: int, redis_url: str, tmp: Path,
        measure_store: bool) -> dict[str, float]:
    import redis

    redis.Redis.from_url(redis_url).flushall()
    site_proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "benchsite.py"),
                                  str(pages)], stdout=subprocess.PIPE, text=True)
    assert site_proc.stdout is not None
    site = site_proc.stdout.readline().strip()
    db = tmp / f"w{workers}.db"
    try:
        started = time.monotonic()
        procs = [newsarchive("crawl", site + "/", "--db", str(db), "--redis", redis_url,
                             tmp=tmp)]
        client = redis.Redis.from_url(redis_url)
        while not client.hlen("newsarchive:crawls"):
            time.sleep(0.05)
        procs += [newsarchive("worker", "--redis", redis_url, tmp=tmp)
                  for _ in range(workers - 1)]
        outs = [p.communicate(timeout=1800)[0] for p in procs]
        crawl_s = time.monotonic() - started
        fetched = sum(int(re.search(r"(\d+) pages", o).group(1)) for o in outs)  # type: ignore
        records = client.llen("newsarchive:items")
        store_s, new = float("nan"), 0
        if measure_store:  # once: it does not depend on how many workers fetched the pages
            from newsarchive.distributed_store import RedisStore

            store = RedisStore(client, str(db))  # in this process: no interpreter start-up
            started = time.monotonic()
            while store.step(0.2):
                pass
            store_s = time.monotonic() - 0.2 - started
            new = store.totals["new"]
            store.close("finished")
    finally:
        site_proc.kill()
    return {"workers": workers, "pages": fetched, "crawl_s": crawl_s,
            "pages_per_s": fetched / crawl_s, "messages": records, "new": new,
            "store_s": store_s, "records_per_s": records / store_s}


def single(pages: int, tmp: Path) -> dict[str, float]:
    """The same crawl on one machine without Redis (fetch, extract, store in one process)."""
    site_proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "benchsite.py"),
                                  str(pages)], stdout=subprocess.PIPE, text=True)
    assert site_proc.stdout is not None
    site = site_proc.stdout.readline().strip()
    try:
        started = time.monotonic()
        out = newsarchive("crawl", site + "/", "--db", str(tmp / "single.db"),
                          "--no-captures", tmp=tmp).communicate(timeout=1800)[0]
        seconds = time.monotonic() - started
    finally:
        site_proc.kill()
    fetched = int(re.search(r"(\d+) pages", out).group(1))  # type: ignore[union-attr]
    return {"pages": fetched, "crawl_s": seconds, "pages_per_s": fetched / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        port = free_port()
        server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", tmpdir],
                                  stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            rows = []
            for i, n in enumerate(args.workers.split(",")):
                rows.append(run(int(n), args.pages, f"redis://127.0.0.1:{port}/0", tmp, i == 0))
                print(rows[-1], flush=True)
        finally:
            server.kill()
        one = single(args.pages, tmp)
    base = rows[0]["pages_per_s"]
    print(f"{args.pages} articles of ~85 KB, {os.cpu_count()} CPUs")
    print("| crawling processes | pages | crawl s | pages/s | vs 1 | store: messages | "
          "store s | records/s |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| one machine, no Redis (`crawl`, stores as it goes) | {one['pages']} | "
          f"{one['crawl_s']:.1f} | {one['pages_per_s']:.1f} | | | | |")
    for r in rows:
        print(f"| {r['workers']} | {r['pages']} | {r['crawl_s']:.1f} | {r['pages_per_s']:.1f} "
              f"| {r['pages_per_s'] / base:.2f}x | {r['messages']} ({r['new']} new) "
              f"| {r['store_s']:.1f} | {r['records_per_s']:.0f} |")


if __name__ == "__main__":
    main()
