"""Extraction worker processes (newsarchive/pages.py): same results as in-process, a page that
kills or hangs its worker is reported alone, the pool comes back, and workers do not outlive a
killed crawl."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from conftest import ROOT
from pageworker import work

from newsarchive.pages import PageJob, PagePool, page_work

HTML = (b"<html><head><title>T</title></head><body><article><h1>Storm closes the harbour</h1>"
        + b"".join(b"<p>Paragraph %d of the story about the harbour storm and the council "
                   b"meeting that followed it on Tuesday evening.</p>" % i for i in range(12))
        + b'<a href="/a">A</a><a href="/b">B</a><a href="/a">A again</a></article></body></html>')


def job(body: bytes = HTML, url: str = "http://x.example/news/1.html") -> PageJob:
    return PageJob(body, url, {"Content-Type": "text/html"}, True, True, datetime.now(UTC))


def test_in_process_result() -> None:
    res = page_work(job(), None)
    assert res.record and res.record["headline"] == "Storm closes the harbour"
    assert res.links == ["/a", "/b"]  # distinct, in page order
    assert res.signature is not None and len(res.signature) == 128 * 4
    assert page_work(job(b"\x89PNG\r\n"), None).page_error


def test_workers_match_in_process_and_survive_a_killed_and_a_hung_worker() -> None:
    async def scenario() -> None:
        pool = PagePool(2, None, timeout=20, work=work)
        try:
            here = page_work(job(), None)
            there = await pool.run(job())
            assert there.record == here.record and there.links == here.links
            assert there.signature == here.signature
            # One page kills its worker while others are in flight: only that page fails.
            jobs = [job(HTML.replace(b"Tuesday", b"KILL") if i == 3 else HTML)
                    for i in range(8)]
            results = await asyncio.gather(*(pool.run(j) for j in jobs))
            assert [bool(r.crash) for r in results] == [i == 3 for i in range(8)]
            assert "worker died" in (results[3].crash or "")
            assert all(r.record for i, r in enumerate(results) if i != 3)
            assert pool.restarts >= 1
            # A page that hangs is given up after the timeout; the pool still works after.
            pool.timeout = 3
            hung, fine = await asyncio.gather(pool.run(job(HTML.replace(b"Tuesday", b"HANG"))),
                                              pool.run(job()))
            assert "more than 3 s" in (hung.crash or "") and fine.record
            assert (await pool.run(job())).record
        finally:
            pool.close()

    asyncio.run(scenario())


CHILD = """
import asyncio, os, sys, time
sys.path.insert(0, sys.argv[1])
from test_pages import job
from newsarchive.pages import PagePool
pool = PagePool(2, None)
asyncio.run(pool.run(job()))
print(" ".join(str(p) for p in pool._pool._processes), flush=True)
time.sleep(600)
"""


def test_workers_exit_when_the_crawl_process_is_killed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT / "tests")], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids and all(Path(f"/proc/{p}").exists() for p in pids)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited (its parent, init, reaps it)
