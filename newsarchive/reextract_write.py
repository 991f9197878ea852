"""The write side of `reextract`: one batch of re-extracted articles, statement per table.

`write_batch` gives the rows the per-article path gave (tests/test_reextract.py runs both on
one archive and compares the databases), with one `executemany` per statement instead of a
few statements per article and per comment:

- articles: one UPDATE for those whose headline or body changed, one for the rest, each
  setting only the columns that changed (`article_updates`);
- images and related blocks/links: replaced only where their rows differ from the stored ones;
- comments: `revisions.merge_comments(..., mark_removed=False)` for the whole batch, from one
  read of the batch's stored comments; a comment whose row would not change is not rewritten;
- clusters: what `Clusters.update` does per article whose body changed (an article already
  in a cluster keeps it and gets its new signature, one not in a cluster may join one), for
  the batch in one `archive_clusters.link` call (`link_clusters`), with the signatures
  computed during extraction.

Everything runs in the caller's transaction (`Archive._write()`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from newsarchive import clusters as cl
from newsarchive.archive_batch import ROW_COLUMNS
from newsarchive.archive_children import ChildRows
from newsarchive.archive_clusters import link
from newsarchive.revisions import comment_key

if TYPE_CHECKING:
    from newsarchive.archive import Archive
    from newsarchive.reextract import _Changes

# What a re-extraction rewrites in place: the article row but its identity and capture...
ARTICLE_FIELDS = tuple(k for k in ROW_COLUMNS
                       if k not in ("canonical_url", "url", "capture_id", "fetched_at", "site"))
TEXT = {"headline", "body"}  # the columns of the FTS index
# ...and revisions' content (no new revision: the publisher did not change anything).
REVISION_UPDATE = ("UPDATE revisions SET content = ?, revision_hash = ?, reextracted_at = ?"
                   " WHERE id = ?")

# Columns of `merge_comments`' row, in this order in the statements below.
COMMENT_ROW = ("parent_id", "author", "published_at", "published_raw", "text", "likes",
               "position", "last_seen", "removed_at")
COMMENT_INSERT = (f"INSERT INTO comments (article_id, comment_id, {', '.join(COMMENT_ROW)},"
                  f" first_seen, edits) VALUES ({', '.join('?' * (len(COMMENT_ROW) + 4))})")
COMMENT_UPDATE = (f"UPDATE comments SET {', '.join(f'{c} = ?' for c in COMMENT_ROW)}"
                  " WHERE article_id = ? AND comment_id = ?")
COMMENT_EDIT = (f"UPDATE comments SET {', '.join(f'{c} = ?' for c in COMMENT_ROW)}, edits = ?"
                " WHERE article_id = ? AND comment_id = ?")
VERSION_INSERT = ("INSERT INTO comment_versions (article_id, comment_id, version, seen_at,"
                  " author, published_at, text) VALUES (?, ?, ?, ?, ?, ?, ?)")


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


class CommentMerge:
    """`merge_comments(db, aid, comments, seen_at, mark_removed=False)` for many articles."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, list[Mapping[str, Any]], str]] = []

    def add(self, aid: int, comments: list[Mapping[str, Any]], seen_at: str) -> None:
        self.entries.append((aid, comments, seen_at))

    def write(self, conn: sqlite3.Connection) -> None:
        if not self.entries:
            return
        existing: dict[tuple[int, str], tuple[Any, ...]] = {}
        cols = ", ".join(COMMENT_ROW)
        for ids in _chunks([aid for aid, _, _ in self.entries]):
            marks = ", ".join("?" * len(ids))
            for row in conn.execute(f"SELECT article_id, comment_id, {cols}, edits FROM comments"
                                    f" WHERE article_id IN ({marks})", ids):
                existing[(row[0], row[1])] = row[2:]
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        edits: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        for aid, comments, seen_at in self.entries:
            shown: set[str] = set()
            for position, c in enumerate(comments):
                cid = comment_key(c)
                if cid in shown:
                    continue  # listed twice (pinned + in thread): the first one counts
                shown.add(cid)
                row = (c.get("parent_id"), c.get("author"), c.get("published_at"),
                       c.get("published_raw"), c.get("text"), c.get("likes"), position,
                       seen_at, None)
                old = existing.get((aid, cid))
                if old is None:
                    inserts.append((aid, cid, *row, seen_at, 0))
                    versions.append((aid, cid, 1, seen_at, c.get("author"),
                                     c.get("published_at"), c.get("text")))
                    continue
                # old: the COMMENT_ROW columns then edits; text is 4, author 1
                if (old[4], old[1]) != (c.get("text"), c.get("author")):
                    count = int(old[-1] or 0) + 1
                    edits.append((*row, count, aid, cid))
                    versions.append((aid, cid, count + 1, seen_at, c.get("author"),
                                     c.get("published_at"), c.get("text")))
                elif tuple(old[:-1]) != row:  # the same row again is not rewritten
                    updates.append((*row, aid, cid))
        conn.executemany(COMMENT_INSERT, inserts)
        conn.executemany(COMMENT_UPDATE, updates)
        conn.executemany(COMMENT_EDIT, edits)
        conn.executemany(VERSION_INSERT, versions)
        self.entries = []


