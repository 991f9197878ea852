"""`newsarchive crawl` and `newsarchive demo`: real Scrapy crawls into the archive."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from newsarchive.cli.common import crawl_options
from newsarchive.profiles import load_profiles


@click.command()
@click.argument("targets", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every (non-demo) site file.")
@click.option("--refresh", is_flag=True,
              help="Revisit every known article now, whatever the revisit schedule says.")
@click.option("-q", "--quiet", is_flag=True,
              help="One summary line on stdout, logs to <db dir>/logs/ (implied without a TTY).")
@crawl_options
@click.option("--no-captures", is_flag=True,
              help="Keep records only: no raw WARC captures (NEWSARCHIVE_CAPTURES=False).")
@click.option("--redis", "redis_url", envvar="NEWSARCHIVE_REDIS_URL", metavar="URL",
              help="Seed a shared frontier on this Redis (redis://HOST:PORT/DB) and crawl it "
                   "with any `newsarchive worker`; `newsarchive store` writes the archive. "
                   "Env: NEWSARCHIVE_REDIS_URL.")
def crawl(targets: tuple[str, ...], all_sites: bool, refresh: bool, quiet: bool, db: str,
          overrides: tuple[str, ...], no_captures: bool, redis_url: str | None) -> None:
    """Crawl sites (names of files in spiders/) or URLs (home, section, sitemap, feed).

    Exit codes: 0 ok; 1 finished with page errors or a broken site; 2 could not run (bad
    arguments or site file, archive locked by another run, archive not writable).

    Example: newsarchive crawl --all --quiet --db /srv/news/archive.db
    """
    from newsarchive.lock import ArchiveLock, ArchiveLocked
    from newsarchive.runner import (
        UsageError,
        check_archive,
        project_settings,
        resolve_targets,
        run_crawls,
    )

    quiet = quiet or not sys.stdout.isatty()
    started = time.monotonic()
    if redis_url:
        from newsarchive.cli.distributed import seed_and_crawl

        seed_and_crawl(targets, all_sites, refresh, quiet, db,
                       _capture_flag(no_captures) + list(overrides), redis_url)
        return
    try:
        jobs = resolve_targets(targets, all_sites)
        settings = project_settings(db, _capture_flag(no_captures) + list(overrides))
        lock = ArchiveLock(db).acquire()
    except (UsageError, ArchiveLocked, OSError) as exc:
        click.echo(f"newsarchive: {exc}", err=True)
        sys.exit(2)
    try:  # the lock is held for the whole run; the kernel drops it if we are killed
        try:
            check_archive(db)
        except UsageError as exc:
            click.echo(f"newsarchive: {exc}", err=True)
            sys.exit(2)
        if refresh:
            settings.set("NEWSARCHIVE_REFRESH", True, priority="cmdline")
        log_file = setup_logging(settings, db, quiet)
        results = run_crawls(jobs, settings)
    finally:
        lock.release()
    code, line = summarize(results, time.monotonic() - started, log_file)
    if not quiet:
        for res in results:
            stats = res.stats
            click.echo(f"{res.spider}: {stats.get('response_received_count', 0)} pages, "
                       f"{stats.get('item_scraped_count', 0)} articles stored or checked, "
                       f"rejected: {res.rejected() or 'none'} "
                       f"({stats.get('finish_reason', '?')})", err=True)
    click.echo(line)
    sys.exit(code)


def setup_logging(settings: Any, db: str, quiet: bool) -> Any:
    """Quiet: logs to a file under the archive's folder (returned); else a progress display."""
    if quiet:
        if settings.get("LOG_FILE"):
            return settings.get("LOG_FILE")
        logs = Path(db).resolve().parent / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log_file = logs / f"newsarchive-{time.strftime('%Y%m%d')}.log"
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
        return log_file
    if settings.getpriority("NEWSARCHIVE_PROGRESS") == settings.getpriority("BOT_NAME"):
        settings.set("NEWSARCHIVE_PROGRESS", True, priority="cmdline")
    return None


