"""Near-duplicates: MinHash over word shingles of the body, LSH to find candidates.

Exact copies (same folded text, same site and language) are already one article with many URLs.
Near copies - wire stories with another headline, a trimmed or added paragraph, light edits, on
the same or another site - stay separate articles and are linked: `articles.duplicate_of` is the
first-seen article of the cluster, `cluster_id` is that article's id (the root has
`cluster_id = id`, `duplicate_of` NULL), `similarity` the estimated Jaccard similarity to the
most similar earlier member.

Threshold: 5-word shingles, 128 permutations, estimated Jaccard >= 0.5, measured by
`bench/near_duplicates.py` on 563 pairs built from the demo's articles. Positives (180): a changed
headline, the last paragraph trimmed, a sentence reworded, a paragraph added, trimmed+reworded.
Negatives (383): other stories of the same publisher, translations of one story, and a story
that quotes another one's first two paragraphs as background. At 0.5: precision 0.994, recall
0.994 (one short article trimmed and reworded scores 0.45; one short story quoting half of
another scores 0.50). 0.4 gives recall 1.0 but precision 0.91; 0.6 precision 1.0, recall 0.97.

Signatures live in `minhashes` (seq = insertion order), so each process loads them once and then
only the rows other processes added since.

Cost: candidates come from datasketch's banding for the threshold (25 bands of 5 values), but the
index is our own (`_Bands`) and compares plain uint32 arrays: rebuilding a datasketch `MinHash` per
candidate (its constructor draws the 128 permutations again) was ~85 us each, and when many bodies
look alike every earlier article is a candidate, so that work grew with the square of the archive
(4.9 s of a 300-article crawl). Work per new article is now bounded: a band bucket keeps its first
BUCKET_CAP members (later look-alikes still find the earliest ones, which is where a cluster's root
is), and at most MAX_VERIFIED candidates (the most similar, by their in-memory signature) are
verified against the database. Below those bounds - any archive whose near copies come in groups
smaller than 100 - the result is exactly the exhaustive one.
"""

from __future__ import annotations

import hashlib
import re
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np
from sqlite_utils import Database

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.5
MIN_WORDS = 30  # shorter texts (teasers, stubs) share too little to call anything a copy
_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 1
SCHEME = "affine32"  # datasketch's hashing scheme; pinned so stored signatures stay comparable
_DTYPE = np.dtype(np.uint32)
# Signatures are computed here with numpy alone, value for value what datasketch's MinHash
# (affine32, seed 1) computes - tests/test_clusters_index.py checks it - because importing
# datasketch pulls in scipy: ~60 MB of RSS and ~1 s of start-up in every crawl process.
# Its permutations: a seeded draw of odd multipliers `a` and offsets `b`, h -> a * h + b mod 2^32.
_GEN = np.random.RandomState(_SEED)
_A = _GEN.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_B = _GEN.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
del _GEN
# datasketch's _optimal_param(THRESHOLD, NUM_PERM, 0.5, 0.5) (scipy integration): 25 bands of 5.
BANDS, ROWS = 25, 5
BUCKET_CAP = 100  # members kept per LSH bucket: the first ones (see the module docstring)
MAX_VERIFIED = 64  # candidates above the threshold re-read from the database per new article


def shingles(text: str | None) -> set[bytes]:
    words = _WORD.findall((text or "").lower())
    if len(words) < MIN_WORDS:
        return set()
    return {" ".join(gram).encode()
            for gram in zip(*(words[k:] for k in range(SHINGLE_WORDS)), strict=False)}


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, as datasketch pre-mixes every hash (uint32, wrapping)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


# Signatures computed ahead (by the spider's page work, possibly in an extraction worker
# process), taken by the store's `signature(body)` for the same text; a few hundred at most.
_AHEAD: dict[str, np.ndarray] = {}
_AHEAD_MAX = 512


def remember(text: str, sig: bytes) -> None:
    """Hand the store a signature computed elsewhere for this exact text."""
    if len(_AHEAD) >= _AHEAD_MAX:
        del _AHEAD[next(iter(_AHEAD))]  # an item dropped before the store: forget the oldest
    _AHEAD[text] = _from_bytes(sig)


