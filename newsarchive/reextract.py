"""Re-extraction: rebuild every record from its stored WARC capture with today's extractors.

Offline (captures only, no network), idempotent (a second run changes nothing), and it never
loses data: identity (ids, URLs) is kept, each revision is re-extracted from its own capture and
updated in place (no new revision: the publisher did not change anything), and the article row
from the capture of its latest stored version. A field the new extractor no longer finds keeps
its old value and is reported (`Report.missing`), never silently blanked. Comments are merged
without marking any as removed.

A batch of `batch` articles is first extracted into memory (`prepare`: reads only), then
written in one transaction (`commit`, reextract_write.py: one executemany per statement); if
the batch fails, its articles are written one by one, so one the database refuses costs only
itself (reported in `Report.errors`). A killed run leaves whole batches written; running it
again redoes what is left (what is done re-extracts to the same rows: no change).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newsarchive import clusters as cl
from newsarchive.archive import Archive, _Page, utcnow
from newsarchive.archive_children import child_rows
from newsarchive.captures import read_capture
from newsarchive.export import article_filter
from newsarchive.extract import extract
from newsarchive.profiles import SiteProfile, find_by_url, load_profiles
from newsarchive.reextract_write import write_batch
from newsarchive.revisions import REVISION_FIELDS, revision_content, revision_json

SCALARS = ("language", "headline", "subheadline", "section", "published_at", "published_raw",
           "modified_at", "modified_raw", "body", "comment_count", "access")
LISTS = ("authors", "tags", "images", "related_blocks")


@dataclass
class _Changes:
    aid: int
    revisions: list[tuple[Any, ...]] = field(default_factory=list)  # REVISION_UPDATE rows
    article: tuple[_Page, Mapping[str, Any]] | None = None  # (re-extracted page, stored row)
    children_changed: bool = False  # images / related rows differ from the stored ones
    signature: bytes | None = None  # the new body's MinHash, when the body changed

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
    extract_seconds: float = 0.0  # reading captures and re-extracting (no write lock held)
    write_seconds: float = 0.0  # the batches' transactions


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
        old, stored_children = self._stored_record(art)
        _keep_missing(item, old, SCALARS + LISTS, aid, "article", report)
        item.update(url=art["url"], canonical_url=art["canonical_url"], site=art["site"],
                    capture_id=art["capture_id"], fetched_at=art["fetched_at"])
        page = _Page.from_item(item)
        if page.row["version_hash"] != art["version_hash"]:
            report.changed_articles += 1
            changes.article = (page, art)
            changes.children_changed = child_rows(aid, item) != stored_children
            if item.get("body") != art["body"]:
                sig = cl.signature(item.get("body"))  # CPU work: done here, not while writing
                changes.signature = None if sig is None else sig.tobytes()
        return changes

    def _stored_record(self, art: Mapping[str, Any]
                       ) -> tuple[dict[str, Any], dict[str, list[tuple[Any, ...]]]]:
        """The stored record's fields, and its image / related rows as `child_rows` makes them."""
        old = {k: art[k] for k in SCALARS}
        old["authors"] = json.loads(art["authors"] or "[]")
        old["tags"] = json.loads(art["tags"] or "[]")
        aid = art["id"]
        rows = {
            "images": self.db.execute(
                "SELECT article_id, position, src, alt, caption, credit FROM images"
                " WHERE article_id = ? ORDER BY position", [aid]).fetchall(),
            "related_blocks": self.db.execute(
                "SELECT article_id, position, title, link_count FROM related_blocks"
                " WHERE article_id = ? ORDER BY position", [aid]).fetchall(),
            "related_links": self.db.execute(
                "SELECT article_id, block_position, position, block_title, url, url_key, title,"
                " comment_count FROM related_links WHERE article_id = ?"
                " ORDER BY block_position, position", [aid]).fetchall(),
        }
        old["images"] = [dict(zip(("src", "alt", "caption", "credit"), r[2:], strict=True))
                         for r in rows["images"]]
        old["related_blocks"] = [
            {"title": b[2], "links": [{"url": r[4], "title": r[6], "comment_count": r[7]}
                                      for r in rows["related_links"] if r[1] == b[1]]}
            for b in rows["related_blocks"]]
        return old, rows

    def _write(self, batch: list[_Changes]) -> list[int]:
        """One batch's changes, in the caller's transaction (reextract_write.py); returns the
        articles left out because a crawl stored them anew since they were re-extracted."""
        return write_batch(self.archive, batch)

    def prepare(self, ids: list[int], report: Report) -> list[_Changes]:
        """Re-extract these articles into memory: what would change (reads only)."""
        changes: list[_Changes] = []
        for aid in ids:
            report.articles += 1
            try:
                changes.append(self._article_changes(aid, report))
            except Exception as exc:  # one unreadable capture must not stop the run
                report.errors.append((aid, f"{type(exc).__name__}: {exc}"))
        return [ch for ch in changes if ch]

    def commit(self, changes: list[_Changes], report: Report) -> None:
        """Write one prepared batch in one transaction; if the database refuses it, article by
        article, so one it refuses costs only itself."""
        if not changes:
            return
        skipped: list[int] = []
        try:
            with self.archive._write():
                skipped = self._write(changes) or []
        except Exception:  # noqa: BLE001 - found out below, article by article
            for ch in changes:
                try:
                    with self.archive._write():
                        skipped += self._write([ch]) or []
                except Exception as exc:  # noqa: BLE001
                    report.errors.append((ch.aid, f"not written: {exc}"))
        for aid in skipped:  # an error: the exit code says to run again
            report.errors.append((aid, "not written: stored anew while re-extracting, run again"))

    def ids(self, site: str | None = None, since: str | None = None) -> list[int]:
        where, params = article_filter(site, since)
        return [r[0] for r in self.db.execute(
            f"SELECT id FROM articles WHERE {where} ORDER BY id", params)]

    def run(self, site: str | None = None, since: str | None = None, batch: int = 100,
            progress: Callable[[int, int], None] | None = None) -> Report:
        ids = self.ids(site, since)
        report = Report()
        for start in range(0, len(ids), batch):
            t0 = time.perf_counter()
            changes = self.prepare(ids[start:start + batch], report)
            t1 = time.perf_counter()
            self.commit(changes, report)
            report.extract_seconds += t1 - t0
            report.write_seconds += time.perf_counter() - t1
            if progress:
                progress(min(start + batch, len(ids)), len(ids))
        return report


def reextract(archive: Archive, **kwargs: Any) -> Report:
    return Reextractor(archive).run(**kwargs)
