"""The crawl process's CPU per page job sent to an extraction worker and back, side by side.

    PYTHONPATH=. python bench/bench_channel.py [--jobs 3000] [--rounds 3]

The worker returns a canned result (the real `page_work` result of one bench page, computed once:
record with its 42 KB body, links, signature), so what is measured is the plumbing alone: the
crawl side's CPU (`time.process_time`, every thread of the process) per job, 16 jobs in flight
as in a crawl, with an 84 KB bench page as the job. Three ways, alternated each round:
`PagePool` (newsarchive/channel.py: two pipes on the event loop), `ProcessPoolExecutor` through
`loop.run_in_executor` (what PagePool used before), and the floor: the same pickles over one
blocking pipe, one job at a time, no event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
import benchsite  # noqa: E402

from newsarchive.pages import PageJob, PagePool, PageResult, page_work  # noqa: E402

_CANNED: PageResult | None = None


def canned(job: PageJob) -> PageResult:
    """In the worker: the page's real result, computed on the first job."""
    global _CANNED
    if _CANNED is None:
        _CANNED = page_work(job, None)
    return _CANNED


def jobs(n: int) -> list[PageJob]:
    body = benchsite.article(5, 1000).encode()
    return [PageJob(body, f"http://127.0.0.1:8000/news/{i}.html",
                    {"Content-Type": "text/html"}, True, False, datetime.now(UTC))
            for i in range(n)]


async def _gather(run: Any, todo: list[PageJob]) -> None:
    gate = asyncio.Semaphore(16)

    async def one(job: PageJob) -> None:
        async with gate:
            assert (await run(job)).record

    await asyncio.gather(*(one(j) for j in todo))


def timed(run: Any, todo: list[PageJob]) -> float:
    async def main() -> float:
        await _gather(run, todo[:50])  # the worker started and the result computed
        start = time.process_time()
        await _gather(run, todo)
        return 1000 * (time.process_time() - start) / len(todo)

    return asyncio.run(main())


def channel(todo: list[PageJob]) -> float:
    pool = PagePool(1, None, work=canned)
    try:
        return timed(pool.run, todo)
    finally:
        pool.close()


def executor(todo: list[PageJob]) -> float:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        async def run(job: PageJob) -> PageResult:
            return await asyncio.get_running_loop().run_in_executor(pool, canned, job)

        return timed(run, todo)


def _echo(conn: Any) -> None:
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        conn.send_bytes(pickle.dumps(canned(job), pickle.HIGHEST_PROTOCOL))


def bare_pipe(todo: list[PageJob]) -> float:
    ctx = get_context("spawn")
    here, there = ctx.Pipe()
    proc = ctx.Process(target=_echo, args=(there,), daemon=True)
    proc.start()
    try:
        for job in todo[:50]:
            here.send_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            pickle.loads(here.recv_bytes())
        start = time.process_time()
        for job in todo:
            here.send_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            pickle.loads(here.recv_bytes())
        return 1000 * (time.process_time() - start) / len(todo)
    finally:
        here.close()
        proc.join(5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    todo = jobs(opts.jobs)
    ways = {"channel": channel, "executor": executor, "bare_pipe": bare_pipe}
    out: dict[str, list[float]] = {k: [] for k in ways}
    for i in range(opts.rounds):
        order = list(ways) if i % 2 == 0 else list(reversed(ways))
        for name in order:
            out[name].append(ways[name](todo))
        print(f"round {i + 1} (load {os.getloadavg()[0]:.1f}): " + ", ".join(
            f"{k} {v[-1]:.3f}" for k, v in out.items()) + " ms CPU/job", flush=True)
    med = {k: statistics.median(v) for k, v in out.items()}
    print("medians: " + ", ".join(f"{k} {v:.3f}" for k, v in med.items())
          + f"; channel/executor {med['channel'] / med['executor']:.3f} (per round "
          + ", ".join(f"{c / e:.3f}" for c, e in zip(out["channel"], out["executor"],
                                                     strict=True)) + ")")


if __name__ == "__main__":
    main()
