"""The near-duplicate index (clusters._Bands): same scores as datasketch, bounded work when many
bodies look alike, rolled-back signatures never chosen."""

from __future__ import annotations

import random

import numpy as np
import pytest

from newsarchive.archive import Archive
from newsarchive.clusters import (
    BANDS,
    BUCKET_CAP,
    NUM_PERM,
    ROWS,
    SCHEME,
    THRESHOLD,
    Clusters,
    _Bands,
    minhash,
    shingles,
    signature,
)

WORDS = [f"w{i}" for i in range(400)]


def body(seed: int, words: int = 200, vocab: int = 400) -> str:
    rnd = random.Random(seed)
    return " ".join(rnd.choice(WORDS[:vocab]) for _ in range(words))


def test_signatures_and_banding_are_datasketch_s() -> None:
    # Stored signatures must stay comparable with those written by datasketch's MinHash.
    from datasketch import MinHash
    from datasketch.lsh import _optimal_param

    # signature() slices shingles out of one encoded string: multi-byte words (byte offsets
    # differ from character offsets), upper case and repeated shingles must give the same.
    accented = "Ünïcode Wörds straße İstanbul 東京 ǅemal señor NAÏVE café " * 6
    for text in (body(1), body(2, words=35), body(3, vocab=30), accented,
                 "Mixed ascii " + accented, body(5, words=40, vocab=3)):
        ref = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
        ref.update_batch(list(shingles(text)))
        assert np.array_equal(signature(text), ref.hashvalues)
    assert signature(body(4, words=20)) is None
    assert (BANDS, ROWS) == _optimal_param(THRESHOLD, NUM_PERM, 0.5, 0.5)


def _signature(m: object) -> np.ndarray:
    return np.asarray(m.hashvalues)  # type: ignore[attr-defined]


def test_scores_are_datasketch_jaccard() -> None:
    base = body(1)
    texts = [base, base + " " + body(2, 40), body(3), " ".join(base.split()[:150])]
    hashes = [minhash(t) for t in texts]
    index = _Bands()
    for i, m in enumerate(hashes[1:], start=1):
        assert m is not None
        index.insert(i, _signature(m))
    first = hashes[0]
    assert first is not None
    got = index.scores([1, 2, 3], _signature(first))
    want = [first.jaccard(m) for m in hashes[1:]]  # type: ignore[union-attr]
    assert np.allclose(got, want)
    assert index.query(_signature(first)) >= {1, 3}  # the two near copies are candidates


def test_look_alike_bodies_bound_the_candidates_and_share_one_root() -> None:
    # Every body is the same text with one word changed: each bucket would hold all of them.
    base = body(7).split()
    n = BUCKET_CAP + 60
    with Archive(":memory:") as arc:
        for i in range(n):
            words = list(base)
            words[i % len(words)] = f"x{i}"
            arc.store({"url": f"http://x.example/{i}", "site": "x.example", "headline": f"h{i}",
                       "body": " ".join(words), "fetched_at": f"2025-01-01T00:{i // 60:02d}:"
                                                               f"{i % 60:02d}"})
        roots = {r[0] for r in arc.db.execute("SELECT cluster_id FROM articles")}
        index = arc._clusters().index
        m = minhash(" ".join(base))
        assert m is not None
        assert len(index.query(_signature(m))) <= len(index.ranges) * BUCKET_CAP
    assert len(roots) == 1


def test_a_rolled_back_signature_is_not_a_match() -> None:
    text = body(11)
    with Archive(":memory:") as arc:
        clusters = Clusters(arc.db)
        arc.db.execute("BEGIN")
        add = "INSERT INTO articles (id, canonical_url, url, site) VALUES (?, ?, ?, 's')"
        arc.db.execute(add, [1, "u", "u"])
        clusters.assign(1, text)
        arc.db.rollback()  # memory still holds article 1's signature; the table does not
        assert 1 in clusters.index.row
        arc.db.execute(add, [2, "v", "v"])
        assert clusters.assign(2, text) is None


@pytest.mark.parametrize("vocab", [30, 400])
def test_update_moves_an_article_between_buckets(vocab: int) -> None:
    index = _Bands()
    a, b = minhash(body(1, vocab=vocab)), minhash(body(2, vocab=vocab))
    assert a is not None and b is not None
    index.insert(1, _signature(a))
    index.insert(1, _signature(b))  # a new revision of article 1
    assert 1 not in index.query(_signature(a)) or np.array_equal(_signature(a), _signature(b))
    assert 1 in index.query(_signature(b))
    assert len(index.row) == 1
