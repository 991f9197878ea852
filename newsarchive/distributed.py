"""Crawling on many machines: scrapy-redis shares the frontier, Redis carries the records.

Roles (all share one Redis; keys under `newsarchive:`):
- seed (`newsarchive crawl SITE --redis URL`): resets the crawl's duplicate filter, marks every
  URL the archive already knows (and is not due) as seen, enqueues the start requests and due
  revisits at once, then crawls like any worker.
- worker (`newsarchive worker --redis URL`): runs the registered crawls' spiders with no start
  requests; they pop from the shared queue, idle-wait while other workers may still add links,
  and stop when the crawl is done (queue empty, nothing in flight, not seeding).
- store (`newsarchive store`, distributed_store.py): the only process that writes SQLite.

scrapy-redis pops a request and forgets it, so a worker killed mid-crawl would lose what it held
(already in the duplicate filter, never fetched again). `TrackedQueue` therefore moves each popped
request into an in-flight hash in the same Lua call; a page's records and its removal from that
hash are one MULTI (`commit`), after its new links were enqueued. Entries of a worker whose
heartbeat key expired go back to the queue: a killed worker's in-flight pages are fetched again
(at most CONCURRENT_REQUESTS of them), nothing else is fetched twice and nothing is lost.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from redis import Redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy.settings import Settings
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler

logger = logging.getLogger(__name__)

PREFIX = "newsarchive"
CRAWLS = f"{PREFIX}:crawls"  # crawl id -> {"spider", "kwargs", "options"} (what workers run)
ITEMS = f"{PREFIX}:items"  # list of JSON messages for the store (LPUSH here, store pops right)
PROCESSING = f"{PREFIX}:items:processing"  # the store's popped-but-not-committed message
TOKEN = "na_frontier_token"  # request.meta: this request's entry in the in-flight hash
COMMIT = "_na_commit"  # the item that closes one page: its records + its in-flight token


def key(crawl: str, part: str) -> str:
    return f"{PREFIX}:{crawl}:{part}"


def worker_key(worker: str) -> str:
    return f"{PREFIX}:worker:{worker}"


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)


def crawl_id(spider: str, kwargs: dict[str, Any]) -> str:
    """Site files crawl as their name; a bare URL crawls as `site-<host>` (own queue, own
    allowed hosts, so two generic crawls never share a frontier)."""
    if spider != "site":
        return spider
    from urllib.parse import urlsplit

    return "site-" + (urlsplit(kwargs.get("url") or "").hostname or "unknown")


def crawl_settings(base: Settings, url: str, crawl: str, role: str,
                   captures: bool = True) -> Settings:
    """The settings that put one crawl on the shared frontier (scrapy-redis + our tracking).
    `captures`: what the crawl's seed chose (`--no-captures`); this process may say no too."""
    s = base.copy()
    middlewares = dict(base.getdict("DOWNLOADER_MIDDLEWARES"))
    # Workers never touch SQLite: records and WARC captures go to Redis, for the store.
    middlewares["newsarchive.captures.CaptureMiddleware"] = None
    middlewares["newsarchive.distributed_captures.PushCaptureMiddleware"] = 950
    for name, value in {
        "SCHEDULER": "newsarchive.distributed.Scheduler",  # scrapy-redis', plus in-flight acks
        "SCHEDULER_QUEUE_CLASS": "newsarchive.distributed.TrackedQueue",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # stopping workers keeps queue and seen set
        "SCHEDULER_QUEUE_KEY": key(crawl, "requests"),
        "SCHEDULER_DUPEFILTER_KEY": key(crawl, "dupefilter"),
        "REDIS_URL": url,
        "NEWSARCHIVE_REDIS_URL": url,
        "NEWSARCHIVE_REDIS_CRAWL": crawl,
        "NEWSARCHIVE_REDIS_ROLE": role,
        "ITEM_PIPELINES": {"newsarchive.distributed_push.PushPipeline": 100},
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "NEWSARCHIVE_CAPTURES": captures and base.getbool("NEWSARCHIVE_CAPTURES", True),
    }.items():
        s.set(name, value, priority="cmdline")
    return s


