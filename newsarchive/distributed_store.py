"""The Redis side of one archive: run crawls on the shared frontier, and the single store.

`RedisStore` is the only writer of the SQLite archive in a distributed crawl. It moves the
messages waiting (up to `batch`, default NEWSARCHIVE_STORE_BATCH's 50) from `newsarchive:items`
to `newsarchive:items:processing` (LMOVEs in one round trip), applies them with the
single-machine rules (ValidatePipeline's `rejection_reason`, `Archive.store_many` dedup in one
transaction per batch with each record's fetch_state, 304s recorded), and only then drops them
from the processing list. Killed in between, the messages are still in the processing list and
are put back first on the next start: at worst a record is stored twice, which the archive's
deduplication turns into "unchanged".

Messages (JSON, pushed by distributed_push.PushPipeline): run_start (a worker run: one crawl_runs
row), item (one record, attributed to its run, with its body's MinHash signature), run_end (the
worker's page and error counts; the seed's also its broken-site verdict, health.py). Binary
messages starting with CAPTURE_TAG are a response's WARC records (distributed_captures.py).
"""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsarchive.archive import OUTCOMES, Archive, ArchiveError
from newsarchive.captures import DEFAULT_MAX_BYTES
from newsarchive.clusters import NUM_PERM, remember
from newsarchive.distributed import (
    CRAWLS,
    ITEMS,
    PREFIX,
    PROCESSING,
    crawl_id,
    crawl_settings,
)
from newsarchive.distributed_captures import CAPTURE_TAG, CaptureWriter, unpack
from newsarchive.extract.urls import normalize_url
from newsarchive.pipelines import EXTRACTION_ERROR, STORE_BATCH, is_fatal, rejection_reason
from newsarchive.runner import CrawlResult
from newsarchive.schedule import RevisitPolicy, born_of, record_fetch, record_item_fetches

logger = logging.getLogger(__name__)
RUNS = f"{PREFIX}:runs"  # worker run key -> crawl_runs id (a restarted store finds its rows)


def run_distributed(jobs: list[tuple[str, dict]], settings: Settings, url: str,
                    role: str, options: dict[str, dict] | None = None) -> list[CrawlResult]:
    """Like runner.run_crawls, each crawl on its own shared frontier (`crawl_id`), with the
    options its seed registered (`register`)."""
    process = CrawlerProcess(settings)
    crawlers = []
    for name, kwargs in jobs:
        cid = crawl_id(name, kwargs)
        captures = bool((options or {}).get(cid, {}).get("captures", True))
        # create_crawler takes the process settings: give it this crawl's for the moment.
        process.settings = crawl_settings(settings, url, cid, role, captures)
        crawler = process.create_crawler(name)
        process.crawl(crawler, **kwargs)
        crawlers.append((name, crawler))
    process.settings = settings
    process.start()
    return [CrawlResult(name, dict(c.stats.get_stats())) for name, c in crawlers]


def register(server: Redis, jobs: list[tuple[str, dict]], captures: bool = True) -> None:
    """What workers run: each crawl's spider, arguments and options (its seed's choices)."""
    for name, kwargs in jobs:
        server.hset(CRAWLS, crawl_id(name, kwargs), json.dumps(
            {"spider": name, "kwargs": kwargs, "options": {"captures": captures}}))


def registered(server: Redis) -> dict[str, tuple[str, dict, dict]]:
    """crawl id -> (spider, arguments, options)."""
    out = {}
    for cid, raw in server.hgetall(CRAWLS).items():
        data = json.loads(raw)
        out[cid.decode()] = (data["spider"], data.get("kwargs") or {},
                             data.get("options") or {})
    return out


def live_workers(server: Redis) -> int:
    return sum(1 for _ in server.scan_iter(f"{PREFIX}:worker:*", count=1000))


def busy(server: Redis) -> bool:
    """Workers alive or a crawl being seeded: more records may come."""
    return live_workers(server) > 0 or any(
        True for _ in server.scan_iter(f"{PREFIX}:*:seeding", count=1000))


