"""Export the archive as records of the shared schema, streamed: one article in memory at a time
(parquet: one row group of `BATCH` articles).

JSONL nests images, comments and related blocks exactly as `newsarchive extract` prints them,
plus archive extras (`id`, `first_seen`, `last_seen`, `revision_count`, `cluster_id`,
`duplicate_of`; comments carry `first_seen` / `removed_at` / `edits`). CSV has one row per article
with the lists as JSON text. Parquet keeps the nesting as list/struct columns.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlite_utils import Database

BATCH = 1000
EXTRAS = ("id", "first_seen", "last_seen", "revision_count", "cluster_id", "duplicate_of")
SCALARS = ("url", "canonical_url", "site", "language", "headline", "subheadline",
           "published_at", "modified_at", "section", "body", "comment_count")
FORMATS = ("jsonl", "csv", "parquet")


def article_filter(site: str | None, since: str | None) -> tuple[str, list[str]]:
    """The WHERE clause of `--site S --since DATE` (seen on or after DATE) over `articles`."""
    where, params = ["1"], []
    if site:
        where.append("site = ?")
        params.append(site)
    if since:
        where.append("last_seen >= ?")
        params.append(since)
    return " AND ".join(where), params


def records(db: Database, site: str | None = None, since: str | None = None
            ) -> Iterator[dict[str, Any]]:
    where, params = article_filter(site, since)
    # A cursor of its own: the child queries below run on the same connection meanwhile.
    cursor = db.conn.execute(
        f"SELECT * FROM articles WHERE {where} ORDER BY first_seen, id", params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield _record(db, dict(zip(names, values, strict=True)))


def _record(db: Database, a: dict[str, Any]) -> dict[str, Any]:
    aid = a["id"]
    rec: dict[str, Any] = {k: a[k] for k in SCALARS}
    rec["url"] = a["canonical_url"]  # the article's address; its other URLs are aliases
    rec["authors"] = json.loads(a["authors"] or "[]")
    rec["tags"] = json.loads(a["tags"] or "[]")
    rec["images"] = [
        {k: r[k] for k in ("src", "alt", "caption", "credit")}
        for r in db.query("SELECT * FROM images WHERE article_id = ? ORDER BY position", [aid])]
    rec["comments"] = [
        {"id": r["comment_id"], "parent_id": r["parent_id"], "author": r["author"],
         "published_at": r["published_at"], "text": r["text"], "likes": r["likes"],
         "first_seen": r["first_seen"], "removed_at": r["removed_at"], "edits": r["edits"]}
        for r in db.query("SELECT * FROM comments WHERE article_id = ? "
                          "ORDER BY removed_at IS NOT NULL, position, first_seen", [aid])]
    links: dict[int, list[dict[str, Any]]] = {}
    for r in db.query("SELECT * FROM related_links WHERE article_id = ? "
                      "ORDER BY block_position, position", [aid]):
        links.setdefault(r["block_position"], []).append(
            {"url": r["url"], "title": r["title"], "comment_count": r["comment_count"]})
    rec["related_blocks"] = [
        {"title": r["title"], "links": links.get(r["position"], [])}
        for r in db.query("SELECT * FROM related_blocks WHERE article_id = ? ORDER BY position",
                          [aid])]
    rec.update({k: a.get(k) for k in EXTRAS})
    return rec


def write_jsonl(recs: Iterator[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for rec in recs:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


CSV_COLUMNS = (*EXTRAS, *SCALARS, "authors", "tags", "images", "comments", "related_blocks")


def write_csv(recs: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for rec in recs:
        writer.writerow({k: json.dumps(rec[k], ensure_ascii=False)
                         if isinstance(rec[k], list) else rec[k] for k in CSV_COLUMNS})
        n += 1
    return n


def _parquet_schema() -> Any:
    import pyarrow as pa

    s = pa.string()
    image = pa.struct([("src", s), ("alt", s), ("caption", s), ("credit", s)])
    comment = pa.struct([("id", s), ("parent_id", s), ("author", s), ("published_at", s),
                         ("text", s), ("likes", pa.int64()), ("first_seen", s),
                         ("removed_at", s), ("edits", pa.int64())])
    link = pa.struct([("url", s), ("title", s), ("comment_count", pa.int64())])
    block = pa.struct([("title", s), ("links", pa.list_(link))])
    ints = {"id", "revision_count", "cluster_id", "duplicate_of", "comment_count"}
    fields = [(k, pa.int64() if k in ints else s) for k in (*EXTRAS, *SCALARS)]
    fields += [("authors", pa.list_(s)), ("tags", pa.list_(s)), ("images", pa.list_(image)),
               ("comments", pa.list_(comment)), ("related_blocks", pa.list_(block))]
    return pa.schema(fields)


def write_parquet(recs: Iterator[dict[str, Any]], path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema()
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for rec in recs:
            chunk.append(rec)
            n += 1
            if len(chunk) >= BATCH:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                chunk = []
        if chunk or n == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
    return n
