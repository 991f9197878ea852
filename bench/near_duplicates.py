"""Near-duplicate threshold, measured: precision and recall of the MinHash/LSH clustering on
pairs built from the demo's articles.

Positives (should cluster): each article with a changed headline only, its last paragraph
trimmed, a sentence reworded, a paragraph added, and trimmed + reworded + new headline.
Negatives (must not): every pair of different stories of one publisher, each nasha-niva
story against its translations (same story, other language - a separate article by design),
and each story against another one that quotes its first two paragraphs as background.

Scores are the estimated Jaccard similarity of 5-word shingles; `archive_pairs()` also runs
a sample of pairs through a real (in-memory) Archive, so LSH candidate misses count too.

    python bench/near_duplicates.py     # prints precision/recall per threshold
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsarchive.clusters import NUM_PERM, THRESHOLD, minhash  # noqa: E402
from newsarchive.demo import content  # noqa: E402


def _paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


def variants(body: str) -> dict[str, str]:
    paras = _paragraphs(body)
    first = paras[0]
    reworded = first.replace(" the ", " this ", 2).replace(",", ";", 1)
    return {
        "headline only": body,
        "last paragraph trimmed": "\n\n".join(paras[:-1]),
        "sentence reworded": "\n\n".join([reworded, *paras[1:]]),
        "paragraph added": body + "\n\nThis report was updated with comments from officials.",
        "trimmed + reworded": "\n\n".join([reworded, *paras[1:-1]]),
    }


def pairs() -> list[tuple[str, str, bool, str]]:
    """(text a, text b, should cluster, kind)."""
    arts = [a for a in content.articles() if minhash(a.body) is not None]
    out: list[tuple[str, str, bool, str]] = []
    for a in arts:
        out += [(a.body, v, True, kind) for kind, v in variants(a.body).items()]
    for a, b in itertools.combinations(arts, 2):
        if a.publisher != b.publisher:
            continue
        kind = "translation" if a.id == b.id else "other story"
        out.append((a.body, b.body, False, kind))
        if kind == "other story":
            quoting = "\n\n".join([*_paragraphs(b.body), *_paragraphs(a.body)[:2]])
            out.append((a.body, quoting, False, "quotes 2 paragraphs"))
    return out


def archive_pairs(step: int = 1) -> list[tuple[float, bool, str]]:
    """Every `step`-th pair stored as two articles of a fresh in-memory archive: 1.0 when the
    second one lands in the first one's cluster, else 0.0."""
    from newsarchive.archive import Archive

    out = []
    for i, (a, b, positive, kind) in enumerate(pairs()[::step]):
        with Archive(":memory:") as arc:
            for n, body in enumerate((a, b)):
                arc.store({"url": f"http://x.example/{i}/{n}", "site": f"s{n}.example",
                           "headline": "h", "body": body, "fetched_at": f"2025-01-0{n + 1}"})
            ids = [r[0] for r in arc.db.execute("SELECT cluster_id FROM articles")]
            out.append((1.0 if ids[0] is not None and ids[0] == ids[1] else 0.0, positive, kind))
    return out


def measure(threshold: float, scored: list[tuple[float, bool, str]]) -> tuple[float, float]:
    tp = sum(1 for s, pos, _ in scored if pos and s >= threshold)
    fp = sum(1 for s, pos, _ in scored if not pos and s >= threshold)
    fn = sum(1 for s, pos, _ in scored if pos and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def scored_pairs() -> list[tuple[float, bool, str]]:
    out = []
    for a, b, positive, kind in pairs():
        ma, mb = minhash(a), minhash(b)
        sim = float(ma.jaccard(mb)) if ma and mb else 0.0
        out.append((sim, positive, kind))
    return out


def main() -> None:
    scored = scored_pairs()
    pos = [s for s, p, _ in scored if p]
    neg = [s for s, p, _ in scored if not p]
    print(f"{len(pos)} positive and {len(neg)} negative pairs, {NUM_PERM} permutations")
    print(f"positives: min {min(pos):.3f}; negatives: max {max(neg):.3f}")
    for kind in sorted({k for _, _, k in scored}):
        sims = [s for s, _, k in scored if k == kind]
        print(f"  {kind:24} n={len(sims):4} min={min(sims):.3f} max={max(sims):.3f}")
    for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        p, r = measure(t, scored)
        mark = "  <- THRESHOLD" if abs(t - THRESHOLD) < 1e-9 else ""
        print(f"threshold {t:.1f}: precision {p:.3f} recall {r:.3f}{mark}")
    p, r = measure(0.5, archive_pairs())
    print(f"through the archive (LSH + verification at {THRESHOLD}): "
          f"precision {p:.3f} recall {r:.3f}")


if __name__ == "__main__":
    main()