@dataclass
class Run:
    id: int
    policy: RevisitPolicy
    spider: str = "?"
    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    ended: bool = False

    def counts(self, stats: dict[str, Any]) -> dict[str, int]:
        extraction = self.rejected.get(EXTRACTION_ERROR, 0)
        return {"pages": int(stats.get("response_received_count", 0)),
                **{o: self.outcomes[o] for o in OUTCOMES},
                "rejected": sum(self.rejected.values()) - extraction,
                "errors": int(stats.get("log_count/ERROR", 0)) + extraction + self.errors}


class RedisStore:
    def __init__(self, server: Redis, db: str, synchronous: str = "NORMAL",
                 batch: int = STORE_BATCH, captures_dir: str | None = None,
                 warc_max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.server = server
        self.archive = Archive(db)
        self.captures = CaptureWriter(self.archive, captures_dir, warc_max_bytes)
        if synchronous.upper() in ("OFF", "NORMAL", "FULL", "EXTRA"):  # as StorePipeline
            self.archive.db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        self.batch = max(1, batch)
        self.runs: dict[str, Run] = {}
        self.totals: Counter[str] = Counter()
        self.broken: list[str] = []  # "spider (site: fields)" of the crawls judged broken
        self.run_id = self.archive.start_run("store", {"redis": _safe(server)})
        self._items: list[tuple[dict[str, Any], Run]] = []  # waiting for their transaction

    def recover(self) -> int:
        """Put back what a killed store had popped but not committed (processed first)."""
        n = 0
        while self.server.lmove(PROCESSING, ITEMS, "LEFT", "RIGHT") is not None:
            n += 1
        if n:
            logger.warning("recovered %d uncommitted message(s) from a stopped store", n)
        return n

    def step(self, timeout: float = 1.0) -> bool:
        """Store the messages waiting (up to `batch`, records in one transaction); False if
        none came within `timeout`. ArchiveError (fatal) leaves them in the processing list
        for the next start."""
        raw = self.server.blmove(ITEMS, PROCESSING, timeout, "RIGHT", "LEFT")
        if raw is None:
            return False
        taken = [raw]
        if self.batch > 1:  # the rest of the batch in one round trip (each LMOVE atomic)
            pipe = self.server.pipeline(transaction=False)
            for _ in range(self.batch - 1):
                pipe.lmove(ITEMS, PROCESSING, "RIGHT", "LEFT")
            taken += [m for m in pipe.execute() if m is not None]
        for one in taken:
            if one.startswith(CAPTURE_TAG):  # a response's WARC records (binary)
                try:
                    self.captures.add(*unpack(one))
                except ValueError:
                    logger.error("dropped an unreadable capture: %r", one[:200])
                continue
            try:
                msg = json.loads(one)
            except ValueError:
                logger.error("dropped an unreadable message: %r", one[:200])
                msg = None
            if isinstance(msg, dict):
                self.handle(msg)
        self.flush()
        # Committed (or rejected): they are ours, the newest at the head of the list.
        self.server.ltrim(PROCESSING, len(taken), -1)
        return True

    def handle(self, msg: dict[str, Any]) -> None:
        kind, key = msg.get("type"), str(msg.get("run"))
        if kind == "run_start":
            self.flush()
            policy = RevisitPolicy.from_mapping(msg.get("revisit") or None)
            rid = self.archive.start_run(str(msg.get("spider")), msg.get("args") or {})
            self.server.hset(RUNS, key, rid)
            self.runs[key] = Run(rid, policy, str(msg.get("spider")))
            return
        run = self._run(key)
        if kind == "run_end":
            self.flush()  # the run's records first, then its counts
            stats = dict(msg.get("stats") or {})
            stats.update({f"newsarchive/stored/{o}": n for o, n in run.outcomes.items()})
            self.archive.finish_run(run.id, run.counts(stats), msg.get("reason"), stats)
            run.ended = True
            if stats.get("newsarchive/broken"):  # the seed's verdict on the whole crawl
                self.mark_broken(run, str(stats["newsarchive/broken"]))
        elif kind == "item" and isinstance(msg.get("item"), dict):
            self.store(msg["item"], run, msg.get("sig"))

    def mark_broken(self, run: Run, verdict: str) -> None:
        """crawl_runs.broken of the seed's row, as SiteHealthPipeline writes it on one machine."""
        self.broken.append(f"{run.spider} ({verdict})")
        logger.error("crawl %s: site looks broken: %s", run.spider, verdict)
        try:
            with self.archive.db.conn:
                self.archive.db.execute("UPDATE crawl_runs SET broken = ? WHERE id = ?",
                                        [verdict, run.id])
        except sqlite3.Error as exc:
            logger.error("could not record the broken site in crawl_runs: %s", exc)

    def _run(self, key: str) -> Run:
        if key not in self.runs:  # started before this store did: find its row
            rid = int(self.server.hget(RUNS, key) or self.run_id)
            row = self.archive.db.execute("SELECT spider FROM crawl_runs WHERE id = ?",
                                          [rid]).fetchone()
            self.runs[key] = Run(rid, RevisitPolicy.from_mapping(None), row[0] if row else "?")
        return self.runs[key]

    def store(self, item: dict[str, Any], run: Run, sig: str | None = None) -> None:
        """Queue one record for the next flush (304s and rejections are handled at once);
        `sig`: its body's MinHash signature from the worker (base64), else computed here."""
        if item.get("not_modified"):
            self.flush()  # in message order
            conn = self.archive.db.conn
            url, now = normalize_url(item["url"]), datetime.now(UTC)
            fetch = item.get("fetch") or {}
            try:
                born = born_of(conn, url)
                record_fetch(conn, url, 304, fetch.get("etag"), fetch.get("last_modified"),
                             run.policy.next_visit(born, now, now), now)
            except sqlite3.Error as exc:  # an optimisation: losing it costs a refetch
                logger.warning("revisit state not saved for %s: %s", url, exc)
            run.outcomes["not_modified"] += 1
            self.totals["not modified"] += 1
            return
        reason = rejection_reason(item)
        if reason is not None:
            run.rejected[reason[0]] += 1
            self.totals["rejected"] += 1
            return
        if sig and isinstance(item.get("body"), str):
            try:
                raw = base64.b64decode(sig, validate=True)
            except ValueError:
                raw = b""
            if len(raw) == NUM_PERM * 4:  # uint32 each
                remember(item["body"], raw)  # taken by the store's near-duplicate index
            else:
                logger.warning("ignored an unreadable signature for %s", item.get("url"))
        self._items.append((item, run))

    def flush(self) -> None:
        """Store the queued records in one transaction, their fetch_state with them (the
        captures they point at in the transaction before)."""
        self.captures.flush()
        batch, self._items = self._items, []
        if not batch:
            return
        for item, _ in batch:
            self.captures.resolve(item)
        runs = {id(item): run for item, run in batch}

        def fetched(stored: list[tuple[Any, str]]) -> None:
            record_item_fetches(self.archive.db.conn, [item for item, _ in stored],
                                lambda item: runs[id(item)].policy)

        results = self.archive.store_many([item for item, _ in batch], fetched)
        fatal: ArchiveError | None = None
        for (_, run), result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                if isinstance(result, ArchiveError) and is_fatal(result):
                    fatal = fatal or result
                    continue
                logger.error("not archived: %s", result)
                run.errors += 1
                self.totals["errors"] += 1
                continue
            run.outcomes[result] += 1
            self.totals[result] += 1
        if fatal is not None:
            raise fatal

    def close(self, reason: str) -> None:
        self.captures.close()  # every step ended with its flush: nothing is pending
        self.totals["captures"] = self.captures.written
        for run in self.runs.values():  # runs whose end never came (a killed worker)
            if not run.ended and run.id != self.run_id:
                self.archive.finish_run(run.id, run.counts({}), None)
        counts = {o: self.totals[o] for o in OUTCOMES}
        counts.update(rejected=self.totals["rejected"], errors=self.totals["errors"])
        self.archive.finish_run(self.run_id, counts, reason, dict(self.totals))
        self.archive.close()


def _safe(server: Redis) -> str:
    kw = server.connection_pool.connection_kwargs
    return f"redis://{kw.get('host', '?')}:{kw.get('port', '?')}/{kw.get('db', 0)}"
