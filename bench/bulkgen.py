"""Realistic generated records, in the shape `newsarchive export --format jsonl` writes.

Sizes follow the demo archive and bench_browse.py: bodies of 150-550 words over a Zipf-like
vocabulary (so FTS and MinHash see text like real text), 0-2 authors, 0-3 tags, 0-2 images with
agency credits, 0-8 comments (some threaded), 0-2 related blocks of 1-5 links, and one record in
ten a syndicated copy (same body on another URL of the same site) or a near-duplicate (a
paragraph trimmed) of an earlier one, so deduplication and clustering have work to do.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from typing import Any

SITES = [f"site{i:02d}.example" for i in range(30)]
SECTIONS = ["World", "Politics", "Business", "Science", "Culture", "Sport", "Society"]
LANGS = ["en", "en", "en", "ru", "be", "de"]
CREDITS = ["{n}/Reuters", "AP Photo/{n}", "{n}/Getty Images", "AFP", "EPA-EFE/{n}", "{n}"]


def records(n: int, seed: int = 5) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    syll = ["ka", "ro", "mi", "ne", "to", "la", "vi", "sa", "do", "re", "pu", "li", "ber", "gan"]
    vocab = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(1, 4)))
                    for _ in range(20000)})
    cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
    people = [f"{rng.choice(vocab).title()} {rng.choice(vocab).title()}" for _ in range(3000)]
    start = 1_700_000_000
    made: list[dict[str, Any]] = []
    for i in range(n):
        site = SITES[i % len(SITES)]
        url = f"https://{site}/{rng.choice(SECTIONS).lower()}/{i}/"
        ts = start + i * 600 + rng.randint(0, 300)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))
        kind = rng.random()
        if made and kind < 0.05:  # a syndicated copy: same text, another URL
            src = rng.choice(made[-500:])
            copy_url = f"https://{src['site']}/copy/{i}/"
            rec = {**src, "url": copy_url, "canonical_url": copy_url}
            made.append(rec)
            yield _with_times(rec, stamp)
            continue
        words = rng.choices(vocab, cum_weights=cum, k=rng.randint(150, 550))
        paras = [" ".join(words[j:j + 60]).capitalize() + "." for j in range(0, len(words), 60)]
        if made and kind < 0.10:  # a near-duplicate: an earlier story, last paragraph trimmed
            src = rng.choice(made[-500:])
            paras = src["body"].split("\n\n")
            paras = paras[:-1] if len(paras) > 2 else paras + ["An added closing line here."]
        headline = " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(6, 12)))
        ncom = rng.choice([0, 0, 0, 1, 2, 3, 5, 8])
        comments = [
            {"id": f"c{i}-{c}", "parent_id": f"c{i}-{c - 1}" if c and rng.random() < 0.3
             else None, "author": rng.choice(people), "published_at": stamp,
             "text": " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(5, 40))),
             "likes": rng.randint(0, 40)}
            for c in range(ncom)]
        blocks = []
        for b in range(rng.choice([0, 1, 1, 2])):
            links = []
            for _ in range(rng.randint(1, 5)):
                j = max(0, i - rng.randint(1, 2000))
                links.append({"url": f"https://{SITES[j % 30]}/x/{j}/",
                              "title": " ".join(rng.choices(vocab, k=6)),
                              "comment_count": rng.choice([None, rng.randint(0, 50)])})
            blocks.append({"title": ["Related", "Most read"][b], "links": links})
        rec = {
            "url": url, "canonical_url": url, "site": site, "language": rng.choice(LANGS),
            "headline": headline.capitalize(), "subheadline": None,
            "published_at": stamp, "modified_at": None, "section": rng.choice(SECTIONS),
            "body": "\n\n".join(paras), "comment_count": ncom or None,
            "authors": rng.sample(people, rng.choice([0, 1, 1, 1, 2])),
            "tags": rng.sample(vocab[:300], rng.choice([0, 1, 2, 3])),
            "images": [{"src": f"https://{site}/img/{i}-{p}.jpg", "alt": "alt text",
                        "caption": "A caption " + headline[:40],
                        "credit": rng.choice(CREDITS).format(n=rng.choice(people))}
                       for p in range(rng.choice([0, 1, 1, 1, 2, 2]))],
            "comments": comments, "related_blocks": blocks,
        }
        made.append(rec)
        yield _with_times(rec, stamp)


def _with_times(rec: dict[str, Any], stamp: str) -> dict[str, Any]:
    # The archive extras an export adds (import ignores the ids; the times date the record).
    return {**rec, "id": None, "first_seen": stamp, "last_seen": stamp, "revision_count": 1,
            "cluster_id": None, "duplicate_of": None}