def signature(text: str | None) -> np.ndarray | None:
    """The text's MinHash values (NUM_PERM uint32), or None for a text too short to compare."""
    if text and _AHEAD:
        ahead = _AHEAD.pop(text, None)
        if ahead is not None:
            return ahead
    words = _WORD.findall((text or "").lower())
    n = len(words)
    if n < MIN_WORDS:
        return None
    # The shingles of `shingles()` as slices of one encoded string (no join per shingle), and
    # every SHA-1's first 4 bytes (little-endian, as datasketch's sha1_hash32) read by one
    # frombuffer: a digest is 20 bytes, 5 uint32, so [::5]. Distinct shingles only (a set, as
    # shingles() makes): generated or boilerplate-heavy text repeats many. Was ~30% of
    # `newsarchive import`'s time.
    joined = " ".join(words)
    if joined.isascii():
        data, sizes = joined.encode("ascii"), map(len, words)
    else:
        data, sizes = joined.encode(), (len(w.encode()) for w in words)
    starts = [0, *accumulate(size + 1 for size in sizes)]  # starts[i]: byte offset of word i
    k = SHINGLE_WORDS
    grams = {data[starts[i]:starts[i + k] - 1] for i in range(n - k + 1)}
    sha1 = hashlib.sha1
    digests = b"".join([sha1(g).digest() for g in grams])  # once per distinct shingle
    hv = np.frombuffer(digests, dtype="<u4")[::5]
    return (_fmix32(hv)[:, None] * _A + _B).min(axis=0)


def minhash(text: str | None) -> MinHash | None:
    """The same signature as a datasketch MinHash (for callers that want its API)."""
    from datasketch import MinHash

    sig = signature(text)
    if sig is None:
        return None
    return MinHash(seed=_SEED, scheme=SCHEME, hashvalues=sig, permutations=np.array([_A, _B]))


def similarity(a: str | None, b: str | None) -> float:
    """Estimated Jaccard similarity of two texts' shingles (0 when either is too short)."""
    sa, sb = signature(a), signature(b)
    return float(np.count_nonzero(sa == sb)) / NUM_PERM if sa is not None and sb is not None \
        else 0.0


def _from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=_DTYPE)


class _Bands:
    """Banded LSH over signatures kept as rows of one uint32 matrix (aid -> row).

    Same banding as datasketch's MinHashLSH for THRESHOLD (BANDS x ROWS, so a Clusters with
    another threshold verifies at its own but finds candidates as for 0.5); a bucket is keyed
    by the hash of its band's bytes (a rare hash collision only adds a candidate, which
    verification drops) and holds one id or a list of at most BUCKET_CAP ids: ~2.5 KB per
    article instead of datasketch's ~8 KB.
    """

    def __init__(self) -> None:
        self.ranges = [(i * ROWS, (i + 1) * ROWS) for i in range(BANDS)]
        self.buckets: list[dict[int, int | list[int]]] = [{} for _ in range(BANDS)]
        self.matrix = np.zeros((256, NUM_PERM), dtype=_DTYPE)
        self.row: dict[int, int] = {}

    def _keys(self, sig: np.ndarray) -> list[int]:
        # Slices of one bytes object: the same bytes as each band's tobytes(), a third the cost.
        data, size = sig.tobytes(), sig.itemsize
        return [hash(data[a * size:b * size]) for a, b in self.ranges]

    def signature(self, aid: int) -> np.ndarray | None:
        row = self.row.get(aid)
        return None if row is None else self.matrix[row]

    def insert(self, aid: int, sig: np.ndarray, keys: list[int] | None = None) -> None:
        """`keys`: the signature's band keys, when the caller has them (from `query`)."""
        old = self.signature(aid)
        if old is not None:
            if np.array_equal(old, sig):
                return
            self._unbucket(aid, old)
            row = self.row[aid]
        else:
            row = len(self.row)
            if row == len(self.matrix):
                self.matrix = np.concatenate([self.matrix, np.zeros_like(self.matrix)])
            self.row[aid] = row
        self.matrix[row] = sig
        for key, table in zip(keys or self._keys(sig), self.buckets, strict=True):
            held = table.get(key)
            if held is None:
                table[key] = aid
            elif isinstance(held, int):
                table[key] = [held, aid]
            elif len(held) < BUCKET_CAP:
                held.append(aid)

    def _unbucket(self, aid: int, sig: np.ndarray) -> None:
        for key, table in zip(self._keys(sig), self.buckets, strict=True):
            held = table.get(key)
            if held == aid:
                del table[key]
            elif isinstance(held, list) and aid in held:
                held.remove(aid)

    def query(self, sig: np.ndarray, keys: list[int] | None = None) -> set[int]:
        found: set[int] = set()
        for key, table in zip(keys or self._keys(sig), self.buckets, strict=True):
            held = table.get(key)
            if isinstance(held, int):
                found.add(held)
            elif held:
                found.update(held)
        return found

    def scores(self, ids: list[int], sig: np.ndarray) -> np.ndarray:
        """Estimated Jaccard of `sig` with each id's signature: the share of equal values."""
        rows = self.matrix[[self.row[i] for i in ids]]
        return np.count_nonzero(rows == sig, axis=1) / NUM_PERM


