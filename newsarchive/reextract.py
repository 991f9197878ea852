"""Re-extraction: rebuild every record from its stored WARC capture with today's extractors.

Offline (captures only, no network), idempotent (a second run changes nothing), and it never
loses data: identity (ids, URLs) is kept, each revision is re-extracted from its own capture and
updated in place (no new revision: the publisher did not change anything), and the article row
from the capture of its latest stored version. A field the new extractor no longer finds keeps
its old value and is reported (`Report.missing`), never silently blanked. Comments are merged
without marking any as removed. Writes are batched: one transaction per `batch` articles, one
executemany per table; if a batch fails, its articles are written one by one, so one the
database refuses costs only itself (reported in `Report.errors`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newsarchive.archive import Archive, _Page, utcnow
from newsarchive.archive_batch import ROW_COLUMNS
from newsarchive.archive_children import ChildRows
from newsarchive.captures import read_capture
from newsarchive.export import article_filter
from newsarchive.extract import extract
from newsarchive.profiles import SiteProfile, find_by_url, load_profiles
from newsarchive.revisions import REVISION_FIELDS, merge_comments, revision_content, revision_json

SCALARS = ("language", "headline", "subheadline", "section", "published_at", "published_raw",
           "modified_at", "modified_raw", "body", "comment_count", "access")
LISTS = ("authors", "tags", "images", "related_blocks")


# What a re-extraction rewrites in place: the article row but its identity and capture...
ARTICLE_FIELDS = tuple(k for k in ROW_COLUMNS
                       if k not in ("canonical_url", "url", "capture_id", "fetched_at", "site"))
ARTICLE_UPDATE = (f"UPDATE articles SET {', '.join(f'{k} = ?' for k in ARTICLE_FIELDS)}"
                  " WHERE id = ?")
# ...and revisions' content (no new revision: the publisher did not change anything).
REVISION_UPDATE = ("UPDATE revisions SET content = ?, revision_hash = ?, reextracted_at = ?"
                   " WHERE id = ?")


@dataclass
class _Changes:
    aid: int
    revisions: list[tuple[Any, ...]] = field(default_factory=list)  # REVISION_UPDATE rows
    article: tuple[_Page, Mapping[str, Any]] | None = None  # (re-extracted page, stored row)

    def __bool__(self) -> bool:
        return bool(self.revisions or self.article)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass
class Report:
    articles: int = 0
    revisions: int = 0
    changed_articles: int = 0
    changed_revisions: int = 0
    no_capture: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    missing: list[tuple[int, str, str]] = field(default_factory=list)  # (article, where, field)


def _keep_missing(new: dict[str, Any], old: Mapping[str, Any], fields: tuple[str, ...],
                  aid: int, where: str, report: Report) -> None:
    """Fill what the new extraction lost from the old record, and say so."""
    for key in fields:
        if _empty(new.get(key)) and not _empty(old.get(key)):
            new[key] = old[key]
            report.missing.append((aid, where, key))
    old_images, new_images = old.get("images") or [], new.get("images") or []
    if len(old_images) == len(new_images):
        for i, (o, n) in enumerate(zip(old_images, new_images, strict=True)):
            if o.get("credit") and not n.get("credit"):
                n["credit"] = o["credit"]
                report.missing.append((aid, where, f"images[{i}].credit"))


class Reextractor:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.db = archive.db
        self.base = Path(archive.path).resolve().parent
        self.profiles = load_profiles()

    def _profile(self, name: str | None, url: str) -> SiteProfile | None:
        return self.profiles.get(name) if name in self.profiles else find_by_url(
            url, self.profiles)

    def _extract(self, capture_id: int, profile_name: str | None, fetched_at: str | None,
                 listed: str | None = None) -> dict[str, Any] | None:
        row = self.db.execute("SELECT warc_file, offset FROM captures WHERE id = ?",
                              [capture_id]).fetchone()
        if row is None:
            return None
        path = Path(row[0]) if Path(row[0]).is_absolute() else self.base / row[0]
        cap = read_capture(path, row[1])
        when = datetime.fromisoformat(fetched_at) if fetched_at else None
        rec = extract(cap.body, cap.url, profile=self._profile(profile_name, cap.url),
                      headers=cap.headers, fetched_at=when, listed_published=listed)
        return rec.to_dict()

    def _article_changes(self, aid: int, report: Report) -> _Changes:
        art = next(self.db.query("SELECT * FROM articles WHERE id = ?", [aid]))
        changes = _Changes(aid)
        # a date the sitemap or feed gave is not in the capture: hand it to extraction again
        listed = art["published_raw"] if json.loads(art["provenance"] or "{}").get(
            "published_at") == "listing" else None
        for rev in list(self.db.query(
                "SELECT id, revision, fetched_at, capture_id, content FROM revisions "
                "WHERE article_id = ? ORDER BY revision", [aid])):
            report.revisions += 1
            if rev["capture_id"] is None:
                report.no_capture += 1
                continue
            item = self._extract(rev["capture_id"], art["site_profile"], rev["fetched_at"],
                                 listed)
            if item is None:
                report.no_capture += 1
                continue
            old = json.loads(rev["content"])
            new = revision_content(item)
            _keep_missing(new, old, REVISION_FIELDS, aid, f"revision {rev['revision']}", report)
            if new != old:
                report.changed_revisions += 1
                text = revision_json(new)
                changes.revisions.append((text, hashlib.sha1(text.encode()).hexdigest(),
                                          utcnow(), rev["id"]))
        if art["capture_id"] is None:
            report.no_capture += 1
            return changes
        item = self._extract(art["capture_id"], art["site_profile"], art["fetched_at"], listed)
        if item is None:
            report.no_capture += 1
            return changes
        old = self._stored_record(art)
        _keep_missing(item, old, SCALARS + LISTS, aid, "article", report)
        item.update(url=art["url"], canonical_url=art["canonical_url"], site=art["site"],
                    capture_id=art["capture_id"], fetched_at=art["fetched_at"])
        page = _Page.from_item(item)
        if page.row["version_hash"] != art["version_hash"]:
            report.changed_articles += 1
            changes.article = (page, art)
        return changes

    def _stored_record(self, art: Mapping[str, Any]) -> dict[str, Any]:
        old = {k: art[k] for k in SCALARS}
        old["authors"] = json.loads(art["authors"] or "[]")
        old["tags"] = json.loads(art["tags"] or "[]")
        old["images"] = [
            {k: r[k] for k in ("src", "alt", "caption", "credit")}
            for r in self.db.query("SELECT * FROM images WHERE article_id = ? ORDER BY position",
                                   [art["id"]])]
        blocks = []
        for b in self.db.query("SELECT * FROM related_blocks WHERE article_id = ? "
                               "ORDER BY position", [art["id"]]):
            links = [{"url": r["url"], "title": r["title"], "comment_count": r["comment_count"]}
                     for r in self.db.query(
                         "SELECT * FROM related_links WHERE article_id = ? AND block_position = ?"
                         " ORDER BY position", [art["id"], b["position"]])]
            blocks.append({"title": b["title"], "links": links})
        old["related_blocks"] = blocks
        return old

    def _write(self, batch: list[_Changes]) -> None:
        """One batch's changes, in the caller's transaction: executemany per table."""
        conn, children = self.db.conn, ChildRows()
        conn.executemany(REVISION_UPDATE, [r for ch in batch for r in ch.revisions])
        articles = [ch.article for ch in batch if ch.article is not None]
        conn.executemany(ARTICLE_UPDATE, [
            (*[page.row[k] for k in ARTICLE_FIELDS], art["id"]) for page, art in articles])
        for page, art in articles:
            children.add(art["id"], page.item, replace=True)
        children.write(self.db)
        for page, art in articles:
            # The same page again: comments are merged (texts refreshed), none marked removed.
            merge_comments(self.db, art["id"], list(page.item.get("comments") or []),
                           art["last_seen"], mark_removed=False)
            if page.item.get("body") != art["body"]:
                self.archive._clusters().update(art["id"], page.item.get("body"))

    def run(self, site: str | None = None, since: str | None = None, batch: int = 100,
            progress: Callable[[int, int], None] | None = None) -> Report:
        where, params = article_filter(site, since)
        ids = [r[0] for r in self.db.execute(
            f"SELECT id FROM articles WHERE {where} ORDER BY id", params)]
        report = Report()
        for start in range(0, len(ids), batch):
            changes: list[_Changes] = []
            for aid in ids[start:start + batch]:
                report.articles += 1
                try:
                    changes.append(self._article_changes(aid, report))
                except Exception as exc:  # one unreadable capture must not stop the run
                    report.errors.append((aid, f"{type(exc).__name__}: {exc}"))
            changes = [ch for ch in changes if ch]
            try:
                with self.archive._write():
                    self._write(changes)
            except Exception:  # noqa: BLE001 - found out below, article by article
                for ch in changes:  # one article the database refuses costs only itself
                    try:
                        with self.archive._write():
                            self._write([ch])
                    except Exception as exc:  # noqa: BLE001
                        report.errors.append((ch.aid, f"not written: {exc}"))
            if progress:
                progress(min(start + batch, len(ids)), len(ids))
        return report


def reextract(archive: Archive, **kwargs: Any) -> Report:
    return Reextractor(archive).run(**kwargs)