class Frontier:
    """One crawl's shared state as seen by one worker process."""

    POP = """
    local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if #r == 0 then return false end
    redis.call('ZREM', KEYS[1], r[1])
    local token = ARGV[1] .. r[2]
    redis.call('HSET', KEYS[2], token, r[1])
    return {r[1], token}
    """
    # Tokens are "<worker>#<n>|<score>": a dead worker's entries return with their priority.
    RECOVER = """
    local n = 0
    local all = redis.call('HGETALL', KEYS[1])
    for i = 1, #all, 2 do
      local worker, score = string.match(all[i], '^(.*)#%d+|(.*)$')
      if worker and redis.call('EXISTS', ARGV[1] .. worker) == 0 then
        redis.call('ZADD', KEYS[2], score, all[i + 1])
        redis.call('HDEL', KEYS[1], all[i])
        n = n + 1
      end
    end
    return n
    """

    def __init__(self, server: Redis, crawl: str, heartbeat: float = 10.0) -> None:
        self.server = server
        self.crawl = crawl
        self.queue, self.inflight = key(crawl, "requests"), key(crawl, "inflight")
        self.seen, self.seeding = key(crawl, "dupefilter"), key(crawl, "seeding")
        self.health = key(crawl, "health")  # "pages\tSITE" / "missing\tSITE\tFIELD" -> n
        # The seed's health baseline (site -> [fields, stored]), its name, and who judged the run:
        # a worker judges a run whose seed is gone (killed, or stopped before the crawl was done).
        self.baseline_key, self.seed_key = key(crawl, "baseline"), key(crawl, "seed")
        self.judged = key(crawl, "judged")
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{crawl}-{secrets.token_hex(3)}"
        self.ttl = max(1, round(heartbeat))
        self.df: Any = None  # the scheduler's RFPDupeFilter
        self._n = 0
        self._pop = server.register_script(self.POP)
        self._recover = server.register_script(self.RECOVER)

    # --- liveness ----------------------------------------------------------------------------
    def beat(self) -> None:
        self.server.set(worker_key(self.worker), "1", ex=self.ttl)

    def recover(self) -> int:
        """Requeue the in-flight requests of workers whose heartbeat expired."""
        n = int(self._recover(keys=[self.inflight, self.queue], args=[worker_key("")]))
        if n:
            logger.warning("requeued %d in-flight requests of stopped workers (%s)", n,
                           self.crawl)
        return n

    def retire(self) -> None:
        """A clean stop: what this worker still holds goes back to the queue now."""
        self.server.delete(worker_key(self.worker))
        self.recover()

    def state(self) -> tuple[int, int, bool]:
        """(queued, in flight, seeding), read atomically."""
        pipe = self.server.pipeline(transaction=True)
        pipe.zcard(self.queue).hlen(self.inflight).exists(self.seeding)
        queued, inflight, seeding = pipe.execute()
        return int(queued), int(inflight), bool(seeding)

    def done(self) -> bool:
        return self.state() == (0, 0, False)

    # --- the queue ---------------------------------------------------------------------------
    def pop(self) -> tuple[bytes, str] | None:
        self._n += 1
        res = self._pop(keys=[self.queue, self.inflight], args=[f"{self.worker}#{self._n}|"])
        return (res[0], res[1].decode()) if res else None

    def push(self, data: bytes, score: float, replaces: str | None) -> None:
        pipe = self.server.pipeline(transaction=True)
        pipe.execute_command("ZADD", self.queue, score, data)
        if replaces:  # a retry or a redirect takes its parent's place in one step
            pipe.hdel(self.inflight, replaces)
        pipe.execute()

    def commit(self, token: str | None, messages: list[str],
               health: Counter[str] | None = None) -> None:
        """A page's records reach the store's list, their field counts the crawl's health
        hash, and its request leaves in-flight, all at once: a page a killed worker held is
        counted once, by the worker that fetches it again."""
        pipe = self.server.pipeline(transaction=True)
        if messages:
            pipe.lpush(ITEMS, *messages)
        for name, n in (health or {}).items():
            pipe.hincrby(self.health, name, n)
        if token:
            pipe.hdel(self.inflight, token)
        pipe.execute()

    def finish(self, request: Request, outputs: Iterable[Any]) -> Iterator[Any]:
        """Wrap a callback's output: requests pass on (Scrapy enqueues them in order), records
        are held back and leave with the commit item, which comes last."""
        records = []
        try:
            for out in outputs:
                if isinstance(out, dict):
                    records.append(out)
                else:
                    yield out
        except Exception:  # a spider bug must not leave the page in flight for ever
            logger.exception("spider error on %s", request.url)
        yield {COMMIT: request.meta.get(TOKEN), "items": records}

    def ack(self, request: Request) -> None:
        self.commit(request.meta.get(TOKEN), [])

    # --- seeding -----------------------------------------------------------------------------
    def claim(self) -> str | None:
        """Start a new run of this crawl; None if it may begin, else why not."""
        if not self.server.set(self.seeding, self.worker, nx=True, ex=max(60, self.ttl)):
            return "it is being seeded by another process"
        queued, inflight, _ = self.state()
        if queued or inflight:
            self.server.delete(self.seeding)
            return (f"a crawl of it is still running on Redis ({queued} queued, {inflight} in "
                    "flight): start `newsarchive worker` to finish it")
        # A new run: every URL may be fetched once again, every page counted again.
        self.server.delete(self.seen, self.health, self.baseline_key, self.seed_key,
                           self.judged)
        return None

    def mark_seen(self, urls: Iterable[str]) -> None:
        """Put URLs in the shared duplicate filter: no worker will request them this run."""
        batch: list[str] = []
        for url in urls:
            batch.append(self.df.request_fingerprint(Request(url)))
            if len(batch) >= 5000:
                self.server.sadd(self.seen, *batch)
                batch = []
        if batch:
            self.server.sadd(self.seen, *batch)

    def seeded(self) -> None:
        self.server.delete(self.seeding)

    # --- broken-site detection (health.py) ---------------------------------------------------
    @staticmethod
    def count_fields(records: Iterable[dict[str, Any]]) -> Counter[str]:
        """What the health check needs of a page's records: pages per site and, per site,
        how many lack each field health.py watches (the seed picks the fields at the end)."""
        from newsarchive.health import FIELDS, counted_site, has

        out: Counter[str] = Counter()
        for record in records:
            site = counted_site(record)
            if site is None:
                continue
            out[f"pages\t{site}"] += 1
            out.update(f"missing\t{site}\t{f}" for f in FIELDS if not has(record, f))
        return out

    def publish_baseline(self, expected: dict[str, tuple[list[str], int]]) -> None:
        """The seed's baseline and name, for a worker that has to judge the run without it."""
        pipe = self.server.pipeline(transaction=True)
        pipe.delete(self.baseline_key)
        if expected:
            pipe.hset(self.baseline_key, mapping={site: json.dumps(list(value))
                                                  for site, value in expected.items()})
        pipe.set(self.seed_key, self.worker)
        pipe.execute()

    def baseline(self) -> dict[str, tuple[list[str], int]]:
        return {site.decode(): (list(fields), int(n)) for site, raw
                in self.server.hgetall(self.baseline_key).items()
                for fields, n in [json.loads(raw)]}

    def take_judging(self, seed: bool) -> bool:
        """Whether this process judges the finished run: the seed if it is there when the crawl
        is done, else the first worker to finish after the seed is gone; once per run."""
        if not seed:
            name = self.server.get(self.seed_key)
            if name is None or self.server.exists(worker_key(name.decode())):
                return False  # no seed has published a baseline, or the seed will judge
        return bool(self.server.set(self.judged, self.worker, nx=True))

    def field_counts(self) -> tuple[Counter[str], dict[str, Counter[str]]]:
        """(pages per site, site -> missing count per field) of this run, from every worker."""
        pages: Counter[str] = Counter()
        missing: dict[str, Counter[str]] = {}
        for raw, n in self.server.hgetall(self.health).items():
            kind, site, *rest = raw.decode().split("\t")
            if kind == "pages":
                pages[site] += int(n)
            elif rest:
                missing.setdefault(site, Counter())[rest[0]] += int(n)
        return pages, missing


class TrackedQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pops are tracked until committed (see module doc)."""

    frontier: Frontier

    def push(self, request: Request) -> None:
        replaces = request.meta.pop(TOKEN, None)
        self.frontier.push(self._encode_request(request), -request.priority, replaces)

    def pop(self, timeout: int = 0) -> Request | None:
        got = self.frontier.pop()
        if got is None:
            return None
        request = self._decode_request(got[0])
        request.meta[TOKEN] = got[1]
        return request


class Scheduler(RedisScheduler):
    """scrapy-redis' Scheduler with in-flight tracking, heartbeats and a shared idea of done."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Scheduler:
        inst = super().from_crawler(crawler)
        inst.crawler = crawler
        return inst

    def open(self, spider: Spider) -> None:
        super().open(spider)
        s = self.crawler.settings
        self.frontier = Frontier(self.server, s.get("NEWSARCHIVE_REDIS_CRAWL"),
                                 s.getfloat("NEWSARCHIVE_REDIS_HEARTBEAT", 10.0))
        self.queue.frontier = self.frontier
        self.frontier.df = self.df
        spider.frontier = self.frontier
        self.frontier.beat()
        self.frontier.recover()
        from twisted.internet import task

        self._beat = task.LoopingCall(self._tick)
        self._beat.start(self.frontier.ttl / 3, now=False)
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)

    def _tick(self) -> None:
        try:
            self.frontier.beat()
            self.frontier.recover()
        except Exception as exc:  # Redis away for a moment: the next tick tries again
            logger.warning("redis heartbeat failed: %s", exc)

    def _idle(self, spider: Spider) -> None:
        if self.frontier.done():
            return
        # Others may still add links or die holding some: look again soon (the engine itself
        # only re-polls an idle scheduler every 5 s).
        from twisted.internet import reactor

        reactor.callLater(0.5, self._wake)  # type: ignore[attr-defined]
        raise DontCloseSpider

    def _wake(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)  # private: no public way to poll
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def enqueue_request(self, request: Request) -> bool:
        token = request.meta.get(TOKEN)
        # Always recorded, so a start page or revisit (dont_filter) is not fetched again when
        # linked. A redirect target skips the filter, as on one machine (the spider records
        # the alias the redirect proves).
        seen = self.df.request_seen(request)
        if seen and not request.dont_filter and "redirect_urls" not in request.meta:
            self.df.log(request, self.spider)
            if token:  # a redirect or retry of a page in flight ends here
                self.frontier.commit(token, [])
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def close(self, reason: str) -> None:
        # The heartbeat key stays until PushPipeline has sent run_end (then `retire`): while a
        # worker looks alive, the store waits for its last messages.
        if getattr(self, "_beat", None) is not None and self._beat.running:
            self._beat.stop()
        super().close(reason)
