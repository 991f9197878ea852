"""The near-duplicate index (buckets in `minhash_buckets`, archive_clusters.py): same scores as
datasketch, stable bucket keys, bounded work when many bodies look alike, rolled-back signatures
never chosen and leaving no rows, and the same clusters as the in-memory index it replaced."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsh_reference import OldClusters

from newsarchive.archive import Archive
from newsarchive.archive_clusters import candidates
from newsarchive.clusters import (
    BANDS,
    BUCKET_CAP,
    NUM_PERM,
    ROWS,
    SCHEME,
    THRESHOLD,
    Clusters,
    band_keys,
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


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_words_are_the_regex_words(text: str) -> None:
    # Signatures split words with str.translate + split, not `\w+`: the same words, any text.
    from newsarchive.clusters import _WORD, _words

    assert _words(text) == _WORD.findall(text.lower())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=8),
                min_size=25, max_size=60).map(" ".join))
def test_ascii_signatures_are_the_str_path_s(text: str) -> None:
    # ASCII text takes a bytes path in signature() (bytes.translate, word boundaries found by
    # numpy): any ASCII characters (controls, \x1c-\x1f, punctuation, "_", digits, upper case)
    # must give datasketch's values over shingles(), which splits words the str way.
    from datasketch import MinHash

    grams = shingles(text)
    if not grams:
        assert signature(text) is None
        return
    ref = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    ref.update_batch(list(grams))
    assert np.array_equal(signature(text), ref.hashvalues)


def _signature(m: object) -> np.ndarray:
    return np.asarray(m.hashvalues)  # type: ignore[attr-defined]


ADD = "INSERT INTO articles (id, canonical_url, url, site, first_seen) VALUES (?, ?, ?, 's', ?)"


def _article(arc: Archive, aid: int, first_seen: str = "") -> None:
    arc.db.execute(ADD, [aid, f"u{aid}", f"u{aid}", first_seen])


def test_band_keys_are_stable() -> None:
    # Stored in the archive: the same in every process and release (not Python's hash()).
    sig = np.arange(NUM_PERM, dtype=np.uint32) * np.uint32(2654435761)
    keys = band_keys(sig[None, :])
    assert keys.shape == (1, BANDS) and keys.dtype == np.int64 and (keys >= 0).all()
    assert keys[0, :3].tolist() == PINNED_KEYS
    assert len(set(keys[0].tolist())) == BANDS  # the band's number is part of its key
    other = sig.copy()
    other[ROWS] += 1  # one value of the second band
    changed = band_keys(other[None, :])[0] != keys[0]
    assert changed.tolist() == [i == 1 for i in range(BANDS)]


PINNED_KEYS = [6886589837505127850, 8749880538411870539, 3570418141541327214]


def test_scores_are_datasketch_jaccard() -> None:
    base = body(1)
    texts = [base, base + " " + body(2, 40), body(3), " ".join(base.split()[:150])]
    hashes = [minhash(t) for t in texts]
    first = hashes[0]
    assert first is not None
    with Archive(":memory:") as arc:
        clusters = Clusters(arc.db, threshold=0.0)  # every candidate above it: see its score
        for i, text in enumerate(texts[1:], start=1):
            _article(arc, i)
            clusters.assign(i, text)
        assert candidates(arc.db.conn, _signature(first)) >= {1, 3}  # the two near copies
        _article(arc, 9)
        assert clusters.assign(9, base) is not None
        sim = arc.db.execute("SELECT similarity FROM articles WHERE id = 9").fetchone()[0]
    want = max(first.jaccard(m) for m in hashes[1:])  # type: ignore[union-attr]
    assert sim == round(want, 3)


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
        m = minhash(" ".join(base))
        assert m is not None
        assert len(candidates(arc.db.conn, _signature(m))) <= BANDS * BUCKET_CAP
        biggest = arc.db.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM minhash_buckets"
                                 " GROUP BY key)").fetchone()[0]
        assert biggest == BUCKET_CAP
    assert len(roots) == 1


def test_a_rolled_back_signature_is_not_a_match() -> None:
    text = body(11)
    with Archive(":memory:") as arc:
        clusters = Clusters(arc.db)
        arc.db.execute("BEGIN")
        _article(arc, 1)
        clusters.assign(1, text)
        assert arc.db["minhash_buckets"].count == BANDS
        arc.db.rollback()
        _article(arc, 2)
        assert clusters.assign(2, text) is None


def test_a_rolled_back_batch_leaves_no_bucket_rows(tmp_path: Any) -> None:
    from newsarchive.archive_clusters import assign_many

    items = [{"url": f"http://x.example/{i}", "site": "x.example", "headline": f"h{i}",
              "body": body(20 + i // 2) + (" extra" if i % 2 else ""),
              "fetched_at": "2025-01-01T00:00:00"} for i in range(2)]
    with Archive(tmp_path / "a.db") as arc:
        arc.store_many(items)
        kept = arc.db.execute("SELECT * FROM minhash_buckets ORDER BY key, seq").fetchall()
        assert len(kept) >= BANDS
        with pytest.raises(RuntimeError, match="refused"), arc._write():
            for aid in range(1, 5):  # look-alikes of the stored pair, and of each other
                _article(arc, aid)
            assign_many(arc, [(aid, body(20 + aid // 2) + " more" * aid) for aid in range(1, 5)])
            assert arc.db["minhash_buckets"].count > len(kept)
            # 1 joins the stored pair, 3 joins 2 (which becomes a root); 4 is alone
            assert arc.db.execute("SELECT count(*) FROM articles WHERE id < 5 AND cluster_id"
                                  " IS NOT NULL").fetchone()[0] == 3
            raise RuntimeError("refused")  # as a failing batch does, after its clusters
        assert arc.db.execute("SELECT * FROM minhash_buckets ORDER BY key, seq").fetchall() \
            == kept
        assert arc.db["minhashes"].count == 2
        assert arc.db.execute("SELECT count(*) FROM articles WHERE cluster_id IS NOT NULL"
                              ).fetchone()[0] == 2


@pytest.mark.parametrize(("firsts", "root"), [
    (("2025-01-02", "2025-01-01", "2025-01-03"), 2),  # the first seen wins a tie
    (("2025-01-01", "2025-01-01", "2025-01-01"), 1),  # then the lowest id
    (("2025-01-01", None, "2025-01-01"), 2),  # NULL sorts first, as SQLite's ORDER BY
])
def test_a_tie_goes_to_the_first_seen_then_the_lowest_id(firsts: tuple[Any, ...],
                                                         root: int) -> None:
    # Equal scores: `first_seen` is read (only then) from the articles' rows.
    sig = signature(body(5))
    assert sig is not None
    with Archive(":memory:") as arc:
        for aid, first in enumerate(firsts, start=1):
            arc.db.execute(ADD, [aid, f"u{aid}", f"u{aid}", first])
        Clusters(arc.db).link([(1, sig, False), (2, sig, False), (3, sig.copy(), False)])
        _article(arc, 9)
        assert Clusters(arc.db).link([(9, sig, True)]) == [root]


@pytest.mark.parametrize("vocab", [30, 400])
def test_update_moves_an_article_between_buckets(vocab: int) -> None:
    a, b = signature(body(1, vocab=vocab)), signature(body(2, vocab=vocab))
    assert a is not None and b is not None
    with Archive(":memory:") as arc:
        _article(arc, 1)
        clusters = Clusters(arc.db)
        clusters.assign(1, body(1, vocab=vocab))
        clusters.update(1, body(2, vocab=vocab))  # a new revision of article 1
        conn = arc.db.conn
        assert 1 not in candidates(conn, a) or np.array_equal(a, b)
        assert 1 in candidates(conn, b)
        assert arc.db["minhashes"].count == 1
        keys = {r[0] for r in conn.execute("SELECT key FROM minhash_buckets")}
        assert keys == set(band_keys(b[None, :])[0].tolist())


def _look_alikes(base: str, n: int, tag: str, edits: int = 1) -> list[str]:
    words = base.split()
    out = []
    for i in range(n):
        w = list(words)
        for e in range(edits):
            w[(i * 7 + e * 31) % len(w)] = f"{tag}{i}e{e}"
        out.append(" ".join(w))
    return out


def _drift(base: str, n: int) -> list[str]:
    """Each body the previous one with one more word changed: later ones are most like their
    neighbours, whom full buckets (the first BUCKET_CAP) and MAX_VERIFIED may leave out."""
    words, out = base.split(), []
    for i in range(n):
        words[(i * 13) % len(words)] = f"d{i}"
        out.append(" ".join(words))
    return out


def test_the_archive_index_gives_the_old_in_memory_clusters() -> None:
    # A few hundred bodies: two groups of look-alikes larger than BUCKET_CAP (so buckets fill
    # and the MAX_VERIFIED cut applies), a smaller, looser group, and unrelated stories; in a
    # shuffled order, with repeated first_seen values (the tie-break), stored in batches.
    rnd = random.Random(3)
    groups = [_look_alikes(body(100), BUCKET_CAP + 30, "a"),
              _look_alikes(body(101, vocab=60), BUCKET_CAP + 10, "b", edits=3),
              _look_alikes(body(102, words=120), 40, "c", edits=3),
              _drift(body(103, words=400), BUCKET_CAP + 50)]
    plain = {body(200 + i) for i in range(60)}
    texts = [t for g in groups for t in g[:-12 if g is groups[2] else None]] + sorted(plain)
    rnd.shuffle(texts)
    items = [{"url": f"http://x.example/{i}", "site": "x.example", "headline": f"h{i}",
              "body": t, "fetched_at": f"2025-01-01T0{rnd.randint(0, 2)}:00:00"}
             for i, t in enumerate(texts)]
    with Archive(":memory:") as new:
        for start in range(0, len(items), 37):
            assert set(new.store_many(items[start:start + 37])) == {"new"}
        order = [r[0] for r in new.db.execute("SELECT article_id FROM minhashes ORDER BY seq")]
        # Then revisions (Clusters.update): unrelated stories rewritten as look-alikes of a
        # group (they may join it now), and clustered ones rewritten as unrelated stories
        # (they stay in their cluster, their signature moves).
        ids = {text: aid for aid, text in new.db.execute("SELECT id, body FROM articles")}
        lone = [i for i, t in enumerate(texts) if t in plain][:12]
        joined = [i for i, t in enumerate(texts) if t in set(groups[2])][:12]
        revised = [(i, t) for i, t in zip(lone, groups[2][-12:], strict=True)] \
            + [(i, body(300 + i)) for i in joined]
        for i, text in revised:
            assert new.store({**items[i], "body": text + " revised",
                              "fetched_at": "2025-02-01T00:00:00"}) == "updated"
        rows = new.db.execute("SELECT id, first_seen, body, cluster_id, duplicate_of, similarity"
                              " FROM articles ORDER BY rowid").fetchall()
        got = {r[0]: r[3:] for r in rows}
        first_bodies = {r[0]: r[2] for r in rows}
        for i, _ in revised:
            first_bodies[ids[texts[i]]] = texts[i]
        buckets: dict[int, list[int]] = {}
        for key, aid in new.db.execute("SELECT key, article_id FROM minhash_buckets"
                                       " ORDER BY key, seq"):
            buckets.setdefault(key, []).append(aid)
    assert len(order) == len(items)
    by_id = {r[0]: r for r in rows}
    with Archive(":memory:") as old:
        ref = OldClusters(old.db)
        for aid in order:
            old.db.execute(ADD, [aid, f"u{aid}", f"u{aid}", by_id[aid][1]])
        for aid in order:
            sig = signature(first_bodies[aid])
            assert sig is not None
            ref.assign(aid, sig)
        for i, text in revised:  # old Clusters.update
            aid, sig = ids[texts[i]], signature(text + " revised")
            assert sig is not None
            if old.db.execute("SELECT cluster_id FROM articles WHERE id = ?",
                              [aid]).fetchone()[0] is None:
                ref.assign(aid, sig)
            else:
                ref.index.insert(aid, sig)
        want = {r[0]: r[1:] for r in old.db.execute(
            "SELECT id, cluster_id, duplicate_of, similarity FROM articles")}
    assert got == want
    # The same buckets, members in the same order (keys differ: the old ones were hash()).
    old_buckets = sorted(tuple(held) for table in ref.index.buckets for held in table.values()
                         if held)
    assert sorted(tuple(held) for held in buckets.values()) == old_buckets
    assert max(map(len, old_buckets)) == BUCKET_CAP
    assert len({v[0] for v in got.values() if v[0] is not None}) >= 3
    assert sum(v[1] is not None for v in got.values()) > 2 * BUCKET_CAP
