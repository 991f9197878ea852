"""Extraction quality and speed on the shared corpus, side by side with trafilatura.

    PYTHONPATH=. python bench/bench_extract.py [--limit 200] [--worst 5]
    python -m pytest -m slow bench/bench_extract.py   # the same, with the floors as assertions

Runs `newsarchive.evaluate.run_eval(corpus, against="trafilatura")` (formulas documented
there) and prints the table. FLOORS pin the figures measured when this file was written, a
little under them, so a regression cannot pass silently; raise them when extraction improves.
Skips when ../shared is absent.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from newsarchive.evaluate import format_report, run_eval

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "trafilatura-eval"
# full corpus, 790 pages: measured body F1 0.941, title 0.862, date 0.860, authors F1 0.67;
# speed is pinned as a ratio to trafilatura's pages/s in the same run (machine-independent)
FLOORS = {"body_f1": 0.935, "title": 0.85, "date": 0.85, "authors_f1": 0.65}
SPEED_RATIO_FLOOR = 0.5


@pytest.mark.slow
@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared corpus not present")
def test_floors() -> None:
    report = run_eval(CORPUS, against="trafilatura")
    ours, theirs = (t.summary() for t in report.tools)
    for key, floor in FLOORS.items():
        assert ours[key] >= floor, f"{key} {ours[key]:.3f} < {floor}"
    assert ours["errors"] == 0
    assert ours["pages_per_s"] >= SPEED_RATIO_FLOOR * theirs["pages_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--worst", type=int, default=5)
    parser.add_argument("--against", default="trafilatura")
    args = parser.parse_args()
    report = run_eval(args.corpus, against=args.against or None, limit=args.limit)
    print(format_report(report, worst=args.worst))


if __name__ == "__main__":
    main()
