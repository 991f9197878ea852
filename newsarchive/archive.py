"""The SQLite archive: one row per article however many URLs reached it, children in tables.

`Archive.store(item)` is the deduplication step and the write, in one `BEGIN IMMEDIATE`
transaction per item: the identity lookup and the write see the same database, and a failure
anywhere leaves the archive exactly as it was. Ids are deterministic (a hash of the normalized
canonical URL; children keyed by article and position or comment id), so storing the same page
again changes no row count anywhere: only `articles.last_seen` moves. What changes over time goes
to `revisions`, comment history and clusters (revisions.py, clusters.py); raw pages to WARC
captures (captures.py).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from newsarchive import revisions as revs
from newsarchive.archive_batch import URL_SQL, BatchWriter, NewRows, by_known_url, url_kind
from newsarchive.archive_children import page_url as _page_url
from newsarchive.archive_children import write_images_and_related
from newsarchive.archive_hashes import (  # noqa: F401 - the archive's API since the start
    MIN_CONTENT_CHARS,
    VERSIONED_FIELDS,
    content_hash,
    revision_and_version,
    version_hash,
)
from newsarchive.clusters import Clusters
from newsarchive.extract.urls import normalize_url_cached
from newsarchive.migrations import MIGRATIONS, migrate, schema_version

Outcome = Literal["new", "updated", "unchanged", "merged"]
OUTCOMES: tuple[Outcome, ...] = ("new", "updated", "unchanged", "merged")
# Called inside store_many's transaction with the (item, outcome) pairs it stored.
AfterStore = Callable[[list[tuple[Mapping[str, Any], Outcome]]], None]

ID_SPACE = 2**52  # ids stay exact in JavaScript (Datasette's UI and JSON clients)
BUSY_TIMEOUT_S = 30.0

CHILD_TABLES = ("images", "comments", "related_blocks", "related_links")


class ArchiveError(Exception):
    """The database refused a write (disk full, locked, corrupt, read-only...)."""


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def article_id(canonical_url: str) -> int:
    """Stable id of the article whose normalized canonical URL this is."""
    # Callers pass an already normalized URL, which page_url() just cached: a hit, not w3lib.
    digest = hashlib.sha1(normalize_url_cached(canonical_url).encode()).digest()
    return int.from_bytes(digest[:8], "big") % ID_SPACE or 1


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass
class _Page:
    """An item made ready for storage: normalized URLs, hashes, the article row."""

    item: Mapping[str, Any]
    canonical: str
    fetched: str
    urls: list[str]  # canonical, fetched, then the rest of seen_urls; normalized, unique
    seen_at: str
    row: dict[str, Any] = field(default_factory=dict)
    revision_json: str = ""  # revisions.revision_json of the item's content

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> _Page:
        fetched = _page_url(item.get("url"))
        canonical = _page_url(item.get("canonical_url")) or fetched
        if not fetched or not canonical or not item.get("site"):
            raise ValueError(f"item has no usable url/canonical_url/site: {item.get('url')!r}")
        seen = [canonical, fetched, *(_page_url(u) for u in item.get("seen_urls") or [])]
        urls = list(dict.fromkeys(u for u in seen if u))
        # Dumped once: hashed here, stored as the revision's content if it becomes one.
        revision_json, version = revision_and_version(item)
        row = {
            "canonical_url": canonical,
            "url": fetched,
            "site": item["site"],
            **{k: item.get(k) for k in (
                "language", "headline", "subheadline", "section", "published_at",
                "published_raw", "modified_at", "modified_raw", "body", "comment_count",
                "access", "site_profile")},
            "authors": _json(item.get("authors") or []),
            "tags": _json(item.get("tags") or []),
            "provenance": _json(item.get("provenance") or {}),
            "is_article": int(bool(item.get("is_article", True))),
            "content_hash": content_hash(item.get("body")),
            "version_hash": version,
            "revision_hash": hashlib.sha1(revision_json.encode()).hexdigest(),
            "capture_id": item.get("capture_id"),
            "fetched_at": item.get("fetched_at"),
        }
        return cls(item, canonical, fetched, urls, item.get("fetched_at") or utcnow(), row,
                   revision_json)


class Archive:
    """An archive file: opened (and created or migrated) on construction."""

    def __init__(self, path: str | Path, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lsh: Clusters | None = None
        try:
            conn = sqlite3.connect(self.path, timeout=busy_timeout)
            self.db = Database(conn)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.enable_wal()  # readers (Datasette) never block the crawl, and vice versa
            if MIGRATIONS.pending(self.db):
                # Under the write lock, so two crawls opening a new file cannot both migrate it.
                with self._write():
                    migrate(self.db)
            self.schema_version = schema_version(self.db)
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open archive {self.path}: {exc}") from exc

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock before the identity lookup, so two processes storing
        # the same article cannot both decide it is new.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            self.db.rollback()  # the near-duplicate index is in the archive: rolled back too
            raise

    # --- storing ------------------------------------------------------------------------------

    def store(self, item: Mapping[str, Any]) -> Outcome:
        """Store one extracted page; returns "new", "updated", "unchanged" or "merged".

        Raises ValueError for an item without a usable URL or site, ArchiveError when SQLite
        fails (the transaction is rolled back first).
        """
        page = _Page.from_item(item)
        try:
            with self._write():
                return self._store(page)
        except sqlite3.Error as exc:
            raise ArchiveError(f"could not store {page.fetched} in {self.path}: {exc}") from exc

    def store_many(
        self, items: Sequence[Mapping[str, Any] | _Page], then: AfterStore | None = None
    ) -> list[Outcome | Exception]:
        """Store a batch in one transaction; one result per item, in order: its outcome, or the
        exception that kept it out (ValueError for an unusable item, ArchiveError when SQLite
        refused it). Rows and outcomes are those of `store()` called on each item in turn.

        `then(stored)` runs inside the same transaction with the (item, outcome) pairs stored,
        so what it writes (the crawl's fetch_state) commits or rolls back with the records.
        If the batch fails, each item is retried in a transaction of its own: one record the
        database refuses costs only itself.
        """
        results: list[Outcome | Exception | None] = [None] * len(items)
        pages: list[tuple[int, _Page]] = []
        for i, item in enumerate(items):
            try:
                # an importer may hand over pages it made ready in a helper process
                pages.append((i, item if isinstance(item, _Page) else _Page.from_item(item)))
            except ValueError as exc:
                results[i] = exc
        if pages:
            try:
                with self._write():
                    outcomes = BatchWriter(self).store([p for _, p in pages])
                    if then is not None:
                        then([(p.item, o) for (_, p), o in zip(pages, outcomes, strict=True)])
                for (i, _), outcome in zip(pages, outcomes, strict=True):
                    results[i] = outcome
            except Exception:  # noqa: BLE001 - which item is to blame is found out below
                for i, page in pages:
                    results[i] = self._store_alone(page.item, page, then)
        return [r for r in results if r is not None]

    def _store_alone(self, item: Mapping[str, Any], page: _Page,
                     then: AfterStore | None) -> Outcome | Exception:
        try:
            with self._write():
                outcome = self._store(page)
                if then is not None:
                    then([(item, outcome)])
                return outcome
        except sqlite3.Error as exc:
            err = ArchiveError(f"could not store {page.fetched} in {self.path}: {exc}")
            err.__cause__ = exc
            return err
        except Exception as exc:  # noqa: BLE001 - a record our code cannot handle: reported
            return exc

    def _store(self, page: _Page) -> Outcome:
        known = self._known_urls(page.urls)
        found, via = self._identify(page, known)
        if found is None:
            rows = NewRows(self)  # the rows store_many writes for a new article, for one
            rows.add(self._free_id(page.canonical), page, dict(known))
            rows.write()
            return "new"
        if via in ("content", "copy"):
            return self._merge_copy(found, page, known)
        current = self.db.execute(
            "SELECT canonical_url, version_hash, fetched_at, site, revision_hash FROM articles "
            "WHERE id = ?", [found],
        ).fetchone()
        if current[3] != page.row["site"]:  # another publisher pointing its canonical at ours
            return self._merge_copy(found, page, known)
        added = self._add_urls(found, page, known, current[0], alias=False)
        self._link_capture(found, page)
        older = bool(current[2] and page.row["fetched_at"] and page.row["fetched_at"] < current[2])
        if current[1] != page.row["version_hash"] and not older:
            fields = {k: v for k, v in page.row.items() if k not in ("canonical_url", "url")}
            if fields["capture_id"] is None:
                del fields["capture_id"]  # a crawl without captures keeps the last one
            self.db["articles"].update(found, fields)
            self._touch(found, page.seen_at)
            write_images_and_related(self.db, found, page.item, replace=True)
            changed = current[4] != page.row["revision_hash"]
            self._new_version(found, page, revision=changed)
            if changed:
                self._clusters().update(found, page.item.get("body"))
            return "updated"
        self._touch(found, page.seen_at)
        if not older:
            revs.touch_comments(self.db, found, page.seen_at)
            revs.record_comment_count(self.db, found, page.row["comment_count"],
                                      len(page.item.get("comments") or []), page.seen_at)
        return "merged" if added else "unchanged"

    def _new_version(self, aid: int, page: _Page, revision: bool) -> None:
        """A new or changed page: revision (if its content changed), comments, count."""
        if revision:
            revs.add_revision(self.db, aid, page.revision_json, page.row["fetched_at"],
                              page.row["capture_id"], page.row["content_hash"])
        comments = list(page.item.get("comments") or [])
        revs.merge_comments(self.db, aid, comments, page.seen_at)
        revs.record_comment_count(self.db, aid, page.row["comment_count"], len(comments),
                             page.seen_at)
        self._link_capture(aid, page)

    def _link_capture(self, aid: int, page: _Page) -> None:
        if page.row["capture_id"] is not None:
            self.db.execute("UPDATE captures SET article_id = ? WHERE id = ?",
                            [aid, page.row["capture_id"]])

    def _clusters(self) -> Clusters:
        if self._lsh is None:
            self._lsh = Clusters(self.db)
        return self._lsh

    def _merge_copy(self, aid: int, page: _Page, known: Mapping[str, Any]) -> Outcome:
        # A syndicated copy: its URLs become aliases, the first version stays the record.
        added = self._add_urls(aid, page, known, None, alias=True)
        self._touch(aid, page.seen_at)
        self._link_capture(aid, page)
        return "merged" if added else "unchanged"

    def identify(self, item: Mapping[str, Any]) -> tuple[int | None, str | None]:
        """The article this item belongs to and how it was found, or (None, None). Read-only."""
        page = _Page.from_item(item)
        return self._identify(page, self._known_urls(page.urls))

    def _identify(
        self, page: _Page, known: Mapping[str, tuple[int, str]]
    ) -> tuple[int | None, str | None]:
        """Rules, in order: (1) the page's canonical URL, or another URL of it that is known as
        canonical/fetched, is in article_urls -> "url" ("copy" when that URL is an alias of a
        syndicated copy); (2) an article of the same site and language has the same content
        hash -> "content"; (3) nothing -> new article.

        A URL that only redirected to an article is no proof of identity (think of /latest
        redirecting to today's story), so rule (1) skips those.
        """
        if found := by_known_url(page, known):
            return found
        row = self.db.execute(
            "SELECT id FROM articles WHERE canonical_url = ?", [page.canonical]).fetchone()
        if row:
            return row[0], "url"
        chash = page.row["content_hash"]
        if chash:
            row = self.db.execute(
                "SELECT id FROM articles WHERE site = ? AND language IS ? AND content_hash = ?"
                " ORDER BY first_seen, id LIMIT 1",
                [page.row["site"], page.row["language"], chash],
            ).fetchone()
            if row:
                return row[0], "content"
        return None, None

    def _known_urls(self, urls: list[str]) -> dict[str, tuple[int, str]]:
        marks = ", ".join("?" for _ in urls)
        rows = self.db.execute(
            f"SELECT url, article_id, kind FROM article_urls WHERE url IN ({marks})", urls)
        return {url: (aid, kind) for url, aid, kind in rows}

    def _free_id(self, canonical: str) -> int:
        # Hash collisions are astronomically rare but must not merge two articles: probe on.
        aid = article_id(canonical)
        while self.db.execute("SELECT 1 FROM articles WHERE id = ?", [aid]).fetchone():
            aid = aid % (ID_SPACE - 1) + 1
        return aid

    def _add_urls(
        self, aid: int, page: _Page, known: Mapping[str, Any], canonical: str | None, alias: bool
    ) -> int:
        rows = []
        for url in page.urls:
            if url in known:
                continue  # first owner wins; its first_seen stays
            kind = "alias" if alias else url_kind(url, page, canonical)
            rows.append((url, aid, kind, page.seen_at))
        self.db.conn.executemany(URL_SQL, rows)
        return len(rows)

    def _touch(self, aid: int, seen_at: str) -> None:
        # Only last_seen: the FTS trigger watches headline/body, so the index is untouched.
        self.db.execute(
            "UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?) WHERE id = ?",
            [seen_at, aid],
        )

    def add_capture(self, row: Mapping[str, Any]) -> int:
        """Record one WARC capture (see captures.py); returns its id."""
        try:
            with self._write():
                return int(self.db["captures"].insert(dict(row)).last_pk)
        except sqlite3.Error as exc:
            raise ArchiveError(f"could not record a capture in {self.path}: {exc}") from exc

    # --- crawl runs ---------------------------------------------------------------------------

    def start_run(self, spider: str, args: Mapping[str, Any] | None = None) -> int:
        try:
            with self._write():
                table = self.db["crawl_runs"].insert(
                    {"spider": spider, "started_at": utcnow(), "args": _json(dict(args or {}))})
                return int(table.last_pk)
        except sqlite3.Error as exc:
            raise ArchiveError(f"could not start a crawl run in {self.path}: {exc}") from exc

    def finish_run(
        self,
        run_id: int,
        counts: Mapping[str, int],
        reason: str | None,
        stats: Mapping[str, Any] | None = None,
    ) -> None:
        """Write end time, counts (pages, new, updated, unchanged, merged, rejected, errors)
        and finish reason; safe to call again with later numbers."""
        cols = ("pages", "new", "updated", "unchanged", "merged", "rejected", "errors")
        fields: dict[str, Any] = {c: int(counts.get(c, 0)) for c in cols}
        fields.update(finished_at=utcnow(), finish_reason=reason)
        if stats is not None:
            fields["stats"] = _json(dict(stats))
        try:
            with self._write():
                self.db["crawl_runs"].update(run_id, fields)
        except sqlite3.Error as exc:
            raise ArchiveError(f"could not finish crawl run {run_id}: {exc}") from exc

    # --- reading ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows in every table of the archive, FTS shadow tables included."""
        names = self.db.table_names()
        return {t: self.db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in names}

    def summary(self) -> dict[str, Any]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        articles = one("SELECT count(*) FROM articles")
        urls = one("SELECT count(*) FROM article_urls")
        last = next(self.db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"), None)
        return {
            "articles": articles,
            "article_urls": urls,
            "urls_merged": urls - one("SELECT count(DISTINCT article_id) FROM article_urls"),
            "comments": one("SELECT count(*) FROM comments"),
            "images": one("SELECT count(*) FROM images"),
            "images_with_credit": one(
                "SELECT count(*) FROM images WHERE coalesce(credit, '') != ''"),
            "related_blocks": one("SELECT count(*) FROM related_blocks"),
            "related_links": one("SELECT count(*) FROM related_links"),
            "runs": one("SELECT count(*) FROM crawl_runs"),
            "last_run": last,
        }

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

