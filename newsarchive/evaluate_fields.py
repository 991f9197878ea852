"""Per-field precision/recall for images, credits, comments and related blocks on labelled pages.

Labels (`tests/labels/fields-gold.jsonl`, one JSON object a page) say what the page shows:

    {"page": "pages/….html.gz", "url": "…",
     "images": [{"src": "<distinctive part of the file name>", "caption": …, "credit": …}],
     "comments": {"count": 36, "shown": 36, "authors": […], "texts": […]},
     "related": [{"title": "Most read", "urls": ["<end of a link url>", …]}],
     "notes": "why, for hard cases"}

A field set to null is not labelled on that page and is skipped. Matching is lenient where the
label is partial: an image matches when its URL contains the label's `src`; a block matches when
one of its links ends with a labelled url; credits match by case-folded containment.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from newsarchive.extract import PageError, extract
from newsarchive.record import Record

FIELDS = ("images", "credits", "comments", "comment_texts", "comment_count", "related_blocks",
          "related_links")


def _norm(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _same(a: str | None, b: str | None) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b) and (a in b or b in a)


class _Tally:
    def __init__(self) -> None:
        self.tp_p = self.pred = self.tp_r = self.gold = 0

    def add(self, tp_pred: int, pred: int, tp_gold: int, gold: int) -> None:
        self.tp_p += tp_pred
        self.pred += pred
        self.tp_r += tp_gold
        self.gold += gold

    def result(self) -> dict[str, float | int | None]:
        p = self.tp_p / self.pred if self.pred else None
        r = self.tp_r / self.gold if self.gold else None
        return {"precision": p, "recall": r, "predicted": self.pred, "labelled": self.gold}


def _score_images(rec: Record, gold: list[dict[str, Any]], t: dict[str, _Tally]) -> None:
    preds = [(unquote(i.src), i) for i in rec.images]
    used: set[int] = set()
    matched = 0
    credit_tp = credit_gold = 0
    for g in gold:
        key = unquote(g["src"])
        hit = next((k for k, (src, _) in enumerate(preds) if k not in used and key in src), None)
        if g.get("credit"):
            credit_gold += 1
        if hit is None:
            continue
        used.add(hit)
        matched += 1
        if g.get("credit") and _same(preds[hit][1].credit, g["credit"]):
            credit_tp += 1
    t["images"].add(matched, len(preds), matched, len(gold))
    pred_credits = sum(1 for _, i in preds if i.credit)
    t["credits"].add(credit_tp, pred_credits, credit_tp, credit_gold)


def _score_comments(rec: Record, gold: dict[str, Any], t: dict[str, _Tally]) -> None:
    if gold.get("shown") is not None:
        tp = min(len(rec.comments), gold["shown"])
        t["comments"].add(tp, len(rec.comments), tp, gold["shown"])
    texts = [c.text for c in rec.comments]
    authors = [c.author or "" for c in rec.comments]
    found = sum(1 for x in gold.get("texts", []) if any(_norm(x) in _norm(y) for y in texts))
    found += sum(1 for a in gold.get("authors", []) if any(_same(a, b) for b in authors))
    n = len(gold.get("texts", [])) + len(gold.get("authors", []))
    t["comment_texts"].add(found, n, found, n)
    want, got = gold.get("count"), rec.comment_count
    ok = int(want is not None and got == want)
    t["comment_count"].add(ok, int(got is not None and (want is not None or not rec.comments)),
                           ok, int(want is not None))


def _score_related(rec: Record, gold: list[dict[str, Any]], t: dict[str, _Tally]) -> None:
    def hits(block: Any, url: str) -> bool:
        return any(lk.url.rstrip("/").endswith(url.rstrip("/")) for lk in block.links)

    pred_ok = [any(hits(b, u) for g in gold for u in g["urls"]) for b in rec.related_blocks]
    gold_ok = 0
    url_tp = url_n = 0
    for g in gold:
        blocks = [b for b in rec.related_blocks if any(hits(b, u) for u in g["urls"])]
        gold_ok += bool(blocks)
        url_n += len(g["urls"])
        url_tp += sum(1 for u in g["urls"] if any(hits(b, u) for b in blocks))
    t["related_blocks"].add(sum(pred_ok), len(pred_ok), gold_ok, len(gold))
    links_ok = sum(len(b.links) for b, ok in zip(rec.related_blocks, pred_ok, strict=True) if ok)
    t["related_links"].add(links_ok, sum(len(b.links) for b in rec.related_blocks),
                           url_tp, url_n)


def score_fields(corpus_dir: str | Path, labels_path: str | Path) -> dict[str, Any]:
    """Precision/recall per field over the labelled pages (see the module docstring)."""
    corpus_dir, labels_path = Path(corpus_dir), Path(labels_path)
    tallies = {f: _Tally() for f in FIELDS}
    pages = 0
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label = json.loads(line)
        data = gzip.decompress((corpus_dir / label["page"]).read_bytes())
        url = label["url"] if label["url"].startswith("http") else "https://example.org/page"
        try:
            rec = extract(data, url)
        except PageError:
            rec = Record(url=url, canonical_url=url, site="")
        pages += 1
        if label.get("images") is not None:
            _score_images(rec, label["images"], tallies)
        if label.get("comments") is not None:
            _score_comments(rec, label["comments"], tallies)
        if label.get("related") is not None:
            _score_related(rec, label["related"], tallies)
    out: dict[str, Any] = {f: tallies[f].result() for f in FIELDS}
    out["pages"] = pages
    return out


def format_fields(scores: dict[str, Any]) -> str:
    """A small table: field, precision, recall, predicted, labelled."""
    def pct(x: float | None) -> str:
        return "  -  " if x is None else f"{100 * x:5.1f}"

    rows = [f"{'field':<16} {'prec':>5} {'recall':>6} {'pred':>5} {'gold':>5}"]
    for f in FIELDS:
        s = scores[f]
        rows.append(f"{f:<16} {pct(s['precision'])} {pct(s['recall']):>6} "
                    f"{s['predicted']:>5} {s['labelled']:>5}")
    rows.append(f"pages: {scores['pages']}")
    return "\n".join(rows)


if __name__ == "__main__":  # python -m newsarchive.evaluate_fields [corpus_dir] [labels]
    import sys

    root = Path(__file__).resolve().parent.parent
    default = root.parent / "shared/corpus/trafilatura-eval"
    corpus = sys.argv[1] if len(sys.argv) > 1 else str(default)
    labels = sys.argv[2] if len(sys.argv) > 2 else str(root / "tests/labels/fields-gold.jsonl")
    print(format_fields(score_fields(corpus, labels)))
