"""The store alone: process CPU per stored item, as `StorePipeline.flush` stores a crawl's items.

    python bench/bench_store.py [--items bench|corpus] [--pages 1000] [--rounds 5]
                                [--old PATH] [--phases]

Items are made once, as the spider hands them to the store: `pages.page_work` on the bench
site's pages (bench/benchsite.py, 1,000 by default) with the bench's site file
(bench_crawl.SITE_FILE), or on the 790 pages of /work/shared/corpus (generic extraction, each
page under an invented URL), then `seen_urls`, `http_status`, `capture_id` (None: no WARC here)
and `fetch` as `SiteSpider._item` sets them; each item's `fetched_at` is a fixed, increasing
time, so every timestamp the archive derives from it is the same in every run. The signature
the page work computed is handed to the store by `clusters.remember` before the item's batch,
as the spider does (not timed: the spider's cost).

Each run is a subprocess (PYTHONPATH = the tree measured, this script run from its own path,
so only APIs both trees have are used): a fresh archive, the items in batches of 32 through
`Archive.store_many` with `schedule.record_item_fetches` as its `then` (the pipeline's fetch
state, in the batch's transaction), `PRAGMA synchronous = NORMAL` as the pipeline sets it;
process CPU (`time.process_time`) around the store calls only. With `--old PATH` the two trees
run in alternating order, `--rounds` times, and the new/old ratio of each round is printed with
the medians. Every run ends with a digest of every table (timestamps the archive takes from the
clock and the crawl run's row left out: `crawl_runs`, `_sqlite_migrations.applied_at`,
`fetch_state.last_fetched`/`next_visit`); the trees must agree table by table.

`--phases` (one extra run of this tree) wraps the store's steps with CPU timers: the item ->
row work (`_Page.from_item`), the near-duplicate linking (`assign_new` and its write), the
fetch state, and the rest (the SQL statements and the COMMIT).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = Path("/work/shared/corpus/trafilatura-eval")
BATCH = 32
BASE = "http://127.0.0.1:8000"
START = datetime(2026, 11, 1, tzinfo=UTC)
# Columns the archive fills from the clock (or tables only a crawl run writes).
SKIP_TABLES = {"crawl_runs"}
SKIP_COLUMNS = {"_sqlite_migrations": {"applied_at"},
                "fetch_state": {"last_fetched", "next_visit"}}


# --- items --------------------------------------------------------------------------------------

def _item(res: Any, url: str) -> dict[str, Any]:
    item = dict(res.record)
    item["seen_urls"] = [url]
    item["http_status"] = 200
    item["capture_id"] = None
    item["fetch"] = {"etag": None, "last_modified": None}
    return item


def bench_items(pages: int) -> list[tuple[dict[str, Any], bytes | None]]:
    sys.path.insert(0, str(HERE))
    import benchsite
    from bench_crawl import SITE_FILE

    from newsarchive.pages import PageJob, page_work
    from newsarchive.profiles import parse_profile

    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    profile = parse_profile(tomllib.loads(SITE_FILE.format(base=BASE)))
    out = []
    for n in range(pages):
        url = f"{BASE}/news/{n}.html"
        job = PageJob(benchsite.article(n, pages).encode(), url,
                      {"Content-Type": "text/html; charset=utf-8"}, True, False,
                      START + timedelta(seconds=n))
        res = page_work(job, profile)
        out.append((_item(res, url), res.signature))
    return out


def corpus_items() -> list[tuple[dict[str, Any], bytes | None]]:
    from newsarchive.pages import PageJob, page_work

    out = []
    with open(CORPUS / "gold.jsonl", encoding="utf-8") as fh:
        golds = [json.loads(line) for line in fh]
    for n, gold in enumerate(golds):
        raw = (CORPUS / gold["page"]).read_bytes()
        html = gzip.decompress(raw) if gold["page"].endswith(".gz") else raw
        url = f"https://corpus.test/{Path(gold['page']).name.split('.')[0]}.html"
        job = PageJob(html, url, {"Content-Type": "text/html"}, True, False,
                      START + timedelta(seconds=n))
        res = page_work(job, None)
        if res.record is not None:
            out.append((_item(res, url), res.signature))
    return out


# --- one run (in the tree's own process) ---------------------------------------------------------

def _timed(phases: dict[str, float], name: str, fn: Any) -> Any:
    def wrapper(*args: Any, **kw: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kw)
        finally:
            phases[name] += time.process_time() - start
    return wrapper


def _install_phases(phases: dict[str, float]) -> None:
    from newsarchive import archive, archive_batch

    raw = archive._Page.from_item.__func__  # type: ignore[attr-defined]
    archive._Page.from_item = classmethod(_timed(phases, "from_item", raw))  # type: ignore

    def assign_new(*args: Any, **kw: Any) -> Any:
        clusters, finish = _timed(phases, "assign_new", original)(*args, **kw)
        return clusters, _timed(phases, "assign_new", finish)

    original = archive_batch.assign_new
    archive_batch.assign_new = assign_new  # type: ignore[assignment]


def worker(items_path: str, db_path: str, phases_on: bool) -> dict[str, Any]:
    from newsarchive import clusters
    from newsarchive.archive import Archive
    from newsarchive.schedule import RevisitPolicy, record_item_fetches

    with open(items_path, "rb") as fh:
        items: list[tuple[dict[str, Any], bytes | None]] = pickle.load(fh)
    phases: dict[str, float] = dict.fromkeys(("from_item", "assign_new", "fetch_state"), 0.0)
    if phases_on:
        _install_phases(phases)
    archive = Archive(db_path)
    archive.db.execute("PRAGMA synchronous = NORMAL")
    policy = RevisitPolicy.from_mapping(None)

    def then(stored: list[tuple[Any, str]]) -> None:
        start = time.process_time()
        record_item_fetches(archive.db.conn, [it for it, _ in stored], lambda _it: policy)
        phases["fetch_state"] += time.process_time() - start

    cpu = 0.0
    outcomes: dict[str, int] = {}
    for at in range(0, len(items), BATCH):
        batch = items[at:at + BATCH]
        for item, sig in batch:
            if sig and item.get("body"):
                clusters.remember(item["body"], sig)
        start = time.process_time()
        results = archive.store_many([it for it, _ in batch], then)
        cpu += time.process_time() - start
        for r in results:
            key = r if isinstance(r, str) else type(r).__name__
            outcomes[key] = outcomes.get(key, 0) + 1
    archive.close()
    n = len(items)
    out = {"items": n, "cpu_ms": 1000 * cpu / n, "outcomes": outcomes, "digest": digest(db_path)}
    if phases_on:
        ms = {k: 1000 * v / n for k, v in phases.items()}
        ms["rest (SQL, COMMIT)"] = out["cpu_ms"] - sum(ms.values())
        out["phases"] = ms
    return out


def digest(db_path: str) -> dict[str, str]:
    """sha1 of each table's rows (sorted), timestamps from the clock left out."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    out = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                " AND name NOT LIKE 'sqlite_%' ORDER BY name"):
        if name in SKIP_TABLES:
            continue
        cols = [r[1] for r in conn.execute(f'PRAGMA table_xinfo("{name}")')
                if r[1] not in SKIP_COLUMNS.get(name, ())]
        if not cols:
            continue
        sel = ", ".join(f'"{c}"' for c in cols)
        rows = sorted(repr(r) for r in conn.execute(f'SELECT {sel} FROM "{name}"'))
        out[name] = hashlib.sha1("\n".join(rows).encode()).hexdigest()[:16]
    conn.close()
    return out


