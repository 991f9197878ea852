"""`newsarchive worker` and `newsarchive store`, and `crawl --redis`: one crawl, many machines.

Exit codes as `crawl`: 0 ok, 1 finished with page errors, 2 could not run (Redis unreachable,
archive locked or not writable, the crawl already running on Redis).
"""

from __future__ import annotations

import sys
import time
from typing import Any, NoReturn

import click

from newsarchive.cli.common import db_option


def _fail(message: str) -> NoReturn:
    click.echo(f"newsarchive: {message}", err=True)
    sys.exit(2)


def _connect(url: str) -> Any:
    from redis.exceptions import RedisError

    from newsarchive.distributed import connect

    try:
        server = connect(url)
        server.ping()
    except (RedisError, ValueError) as exc:
        _fail(f"cannot reach Redis at {url}: {exc}")
    return server


def _finish(results: list, started: float, what: str) -> NoReturn:
    pages = sum(int(r.stats.get("response_received_count", 0)) for r in results)
    pushed = sum(int(r.stats.get("newsarchive/pushed", 0)) for r in results)
    errors = sum(int(r.stats.get("log_count/ERROR", 0)) for r in results)
    # Only the seed judges a crawl (at its end, over every worker's pages): as `crawl`.
    broken = [f"{r.spider} ({r.stats['newsarchive/broken']})" for r in results
              if r.stats.get("newsarchive/broken")]
    code = 1 if errors or broken else 0
    status = "ok" if code == 0 else "finished with errors"
    click.echo(f"newsarchive {what}: {status}: {len(results)} crawl(s), {pages} pages, "
               f"{pushed} records sent to the store, {errors} errors, "
               f"{time.monotonic() - started:.0f}s"
               + (f"; BROKEN: {'; '.join(broken)}" if broken else ""))
    sys.exit(code)


def seed_and_crawl(targets: tuple[str, ...], all_sites: bool, refresh: bool, quiet: bool,
                   db: str, overrides: list[str], url: str) -> NoReturn:
    """`crawl --redis`: claim each crawl on Redis, seed it from the archive's knowledge (read
    only: the store holds the archive's lock), and crawl it as one more worker."""
    from newsarchive.cli.crawl import setup_logging
    from newsarchive.distributed import Frontier, crawl_id
    from newsarchive.distributed_store import register, run_distributed
    from newsarchive.runner import UsageError, project_settings, resolve_targets

    started = time.monotonic()
    try:
        jobs = resolve_targets(targets, all_sites)
        settings = project_settings(db, overrides)
    except UsageError as exc:
        _fail(str(exc))
    server = _connect(url)
    claimed: list[Frontier] = []
    for name, kwargs in jobs:
        front = Frontier(server, crawl_id(name, kwargs))
        why = front.claim()
        if why:
            for other in claimed:
                other.seeded()
            _fail(f"cannot start {front.crawl} on {url}: {why}")
        claimed.append(front)
    captures = settings.getbool("NEWSARCHIVE_CAPTURES", True)  # --no-captures: every worker
    register(server, jobs, captures)
    if refresh:
        settings.set("NEWSARCHIVE_REFRESH", True, priority="cmdline")
    setup_logging(settings, db, quiet)
    options = {crawl_id(name, kwargs): {"captures": captures} for name, kwargs in jobs}
    _finish(run_distributed(jobs, settings, url, "seed", options), started, "crawl")


@click.command()
@click.argument("sites", nargs=-1)
@click.option("--redis", "redis_url", envvar="NEWSARCHIVE_REDIS_URL", required=True,
              metavar="URL", help="The Redis of the crawl (redis://HOST:PORT/DB).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Any Scrapy setting, as `scrapy crawl -s`.")
