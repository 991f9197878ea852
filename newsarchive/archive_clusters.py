"""Near-duplicate clusters in the archive: the LSH buckets live in `minhash_buckets`.

`link` does the work of `Clusters.assign` / `Clusters.update` for a batch of articles, in item
order, inside the caller's transaction (a rolled-back batch leaves no signature and no bucket
row behind, and no process keeps anything in memory that could go stale):

- the batch's band keys (`clusters.band_keys`, 25 per signature, numpy) are looked up with one
  indexed statement; a bucket holds its first BUCKET_CAP members (by `seq`, the insertion order
  of their signatures), so that read is bounded whatever the archive's size;
- the candidates' signatures are read with one more statement (their articles' `first_seen`,
  the tie-break, only for the candidates tied for the best score);
  the batch's own articles are added to the buckets in memory as they are linked, so a later item
  of the batch finds an earlier one exactly as if they had been stored one by one;
- signatures and bucket rows are written with executemany at the end.

Invariant kept by every writer: an article's bucket rows carry its current `minhashes.seq`. A
signature that did not change is not rewritten (its place in its buckets stays); a changed one
is deleted with its bucket rows, then written anew at the end of the order, as the in-memory
index did (`tests/lsh_reference.py`, compared in tests/test_clusters_index.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from newsarchive import clusters as cl

if TYPE_CHECKING:
    import sqlite3

    from newsarchive.archive import Archive

SAVE_SQL = "INSERT INTO minhashes (article_id, signature) VALUES (?, ?)"
BUCKET_SQL = "INSERT INTO minhash_buckets (key, seq, article_id) VALUES (?, ?, ?)"
_IDS = "(SELECT value FROM json_each(?))"  # a list as one parameter: one statement per batch
_LATER = 1 << 62  # the order of a batch's own signatures: after every stored seq
_ONES = np.ones(cl.NUM_PERM, dtype=np.float64)


def assign_many(archive: Archive, bodies: Iterable[tuple[int, str | None]]) -> None:
    """`Clusters.assign(aid, body)` for each new article, in order, in the open transaction."""
    signed = [(aid, cl.signature(body)) for aid, body in bodies]
    items = [(aid, s, True) for aid, s in signed if s is not None]
    if items:
        link(archive.db.conn, items, archive._clusters().threshold)


Fields = tuple[int | None, int | None, float | None]  # cluster_id, duplicate_of, similarity
NO_CLUSTER: Fields = (None, None, None)


def assign_new(archive: Archive, bodies: Iterable[tuple[int, str | None, str | None]]
               ) -> tuple[dict[int, Fields], Callable[[], None]]:
    """`assign_many` for articles whose rows are not written yet: (aid, body, first_seen) ->
    each one's cluster columns, to be written with its row (an UPDATE after the INSERT rewrites
    the whole row, body and all), and the function that writes the signatures and bucket rows
    once the rows are in (they reference them). Same columns as `assign_many` after the
    INSERT: tests/test_archive_batch.py compares with `Clusters.assign` one by one."""
    bodies = list(bodies)
    pending = {aid: first or "" for aid, _, first in bodies}
    signed = [(aid, cl.signature(body)) for aid, body, _ in bodies]
    items = [(aid, s, True) for aid, s in signed if s is not None]
    if not items:
        return {}, lambda: None
    linker = Linker(archive.db.conn, items, archive._clusters().threshold, pending)
    linker.run()
    return {aid: f for aid, f in linker.fields.items() if f != NO_CLUSTER}, linker.write


def _ids(values: Iterable[int]) -> str:
    return "[" + ",".join(map(str, map(int, values))) + "]"  # a JSON array


def link(conn: sqlite3.Connection, items: Sequence[tuple[int, np.ndarray, bool]],
         threshold: float = cl.THRESHOLD) -> list[int | None]:
    """Store each (article id, signature) and, where asked, link the article to its cluster.

    Returns each item's cluster id (None: no near copy found, or not asked)."""
    if not items:
        return []
    linker = Linker(conn, items, threshold)
    out = linker.run()
    linker.write()
    return out


class _Signatures:
    """Signatures by article id, as the rows of one matrix: a candidate set is scored with one
    fancy index instead of stacking its arrays (hundreds per article when bodies look alike)."""

    def __init__(self, aids: list[int], blobs: list[bytes], extra: int) -> None:
        n = len(aids)
        self.matrix = np.empty((n + extra, cl.NUM_PERM), dtype=cl._DTYPE)
        if n:
            self.matrix[:n] = np.frombuffer(b"".join(blobs), dtype=cl._DTYPE).reshape(
                n, cl.NUM_PERM)
        self.row = dict(zip(aids, range(n), strict=True))
        self.size = n

    def __setitem__(self, aid: int, sig: np.ndarray) -> None:
        self.matrix[self.size] = sig
        self.row[aid] = self.size
        self.size += 1

    def scores(self, ids: list[int], sig: np.ndarray) -> np.ndarray:
        at = np.fromiter(map(self.row.__getitem__, ids), dtype=np.intp, count=len(ids))
        # The equal values counted by a matrix-vector product (BLAS; exact: at most 128 ones),
        # a third of count_nonzero(axis=1)'s time for the same float64 scores.
        return (self.matrix[at] == sig) @ _ONES / cl.NUM_PERM


