"""Run crawls in this process with the project's settings (shared by `crawl` and `demo`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsarchive import settings as default_settings
from newsarchive.profiles import ProfileError, find_by_url, load_profiles


class UsageError(ValueError):
    """The crawl cannot start (unknown site, bad setting, bad site file)."""


@dataclass
class CrawlResult:
    spider: str
    stats: dict[str, Any] = field(default_factory=dict)

    def rejected(self) -> dict[str, int]:
        """Why pages did not become articles, from the crawl's stats."""
        out: dict[str, int] = {}
        for key, value in self.stats.items():
            if key.startswith(("newsarchive/rejected/", "newsarchive/fetch_failed/")):
                out[key.rsplit("/", 1)[1]] = value
        return out


def project_settings(db: str | Path | None, overrides: Iterable[str] = ()) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    if db:
        settings.set("NEWSARCHIVE_DB", str(db), priority="cmdline")
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"-s expects NAME=VALUE, got {item!r}")
        settings.set(name.strip(), value, priority="cmdline")
    # An operator's contact belongs in the User-Agent sites see, unless they set one outright.
    if (settings.getpriority("NEWSARCHIVE_CONTACT") or 0) > (settings.getpriority("USER_AGENT")
                                                            or 0):
        fmt = settings.get("USER_AGENT_FORMAT") or "newsarchive/0.1 (+{contact})"
        settings.set("USER_AGENT", fmt.format(contact=settings.get("NEWSARCHIVE_CONTACT")),
                     priority="cmdline")
    return settings


def check_archive(db: str | Path) -> None:
    """Raise UsageError unless the archive can be opened, migrated and written: a crawl that
    cannot store anything must not start (exit 2), rather than fetch a site for nothing."""
    import sqlite3

    from newsarchive.archive import Archive, ArchiveError

    try:
        with Archive(db) as arc:
            # A real (no-op) write: takes the write lock and rewrites the header.
            arc.db.execute("BEGIN IMMEDIATE")
            arc.db.execute(f"PRAGMA user_version = {arc.schema_version}")
            arc.db.execute("COMMIT")
    except (ArchiveError, sqlite3.Error, OSError) as exc:
        raise UsageError(f"archive {db} is not writable: {exc}") from exc


def resolve_targets(targets: Iterable[str], all_sites: bool = False) -> list[tuple[str, dict]]:
    """SITE names and URLs -> (spider name, spider kwargs). A URL with a site file uses it."""
    try:
        profiles = load_profiles()
    except ProfileError as exc:
        raise UsageError(str(exc)) from exc
    out: list[tuple[str, dict]] = []
    if all_sites:
        out += [(name, {}) for name, p in profiles.items() if not p.demo]
    for target in targets:
        if "://" in target:
            prof = find_by_url(target, profiles)
            out.append((prof.name, {"url": target}) if prof else ("site", {"url": target}))
        elif target in profiles:
            out.append((target, {}))
        else:
            known = ", ".join(sorted(profiles)) or "none"
            raise UsageError(f"unknown site {target!r} (site files: {known}); "
                             "give a URL to crawl a site without a site file")
    if not out:
        raise UsageError("nothing to crawl: name a site, a URL, or --all")
    return out


def run_crawls(jobs: list[tuple[str, dict]], settings: Settings) -> list[CrawlResult]:
    process = CrawlerProcess(settings)
    crawlers = []
    for name, kwargs in jobs:
        crawler = process.create_crawler(name)
        process.crawl(crawler, **kwargs)
        crawlers.append((name, crawler))
    process.start()
    logging.getLogger(__name__).debug("crawls finished")
    return [CrawlResult(name, dict(c.stats.get_stats())) for name, c in crawlers]
