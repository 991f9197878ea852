"""Whole-record extraction speed vs trafilatura on the shared corpus, in one process.

    PYTHONPATH=. python bench/bench_extract_speed.py [--limit 200] [--repeat 3] [--stages]
    python -m pytest -m slow bench/bench_extract_speed.py   # the ratio floor as an assertion

For every page (bytes already in memory, gunzipped), time `newsarchive.extract.extract` (parse,
metadata, comments, related, body, images, access: the whole record) and
`trafilatura.bare_extraction(include_comments=True, with_metadata=True)` back to back, page by
page, so machine load hits both alike. Prints pages/s for each and the ratio ours/theirs (the
machine-independent figure; issue 3 wants >= 1.0). `--repeat` keeps each tool's best pass.
`--stages` adds newsarchive's time per layer and how often the body fell back to trafilatura.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.evaluate import load_gold, page_url, read_page

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "trafilatura-eval"
RATIO_FLOOR = 0.6  # measured 0.69 when this file was written; raise it as extraction speeds up


def load_pages(corpus: Path, limit: int | None = None) -> list[tuple[bytes, str]]:
    return [(read_page(corpus, g["page"]), page_url(g)) for g in load_gold(corpus, limit)]


def measure(pages: list[tuple[bytes, str]], repeat: int = 1) -> dict[str, float]:
    import trafilatura

    from newsarchive.extract import PageError, extract

    now = datetime(2024, 1, 1, tzinfo=UTC)
    best = {"newsarchive": float("inf"), "trafilatura": float("inf")}
    for _ in range(max(1, repeat)):
        spent = {"newsarchive": 0.0, "trafilatura": 0.0}
        for html, url in pages:
            start = time.perf_counter()
            try:
                extract(html, url, fetched_at=now)
            except PageError:
                pass
            mid = time.perf_counter()
            try:
                trafilatura.bare_extraction(html, url=url, include_comments=True,
                                            with_metadata=True)
            except Exception:  # noqa: BLE001,S110 - its failures are its own score
                pass
            spent["newsarchive"] += mid - start
            spent["trafilatura"] += time.perf_counter() - mid
        for key, value in spent.items():
            best[key] = min(best[key], value)
    n = len(pages)
    ours, theirs = n / best["newsarchive"], n / best["trafilatura"]
    return {"pages": n, "newsarchive_pages_s": ours, "trafilatura_pages_s": theirs,
            "ratio": ours / theirs}


def stages(pages: list[tuple[bytes, str]]) -> tuple[dict[str, float], Counter[str]]:
    """Milliseconds per page in each newsarchive layer, and the body's provenance counts."""
    from newsarchive.extract import body, comments, images, metadata, related
    from newsarchive.extract.document import Document, PageError
    from newsarchive.extract.site import fields_for
    from newsarchive.record import Record

    now = datetime(2024, 1, 1, tzinfo=UTC)
    spent: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    for html, url in pages:
        t0 = time.perf_counter()
        try:
            doc = Document.from_bytes(html, url)
        except PageError:
            continue
        fields = fields_for(None, doc.tree)
        rec = Record(url=url, canonical_url=url, site="", fetched_at=now.isoformat())
        t1 = time.perf_counter()
        metadata.fill_metadata(doc, rec, None, fields, now)
        t2 = time.perf_counter()
        exclude = comments.fill_comments(doc, rec, None, fields, now)
        t3 = time.perf_counter()
        exclude += related.fill_related(doc, rec, None, fields)
        t4 = time.perf_counter()
        node = body.fill_body(doc, rec, None, fields, exclude)
        t5 = time.perf_counter()
        images.fill_images(doc, rec, None, fields, node)
        t6 = time.perf_counter()
        body.fill_access(doc, rec, None, fields)
        t7 = time.perf_counter()
        marks = [("parse", t0, t1), ("metadata", t1, t2), ("comments", t2, t3),
                 ("related", t3, t4), ("body", t4, t5), ("images", t5, t6), ("access", t6, t7)]
        for name, a, b in marks:
            spent[name] += b - a
        layers[rec.provenance.get("body") or "none"] += 1
    n = max(1, len(pages))
    return {k: 1000 * v / n for k, v in spent.items()}, layers


@pytest.mark.slow
@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared corpus not present")
def test_speed_ratio() -> None:
    result = measure(load_pages(CORPUS))
    assert result["ratio"] >= RATIO_FLOOR, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--stages", action="store_true")
    args = parser.parse_args()
    pages = load_pages(args.corpus, args.limit)
    result = measure(pages, args.repeat)
    print(f"{result['pages']} pages: newsarchive {result['newsarchive_pages_s']:.1f} pages/s, "
          f"trafilatura {result['trafilatura_pages_s']:.1f} pages/s, "
          f"ratio {result['ratio']:.2f}")
    if args.stages:
        per_stage, layers = stages(pages)
        for name, ms in per_stage.items():
            print(f"  {name:10} {ms:6.2f} ms/page")
        print(f"  total      {sum(per_stage.values()):6.2f} ms/page; body from: "
              + ", ".join(f"{k} {v}" for k, v in layers.most_common()))


if __name__ == "__main__":
    main()
