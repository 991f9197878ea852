"""A page worker for tests/test_pages.py: pages saying KILL kill their worker, HANG hang it.
Module-level, so spawned worker processes import it by name (tests/ is on their sys.path)."""

from __future__ import annotations

import os
import signal
import time

from newsarchive.pages import PageJob, PageResult, page_work


def work(job: PageJob) -> PageResult:
    if b"KILL" in job.body:
        os.kill(os.getpid(), signal.SIGKILL)
    if b"HANG" in job.body:
        time.sleep(600)
    return page_work(job, None)


def echo(data: bytes) -> bytes:
    """tests/test_channel.py: the job back, reversed; b"raise" raises, b"kill" kills."""
    if data == b"raise":
        raise ValueError("no such page")
    if data == b"kill":
        os.kill(os.getpid(), signal.SIGKILL)
    return data[::-1]


def no_init() -> None:
    pass