@click.option("-q", "--quiet", is_flag=True, help="Warnings only, then one summary line.")
def worker(sites: tuple[str, ...], redis_url: str, overrides: tuple[str, ...],
           quiet: bool) -> None:
    """Join the crawls running on Redis (all, or those named) until they are done.

    Any number of workers on any machine share one frontier; a worker never touches the
    archive (records go to Redis for `newsarchive store`). Exits 0 at once when nothing runs.

    Example: newsarchive worker --redis redis://10.0.0.5:6379/0
    """
    from newsarchive.distributed import Frontier
    from newsarchive.distributed_store import registered, run_distributed
    from newsarchive.runner import UsageError, project_settings

    started = time.monotonic()
    try:
        settings = project_settings(None, (["LOG_LEVEL=WARNING"] if quiet else [])
                                    + list(overrides))
    except UsageError as exc:
        _fail(str(exc))
    server = _connect(redis_url)
    jobs, options = [], {}
    for cid, (spider, kwargs, opts) in sorted(registered(server).items()):
        if sites and cid not in sites and spider not in sites:
            continue
        if not Frontier(server, cid).done():
            jobs.append((spider, kwargs))
            options[cid] = opts
    if not jobs:
        click.echo("newsarchive worker: nothing to do: no crawl is running on "
                   f"{redis_url}" + (f" for {', '.join(sites)}" if sites else ""))
        sys.exit(0)
    _finish(run_distributed(jobs, settings, redis_url, "worker", options), started, "worker")


@click.command()
@click.option("--redis", "redis_url", envvar="NEWSARCHIVE_REDIS_URL", required=True,
              metavar="URL", help="The Redis the workers send records to.")
@db_option
@click.option("--follow", is_flag=True,
              help="Run as a service: wait for records for ever (else stop once no worker is "
                   "alive and nothing is left to store).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="NEWSARCHIVE_SQLITE_SYNCHRONOUS=FULL for an fsync per record.")
def store(redis_url: str, db: str, follow: bool, overrides: tuple[str, ...]) -> None:
    """Write the records of distributed crawls into the archive: the archive's one writer.

    Holds the archive's lock (a single-machine crawl of the same archive exits 2 meanwhile).

    Example: newsarchive store --redis redis://127.0.0.1:6379/0 --db /srv/news/archive.db
    """
    import logging

    from newsarchive.archive import ArchiveError
    from newsarchive.captures import DEFAULT_MAX_BYTES
    from newsarchive.distributed import ITEMS
    from newsarchive.distributed_store import RedisStore, busy
    from newsarchive.lock import ArchiveLock, ArchiveLocked
    from newsarchive.runner import UsageError, check_archive

    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: "
                        "%(message)s")
    opts = dict(o.partition("=")[::2] for o in overrides)
    started = time.monotonic()
    try:
        lock = ArchiveLock(db).acquire()
    except (ArchiveLocked, OSError) as exc:
        _fail(str(exc))
    reason, code = "finished", 0
    try:
        try:
            check_archive(db)
        except UsageError as exc:
            _fail(str(exc))
        server = _connect(redis_url)
        st = RedisStore(server, db, opts.get("NEWSARCHIVE_SQLITE_SYNCHRONOUS", "NORMAL"),
                        captures_dir=opts.get("NEWSARCHIVE_CAPTURES_DIR"),
                        warc_max_bytes=int(opts.get("NEWSARCHIVE_WARC_MAX_BYTES",
                                                    DEFAULT_MAX_BYTES)))
        st.recover()
        try:
            while True:
                if st.step(1.0):
                    continue
                # Workers push everything before their heartbeat goes: busy first, then empty.
                if not follow and not busy(server) and server.llen(ITEMS) == 0:
                    break
        except ArchiveError as exc:
            click.echo(f"newsarchive: the archive cannot be written: {exc}", err=True)
            reason, code = "archive_error", 2
        except KeyboardInterrupt:
            reason = "shutdown"
        st.close(reason)
    finally:
        lock.release()
    t = st.totals
    click.echo(f"newsarchive store: {reason}: {t['new']} new, {t['updated']} updated, "
               f"{t['unchanged']} unchanged, {t['merged']} merged, {t['not modified']} not "
               f"modified, {t['rejected']} rejected, {t['errors']} errors, "
               f"{t['captures']} captures, {time.monotonic() - started:.0f}s"
               + (f"; BROKEN: {'; '.join(st.broken)}" if st.broken else ""))
    sys.exit(code or (1 if t["errors"] or st.broken else 0))


COMMANDS = [worker, store]
