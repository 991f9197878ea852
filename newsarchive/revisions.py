"""Article revisions and comment history: what changed between crawls, never overwritten.

A revision is the article's *content* (headline, body, images with credits, authors, dates,
section, tags, language): counters (comment counts, likes), comments and related-link blocks are
not part of it, so a new comment or a changed "Most read" box does not make a revision.
Comments have their own history (`comment_versions`, `removed_at`), and the declared comment
count is a step series in `comment_counts`.

All functions run inside the caller's transaction (`Archive._write()`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

# Must match REVISION_FIELDS_0003 in migrations.py (the backfill hashes legacy rows the same
# way, so the first re-crawl of an upgraded archive does not see a phantom revision).
REVISION_FIELDS = ("language", "headline", "subheadline", "authors", "section", "tags",
                   "published_at", "modified_at", "body", "images")
IMAGE_KEYS = ("src", "alt", "caption", "credit")


def revision_content(item: Mapping[str, Any]) -> dict[str, Any]:
    """The versioned part of a record, in a canonical shape (lists never None)."""
    content = {k: item.get(k) for k in REVISION_FIELDS}
    content["authors"] = list(item.get("authors") or [])
    content["tags"] = list(item.get("tags") or [])
    content["images"] = [{k: im.get(k) for k in IMAGE_KEYS} for im in item.get("images") or []]
    return content


def revision_json(content: Mapping[str, Any]) -> str:
    """The stored text of a revision's content; its sha1 is the revision hash."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False)


def revision_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha1(revision_json(content).encode()).hexdigest()


REVISION_SQL = ("INSERT INTO revisions (article_id, revision, fetched_at, revision_hash,"
                " content_hash, capture_id, content) VALUES (?, ?, ?, ?, ?, ?, ?)")


def add_revision(db: Database, aid: int, content: Mapping[str, Any] | str,
                 fetched_at: str | None, capture_id: int | None,
                 content_hash: str | None) -> int:
    """Append the next revision of `aid`; returns its number (1 for a new article).
    `content` may be given already dumped (`revision_json`)."""
    last = db.execute("SELECT max(revision) FROM revisions WHERE article_id = ?",
                      [aid]).fetchone()[0]
    number = int(last or 0) + 1
    text = content if isinstance(content, str) else revision_json(content)
    db.execute(REVISION_SQL, [aid, number, fetched_at, hashlib.sha1(text.encode()).hexdigest(),
                              content_hash, capture_id, text])
    db.execute("UPDATE articles SET revision_count = ? WHERE id = ?", [number, aid])
    return number


# --- comments -------------------------------------------------------------------------------

def comment_key(comment: Mapping[str, Any]) -> str:
    """The site's id, or (no id on the page) a stable hash of author, date and text."""
    if comment.get("id"):
        return str(comment["id"])
    raw = "\x1f".join(str(comment.get(k) or "") for k in ("author", "published_at", "text"))
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def merge_comments(db: Database, aid: int, comments: list[Mapping[str, Any]], seen_at: str,
                   mark_removed: bool = True) -> dict[str, int]:
    """Merge the comments shown now into the article's comment history.

    New ones are added, edited ones (text or author changed) get a new `comment_versions` row,
    likes are updated in place (a counter), and - with `mark_removed` - ones no longer shown get
    `removed_at` (rows are never deleted; a comment that comes back is un-removed). Returns
    counts of added / edited / removed.
    """
    existing = {r["comment_id"]: r for r in db.query(
        "SELECT comment_id, author, text, edits, removed_at FROM comments WHERE article_id = ?",
        [aid])}
    stats = {"added": 0, "edited": 0, "removed": 0}
    shown: set[str] = set()
    for position, c in enumerate(comments):
        cid = comment_key(c)
        if cid in shown:
            continue  # a page listing one comment twice (pinned + in thread)
        shown.add(cid)
        row = {"parent_id": c.get("parent_id"), "author": c.get("author"),
               "published_at": c.get("published_at"), "published_raw": c.get("published_raw"),
               "text": c.get("text"), "likes": c.get("likes"), "position": position,
               "last_seen": seen_at, "removed_at": None}
        old = existing.get(cid)
        if old is None:
            db["comments"].insert({"article_id": aid, "comment_id": cid, **row,
                                   "first_seen": seen_at, "edits": 0})
            _comment_version(db, aid, cid, 1, seen_at, c)
            stats["added"] += 1
            continue
        if (old["text"], old["author"]) != (c.get("text"), c.get("author")):
            row["edits"] = int(old["edits"] or 0) + 1
            _comment_version(db, aid, cid, row["edits"] + 1, seen_at, c)
            stats["edited"] += 1
        db["comments"].update((aid, cid), row)
    if mark_removed:
        gone = [cid for cid, r in existing.items() if cid not in shown and not r["removed_at"]]
        for cid in gone:
            db["comments"].update((aid, cid), {"removed_at": seen_at})
        stats["removed"] = len(gone)
    return stats


def _comment_version(db: Database, aid: int, cid: str, version: int, seen_at: str,
                     c: Mapping[str, Any]) -> None:
    db["comment_versions"].insert({
        "article_id": aid, "comment_id": cid, "version": version, "seen_at": seen_at,
        "author": c.get("author"), "published_at": c.get("published_at"), "text": c.get("text"),
    })


def touch_comments(db: Database, aid: int, seen_at: str) -> None:
    """An unchanged re-crawl: the comments still shown were seen again."""
    db.execute("UPDATE comments SET last_seen = max(coalesce(last_seen, ''), ?) "
               "WHERE article_id = ? AND removed_at IS NULL", [seen_at, aid])


def record_comment_count(db: Database, aid: int, count: int | None, shown: int,
                         seen_at: str) -> None:
    """A new step when the declared count (or the number shown) changes; else move last_seen."""
    if count is None and not shown:
        return
    last = db.execute(
        "SELECT first_seen, comment_count, comments_shown FROM comment_counts "
        "WHERE article_id = ? ORDER BY first_seen DESC LIMIT 1", [aid]).fetchone()
    if last and (last[1], last[2]) in ((count, shown), (count, None)):
        db.execute("UPDATE comment_counts SET last_seen = max(last_seen, ?), comments_shown = ? "
                   "WHERE article_id = ? AND first_seen = ?", [seen_at, shown, aid, last[0]])
        return
    if last and last[0] >= seen_at:
        return  # an older page than the latest step: history is not rewritten
    db["comment_counts"].insert({"article_id": aid, "first_seen": seen_at, "last_seen": seen_at,
                                 "comment_count": count, "comments_shown": shown})
