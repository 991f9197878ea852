"""A full `newsarchive crawl` of this tree against another tree's, paired, on one loopback site.

    PYTHONPATH=. python bench/bench_crawl_ab.py --old /path/to/old/checkout [--rounds 5]

One `benchsite.py` serves every crawl. Each round runs a bare Scrapy spider, then the full
crawl (site file, as bench_crawl.py's `full`) of each tree, the two trees in alternating order,
so machine load hits both alike. Per crawl: pages/s, full/bare of that round, CPU per page of
the whole process tree and of the crawl process alone (start-up included), peak RSS. Prints
every round, then the medians and the new/old ratio per round (the figures to trust on a
shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_crawl  # noqa: E402


def crawl(root: Path, base: str, tmp: Path, name: str,
          extra: dict[str, str] | None = None,
          env_extra: dict[str, str] | None = None) -> dict[str, float]:
    """bench_crawl.full_crawl, run in the tree at `root` (`python -m` imports from the cwd)."""
    db = tmp / f"{name}.db"
    sets = [a for k, v in {**bench_crawl.SETTINGS, **(extra or {})}.items()
            for a in ("-s", f"{k}={v}")]
    spiders = tmp / f"spiders-{name}"
    spiders.mkdir()
    (spiders / "bench.toml").write_text(bench_crawl.SITE_FILE.format(base=base))
    env = {**os.environ, "NEWSARCHIVE_SPIDERS": str(spiders), "no_proxy": "*",
           "PYTHONPATH": str(root), **(env_extra or {})}
    _, rss, main_rss = bench_crawl.run_watched(
        [sys.executable, "-m", "newsarchive", "crawl", "bench", "--db", str(db), "--quiet",
         *sets], cwd=root, env=env)
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("select stats from crawl_runs").fetchone()[0])
        articles = conn.execute("select count(*) from articles").fetchone()[0]
    pages, seconds = stats["response_received_count"], stats["elapsed_time_seconds"]
    return {"rate": pages / seconds, "articles": articles, "rss_mb": rss,
            "main_rss_mb": main_rss, "cpu": 1000 * bench_crawl.LAST_CPU_S / pages,
            "main_cpu": 1000 * bench_crawl.LAST_MAIN_CPU_S / pages}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, required=True, help="the other tree's root")
    parser.add_argument("--new", type=Path, default=HERE.parent)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("-s", dest="sets", action="append", default=[],
                        help="NAME=VALUE for the new tree's crawls only (--old may be this "
                             "tree, to measure a setting)")
    parser.add_argument("-e", dest="envs", action="append", default=[],
                        help="NAME=VALUE in the environment of the new tree's crawls only")
    opts = parser.parse_args()
    extra = dict(s.split("=", 1) for s in opts.sets)
    env_extra = dict(s.split("=", 1) for s in opts.envs)
    rows: list[dict[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as t, bench_crawl.site(opts.pages) as base:
        tmp = Path(t)
        for i in range(opts.rounds):
            row = {"bare": bench_crawl.bare_crawl(base, opts.pages, tmp)}
            row["bare"]["cpu"] = row["bare"]["cpu_ms_per_page"]
            order = ("old", "new") if i % 2 == 0 else ("new", "old")
            for which in order:
                row[which] = crawl(getattr(opts, which), base, tmp, f"{which}{i}",
                                   *((extra, env_extra) if which == "new" else ()))
                row[which]["ratio"] = row[which]["rate"] / row["bare"]["rate"]
            rows.append(row)
            print(f"round {i + 1} ({'/'.join(order)}, load {os.getloadavg()[0]:.1f}): " + "; ".join(
                f"{k} {v['rate']:.1f} p/s cpu {v['cpu']:.2f}"
                + (f" main {v['main_cpu']:.2f} ratio {v['ratio']:.3f} rss {v['rss_mb']:.0f}"
                   f" art {v['articles']}" if k != "bare" else "")
                for k, v in row.items()), flush=True)
    print("medians:")
    for k in ("bare", "old", "new"):
        fields = ("rate", "cpu") + (("ratio", "main_cpu", "rss_mb", "main_rss_mb")
                                    if k != "bare" else ())
        print(f"  {k}: " + ", ".join(
            f"{f} {statistics.median(r[k][f] for r in rows):.3f}" for f in fields))
    for f in ("rate", "cpu", "main_cpu"):
        pairs = [r["new"][f] / r["old"][f] for r in rows]
        print(f"  new/old {f} per round: {', '.join(f'{p:.3f}' for p in pairs)}"
              f" (median {statistics.median(pairs):.3f})")


if __name__ == "__main__":
    main()
