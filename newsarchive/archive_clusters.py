"""Near-duplicate clusters for many new articles at once: `Clusters.assign`, batched.

For the new articles of a batch, in item order and with the same results as `Clusters.assign`
per article (tests/test_archive_batch.py compares both):

- signatures come from `clusters.signature` (numpy, or computed ahead by the page worker);
- the index is brought up to date once per batch: the batch holds the write lock, so no other
  process adds signatures meanwhile, and the batch's own go into the index as they are made;
- signatures are written with executemany, flushed before the rare article whose LSH
  candidates must be verified against the database (`Clusters._best_match` reads them there).

The index's high-water mark (`Clusters.seq`) then moves past the batch's rows; if the
transaction rolls back, `Archive._write` puts it back, so the numbers the next writer reuses
are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsarchive import clusters as cl

if TYPE_CHECKING:
    from newsarchive.archive import Archive

SAVE_SQL = "INSERT INTO minhashes (article_id, signature) VALUES (?, ?)"


def assign_many(archive: Archive, bodies: Iterable[tuple[int, str | None]]) -> None:
    """`Clusters.assign(aid, body)` for each new article, in order, in the open transaction."""
    signed = [(aid, cl.signature(body)) for aid, body in bodies]
    signed = [(aid, s) for aid, s in signed if s is not None]
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

    for aid, sig in signed:
        match = None
        keys = clusters.index._keys(sig)  # once for the query and the insert
        if any(c != aid for c in clusters.index.query(sig, keys)):
            save()  # candidates are verified against the database
            match = clusters._best_match(aid, sig)
        rows.append((aid, sig.astype(cl._DTYPE).tobytes()))
        clusters.index.insert(aid, sig, keys)
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
