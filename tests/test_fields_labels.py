"""Per-field scores on the labelled corpus pages stay at or above what was measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.evaluate_fields import format_fields, score_fields

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "trafilatura-eval"
LABELS = ROOT / "tests" / "labels" / "fields-gold.jsonl"

# measured when the labels were written (see the report); a drop fails, a rise is welcome
FLOORS = {
    "images": (0.85, 0.85),
    "credits": (0.85, 0.65),
    "comments": (0.95, 0.95),
    "comment_texts": (0.95, 0.95),
    "comment_count": (0.65, 0.85),
    "related_blocks": (0.75, 0.80),
    "related_links": (0.60, 0.75),
}


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared corpus not available")
def test_field_scores_floors() -> None:
    scores = score_fields(CORPUS, LABELS)
    assert scores["pages"] >= 40
    table = format_fields(scores)
    for field, (p_floor, r_floor) in FLOORS.items():
        p, r = scores[field]["precision"], scores[field]["recall"]
        assert p is not None and p >= p_floor, f"{field} precision {p}\n{table}"
        assert r is not None and r >= r_floor, f"{field} recall {r}\n{table}"


def test_labels_reference_pages_not_copies() -> None:
    import json

    for line in LABELS.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        assert label["page"].startswith("pages/") and label["page"].endswith(".html.gz")
        assert set(label) == {"page", "url", "images", "comments", "related", "notes"}
