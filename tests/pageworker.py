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
