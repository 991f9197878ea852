"""The eval harness: scoring formulas, a tiny corpus built here, and (when ../shared exists) a
quick run on the shared corpus."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsarchive.evaluate import (
    Extracted,
    ToolScore,
    fold,
    format_report,
    page_url,
    run_eval,
    split_names,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "trafilatura-eval"


def test_fold_and_names() -> None:
    assert fold("  «Ein “Test” – jetzt»\u00ad ") == fold('"ein "test" - JETZT"')
    assert split_names("Jane Doe and John Roe; Reuters") == {"jane doe", "john roe", "reuters"}
    assert split_names(["Anna Schmidt", "Peter Meier"]) == {"anna schmidt", "peter meier"}
    assert page_url({"url": "hard::x.html"}) == "http://example.invalid/"


def test_score_formulas() -> None:
    score = ToolScore("t")
    gold = {"url": "u", "with": ["alpha beta", "gamma", "missing"], "without": ["junk"],
            "comments": ["nice post", "other comment"], "title": "The Title",
            "date": "2024-03-12", "author": "Jane Doe, John Roe"}
    got = Extracted(body="Alpha  beta gamma junk nice post", comments="nice post",
                    title="the title", date="2024-03-12T10:00:00+01:00",
                    authors=["Jane Doe"], seconds=0.5)
    score.add(gold, got)
    score.finish()
    s = score.summary()
    assert (score.body_hits, score.body_with, score.body_fp) == (2, 3, 1)
    assert s["body_precision"] == pytest.approx(2 / 3)
    assert s["body_recall"] == pytest.approx(2 / 3)
    assert s["comments_recall"] == 0.5 and s["comments_leaked"] == 0.5
    assert s["title"] == 1.0 and s["date"] == 1.0
    assert s["authors_f1"] == pytest.approx(2 / 3)  # P = 1, R = 1/2
    assert s["pages_per_s"] == 2.0
    assert "MISSED 'missing'" in score.worst["body"][0][1]


def write_corpus(root: Path) -> Path:
    para = "The council met on Tuesday and voted on the new harbour plan after a long debate. "
    pages = {
        "a.html.gz": f"""<html lang="en"><head><title>Harbour plan approved | Town News</title>
            <meta property="article:published_time" content="2024-03-12T09:00:00+01:00">
            <script type="application/ld+json">{{"@type": "NewsArticle",
             "author": {{"@type": "Person", "name": "Jane Doe"}}}}</script></head><body>
            <h1>Harbour plan approved</h1><article><p>{para * 3}</p><p>Second paragraph says the
            work starts in May and ends next year, the mayor said at the meeting.</p></article>
            <footer><p>Subscribe to the Town News newsletter for daily updates.</p></footer>
            </body></html>""",
        "b.html": f"""<html><body><h1>Second story headline</h1><div class="post">
            <p>{para * 2}</p><p>Another paragraph with enough words to be extracted.</p></div>
            </body></html>""",
    }
    for name, html in pages.items():
        data = html.encode()
        (root / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    gold = [
        {"url": "https://town.example/2024/03/12/harbour", "page": "a.html.gz",
         "with": ["voted on the new harbour plan", "the work starts in May"],
         "without": ["Subscribe to the Town News newsletter"], "title": "Harbour plan approved",
         "date": "2024-03-12", "author": "Jane Doe"},
        {"url": "hard::b.html", "page": "b.html", "with": ["Another paragraph with enough"],
         "without": [], "title": "Second story headline", "date": "", "author": ""},
    ]
    (root / "gold.jsonl").write_text("\n".join(json.dumps(g) for g in gold) + "\n")
    return root


def test_run_eval_on_a_small_corpus(tmp_path: Path) -> None:
    report = run_eval(write_corpus(tmp_path))
    assert report.pages == 2 and [t.name for t in report.tools] == ["newsarchive"]
    s = report.tools[0].summary()
    assert s["body_recall"] == 1.0 and s["body_precision"] == 1.0
    assert s["title"] == 1.0 and s["date"] == 1.0 and s["authors_f1"] == 1.0
    assert s["errors"] == 0 and s["pages_per_s"] > 0
    text = format_report(report)
    assert "body F1" in text and "newsarchive" in text


def test_run_eval_against_trafilatura_and_limit(tmp_path: Path) -> None:
    report = run_eval(write_corpus(tmp_path), against="trafilatura", limit=1)
    assert report.pages == 1
    assert [t.name for t in report.tools] == ["newsarchive", "trafilatura"]
    assert "trafilatura" in format_report(report).splitlines()[1]
    with pytest.raises(ValueError):
        run_eval(tmp_path, against="nope")


@pytest.mark.skipif(not (SHARED / "gold.jsonl").exists(), reason="../shared corpus not present")
def test_shared_corpus_quick_run() -> None:
    report = run_eval(SHARED, limit=50)
    s = report.tools[0].summary()
    assert s["errors"] == 0
    # floors well under the full-corpus figures, so noise on 50 pages does not fail the test
    assert s["body_f1"] >= 0.85
    assert s["title"] >= 0.5  # the first 50 lines are mostly small blogs with odd titles
    assert s["date"] >= 0.7