class Clusters:
    """The LSH index of one archive connection; writes happen in the caller's transaction."""

    def __init__(self, db: Database, threshold: float = THRESHOLD) -> None:
        self.db = db
        self.threshold = threshold
        self.index = _Bands()
        self.seq = 0

    def _refresh(self) -> None:
        rows = self.db.execute(
            "SELECT seq, article_id, signature FROM minhashes WHERE seq > ? ORDER BY seq",
            [self.seq]).fetchall()
        for seq, aid, blob in rows:
            self.index.insert(aid, _from_bytes(blob))  # our own rows come back unchanged: no-op
            self.seq = seq

    def _save(self, aid: int, sig: np.ndarray) -> None:
        self.db.execute("DELETE FROM minhashes WHERE article_id = ?", [aid])
        self.db.execute("INSERT INTO minhashes (article_id, signature) VALUES (?, ?)",
                        [aid, sig.tobytes()])
        self.index.insert(aid, sig)

    def _best_match(self, aid: int, sig: np.ndarray) -> tuple[int, float] | None:
        ids = [c for c in self.index.query(sig) if c != aid]
        if not ids:
            return None
        scores = self.index.scores(ids, sig)
        keep = np.flatnonzero(scores >= self.threshold)
        if not len(keep):
            return None
        # Most similar first, then the earliest indexed; at most MAX_VERIFIED.
        keep = keep[np.lexsort((np.array([self.index.row[ids[k]] for k in keep]),
                                -scores[keep]))[:MAX_VERIFIED]]
        # Verified a score at a time, best first: once a candidate of this score is confirmed
        # nothing below can win, so usually one row is read instead of every look-alike.
        scored: list[tuple[float, str, int]] = []
        tiers = np.split(keep, np.flatnonzero(np.diff(scores[keep])) + 1)
        for tier in tiers:
            scored += self._verify([ids[k] for k in tier], sig)
            if any(s[0] == scores[tier[0]] for s in scored):
                break
        if not scored:
            return None
        sim, _, other = min(scored, key=lambda s: (-s[0], s[1], s[2]))
        return other, float(sim)

    def _verify(self, candidates: list[int], sig: np.ndarray) -> list[tuple[float, str, int]]:
        """(similarity, first_seen, id) of the candidates still above the threshold once their
        signatures are re-read from the database: a candidate left in memory by a rolled-back
        transaction has no row and drops out here."""
        marks = ", ".join("?" for _ in candidates)
        rows = self.db.execute(
            f"SELECT m.article_id, m.signature, a.first_seen FROM minhashes m "
            f"JOIN articles a ON a.id = m.article_id WHERE m.article_id IN ({marks})",
            candidates).fetchall()
        scored = [(np.count_nonzero(_from_bytes(blob) == sig) / NUM_PERM, first or "", other)
                  for other, blob, first in rows]
        return [s for s in scored if s[0] >= self.threshold]

    def assign(self, aid: int, body: str | None) -> int | None:
        """Index a new article and link it to its cluster; returns the cluster id or None."""
        sig = signature(body)
        if sig is None:
            return None
        self._refresh()
        match = self._best_match(aid, sig)
        self._save(aid, sig)
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

    def update(self, aid: int, body: str | None) -> int | None:
        """A new revision: new signature; an article not yet in a cluster may join one now."""
        clustered = self.db.execute("SELECT cluster_id FROM articles WHERE id = ?",
                                    [aid]).fetchone()
        if clustered and clustered[0] is not None:
            sig = signature(body)
            if sig is not None:
                self._refresh()
                self._save(aid, sig)
            return int(clustered[0])
        return self.assign(aid, body)