class Linker:
    """One batch of `link`: the lookups at construction, `run` links in item order, `write`
    stores the signatures and bucket rows. `pending` (aid -> first_seen) are articles whose
    rows are not written yet: their cluster columns are kept in `fields`, not UPDATEd."""

    def __init__(self, conn: sqlite3.Connection, items: Sequence[tuple[int, np.ndarray, bool]],
                 threshold: float = cl.THRESHOLD, pending: Mapping[int, str] | None = None
                 ) -> None:
        self.conn, self.items, self.threshold = conn, items, threshold
        self.keys = keys = cl.band_keys(np.stack([sig for _, sig, _ in items]))
        aids = [aid for aid, _, _ in items]
        self.stored = {aid: cl._from_bytes(blob) for aid, blob in conn.execute(
            f"SELECT article_id, signature FROM minhashes WHERE article_id IN {_IDS}",
            [_ids(aids)])}
        # A bucket's members, one row per bucket: a row per member (~115 per item when bodies
        # look alike, each a tuple, then a dict and list update) was the largest part of the
        # lookups. Their order does not matter (a bucket is a set with a size, its first
        # BUCKET_CAP by seq being the ones in the table).
        self.members: dict[int, list[int]] = {
            key: list(map(int, ids.split(","))) for key, ids in conn.execute(
                f"SELECT key, group_concat(article_id) FROM minhash_buckets WHERE key IN {_IDS}"
                " GROUP BY key", [_ids(set(keys.ravel().tolist()))])}
        # Signatures and seqs of the stored candidates whose article exists, without reading
        # the articles' rows: `first_seen` lies past the body, so reading it walks each body's
        # overflow pages (~24 ms a batch of 32 once the buckets are full). It is read only for
        # a tie (FirstSeen). A member's seq is its signature's (the module's invariant), so the
        # bucket rows need not carry it here.
        rows = conn.execute(
            f"SELECT article_id, seq, signature FROM minhashes WHERE article_id IN"
            f" (SELECT id FROM articles WHERE id IN {_IDS})",
            [_ids(set(chain.from_iterable(self.members.values())) | set(aids))]).fetchall()
        self.order: dict[int, int] = {r[0]: r[1] for r in rows}
        self.sigs = _Signatures([r[0] for r in rows], [r[2] for r in rows], len(items))
        self.exists = set(self.sigs.row)
        self.exists.update(aid for (aid,) in conn.execute(
            f"SELECT id FROM articles WHERE id IN {_IDS}", [_ids(aids)]))
        self.first = FirstSeen(conn)
        self.fields: dict[int, Fields] = {}
        if pending:
            self.exists.update(pending)
            self.first.update(pending)
            self.fields = dict.fromkeys(pending, NO_CLUSTER)
        self.dropped: list[tuple[int, int]] = []  # (key, article_id) of replaced signatures
        # (article, signature, the bucket keys it was added to); an article taken out of
        # buckets in the batch (its signature replaced twice) is checked against `members`.
        self.written: list[tuple[int, np.ndarray, list[int]]] = []
        self.redone: set[int] = set()
        # What _join read or wrote of stored articles in this batch: coalesce(cluster_id, id)
        # by article, and the roots whose cluster_id is set (only _join writes them meanwhile).
        self.roots: dict[int, int] = {}
        self.rooted: set[int] = set()

    def run(self) -> list[int | None]:
        members, out = self.members, []
        for i, (aid, sig, look) in enumerate(self.items):
            match = self._best_match(aid, sig, self.keys[i]) if look else None
            old = self.stored.get(aid)
            if old is None or not np.array_equal(old, sig):
                if old is not None:
                    for key in cl.band_keys(old[None, :])[0].tolist():
                        held = members.get(key)
                        if held and aid in held:
                            held.remove(aid)
                            self.redone.add(aid)
                        self.dropped.append((key, aid))
                added = []
                for key in self.keys[i].tolist():
                    held = members.setdefault(key, [])
                    if len(held) < cl.BUCKET_CAP:
                        held.append(aid)
                        added.append(key)
                self.sigs[aid] = self.stored[aid] = sig
                self.order[aid] = _LATER + i
                self.written.append((aid, sig, added))
            out.append(self._join(aid, *match) if match else None)
        return out

    def write(self) -> None:
        _write(self.conn, self.dropped, self.written, self.members, self.redone)

    def _best_match(self, aid: int, sig: np.ndarray, keys: np.ndarray
                    ) -> tuple[int, float] | None:
        """The earlier article this one joins: the most similar candidate; among equals (of
        the MAX_VERIFIED most similar, earliest first) the first seen, then the lowest id."""
        members = self.members
        found = set().union(*[members[k] for k in keys.tolist() if k in members])  # in C
        found.discard(aid)
        found &= self.exists
        row = self.sigs.row
        ids = [c for c in found if c in row]  # the dict itself: no method call per candidate
        if not ids:
            return None
        scores = self.sigs.scores(ids, sig)
        keep = np.flatnonzero(scores >= self.threshold)
        if not len(keep):
            return None
        order = self.order
        keep = keep[np.lexsort((np.array([order[ids[k]] for k in keep.tolist()]),
                                -scores[keep]))[:cl.MAX_VERIFIED]]
        best = scores[keep[0]]
        tied = [ids[k] for k in keep[scores[keep] == best].tolist()]
        if len(tied) == 1:
            return tied[0], float(best)
        seen = self.first.of(tied)
        return min(tied, key=lambda c: (seen[c], c)), float(best)

    def _join(self, aid: int, other: int, sim: float) -> int:
        fields, conn, roots = self.fields, self.conn, self.roots
        if other in fields:
            root = fields[other][0] or other  # coalesce(cluster_id, id)
        elif other in roots:
            root = roots[other]
        else:  # cluster_id lies past the body: read once per batch, it walks the overflow
            root = roots[other] = conn.execute(
                "SELECT coalesce(cluster_id, id) FROM articles WHERE id = ?",
                [other]).fetchone()[0]
        if root in fields:
            if fields[root][0] is None:
                fields[root] = (root, *fields[root][1:])
        elif root not in self.rooted:  # once done, the statement would change nothing
            conn.execute("UPDATE articles SET cluster_id = ? WHERE id = ? AND cluster_id IS NULL",
                         [root, root])
            self.rooted.add(root)
        if aid in fields:
            fields[aid] = (root, root, round(sim, 3))
        else:
            conn.execute("UPDATE articles SET cluster_id = ?, duplicate_of = ?, similarity = ?"
                         " WHERE id = ?", [root, root, round(sim, 3), aid])
            roots[aid] = root
        return int(root)


