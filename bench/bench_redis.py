"""Distributed crawl throughput: 1, 2 and 4 crawling processes on one frontier, and the store.

    PYTHONPATH=. python bench/bench_redis.py [--pages 1000] [--workers 1,2,4] [--captures on,off]

For each worker count: a fresh `bench/benchsite.py` site (N ~85 KB articles), a flushed
redis-server on 127.0.0.1, `newsarchive crawl URL --redis` (the seed, itself one crawling
process) plus N-1 `newsarchive worker`s; pages/s = pages fetched by all of them / wall time
from the seed's start to the last exit (process start-up included, as an operator sees it).
The store is not running meanwhile, so the records wait in Redis; then `newsarchive store`
drains them into a fresh archive: records/s. Same settings as bench_crawl.py (no throttling,
16 concurrent requests per process). Needs redis-server (apt-get install redis-server).

`--captures on,off` runs every worker count with raw WARC captures (the default) and with the
seed's `--no-captures`: what captures cost the crawl (pages/s), Redis (used_memory grown while
the messages wait for the store, and their bytes: records vs WARC members) and the store
(seconds, and ms per stored article).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def waiting(client: Any) -> dict[str, int]:
    """The messages waiting for the store: how many and how many bytes, records vs captures."""
    from newsarchive.distributed import ITEMS
    from newsarchive.distributed_captures import CAPTURE_TAG

    out = {"record_msgs": 0, "record_bytes": 0, "capture_msgs": 0, "capture_bytes": 0}
    for start in range(0, client.llen(ITEMS), 1000):
        for msg in client.lrange(ITEMS, start, start + 999):
            kind = "capture" if msg.startswith(CAPTURE_TAG) else "record"
            out[kind + "_msgs"] += 1
            out[kind + "_bytes"] += len(msg)
    return out


def run(workers: int, pages: int, redis_url: str, tmp: Path,
        measure_store: bool, captures: bool = True) -> dict[str, float]:
    import redis

    redis.Redis.from_url(redis_url).flushall()
    memory0 = int(redis.Redis.from_url(redis_url).info("memory")["used_memory"])
    site_proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "benchsite.py"),
                                  str(pages)], stdout=subprocess.PIPE, text=True)
    assert site_proc.stdout is not None
    site = site_proc.stdout.readline().strip()
    db = tmp / f"w{workers}-{'c' if captures else 'n'}.db"
    try:
        started = time.monotonic()
        procs = [newsarchive("crawl", site + "/", "--db", str(db), "--redis", redis_url,
                             *([] if captures else ["--no-captures"]), tmp=tmp)]
        client = redis.Redis.from_url(redis_url)
        while not client.hlen("newsarchive:crawls"):
            time.sleep(0.05)
        procs += [newsarchive("worker", "--redis", redis_url, tmp=tmp)
                  for _ in range(workers - 1)]
        outs = [p.communicate(timeout=1800)[0] for p in procs]
        crawl_s = time.monotonic() - started
        fetched = sum(int(re.search(r"(\d+) pages", o).group(1)) for o in outs)  # type: ignore
        records = client.llen("newsarchive:items")
        memory = int(client.info("memory")["used_memory"]) - memory0
        sizes = waiting(client)
        store_s, new = float("nan"), 0
        if measure_store and captures:  # what the store variants replay (--store-repeat)
            DUMP[:] = client.lrange("newsarchive:items", 0, -1)
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
    return {"workers": workers, "captures": captures, "pages": fetched, "crawl_s": crawl_s,
            "pages_per_s": fetched / crawl_s, "messages": records, "new": new,
            "store_s": store_s, "records_per_s": records / store_s,
            "ms_per_article": store_s * 1000 / max(new, 1),
            "redis_mb": memory / 2**20, "redis_kb_per_page": memory / 1024 / max(fetched, 1),
            **sizes}


DUMP: list[bytes] = []  # the messages of the first crawl with captures, oldest last


def store_variants(url: str, tmp: Path, repeat: int) -> None:
    """The same messages stored again and again into fresh archives, the variants alternating
    within each round (machine load hits them alike); medians of ms per stored article."""
    import statistics

    import redis

    from newsarchive.distributed import ITEMS
    from newsarchive.distributed_captures import CAPTURE_TAG
    from newsarchive.distributed_store import RedisStore

    def strip_sig(msg: bytes) -> bytes:
        if msg.startswith(CAPTURE_TAG):
            return msg
        data = json.loads(msg)
        data.pop("sig", None)
        return json.dumps(data).encode()

    variants = {
        "captures on, signatures from workers": DUMP,
        "captures off, signatures from workers": [m for m in DUMP
                                                  if not m.startswith(CAPTURE_TAG)],
        "captures off, signatures computed by the store (as before)": [
            strip_sig(m) for m in DUMP if not m.startswith(CAPTURE_TAG)],
    }
    client = redis.Redis.from_url(url)
    times: dict[str, list[float]] = {name: [] for name in variants}
    for r in range(repeat):
        for name, messages in variants.items():
            client.flushall()
            for i in range(0, len(messages), 500):  # same order as the workers pushed them
                client.rpush(ITEMS, *messages[i:i + 500])
            db = tmp / f"store-{r}-{len(times[name])}-{abs(hash(name))}.db"
            store = RedisStore(client, str(db))
            started = time.monotonic()
            while store.step(0.05):
                pass
            seconds = time.monotonic() - 0.05 - started
            times[name].append(seconds * 1000 / max(store.totals["new"], 1))
            store.close("finished")
    print(f"store, {repeat} rounds of {sum(1 for m in DUMP if not m.startswith(CAPTURE_TAG))}"
          f" records (+ {sum(1 for m in DUMP if m.startswith(CAPTURE_TAG))} captures):")
    print("| store variant | ms/article (median) | runs | vs captures off |")
    print("|---|---|---|---|")
    base = statistics.median(times["captures off, signatures from workers"])
    for name, ms in times.items():
        print(f"| {name} | {statistics.median(ms):.2f} | "
              f"{', '.join(f'{x:.1f}' for x in ms)} | {statistics.median(ms) / base:.2f}x |")


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
    parser.add_argument("--captures", default="on",
                        help="on, off or on,off: raw WARC captures (the seed's --no-captures)")
    parser.add_argument("--store-repeat", type=int, default=0, metavar="N",
                        help="then store the first crawl's messages N times per variant "
                             "(captures on/off, signatures from workers or not)")
    args = parser.parse_args()
    modes = [m.strip() == "on" for m in args.captures.split(",")]
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
                for captures in modes:  # the modes of one worker count back to back
                    rows.append(run(int(n), args.pages, f"redis://127.0.0.1:{port}/0", tmp,
                                    i == 0, captures))
                    print(rows[-1], flush=True)
            if args.store_repeat and DUMP:
                store_variants(f"redis://127.0.0.1:{port}/0", tmp, args.store_repeat)
        finally:
            server.kill()
        one = single(args.pages, tmp)
    base = rows[0]["pages_per_s"]
    print(f"{args.pages} articles of ~85 KB, {os.cpu_count()} CPUs")
    print("| crawling processes | captures | pages | crawl s | pages/s | vs 1 | Redis MB "
          "(KB/page) | records / captures (MB) | store: messages | store s | ms/article |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| one machine, no Redis (`crawl --no-captures`) | off | {one['pages']} | "
          f"{one['crawl_s']:.1f} | {one['pages_per_s']:.1f} | | | | | | |")
    for r in rows:
        store = (f"{r['messages']} ({r['new']} new) | {r['store_s']:.1f} | "
                 f"{r['ms_per_article']:.1f}" if r["new"] else "| |")
        print(f"| {r['workers']} | {'on' if r['captures'] else 'off'} | {r['pages']} | "
              f"{r['crawl_s']:.1f} | {r['pages_per_s']:.1f} | {r['pages_per_s'] / base:.2f}x "
              f"| {r['redis_mb']:.1f} ({r['redis_kb_per_page']:.1f}) | "
              f"{r['record_bytes'] / 2**20:.1f} / {r['capture_bytes'] / 2**20:.1f} | {store} |")


if __name__ == "__main__":
    main()
