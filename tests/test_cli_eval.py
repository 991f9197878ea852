"""`newsarchive eval` prints one side-by-side table, with pages/s for each tool."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PAGE = ("<html><head><title>Harbour reopens | Gazette</title>"
        "<meta property='article:published_time' content='2024-02-03T08:00:00Z'>"
        "<meta name='author' content='Ann Lee'></head><body><nav>Home News Sport</nav>"
        "<article><h1>Harbour reopens</h1><p>The harbour reopened on Saturday after a month of "
        "repairs to the sea wall damaged in the January storms, the port authority said.</p>"
        "<p>Fishing boats returned to their moorings within hours of the announcement.</p>"
        "</article><footer>Copyright Gazette</footer></body></html>")


def test_eval_command_on_a_small_corpus(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    gold = {"url": "https://gazette.example/harbour", "page": "pages/a.html.gz",
            "with": ["The harbour reopened on Saturday"], "without": ["Copyright Gazette"],
            "title": "Harbour reopens", "date": "2024-02-03", "author": "Ann Lee"}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n")
    proc = subprocess.run([sys.executable, "-m", "newsarchive", "eval", "--corpus",
                           str(tmp_path), "--against", "trafilatura"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "newsarchive" in out and "trafilatura" in out
    for row in ("body F1", "comments recall", "title accuracy", "date accuracy",
                "authors F1", "pages/s"):
        assert row in out
    line = next(x for x in out.splitlines() if x.startswith("body F1"))
    assert float(line.split()[2]) == 1.0


def test_eval_refuses_a_folder_without_gold(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "newsarchive", "eval", "--corpus",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "no gold.jsonl" in proc.stderr