def stale(conn: sqlite3.Connection, batch: Sequence[_Changes]) -> list[int]:
    """Articles of the batch stored anew since they were re-extracted (a crawl running
    meanwhile): their re-extraction is of an older version and must not overwrite it."""
    read = {ch.aid: ch.article[1]["version_hash"] for ch in batch if ch.article is not None}
    now: dict[int, str] = {}
    for ids in _chunks(list(read)):
        now.update(conn.execute(f"SELECT id, version_hash FROM articles WHERE id IN"
                                f" ({', '.join('?' * len(ids))})", ids).fetchall())
    return [aid for aid, vhash in read.items() if now.get(aid) != vhash]


def article_updates(articles: Sequence[_Changes]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """The articles' UPDATEs: those whose headline or body changed, then the rest, each setting
    only the columns changed in any of its rows. SQLite rewrites the entries of every index
    over a column an UPDATE sets (14 indexes on `articles`), changed or not, and the FTS
    trigger fires when headline or body is set."""
    groups: dict[bool, list[tuple[_Changes, set[str]]]] = {True: [], False: []}
    for ch in articles:
        page, art = ch.article  # type: ignore[misc]
        changed = {k for k in ARTICLE_FIELDS if page.row[k] != art[k]}
        groups[bool(changed & TEXT)].append((ch, changed))
    out = []
    for members in groups.values():
        cols = [k for k in ARTICLE_FIELDS if any(k in changed for _, changed in members)]
        if cols:
            sql = f"UPDATE articles SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?"
            out.append((sql, [(*[ch.article[0].row[k] for k in cols], ch.aid)  # type: ignore[index]
                              for ch, _ in members]))
    return out


def write_batch(archive: Archive, batch: Sequence[_Changes]) -> list[int]:
    """Write one batch's changes (see the module docstring) in the open transaction; returns
    the articles left out because they were stored anew meanwhile (`stale`)."""
    conn = archive.db.conn
    skipped = stale(conn, batch)
    if skipped:
        left_out = set(skipped)
        batch = [ch for ch in batch if ch.aid not in left_out]
    conn.executemany(REVISION_UPDATE, [r for ch in batch for r in ch.revisions])
    articles = [ch for ch in batch if ch.article is not None]
    for sql, params in article_updates(articles):
        conn.executemany(sql, params)
    children, comments = ChildRows(), CommentMerge()
    for ch in articles:
        page, art = ch.article  # type: ignore[misc]
        if ch.children_changed:
            children.add(ch.aid, page.item, replace=True)
        # The same page again: comments are merged (texts refreshed), none marked removed.
        comments.add(ch.aid, list(page.item.get("comments") or []), art["last_seen"])
    children.write(archive.db)
    comments.write(conn)
    bodies = []
    for ch in articles:
        page, art = ch.article  # type: ignore[misc]
        body = page.item.get("body")
        if body != art["body"]:
            if body and ch.signature is not None:
                cl.remember(body, ch.signature)  # computed while extracting
            bodies.append((ch.aid, body))
    link_clusters(archive, bodies)
    return skipped


def link_clusters(archive: Archive, bodies: Sequence[tuple[int, str | None]]) -> None:
    """`Clusters.update(aid, body)` for each in turn, in one or two `link` calls: an article
    in a cluster gets its new signature, one not in a cluster looks for one (was ~11% of the
    write side: a SELECT and a `link` per article). Same rows as one by one:

    - which articles look is read once, before linking; one by one an article reads it at its
      turn, and an earlier one that just joined a cluster may have made it that cluster's
      root (then it would not look). Seen in link's result (an earlier article's cluster is a
      later looking one): the batch's linking is undone (a savepoint) and done one by one;
    - `link` deletes the batch's replaced signatures, then inserts the new ones; one by one,
      each insert follows its own delete, so the first new `minhashes.seq` differs when a
      later article of the batch holds the highest seq: the batch is cut before it
      (`_parts`)."""
    if not bodies:
        return
    conn = archive.db.conn
    aids = [aid for aid, _ in bodies]
    signed = [(aid, body, cl.signature(body)) for aid, body in bodies]
    if len(set(aids)) != len(aids):  # an article twice: its second turn reads the first's
        _one_by_one(archive, signed)
        return
    clustered: set[int] = set()
    for ids in _chunks(aids):
        clustered.update(r[0] for r in conn.execute(
            f"SELECT id FROM articles WHERE cluster_id IS NOT NULL AND id IN"
            f" ({', '.join('?' * len(ids))})", ids))
    items = [(aid, sig, aid not in clustered) for aid, _, sig in signed if sig is not None]
    conn.execute("SAVEPOINT reextract_clusters")
    try:
        joined: set[int] = set()
        for part in _parts(conn, items):
            roots = link(conn, part, archive._clusters().threshold)
            for (aid, _, look), root in zip(part, roots, strict=True):
                if look and aid in joined:  # clustered by an earlier one: see the docstring
                    conn.execute("ROLLBACK TO reextract_clusters")
                    conn.execute("RELEASE reextract_clusters")
                    _one_by_one(archive, signed)
                    return
                if root is not None:
                    joined.add(root)
    except BaseException:
        conn.execute("ROLLBACK TO reextract_clusters")
        conn.execute("RELEASE reextract_clusters")
        raise
    conn.execute("RELEASE reextract_clusters")


def _parts(conn: sqlite3.Connection, items: list[tuple[int, Any, bool]]
           ) -> list[list[tuple[int, Any, bool]]]:
    """`items` cut so that `link` numbers the new signatures as one by one would. One by one,
    the first replaced signature's insert takes the highest seq left after its own delete plus
    one, and every later insert the next (the highest is then a new row). `link` deletes all
    the replaced ones first: the same unless a later replaced article held that highest
    seq; cut before it, each part starts as one by one would."""
    stored: dict[int, tuple[int, Any]] = {}
    for ids in _chunks([aid for aid, _, _ in items]):
        stored.update((aid, (seq, blob)) for aid, seq, blob in conn.execute(
            f"SELECT article_id, seq, signature FROM minhashes WHERE article_id IN"
            f" ({', '.join('?' * len(ids))})", ids))
    replaced = [i for i, (aid, sig, _) in enumerate(items)  # link's test, as link does it
                if aid not in stored or not np.array_equal(cl._from_bytes(stored[aid][1]), sig)]
    if not replaced:
        return [items]
    old = stored.get(items[replaced[0]][0], (-1,))[0]
    top = conn.execute("SELECT article_id FROM minhashes WHERE seq != ? ORDER BY seq DESC"
                       " LIMIT 1", [old]).fetchone()
    cut = next((i for i in replaced[1:] if top and items[i][0] == top[0]), None)
    return [items] if cut is None else [items[:cut], items[cut:]]


def _one_by_one(archive: Archive, signed: Sequence[tuple[int, str | None, Any]]) -> None:
    for aid, body, sig in signed:
        if body and sig is not None:
            cl.remember(body, sig.tobytes())
        archive._clusters().update(aid, body)
