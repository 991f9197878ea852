"""When to look at a known article again, and the per-URL state that decides it.

News articles change most in their first hours (corrections, updates, comments), so the revisit
interval grows with the article's age. The default policy is hourly for the first day, daily for
the first week, weekly for the first month, then every 30 days; a site file overrides it:

    [revisit]            # article age -> revisit interval; "older" covers the rest
    "1d" = "1h"
    "7d" = "1d"
    "30d" = "7d"
    older = "30d"        # or "never"

State lives in the archive's `fetch_state` table (migration 0003): per fetched article URL its
ETag / Last-Modified (sent back as If-None-Match / If-Modified-Since so an unchanged page costs a
304) and when it was last fetched. Age is counted from `published_at`, else from `first_seen`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsarchive.extract.urls import normalize_url_cached

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
DEFAULT_POLICY = {"1d": "1h", "7d": "1d", "30d": "7d", "older": "30d"}


def parse_duration(text: str | int | float) -> timedelta | None:
    """"90m", "1h", "2d", "1w", seconds as a number; "never" -> None."""
    if isinstance(text, int | float):
        return timedelta(seconds=float(text))
    text = str(text).strip().lower()
    if text == "never":
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhdw])", text)
    if not m:
        raise ValueError(f"bad duration {text!r}: use e.g. 30m, 1h, 2d, 1w or never")
    return timedelta(seconds=float(m[1]) * _UNITS[m[2]])


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RevisitPolicy:
    rules: tuple[tuple[timedelta, timedelta | None], ...]  # (max age, interval), by age
    older: timedelta | None

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any] | None) -> RevisitPolicy:
        table = dict(table or DEFAULT_POLICY)
        older = parse_duration(table.pop("older", "never"))
        rules = []
        for age, every in table.items():
            max_age = parse_duration(age)
            if max_age is None:
                raise ValueError("revisit: an age cannot be 'never'; use older = ...")
            rules.append((max_age, parse_duration(every)))
        return cls(tuple(sorted(rules, key=lambda r: r[0])), older)

    def interval(self, age: timedelta) -> timedelta | None:
        for max_age, every in self.rules:
            if age < max_age:
                return every
        return self.older

    def next_visit(self, born: datetime | None, last: datetime | None,
                   now: datetime) -> datetime | None:
        """When the article is due again (None: never); born is publication or first sight."""
        if last is None:
            return now
        every = self.interval(now - (born or last))
        return None if every is None else last + every


@dataclass
class Target:
    """A known article's fetch URL and what a conditional request for it needs."""

    url: str
    etag: str | None
    last_modified: str | None
    last_fetched: datetime | None
    born: datetime | None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def in_hosts(url: str, hosts: list[str]) -> bool:
    host = _host_of(url)
    return any(host == h or host.endswith("." + h) for h in hosts)


def connect_readonly(db: str | Path) -> sqlite3.Connection | None:
    """The archive opened read-only, or None when it does not exist or predates fetch_state."""
    if not Path(db).exists():
        return None
    conn = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True, timeout=30)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"article_urls", "articles", "fetch_state"} <= tables:
        conn.close()
        return None
    return conn


def known_urls(conn: sqlite3.Connection, hosts: list[str]) -> Iterator[str]:
    """Every URL already resolved to an article on these hosts (normalized, as stored)."""
    for (url,) in conn.execute("SELECT url FROM article_urls"):
        if in_hosts(url, hosts):
            yield url


def targets(conn: sqlite3.Connection, hosts: list[str]) -> Iterator[Target]:
    """One fetch URL per known article of these hosts, with its conditional-request state."""
    rows = conn.execute(
        "SELECT a.url, a.published_at, a.first_seen, a.last_seen, fs.etag, fs.last_modified,"
        " fs.last_fetched FROM articles a LEFT JOIN fetch_state fs ON fs.url = a.url")
    for url, published, first_seen, last_seen, etag, lm, fetched in rows:
        if in_hosts(url, hosts):
            yield Target(url, etag, lm, parse_time(fetched or last_seen),
                         parse_time(published) or parse_time(first_seen))


def record_fetch(conn: sqlite3.Connection, url: str, status: int, etag: str | None,
                 last_modified: str | None, next_visit: datetime | None, now: datetime) -> None:
    """Upsert one URL's state after a 200 or a 304 (a 304 keeps the stored validators)."""
    with conn:
        upsert_fetch(conn, url, status, etag, last_modified, next_visit, now)


def upsert_fetch(conn: sqlite3.Connection, url: str, status: int, etag: str | None,
                 last_modified: str | None, next_visit: datetime | None, now: datetime) -> None:
    """record_fetch inside the caller's transaction (the store's: state and record commit
    together)."""
    aid = conn.execute("SELECT article_id FROM article_urls WHERE url = ?", [url]).fetchone()
    nv = next_visit.isoformat(timespec="seconds") if next_visit else None
    stamp = now.isoformat(timespec="seconds")
    conn.execute(
        "INSERT INTO fetch_state (url, article_id, etag, last_modified, last_fetched,"
        " last_status, fetches, not_modified, next_visit) VALUES (?,?,?,?,?,?,1,?,?)"
        " ON CONFLICT(url) DO UPDATE SET article_id = coalesce(excluded.article_id,"
        " article_id), etag = coalesce(excluded.etag, etag), last_modified ="
        " coalesce(excluded.last_modified, last_modified), last_fetched ="
        " excluded.last_fetched, last_status = excluded.last_status, fetches = fetches + 1,"
        " not_modified = not_modified + excluded.not_modified, next_visit ="
        " excluded.next_visit",
        [url, aid[0] if aid else None, etag, last_modified, stamp, status,
         int(status == 304), nv])
    if status == 304 and aid:
        # Seen again, unchanged: only last_seen moves (the FTS trigger ignores it).
        conn.execute("UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?)"
                     " WHERE id = ?", [stamp, aid[0]])


def born_of(conn: sqlite3.Connection, url: str) -> datetime | None:
    row = conn.execute(
        "SELECT a.published_at, a.first_seen FROM article_urls au JOIN articles a"
        " ON a.id = au.article_id WHERE au.url = ?", [url]).fetchone()
    return (parse_time(row[0]) or parse_time(row[1])) if row else None


def record_item_fetches(conn: sqlite3.Connection, items: list[Any],
                        policy_of: Any) -> None:
    """fetch_state of each stored item (url, http_status, fetch validators), in the caller's
    transaction so a record and its state commit together; `policy_of(item)` gives the item's
    RevisitPolicy."""
    now = datetime.now(UTC)
    for item in items:
        if not (item.get("url") and item.get("fetch")):
            continue
        # cached: the store has just normalized this URL
        fetch, url = item["fetch"], normalize_url_cached(item["url"])
        born = parse_time(item.get("published_at")) or born_of(conn, url)
        upsert_fetch(conn, url, int(item.get("http_status") or 200), fetch.get("etag"),
                     fetch.get("last_modified"), policy_of(item).next_visit(born, now, now), now)