class FirstSeen(dict[int, str]):
    """Articles' `first_seen` (NULL as ""), read when first asked for (the tie-break)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self.conn = conn

    def of(self, ids: list[int]) -> dict[int, str]:
        missing = [c for c in ids if c not in self]
        if missing:
            self.update((aid, fseen or "") for aid, fseen in self.conn.execute(
                f"SELECT id, first_seen FROM articles WHERE id IN {_IDS}", [_ids(missing)]))
        return self


def _write(conn: sqlite3.Connection, dropped: list[tuple[int, int]],
           written: list[tuple[int, np.ndarray, list[int]]],
           members: dict[int, list[int]], redone: set[int]) -> None:
    if dropped:
        conn.executemany("DELETE FROM minhash_buckets WHERE key = ? AND article_id = ?", dropped)
        conn.executemany("DELETE FROM minhashes WHERE article_id = ?",
                         [(a,) for a in {a for _, a in dropped}])
    if not written:
        return
    conn.executemany(SAVE_SQL, [(aid, sig.astype(cl._DTYPE).tobytes())
                                for aid, sig, _ in written])
    seqs = dict(conn.execute(f"SELECT article_id, seq FROM minhashes WHERE article_id IN {_IDS}",
                             [_ids(aid for aid, _, _ in written)]))
    # Only the rows that made it into their bucket's first BUCKET_CAP (and are still there).
    rows = [(key, seqs[aid], aid) for aid, _, added in written for key in added
            if aid not in redone or aid in members[key]]
    rows.sort()  # in key order: fewer B-tree pages touched per batch
    conn.executemany(BUCKET_SQL, rows)


def backfill(conn: sqlite3.Connection, batch: int = 20_000) -> float:
    """Fill `minhash_buckets` from `minhashes` (the migration that adds it); returns seconds.

    In seq batches (memory stays bounded); every band of every signature goes in, then each
    bucket is cut to its first BUCKET_CAP by seq - what `link` would have kept."""
    start = time.perf_counter()
    last = 0
    while True:
        rows = conn.execute("SELECT seq, article_id, signature FROM minhashes WHERE seq > ?"
                            " ORDER BY seq LIMIT ?", [last, batch]).fetchall()
        if not rows:
            break
        sigs = np.frombuffer(b"".join(r[2] for r in rows), dtype=cl._DTYPE)
        keys = cl.band_keys(sigs.reshape(len(rows), cl.NUM_PERM)).tolist()
        out = sorted((key, seq, aid) for (seq, aid, _), ks in zip(rows, keys, strict=True)
                     for key in ks)
        conn.executemany(BUCKET_SQL, out)
        last = rows[-1][0]
    conn.execute(
        "DELETE FROM minhash_buckets WHERE (key, seq) IN (SELECT key, seq FROM (SELECT key, seq,"
        " row_number() OVER (PARTITION BY key ORDER BY seq) AS n FROM minhash_buckets)"
        f" WHERE n > {int(cl.BUCKET_CAP)})")
    return time.perf_counter() - start


def candidates(conn: sqlite3.Connection, sig: np.ndarray) -> set[int]:
    """The articles sharing a bucket with `sig` (at most BANDS x BUCKET_CAP): what `link`
    compares a new signature with."""
    keys = cl.band_keys(sig[None, :])[0].tolist()
    return {aid for (aid,) in conn.execute(
        f"SELECT article_id FROM minhash_buckets WHERE key IN {_IDS}", [_ids(keys)])}
