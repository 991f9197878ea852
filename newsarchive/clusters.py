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

Signatures live in `minhashes` (seq = insertion order), the LSH buckets in `minhash_buckets`
(band key, seq, article_id): nothing is loaded into memory, a batch of new articles looks up its
25 band keys each with one indexed statement (archive_clusters.py). Until the `bands` branch every
writing process loaded every signature into an in-memory index (~2.5 KB per article: 250 MB and
the load time of all signatures in each cron run on a 100,000-article archive).

Cost: candidates come from datasketch's banding for the threshold (25 bands of 5 values), with our
own stable bucket keys (`band_keys`), and are compared as plain uint32 arrays: rebuilding a
datasketch `MinHash` per candidate (its constructor draws the 128 permutations again) was ~85 us
each, and when many bodies look alike every earlier article is a candidate, so that work grew with
the square of the archive (4.9 s of a 300-article crawl). Work per new article is bounded: a band
bucket keeps its first BUCKET_CAP members (later look-alikes still find the earliest ones, which
is where a cluster's root is), and of the candidates above the threshold the MAX_VERIFIED most
similar (then earliest) are the ones a match is chosen from. Below those bounds - any archive
whose near copies come in groups smaller than 100 - the result is exactly the exhaustive one.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # sqlite_utils for a type only: ~0.1 s of each extraction worker's start
    from datasketch import MinHash
    from sqlite_utils import Database

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
MAX_VERIFIED = 64  # candidates above the threshold a match is chosen from, per new article


class _Blanks(dict[int, int]):
    """A str.translate table keeping word characters (`\\w`) and blanking every other one,
    filled as characters are met: translate + split gives _WORD.findall's words in a quarter of
    its time (0.11 vs 0.48 ms on a 5,400-word body), the largest part of a signature."""

    def __missing__(self, code: int) -> int:
        value = self[code] = code if _WORD.match(chr(code)) else 32
        return value


_BLANKS = _Blanks()
# the same for ASCII text as a bytes.translate table (all 128 ASCII codes decided by _WORD)
_ASCII_BLANKS = bytes(c if _WORD.match(chr(c)) else 32 for c in range(128)) + b" " * 128
# Non-ASCII text: its runs of non-ASCII non-word characters (dashes, quotes, NBSP, lone
# surrogates) become a space by one regex, then the UTF-8 bytes go through the ASCII table
# with bytes 0x80-0xFF kept (they only occur inside multi-byte characters, which are now all
# word characters): 61 against 143 us for str.translate + split on a corpus body, where
# translate looks a dict up (and makes an int) per character.
_NON_ASCII_BLANKS = re.compile(r"[^\x00-\x7f\w]+")
_UTF8_BLANKS = _ASCII_BLANKS[:128] + bytes(range(128, 256))


def _words(text: str | None) -> list[str]:
    return (text or "").lower().translate(_BLANKS).split()


def shingles(text: str | None) -> set[bytes]:
    words = _words(text)
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
    if not text:
        return None
    if text.isascii():
        # ASCII text (most bodies in English): the words as bytes, by one bytes.translate
        # with a 256-byte table (a C table lookup per character, where str.translate looks a
        # dict up), 0.19 -> 0.16 ms on a 5,400-word body, and no encoding afterwards
        ascii_words = text.lower().encode("ascii").translate(_ASCII_BLANKS).split()
        n, data = len(ascii_words), b" ".join(ascii_words)
    else:
        utf8_words = _NON_ASCII_BLANKS.sub(" ", text.lower()).encode().translate(
            _UTF8_BLANKS).split()
        n, data = len(utf8_words), b" ".join(utf8_words)
    if n < MIN_WORDS:
        return None
    # The shingles of `shingles()` as slices of one encoded string (no join per shingle), and
    # every SHA-1's first 4 bytes (little-endian, as datasketch's sha1_hash32) read by one
    # frombuffer: a digest is 20 bytes, 5 uint32, so [::5]. Distinct shingles only (a set, as
    # shingles() makes): generated or boilerplate-heavy text repeats many. Was ~30% of
    # `newsarchive import`'s time. A word never holds a space (nor does UTF-8 put byte 0x20
    # inside a character), so the spaces numpy finds in `data` are the word boundaries: word
    # i starts after space i-1 and shingle i ends at space i+k-1 (a Python loop summing word
    # lengths took 0.26 ms on a 5,400-word body; zip over two lists beats indexing them).
    k = SHINGLE_WORDS
    gaps = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 32)
    starts = [0, *(gaps[:n - k] + 1).tolist()]
    ends = [*gaps[k - 1:].tolist(), len(data)]
    grams = {data[a:b] for a, b in zip(starts, ends, strict=True)}
    sha1 = hashlib.sha1
    digests = b"".join([sha1(g).digest() for g in grams])  # once per distinct shingle
    hv = np.frombuffer(digests, dtype="<u4")[::5]
    # one (shingles x NUM_PERM) array, the offsets added in place: `h[:, None] * _A + _B`
    # made a second one, and from ~500 shingles up (a 380 KB array) that cost 3-6x as much
    # (fresh pages from the allocator each time): ~300 -> ~50 us for 740 shingles
    perm = np.multiply.outer(_fmix32(hv), _A)
    perm += _B
    return perm.min(axis=0)


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


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """The LSH bucket key of each band of each signature: (n, NUM_PERM) -> (n, BANDS) int64.

    Stored in `minhash_buckets`, so it must be the same in every process and every version
    (Python's hash() of bytes is salted per process): an FNV-style multiply-xor over the band's
    ROWS values, salted with the band's number, then MurmurHash3's 64-bit finalizer, keeping 63
    bits (a non-negative SQLite INTEGER). Changing it needs a migration that rebuilds the
    buckets. A collision only adds a candidate, which the signature comparison drops.
    """
    sigs = np.asarray(sigs, dtype=_DTYPE).reshape(-1, NUM_PERM)[:, :BANDS * ROWS]  # 3 unused
    sigs = sigs.reshape(-1, BANDS, ROWS).astype(np.uint64)
    h = np.broadcast_to(_BAND_SALT, sigs.shape[:2]).copy()
    for r in range(ROWS):
        h = (h ^ sigs[:, :, r]) * _FNV_PRIME
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return (h >> np.uint64(1)).astype(np.int64)


_FNV_PRIME = np.uint64(0x100000001B3)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)


class Clusters:
    """Near-duplicate linking on one archive connection; writes happen in the caller's
    transaction and nothing is kept in memory between calls (archive_clusters.link)."""

    def __init__(self, db: Database, threshold: float = THRESHOLD) -> None:
        self.db = db
        self.threshold = threshold

    def link(self, items: list[tuple[int, np.ndarray, bool]]) -> list[int | None]:
        """(article id, signature, look for a cluster?) in order -> each one's cluster id."""
        from newsarchive.archive_clusters import link

        return link(self.db.conn, items, self.threshold)

    def assign(self, aid: int, body: str | None) -> int | None:
        """Index a new article and link it to its cluster; returns the cluster id or None."""
        sig = signature(body)
        return None if sig is None else self.link([(aid, sig, True)])[0]

    def update(self, aid: int, body: str | None) -> int | None:
        """A new revision: new signature; an article not yet in a cluster may join one now."""
        clustered = self.db.execute("SELECT cluster_id FROM articles WHERE id = ?",
                                    [aid]).fetchone()
        if clustered and clustered[0] is not None:
            sig = signature(body)
            if sig is not None:
                self.link([(aid, sig, False)])
            return int(clustered[0])
        return self.assign(aid, body)
