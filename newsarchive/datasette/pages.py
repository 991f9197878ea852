"""Data for the article page and the crawl-run page (rendered by templates/row.html).

Every query here is keyed by the article id or run id (primary keys and the child tables'
compound keys starting with article_id), so a page costs the same on a million articles as on
ten. Optional tables and columns (`revisions`, `comments.removed_at`, from the history issue)
are looked up in the schema and shown when present.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from datasette.utils import urlsafe_components

# Datasette imports this plugin (entry point) while `datasette.app` is still importing:
# a runtime import of it here would be circular.
if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.database import Database


def _pk(pks: str) -> int | None:
    try:
        return int(urlsafe_components(pks)[0])
    except (ValueError, IndexError):
        return None


def _json(value: Any, default: Any) -> Any:
    try:
        out = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return default
    return out if isinstance(out, type(default)) else default


async def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


def comment_tree(comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat comments (parent_id = the replied-to comment_id) as nested `replies`, page order.
    A reply whose parent is not archived is shown at the top level rather than lost."""
    ids = {c["comment_id"] for c in comments}
    for c in comments:
        c["replies"] = []
    by_id = {c["comment_id"]: c for c in comments}
    roots = []
    for c in comments:
        parent = c.get("parent_id")
        if parent in ids and parent != c["comment_id"]:
            by_id[parent]["replies"].append(c)
        else:
            roots.append(c)
    return roots


async def article_context(ds: Datasette, db: Database, pks: str) -> dict[str, Any] | None:
    aid = _pk(pks)
    if aid is None or not await db.table_exists("comments"):
        return None
    found = await _rows(db, "select * from articles where id = ?", [aid])
    if not found:
        return None
    art = found[0]
    art["authors_list"] = _json(art.get("authors"), [])
    art["tags_list"] = _json(art.get("tags"), [])
    art["paragraphs"] = [p.strip() for p in (art.get("body") or "").split("\n\n") if p.strip()]
    art["images"] = await _rows(
        db, "select * from images where article_id = ? order by position", [aid])
    comments = await _rows(
        db, "select * from comments where article_id = ? order by position, published_at", [aid])
    art["comment_total"] = len(comments)
    art["comments_removed"] = sum(1 for c in comments if c.get("removed_at"))
    art["comments"] = comment_tree(comments)
    blocks = await _rows(
        db, "select * from related_blocks where article_id = ? order by position", [aid])
    links = await _rows(
        db,
        "select rl.*, au.article_id as target_id from related_links rl"
        " left join article_urls au on au.url = rl.url_key"
        " where rl.article_id = ? order by rl.block_position, rl.position",
        [aid],
    )
    for b in blocks:
        b["links"] = [lk for lk in links if lk["block_position"] == b["position"]]
    art["blocks"] = blocks
    art["urls"] = await _rows(
        db, "select url, kind, first_seen from article_urls where article_id = ?"
            " order by kind = 'canonical' desc, first_seen, url", [aid])
    art["linked_from"] = (await db.execute(
        "select count(*) from related_links where url_key in"
        " (select url from article_urls where article_id = ?)", [aid])).first()[0]
    art["revisions"] = None
    if await db.table_exists("revisions"):
        cols = await db.table_columns("revisions")
        if "article_id" in cols:
            order = next((c for c in ("fetched_at", "version", "id") if c in cols), "rowid")
            if {"revision", "content", "fetched_at"} <= set(cols):
                # the history schema: one line per version, its headline, and the capture
                revs = await _rows(
                    db, "select id, revision, fetched_at, json_extract(content, '$.headline')"
                        " as headline, length(json_extract(content, '$.body')) as body_chars,"
                        " capture_id from revisions where article_id = ? order by revision",
                    [aid])
                art["revision_columns"] = ["revision", "fetched_at", "headline", "body_chars",
                                           "capture_id"]
            else:
                revs = await _rows(
                    db, f"select * from revisions where article_id = ? order by [{order}]",
                    [aid])
                # Long fields (full bodies) are summarised: the revisions table has them whole.
                art["revision_columns"] = [c for c in cols if c != "article_id"]
            art["revisions"] = revs
    art["table_url"] = ds.urls.table(db.name, "articles")
    art["db_url"] = ds.urls.database(db.name)
    return art


def _duration(start: str | None, end: str | None) -> str | None:
    try:
        delta = datetime.fromisoformat(end or "") - datetime.fromisoformat(start or "")
        secs = int(delta.total_seconds())
    except (ValueError, TypeError):
        return None
    return f"{secs // 60} min {secs % 60} s" if secs >= 60 else f"{secs} s"


async def run_context(ds: Datasette, db: Database, pks: str) -> dict[str, Any] | None:
    rid = _pk(pks)
    if rid is None or not await db.table_exists("articles"):
        return None
    found = await _rows(db, "select * from crawl_runs where id = ?", [rid])
    if not found:
        return None
    run = found[0]
    run["args_obj"] = _json(run.get("args"), {})
    stats = _json(run.get("stats"), {})
    # newsarchive's own counters (stored/rejected/fetch_failed reasons) first, Scrapy's after.
    run["own_stats"] = sorted((k, v) for k, v in stats.items() if k.startswith("newsarchive/"))
    run["scrapy_stats"] = sorted((k, v) for k, v in stats.items()
                                 if not k.startswith("newsarchive/"))
    run["duration"] = _duration(run.get("started_at"), run.get("finished_at"))
    run["prev_id"] = (await db.execute(
        "select max(id) from crawl_runs where id < ?", [rid])).first()[0]
    run["next_id"] = (await db.execute(
        "select min(id) from crawl_runs where id > ?", [rid])).first()[0]
    run["runs_url"] = ds.urls.table(db.name, "crawl_runs")
    run["seen_url"] = None
    if run.get("started_at") and run.get("finished_at"):
        window = [run["started_at"], run["finished_at"]]
        # Runs of different spiders may overlap in time: this is a window, not ownership.
        run["first_seen_count"] = (await db.execute(
            "select count(*) from articles where first_seen between ? and ?", window)).first()[0]
        run["seen_url"] = (ds.urls.table(db.name, "articles")
                           + f"?first_seen__gte={window[0]}&first_seen__lte={window[1]}"
                           "&_sort_desc=first_seen").replace("+", "%2B")
    return run
