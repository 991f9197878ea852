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
    """`Clusters.update(aid, body)` for each in turn, in as few `link` calls as give the same
    rows (usually one; was a SELECT and a `link` per article): an article in a cluster gets
    its new signature, one not in a cluster looks for one. `link` reads which articles look
    once, and deletes the replaced signatures before inserting the new ones; one by one
    differs in two cases, and the batch is cut before the article concerned (`_safe_end`)."""
    signed = [(aid, body, cl.signature(body)) for aid, body in bodies]
    if len({aid for aid, _ in bodies}) != len(bodies):  # an article twice: never in reextract
        for aid, body, sig in signed:
            if body and sig is not None:
                cl.remember(body, sig.tobytes())
            archive._clusters().update(aid, body)
        return
    conn = archive.db.conn
    todo = [(aid, sig) for aid, _, sig in signed if sig is not None]
    while todo:
        clustered: set[int] = set()
        for ids in _chunks([aid for aid, _ in todo]):
            clustered.update(r[0] for r in conn.execute(
                f"SELECT id FROM articles WHERE cluster_id IS NOT NULL AND id IN"
                f" ({', '.join('?' * len(ids))})", ids))
        items = [(aid, sig, aid not in clustered) for aid, sig in todo]
        end = _safe_end(conn, items)
        roots = link(conn, items[:end], archive._clusters().threshold)
        made: set[int | None] = set()
        for (aid, _, look), root in zip(items, roots, strict=False):
            if look and aid in made:  # only if some member's cluster_id names a non-root
                raise ClusterOrderError(aid)  # Reextractor.commit: article by article
            made.add(root)
        todo = todo[end:]


class ClusterOrderError(RuntimeError):
    """An article of a batch was made a cluster's root by an earlier one of the same `link`
    call, which `_safe_end` rules out in a consistent archive (a root's cluster_id is its
    own id); the batch is then written article by article."""


def _safe_end(conn: sqlite3.Connection, items: list[tuple[int, Any, bool]]) -> int:
    """How many of `items` one `link` call takes with the rows of one by one (at least one):

    - one by one, an article reads whether it is clustered at its turn: an earlier one may
      just have made it the root of the cluster it joined (it would then not look). Only an
      article whose stored signature shares an LSH band key with an earlier looking article's
      new one can be chosen by it: the batch is cut before the first such looking article;
    - one by one, the first replaced signature's insert takes the highest `minhashes.seq`
      left after its own delete plus one, and every later insert the next (the highest is then
      a new row); `link` deletes all the replaced ones first: the same unless a later replaced
      article held that highest seq. Cut before it."""
    stored: dict[int, tuple[int, Any]] = {}
    for ids in _chunks([aid for aid, _, _ in items]):
        stored.update((aid, (seq, cl._from_bytes(blob))) for aid, seq, blob in conn.execute(
            f"SELECT article_id, seq, signature FROM minhashes WHERE article_id IN"
            f" ({', '.join('?' * len(ids))})", ids))
    end = len(items)
    old_keys = {aid: keys for aid, keys in zip(  # the buckets a looking article is stored in
        (aid for aid, _, look in items if look and aid in stored),
        cl.band_keys(np.array([stored[aid][1] for aid, _, look in items
                               if look and aid in stored], dtype=np.uint32)).tolist(),
        strict=True)}
    if old_keys and len(items) > 1:
        keys = cl.band_keys(np.stack([sig for _, sig, _ in items])).tolist()
        stored_in: dict[int, list[int]] = {}
        for aid, ks in old_keys.items():
            for key in ks:
                stored_in.setdefault(key, []).append(aid)
        reachable: set[int] = set()  # articles an earlier looking one may choose
        for i, (aid, _, look) in enumerate(items):
            if look:
                if aid in reachable:
                    end = i
                    break
                reachable.update(c for key in keys[i] for c in stored_in.get(key, ()))
    replaced = [i for i, (aid, sig, _) in enumerate(items[:end])  # link's test, as it does it
                if aid not in stored or not np.array_equal(stored[aid][1], sig)]
    if replaced:
        old = stored.get(items[replaced[0]][0], (-1,))[0]
        top = conn.execute("SELECT article_id FROM minhashes WHERE seq != ? ORDER BY seq DESC"
                           " LIMIT 1", [old]).fetchone()
        end = next((i for i in replaced[1:] if top and items[i][0] == top[0]), end)
    return max(end, 1)
