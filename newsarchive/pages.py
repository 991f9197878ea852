"""One fetched HTML page -> its record, its links and its near-duplicate signature, in this
process or in extraction worker processes (NEWSARCHIVE_EXTRACT_PROCESSES).

`page_work` is the whole CPU-bound part of a page: parse once, extract (when the URL is an
article's), list the links and feeds the tree holds, and compute the body's MinHash signature
(pure; the store then only indexes it). `PagePool` runs it in-process (0 processes) or in a pool
of worker processes so that the reactor process only downloads and stores.

Worker failures never stop the crawl: when a worker dies (a page that crashes lxml, the OOM
killer) every page in flight fails with BrokenProcessPool, so each of them is run again alone,
in a one-worker quarantine pool; a page that kills that worker too is the culprit, and is logged
and recorded as an extraction error with the reason. A page still running after
NEWSARCHIVE_EXTRACT_TIMEOUT seconds is treated the same way (its worker is killed). Workers
exit by themselves within a second when the crawl process dies (SIGKILL included).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

from lxml import etree

from newsarchive.clusters import signature
from newsarchive.extract import Document, PageError, extract_document
from newsarchive.profiles import SiteProfile

if TYPE_CHECKING:  # imported where used: workers never load asyncio (~40-70 ms of their start,
    import asyncio  # which the crawl's first page waits for)

logger = logging.getLogger(__name__)

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
DEFAULT_TIMEOUT = 120.0
# Plain strings: lxml's default "smart" ones keep a reference to their element (and cost ~40%
# more to list a page's links).
_HREFS = etree.XPath("//a/@href", smart_strings=False)


@dataclass
class PageJob:
    body: bytes
    url: str
    headers: dict[str, str]
    want_article: bool
    feeds: bool  # list <link rel=alternate> feeds too (generic crawls)
    fetched_at: datetime
    listed_published: str | None = None  # the date a sitemap or feed gave the URL


@dataclass
class PageResult:
    links: list[str] = field(default_factory=list)  # distinct hrefs, as written
    feeds: list[str] = field(default_factory=list)
    base: str = ""
    record: dict[str, Any] | None = None
    signature: bytes | None = None
    page_error: str | None = None  # not a page (binary, empty): nothing else was done
    error: str | None = None  # extraction raised; `trace` holds the traceback
    trace: str | None = None
    crash: str | None = None  # the worker died or hung on this page


def page_work(job: PageJob, profile: SiteProfile | None) -> PageResult:
    try:
        doc = Document.from_bytes(job.body, job.url, job.headers)
    except PageError as exc:
        return PageResult(page_error=str(exc))
    out = PageResult(base=doc.base_url)
    if job.want_article:
        try:
            rec = extract_document(doc, profile=profile, fetched_at=job.fetched_at,
                                   listed_published=job.listed_published)
            out.record = rec.to_dict()
            sig = signature(out.record.get("body"))
            out.signature = None if sig is None else sig.tobytes()
        except Exception as exc:  # an extractor bug must not stop the crawl
            out.error = f"extraction failed: {type(exc).__name__}: {exc}"
            out.trace = traceback.format_exc()
    if job.feeds:
        out.feeds = [str(link.get("href")) for link
                     in doc.tree.xpath("//link[@rel='alternate'][@href]")
                     if (link.get("type") or "").lower() in _FEED_TYPES]
    out.links = list(dict.fromkeys(_HREFS(doc.tree)))
    return out


def extract_processes(settings: Any) -> int:
    """NEWSARCHIVE_EXTRACT_PROCESSES: a number, or "auto" (the default) for DEFAULT_PROCESSES."""
    value = str(settings.get("NEWSARCHIVE_EXTRACT_PROCESSES", "auto")).strip().lower()
    if value in ("", "auto"):
        return default_processes()
    return max(0, int(value))


def default_processes() -> int:
    """One worker when a second CPU is there, else in-process.

    Measured on 2 CPUs (bench/bench_crawl.py, 1,000 bench articles with a site file): the crawl
    process spends 16 ms of CPU per page in-process, 8.8 ms with one worker (which spends ~8);
    the reactor process is what limits the crawl, so one worker nearly halves its work. Each
    worker adds ~75-85 MB of RSS: the process tree peaks at ~200 MB with one, ~250 MB with two
    (the issue's ceiling), so more workers are opt-in (NEWSARCHIVE_EXTRACT_PROCESSES=N).
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return 1 if cpus >= 2 else 0


# --- worker processes ---------------------------------------------------------------------------
_PROFILE: SiteProfile | None = None


def _init_worker(profile: SiteProfile | None, parent: int) -> None:
    global _PROFILE
    _PROFILE = profile
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    # A killed crawl cannot shut its pool down: its workers would wait on the task queue for
    # ever (they hold its write end too, so they never see EOF). Reparenting means it died.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _ready() -> None:
    pass


def _work_in_worker(job: PageJob) -> PageResult:
    return page_work(job, _PROFILE)


def _exit_codes(pool: ProcessPoolExecutor) -> str:
    procs = getattr(pool, "_processes", None) or {}
    codes = sorted({p.exitcode for p in procs.values() if p.exitcode not in (None, 0)})
    return f" (exit code {', '.join(map(str, codes))})" if codes else ""


def _kill(pool: ProcessPoolExecutor) -> None:
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        if proc.is_alive():
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


class PagePool:
    """Runs `page_work` in-process (processes=0) or in `processes` worker processes."""

    def __init__(self, processes: int, profile: SiteProfile | None,
                 timeout: float = DEFAULT_TIMEOUT,
                 work: Callable[[PageJob], PageResult] | None = None) -> None:
        self.work = work or _work_in_worker  # module-level: workers import it by name
        self.processes = max(0, processes)
        self.profile = profile
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._quarantine: ProcessPoolExecutor | None = None
        self._alone: asyncio.Lock | None = None
        self.restarts = 0
        self.in_flight = 0  # pages submitted and not back yet (the store's end-of-crawl test)

    def _new(self, workers: int) -> ProcessPoolExecutor:
        # spawn, not fork: the reactor process has threads and open sockets and SQLite files.
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.profile, os.getpid()))

    def warm(self) -> None:
        """Start the workers now: they import the extractors while the first pages download."""
        if self.processes and self._pool is None:
            self._pool = self._new(self.processes)
            for _ in range(self.processes):
                self._pool.submit(_ready)

    async def run(self, job: PageJob) -> PageResult:
        if not self.processes:
            return page_work(job, self.profile)
        self.in_flight += 1
        try:
            return await self._run(job)
        finally:
            self.in_flight -= 1

    async def _run(self, job: PageJob) -> PageResult:
        if self._pool is None:
            self._pool = self._new(self.processes)
        pool = self._pool
        reason = await self._attempt(pool, job)
        if isinstance(reason, PageResult):
            return reason
        if self._pool is pool:  # the first page to notice replaces the pool for everyone
            self._pool = None
            self.restarts += 1
            logger.warning("extraction worker pool restarted: %s", reason)
            _kill(pool)
        # Any page in flight fails when one of them kills its worker: find out alone.
        import asyncio  # the crawl process has it already (Twisted's asyncio reactor)

        if self._alone is None:
            self._alone = asyncio.Lock()
        async with self._alone:
            if self._quarantine is None:
                self._quarantine = self._new(1)
            quarantine = self._quarantine
            reason = await self._attempt(quarantine, job)
            if isinstance(reason, PageResult):
                return reason
            self._quarantine = None
            _kill(quarantine)
            return PageResult(crash=reason)

    async def _attempt(self, pool: ProcessPoolExecutor, job: PageJob) -> PageResult | str:
        import asyncio

        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(pool, self.work, job)
            return await asyncio.wait_for(future, self.timeout)
        except BrokenProcessPool:
            return f"extraction worker died{_exit_codes(pool)}"
        except TimeoutError:
            return f"extraction took more than {self.timeout:g} s"
        except RuntimeError as exc:  # submitted after another page shut the pool down
            return f"extraction pool closed ({exc})"

    def close(self) -> None:
        for pool in (self._pool, self._quarantine):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._quarantine = None
