"""`newsarchive export`: records of the shared schema, streamed as JSONL, CSV or parquet."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
from test_history import cli, two_editions  # noqa: F401 (session fixture shared)


def test_jsonl_records_validate_against_the_shared_schema(
        two_editions: Path, tmp_path: Path, schema: dict) -> None:  # noqa: F811
    out = tmp_path / "all.jsonl"
    proc = cli("export", "--db", str(two_editions), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(recs) == 37 and "exported 37 articles" in proc.stderr
    validator = jsonschema.Draft202012Validator(schema)
    for rec in recs:
        validator.validate(rec)
    storm = next(r for r in recs if r["headline"].startswith("Storm Imogen"))
    assert storm["revision_count"] == 2
    removed = [c for c in storm["comments"] if c["removed_at"]]
    assert [c["id"] for c in removed] == ["comment-5109"]  # kept, marked
    assert any(b["links"] for b in storm["related_blocks"])
    assert any(r["cluster_id"] for r in recs)


def test_site_filter_csv_and_parquet(two_editions: Path, tmp_path: Path) -> None:  # noqa: F811
    proc = cli("export", "--db", str(two_editions), "--site", "old-gazette.example",
               "--format", "csv", "-o", str(tmp_path / "og.csv"))
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "og.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and {r["site"] for r in rows} == {"old-gazette.example"}
    assert isinstance(json.loads(rows[0]["comments"]), list)
    proc = cli("export", "--db", str(two_editions), "--format", "parquet",
               "-o", str(tmp_path / "all.parquet"))
    assert proc.returncode == 0, proc.stderr
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "all.parquet")
    assert table.num_rows == 37
    comments = table.column("comments").to_pylist()
    assert sum(len(c) for c in comments) > 30
    none = cli("export", "--db", str(two_editions), "--since", "2999-01-01")
    assert none.returncode == 0 and none.stdout == ""
    assert cli("export", "--db", str(tmp_path / "missing.db")).returncode == 2