# --- driver ---------------------------------------------------------------------------------------

def run_tree(tree: Path, items_path: Path, tmp: Path, tag: str, phases: bool = False
             ) -> dict[str, Any]:
    db = tmp / f"{tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(items_path), str(db)]
    if phases:
        cmd.append("--phases")
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{tree}: worker failed\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", choices=("bench", "corpus"), default="bench")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--old", type=Path, help="another tree to compare with (alternating runs)")
    ap.add_argument("--phases", action="store_true", help="one timed-steps run of this tree")
    ap.add_argument("--worker", nargs=2, metavar=("ITEMS", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.phases)))
        return
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmpdir:
        tmp = Path(tmpdir)
        made = bench_items(args.pages) if args.items == "bench" else corpus_items()
        items_path = tmp / "items.pickle"
        items_path.write_bytes(pickle.dumps(made))
        print(f"{len(made)} {args.items} items, batches of {BATCH}; load {_load()}")
        if args.phases:
            res = run_tree(ROOT, items_path, tmp, "phases", phases=True)
            print(f"phases, ms/item (total {res['cpu_ms']:.3f}): " + ", ".join(
                f"{k} {v:.3f}" for k, v in res["phases"].items()))
        trees = [("new", ROOT)] + ([("old", args.old.resolve())] if args.old else [])
        cpu: dict[str, list[float]] = {name: [] for name, _ in trees}
        digests: dict[str, dict[str, str]] = {}
        outcomes: dict[str, dict[str, int]] = {}
        for r in range(args.rounds):
            order = trees if r % 2 == 0 else trees[::-1]
            line = []
            for name, tree in order:
                res = run_tree(tree, items_path, tmp, name)
                cpu[name].append(res["cpu_ms"])
                digests[name], outcomes[name] = res["digest"], res["outcomes"]
                line.append(f"{name} {res['cpu_ms']:.3f}")
            ratio = f", new/old {cpu['new'][-1] / cpu['old'][-1]:.3f}" if args.old else ""
            print(f"round {r + 1}: ms/item " + ", ".join(line) + ratio + f" (load {_load()})")
        for name in cpu:
            print(f"{name}: median {statistics.median(cpu[name]):.3f} ms/item, "
                  f"outcomes {outcomes[name]}")
        if args.old:
            ratios = [n / o for n, o in zip(cpu["new"], cpu["old"], strict=True)]
            print(f"new/old: median {statistics.median(ratios):.3f} "
                  f"({', '.join(f'{x:.3f}' for x in ratios)})")
            differ = sorted(t for t in set(digests["new"]) | set(digests["old"])
                            if digests["new"].get(t) != digests["old"].get(t))
            print("rows identical in every table" if not differ
                  else f"ROWS DIFFER in: {', '.join(differ)}")
            if outcomes["new"] != outcomes["old"]:
                print(f"OUTCOMES DIFFER: new {outcomes['new']}, old {outcomes['old']}")


if __name__ == "__main__":
    main()
