"""The in-memory near-duplicate index that newsarchive used before the buckets moved into the
archive (clusters.py up to the `bands` branch), kept only as the reference that
tests/test_clusters_index.py compares the in-archive index with: same clusters, same roots.

Condensed from the old `_Bands` + `Clusters.assign`: every signature in one uint32 matrix,
buckets as dicts keyed by Python's hash() of the band's bytes, the first BUCKET_CAP members
per bucket, at most MAX_VERIFIED candidates verified, best score then first_seen then id.
"""

from __future__ import annotations

import numpy as np
from sqlite_utils import Database

from newsarchive.clusters import BANDS, BUCKET_CAP, MAX_VERIFIED, NUM_PERM, ROWS, THRESHOLD


class OldBands:
    def __init__(self) -> None:
        self.ranges = [(i * ROWS, (i + 1) * ROWS) for i in range(BANDS)]
        self.buckets: list[dict[int, list[int]]] = [{} for _ in range(BANDS)]
        self.sigs: dict[int, np.ndarray] = {}
        self.row: dict[int, int] = {}

    def _keys(self, sig: np.ndarray) -> list[int]:
        data, size = sig.tobytes(), sig.itemsize
        return [hash(data[a * size:b * size]) for a, b in self.ranges]

    def insert(self, aid: int, sig: np.ndarray) -> None:
        old = self.sigs.get(aid)
        if old is not None:
            if np.array_equal(old, sig):
                return
            for key, table in zip(self._keys(old), self.buckets, strict=True):
                if aid in table.get(key, []):
                    table[key].remove(aid)
        else:
            self.row[aid] = len(self.row)
        self.sigs[aid] = sig
        for key, table in zip(self._keys(sig), self.buckets, strict=True):
            held = table.setdefault(key, [])
            if len(held) < BUCKET_CAP:
                held.append(aid)

    def query(self, sig: np.ndarray) -> set[int]:
        found: set[int] = set()
        for key, table in zip(self._keys(sig), self.buckets, strict=True):
            found.update(table.get(key, []))
        return found


class OldClusters:
    """Old `Clusters.assign` (single process, no rollback: verification always confirms)."""

    def __init__(self, db: Database, threshold: float = THRESHOLD) -> None:
        self.db = db
        self.threshold = threshold
        self.index = OldBands()

    def assign(self, aid: int, sig: np.ndarray) -> int | None:
        ids = [c for c in self.index.query(sig) if c != aid]
        match = None
        if ids:
            scores = np.array([np.count_nonzero(self.index.sigs[i] == sig) / NUM_PERM
                               for i in ids])
            keep = np.flatnonzero(scores >= self.threshold)
            if len(keep):
                keep = keep[np.lexsort((np.array([self.index.row[ids[k]] for k in keep]),
                                        -scores[keep]))[:MAX_VERIFIED]]
                top = [k for k in keep if scores[k] == scores[keep[0]]]
                marks = ",".join("?" for _ in top)
                first = {i: f or "" for i, f in self.db.execute(
                    f"SELECT id, first_seen FROM articles WHERE id IN ({marks})",
                    [ids[k] for k in top])}
                other = min((ids[k] for k in top), key=lambda i: (first[i], i))
                match = other, float(scores[keep[0]])
        self.index.insert(aid, sig)
        if match is None:
            return None
        other, sim = match
        root = self.db.execute("SELECT coalesce(cluster_id, id) FROM articles WHERE id = ?",
                               [other]).fetchone()[0]
        self.db.execute("UPDATE articles SET cluster_id = ? WHERE id = ? AND cluster_id IS NULL",
                        [root, root])
        self.db.execute(
            "UPDATE articles SET cluster_id = ?, duplicate_of = ?, similarity = ? WHERE id = ?",
            [root, root, round(sim, 3), aid])
        return int(root)
