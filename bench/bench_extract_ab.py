"""CPU per page of the extraction worker's job (`pages.page_work`), this tree against another.

    PYTHONPATH=. python bench/bench_extract_ab.py --old /path/to/old/checkout [--rounds 3]

Each round runs one process per tree, the two in alternating order, so machine load hits both
alike; each process times `page_work` (parse, extract, record dict, MinHash signature, links)
with `time.process_time` and the cyclic collector paused, on three sets: 200 generated bench
pages (bench/benchsite.py, ~85 KB) with the bench's site file, 100 of them without it (generic
layers), and the 790 pages of the shared corpus (generic). `*_sig` is the body signature alone,
timed again on the same bodies. Prints each process's figures, then per set the medians and
the new/old ratio of every round (the figure to trust on a shared machine).

`--worker` is internal: it is what each process runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus" / "trafilatura-eval"
SETS = ("bench", "generic", "corpus")


def worker(sets: list[str], corpus: Path) -> dict[str, float]:
    """Run in the tree under test (cwd): ms of CPU per page for each set."""
    sys.path[:0] = [str(Path.cwd()), str(Path.cwd() / "bench")]
    import bench_crawl  # type: ignore[import-not-found]
    import benchsite  # type: ignore[import-not-found]

    from newsarchive import profiles
    from newsarchive.clusters import signature
    from newsarchive.evaluate import load_gold, page_url, read_page
    from newsarchive.pages import PageJob, page_work

    site_file = Path(tempfile.mkdtemp()) / "bench.toml"
    site_file.write_text(bench_crawl.SITE_FILE.format(base="http://127.0.0.1:8000"))
    profile = profiles.load_profile(site_file)
    # the bench pages are dated 2024-05: fetched later, so their dates are not in the future
    bench_at, corpus_at = datetime(2025, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)

    def job(body: bytes, url: str, at: datetime) -> PageJob:
        return PageJob(body=body, url=url, headers={"Content-Type": "text/html"},
                       want_article=True, feeds=False, fetched_at=at)

    bench = [job(benchsite.article(n, 1000).encode(), f"http://127.0.0.1:8000/news/{n}.html",
                 bench_at) for n in range(200)]
    runs = {"bench": (bench, profile), "generic": (bench[:100], None)}
    if "corpus" in sets:
        runs["corpus"] = ([job(read_page(corpus, g["page"]), page_url(g), corpus_at)
                           for g in load_gold(corpus, None)], None)
    out: dict[str, float] = {}
    for name in sets:
        jobs, prof = runs[name]
        for j in jobs[:10]:
            page_work(j, prof)
        gc.collect()
        gc.disable()
        start = time.process_time()
        bodies = [(page_work(j, prof).record or {}).get("body") for j in jobs]
        out[name] = (time.process_time() - start) / len(jobs) * 1000
        start = time.process_time()
        for body in bodies:
            signature(body)
        out[f"{name}_sig"] = (time.process_time() - start) / len(jobs) * 1000
        gc.enable()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="the other checkout (the 'old' tree)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    if args.worker:
        print(json.dumps(worker(sets, args.corpus)))
        return
    if args.old is None:
        parser.error("--old is required")
    trees = {"old": args.old.resolve(), "new": HERE.parent}
    got: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for r in range(args.rounds):
        for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
            env = {**os.environ, "PYTHONPATH": "."}
            done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker",
                                   "--sets", ",".join(sets), "--corpus", str(args.corpus)],
                                  cwd=trees[name], env=env, capture_output=True, text=True,
                                  check=True)
            got[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(name, json.dumps({k: round(v, 3) for k, v in got[name][-1].items()}),
                  flush=True)
    for key in got["old"][0]:
        old = [x[key] for x in got["old"]]
        new = [x[key] for x in got["new"]]
        ratios = [b / a for a, b in zip(old, new, strict=True)]
        print(f"{key:12} old {statistics.median(old):6.2f}  new {statistics.median(new):6.2f} "
              f"ms/page  new/old median {statistics.median(ratios):.3f} "
              f"({', '.join(f'{x:.3f}' for x in ratios)})")


if __name__ == "__main__":
    main()
