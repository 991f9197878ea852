"""An article's history as text: every revision, a unified diff between consecutive ones, and
what happened to its comments (like NewsDiffs / diffengine, from the archive alone)."""

from __future__ import annotations

import difflib
import json
from typing import Any

from sqlite_utils import Database

from newsarchive.archive_children import page_url


def resolve(db: Database, url_or_id: str) -> int | None:
    """An article id from its id or any URL that led to it (aliases, redirects, variants)."""
    if url_or_id.strip().isdigit():
        row = db.execute("SELECT id FROM articles WHERE id = ?", [int(url_or_id)]).fetchone()
        return int(row[0]) if row else None
    url = page_url(url_or_id.strip())
    if not url:
        return None
    row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", [url]).fetchone()
    if row is None:
        row = db.execute("SELECT id FROM articles WHERE canonical_url = ?", [url]).fetchone()
    return int(row[0]) if row else None


def revisions(db: Database, aid: int) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT r.revision, r.fetched_at, r.revision_hash, r.reextracted_at, r.content, "
        "c.warc_file, c.offset FROM revisions r LEFT JOIN captures c ON c.id = r.capture_id "
        "WHERE r.article_id = ? ORDER BY r.revision", [aid])
    return [dict(r, content=json.loads(r["content"])) for r in rows]


def as_lines(content: dict[str, Any]) -> list[str]:
    """A revision as lines that diff well: one per field, one per paragraph, one per image."""
    lines = [f"headline: {content.get('headline') or ''}"]
    for key in ("subheadline", "section", "language", "published_at", "modified_at"):
        if content.get(key):
            lines.append(f"{key}: {content[key]}")
    if content.get("authors"):
        lines.append("authors: " + ", ".join(content["authors"]))
    if content.get("tags"):
        lines.append("tags: " + ", ".join(content["tags"]))
    lines.append("")
    lines += [p for p in (content.get("body") or "").split("\n\n") if p.strip()]
    for i, im in enumerate(content.get("images") or []):
        lines.append(f"image {i + 1}: {im.get('src')} | caption: {im.get('caption') or ''}"
                     f" | credit: {im.get('credit') or ''}")
    return lines


def comment_events(db: Database, aid: int) -> list[str]:
    out = []
    for r in db.query(
        "SELECT comment_id, author, first_seen, removed_at, edits FROM comments "
        "WHERE article_id = ? ORDER BY first_seen, position", [aid]):
        note = f"  {r['comment_id']} by {r['author'] or '?'}: first seen {r['first_seen']}"
        if r["edits"]:
            note += f", edited {r['edits']}x"
        if r["removed_at"]:
            note += f", removed by {r['removed_at']}"
        out.append(note)
    counts = [f"{r[0]}: {r[1]}" for r in db.execute(
        "SELECT first_seen, comment_count FROM comment_counts WHERE article_id = ? "
        "ORDER BY first_seen", [aid])]
    if counts:
        out.append("  declared count: " + "; ".join(counts))
    return out


def history_text(db: Database, aid: int) -> str:
    art = db.execute("SELECT canonical_url, headline, first_seen, last_seen, cluster_id, "
                     "duplicate_of FROM articles WHERE id = ?", [aid]).fetchone()
    revs = revisions(db, aid)
    out = [f"article {aid}: {art[1]}", f"  {art[0]}",
           f"  seen {art[2]} .. {art[3]}, {len(revs)} revision(s)"]
    if art[4] is not None:
        out.append(f"  near-duplicate cluster {art[4]}"
                   + (f" (copy of {art[5]})" if art[5] else " (first of its cluster)"))
    previous: list[str] | None = None
    for rev in revs:
        where = f", capture {rev['warc_file']}@{rev['offset']}" if rev["warc_file"] else ""
        out.append(f"\n== revision {rev['revision']}  fetched {rev['fetched_at']}  "
                   f"{(rev['revision_hash'] or '')[:12]}{where}")
        lines = as_lines(rev["content"])
        if previous is None:
            out += ["  " + line for line in lines]
        else:
            out += list(difflib.unified_diff(
                previous, lines, fromfile=f"revision {rev['revision'] - 1}",
                tofile=f"revision {rev['revision']}", lineterm="", n=1))
        previous = lines
    events = comment_events(db, aid)
    if events:
        out += ["\n== comments", *events]
    return "\n".join(out)