def summarize(results: list, seconds: float, log_file: Any) -> tuple[int, str]:
    """(exit code, the one summary line) for a finished set of crawls."""
    total: dict[str, int] = {}
    keys = {"pages": "response_received_count", "new": "newsarchive/stored/new",
            "updated": "newsarchive/stored/updated", "unchanged": "newsarchive/stored/unchanged",
            "merged": "newsarchive/stored/merged", "not modified": "newsarchive/not_modified",
            "errors": "log_count/ERROR"}
    broken, code = [], 0
    for res in results:
        for label, key in keys.items():
            total[label] = total.get(label, 0) + int(res.stats.get(key, 0) or 0)
        if res.stats.get("newsarchive/broken"):
            broken.append(f"{res.spider} ({res.stats['newsarchive/broken']})")
        if res.stats.get("finish_reason") == "archive_error":
            code = 2
        elif code == 0 and (res.stats.get("log_count/ERROR") or broken):
            code = 1
    status = {0: "ok", 1: "finished with errors", 2: "stopped: archive not writable"}[code]
    parts = [f"{len(results)} site(s)"] + [f"{v} {k}" for k, v in total.items()]
    line = f"newsarchive crawl: {status}: {', '.join(parts)}, {seconds:.0f}s"
    if broken:
        line += f"; BROKEN: {'; '.join(broken)}"
    if log_file:
        line += f"; log: {log_file}"
    return code, line


@click.command()
@crawl_options
@click.option("--no-captures", is_flag=True,
              help="Keep records only: no raw WARC captures (NEWSARCHIVE_CAPTURES=False).")
@click.option("--edition", type=int, default=1, show_default=True,
              help="Which edition of the demo site to serve (2: edited articles, comments).")
def demo(db: str, overrides: tuple[str, ...], no_captures: bool, edition: int) -> None:
    """Serve the bundled demo news site on 127.0.0.1, crawl it into the archive, summarize.

    Example: newsarchive demo --db data/archive.db && newsarchive demo --edition 2
    """
    from newsarchive.archive import Archive
    from newsarchive.demo.server import start_demo_server
    from newsarchive.runner import project_settings, resolve_targets, run_crawls

    profiles = load_profiles()
    names = [n for n, p in profiles.items() if p.demo]
    if not names:
        click.echo("newsarchive: no demo site files found in spiders/", err=True)
        sys.exit(2)
    Path(db).parent.mkdir(parents=True, exist_ok=True)
    # Demo pages are fast local pages: no throttling. robots.txt is still obeyed.
    # Every demo run revisits every page (conditional requests: unchanged pages cost a 304), so
    # switching --edition shows revisions at once instead of waiting for the revisit schedule.
    fast = ["AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0", "LOG_LEVEL=WARNING",
            "NEWSARCHIVE_REFRESH=True"]
    settings = project_settings(db, fast + _capture_flag(no_captures) + list(overrides))
    try:
        server_cm = start_demo_server(edition=edition)
    except ValueError as exc:
        click.echo(f"newsarchive: {exc}", err=True)
        sys.exit(2)
    with server_cm as server:
        # The demo hosts (*.example) exist only inside the demo server, used as an HTTP proxy.
        os.environ["http_proxy"] = server.proxy_url
        os.environ.pop("no_proxy", None)
        os.environ.pop("NO_PROXY", None)
        click.echo(f"demo site serving on {server.proxy_url} (as a proxy for "
                   f"{', '.join(sorted(h for n in names for h in profiles[n].hosts))})")
        results = run_crawls(resolve_targets(names), settings)
    summary = Archive(db).summary()
    click.echo(format_summary(summary, results, db))


def _capture_flag(no_captures: bool) -> list[str]:
    return ["NEWSARCHIVE_CAPTURES=False"] if no_captures else []


def format_summary(summary: dict[str, Any], results: list, db: str) -> str:
    rejected: dict[str, int] = {}
    pages = 0
    for res in results:
        pages += res.stats.get("response_received_count", 0)
        for reason, n in res.rejected().items():
            rejected[reason] = rejected.get(reason, 0) + n
    last = summary.get("last_run") or {}
    lines = [
        f"archive: {db}",
        f"  pages fetched:          {pages}",
        f"  articles:               {summary.get('articles', 0)}"
        f"  (this run: {sum(r.stats.get('newsarchive/stored/new', 0) for r in results)} new)",
        f"  URLs merged as aliases: {summary.get('urls_merged', 0)}",
        f"  comments:               {summary.get('comments', 0)}",
        f"  images:                 {summary.get('images', 0)}"
        f" ({summary.get('images_with_credit', 0)} with credits)",
        f"  related blocks/links:   {summary.get('related_blocks', 0)}"
        f" / {summary.get('related_links', 0)}",
        "  pages rejected:         "
        + (", ".join(f"{k}: {v}" for k, v in sorted(rejected.items())) or "none"),
    ]
    if last:
        lines.append(f"  crawl runs:             {summary.get('runs', 0)} "
                     f"(last: {last.get('spider')}, "
                     f"{last.get('pages')} pages, {last.get('new')} new, "
                     f"{last.get('unchanged')} unchanged, {last.get('errors')} errors)")
    lines.append(f"browse it: newsarchive browse --db {db}")
    return "\n".join(lines)


COMMANDS = [crawl, demo]
