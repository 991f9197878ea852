"""`newsarchive extract`: one page, a manifest, the whole shared corpus (schema-valid)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from conftest import ROOT


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsarchive", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


PAGE = """<html lang="en"><head><title>Storm hits coast | Daily</title>
<link rel="canonical" href="https://news.example.com/2024/storm-hits-coast"></head>
<body><article><h1>Storm hits coast</h1>
<p>A powerful storm made landfall on Tuesday, cutting power to thousands of homes along the
coast and forcing the closure of schools and several roads in the region.</p>
<p>Emergency services said they had rescued dozens of people from flooded houses overnight.</p>
</article></body></html>"""


def test_extract_one_page_gz(tmp_path: Path, schema: dict) -> None:
    page = tmp_path / "p.html.gz"
    page.write_bytes(gzip.compress(PAGE.encode()))
    proc = run_cli("extract", str(page), "--url", "https://news.example.com/2024/storm?utm_source=x")
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    jsonschema.validate(rec, schema)
    assert rec["url"] == "https://news.example.com/2024/storm?utm_source=x"
    assert rec["site"] == "example.com"
    assert "thousands of homes" in rec["body"]


def test_manifest_keeps_order_and_reports_bad_pages(tmp_path: Path, schema: dict) -> None:
    (tmp_path / "a.html").write_text(PAGE)
    (tmp_path / "bin.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (tmp_path / "empty.html").write_bytes(b"")
    lines = [{"url": "https://a.example/1", "page": "a.html"},
             {"url": "https://a.example/2", "page": "bin.html"},
             {"url": "https://a.example/3", "page": "missing.html"},
             {"url": "https://a.example/4", "page": "empty.html"},
             {"url": "https://a.example/5", "page": "a.html"}]
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    proc = run_cli("extract", "--from", str(manifest))
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.split("\n") if x]
    assert [o["url"] for o in out] == [x["url"] for x in lines] + [None]
    assert "error" not in out[0] and "error" not in out[4]
    assert "binary" in out[1]["error"]
    assert "error" in out[2] and "empty" in out[3]["error"]
    jsonschema.validate(out[0], schema)


def test_whole_shared_corpus_gives_790_valid_records(corpus_dir: Path, schema: dict) -> None:
    proc = run_cli("extract", "--from", str(corpus_dir / "gold.jsonl"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = [json.loads(x) for x in proc.stdout.split("\n") if x]
    gold = [json.loads(x) for x in (corpus_dir / "gold.jsonl").read_text().splitlines()]
    assert len(out) == len(gold) == 790
    assert [o["url"] for o in out] == [g["url"] for g in gold]
    errors = [o for o in out if "error" in o]
    assert errors == []
    validator = jsonschema.Draft202012Validator(schema)
    invalid = [(o["url"], e.message) for o in out for e in validator.iter_errors(o)]
    assert invalid == []
    print(proc.stderr.strip().splitlines()[-1])  # pages/s, shown with -s
