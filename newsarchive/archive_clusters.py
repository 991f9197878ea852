"""Near-duplicate clusters for many new articles at once: `Clusters.assign`, batched.

`Clusters.assign` (clusters.py) per article builds a MinHash (a fresh permutation table each
time), reloads the signatures written since its last look (its own previous one included) and
writes the new one through sqlite-utils: ~0.6 ms of Python per article, more than SQLite takes
to store the whole article. Here, for the new articles of a batch, in item order and with the
same results (tests/test_archive_batch.py compares both):

- signatures are computed with the permutations built once, hashing every shingle with the same
  SHA-1 prefix datasketch's `sha1_hash32` takes (`minhash_fast`);
- the index is brought up to date once per batch: the batch holds the write lock, so no other
  process adds signatures meanwhile, and the batch's own go into the index as they are made;
- signatures are written with executemany, flushed before the rare article whose LSH
  candidates must be scored against the database (`Clusters._best_match` reads them there).

The index's high-water mark (`Clusters.seq`) then moves past the batch's rows; if the
transaction rolls back, `Archive._write` puts it back, so the numbers the next writer reuses
are read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash

from newsarchive import clusters as cl

if TYPE_CHECKING:
    from newsarchive.archive import Archive

SAVE_SQL = "INSERT INTO minhashes (article_id, signature) VALUES (?, ?)"


@cache
def _template() -> MinHash:
    return MinHash(num_perm=cl.NUM_PERM, seed=cl._SEED, scheme=cl.SCHEME)


def _identity(value: int) -> int:
    return value


def minhash_fast(text: str | None) -> MinHash | None:
    """`clusters.minhash(text)`, bit for bit, without rebuilding the permutations."""
    grams = cl.shingles(text)
    if not grams:
        return None
    sha1 = hashlib.sha1
    digests = b"".join([sha1(g).digest() for g in grams])
    # sha1_hash32: the first 4 bytes of the digest, little-endian (a digest is 5 such words)
    hashes = np.frombuffer(digests, dtype="<u4")[::5]
    t = _template()
    m = MinHash(num_perm=cl.NUM_PERM, seed=cl._SEED, scheme=cl.SCHEME, hashfunc=_identity,
                permutations=t.permutations)
    m.update_batch(hashes)
    return m


def assign_many(archive: Archive, bodies: Iterable[tuple[int, str | None]]) -> None:
    """`Clusters.assign(aid, body)` for each new article, in order, in the open transaction."""
    signed = [(aid, minhash_fast(body)) for aid, body in bodies]
    signed = [(aid, m) for aid, m in signed if m is not None]
    if not signed:
        return
    clusters = archive._clusters()
    clusters._refresh()
    conn = archive.db.conn
    rows: list[tuple[int, bytes]] = []

    def save() -> None:
        conn.executemany("DELETE FROM minhashes WHERE article_id = ?", [(a,) for a, _ in rows])
        conn.executemany(SAVE_SQL, rows)
        rows.clear()

    for aid, m in signed:
        match = None
        if any(c != aid for c in clusters.lsh.query(m)):
            save()  # candidates are scored against the database
            match = clusters._best_match(aid, m)
        rows.append((aid, m.hashvalues.astype(cl._DTYPE).tobytes()))
        clusters._index(aid, m)
        if match is not None:  # Clusters.assign's linking, as is
            other, sim = match
            root = conn.execute("SELECT coalesce(cluster_id, id) FROM articles WHERE id = ?",
                                [other]).fetchone()[0]
            conn.execute("UPDATE articles SET cluster_id = ? WHERE id = ? AND cluster_id IS NULL",
                         [root, root])
            conn.execute("UPDATE articles SET cluster_id = ?, duplicate_of = ?, similarity = ?"
                         " WHERE id = ?", [root, root, round(sim, 3), aid])
    save()
    # Every row up to here is indexed: read before, or made by this batch (the write lock).
    clusters.seq = int(conn.execute("SELECT max(seq) FROM minhashes").fetchone()[0] or 0)
