"""`newsarchive import`: records in through the batch path, validated, idempotent."""

from __future__ import annotations

import copy
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_archive_batch import dump

from newsarchive.archive import Archive
from newsarchive.cli import main
from newsarchive.export import records, write_jsonl
from newsarchive.importer import SCHEMA_FILE, _valid, check

BODY = ("The council voted on Tuesday to extend the tram line to the northern districts, "
        "and construction is expected to start next spring. ") * 3


def record(n: int, **over: Any) -> dict[str, Any]:
    rec = {"url": f"https://a.example/news/{n}", "canonical_url": f"https://a.example/news/{n}",
           "site": "a.example", "language": "en", "headline": f"Story {n}", "subheadline": None,
           "authors": ["Ann Lee"], "published_at": "2025-01-02", "modified_at": None,
           "section": "City", "tags": ["tram"], "body": f"Story {n}. {BODY}",
           "images": [{"src": f"https://a.example/{n}.jpg", "caption": "A tram",
                       "credit": "AP"}],
           "comment_count": 1, "comments": [{"id": f"c{n}", "parent_id": None, "author": "Bo",
                                             "published_at": None, "text": "Good."}],
           "related_blocks": [{"title": "More", "links": [
               {"url": "https://a.example/news/9", "title": "Nine"}]}],
           "fetched_at": "2025-01-03T10:00:00+00:00"}
    rec.update(over)
    return rec


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["import", *args])


def test_export_import_round_trip_and_a_second_import_changes_nothing(tmp_path: Path) -> None:
    src, dst = tmp_path / "src.db", tmp_path / "dst.db"
    with Archive(src) as arc:
        for n in range(5):
            arc.store(record(n))
        arc.store(record(7, url="https://a.example/copy/7", body=f"Story 1. {BODY}"))  # a copy
        with open(tmp_path / "out.jsonl", "w", encoding="utf-8") as fh:
            write_jsonl(records(arc.db), fh)
    first = run(str(tmp_path / "out.jsonl"), "--db", str(dst))
    assert first.exit_code == 0, first.output
    assert "5 records read, 5 new" in first.output
    before = dump(dst)
    second = run(str(tmp_path / "out.jsonl"), "--db", str(dst), "--batch", "2")
    assert second.exit_code == 0 and "0 new, 0 updated, 5 unchanged" in second.output
    assert dump(dst) == before  # nothing moved, not even last_seen
    with Archive(src) as a, Archive(dst) as b:
        keep = ("url", "headline", "body", "authors", "images", "related_blocks", "first_seen")
        assert [{k: r[k] for k in keep} for r in records(a.db)] == [
            {k: r[k] for k in keep} for r in records(b.db)]


def test_bad_lines_are_reported_by_number_and_the_rest_is_stored(tmp_path: Path) -> None:
    lines = [json.dumps(record(1)), "{not json", json.dumps({**record(2), "authors": "Ann"}),
             "", json.dumps({k: v for k, v in record(3).items() if k != "site"}),
             json.dumps(record(4, headline={"a": 1})), json.dumps(record(5))]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    out = run(str(tmp_path / "in.jsonl"), "--db", str(tmp_path / "a.db"))
    assert out.exit_code == 1
    assert "line 2: not JSON" in out.output
    assert "line 3: $.authors: expected array, got str" in out.output
    assert "line 5: $: missing 'site'" in out.output
    assert "line 6: $.headline: expected string or null, got dict" in out.output
    assert "6 records read, 2 new" in out.output and "4 bad" in out.output
    again = run(str(tmp_path / "in.jsonl"), "--db", str(tmp_path / "b.db"), "--site",
                "a.example")  # a default site for records without one
    assert "3 new" in again.output and again.exit_code == 1
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("select site from articles where url like '%/3'").fetchone() == (
            "a.example",)


def test_an_unwritable_archive_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps(record(1)) + "\n")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run(str(tmp_path / "in.jsonl"), "--db", str(blocker / "a.db")).exit_code == 2


def test_the_shipped_schema_is_the_shared_one(schema: dict[str, Any]) -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == schema


def test_check_agrees_with_jsonschema(schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    rng = random.Random(3)
    values = [None, "x", 1, 1.0, 1.5, True, [], {}, ["x"], [{}], {"x": 1}]
    paths = [("url",), ("language",), ("authors",), ("authors", 0), ("comment_count",),
             ("images",), ("images", 0), ("images", 0, "src"), ("images", 0, "credit"),
             ("comments", 0, "likes"), ("comments", 0, "text"), ("related_blocks", 0, "links"),
             ("related_blocks", 0, "links", 0, "comment_count"), ("related_blocks", 0, "title")]
    for _ in range(400):
        rec: Any = copy.deepcopy(record(1))
        for _ in range(rng.randint(0, 2)):
            path = rng.choice(paths)
            target = rec
            try:
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]]  # noqa: B018 - still there (an earlier change may have gone)
            except (IndexError, KeyError, TypeError):
                continue
            if rng.random() < 0.2 and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = rng.choice(values)
        assert (not list(check(rec))) == validator.is_valid(rec), rec
        assert _valid()(rec) == validator.is_valid(rec), rec  # parse()'s compiled fast path


def test_signatures_made_in_a_helper_process_give_the_same_archive(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No helper, a spawned one (prepares from the second batch on) and a forked one (every
    batch): the same archive."""
    from newsarchive import clusters, importer
    from newsarchive.importer import import_lines

    rng = random.Random(7)
    words = "tram council budget river bridge school market harbour station court".split()
    lines = []
    for n in range(23):  # near copies among them, so clusters form across batches
        body = " ".join(rng.choice(words) for _ in range(60)) if n % 4 else f"Story 1. {BODY}"
        lines.append(json.dumps(record(n, body=f"{body} {n % 3}")))
    dumps = []
    can_fork = importer._can_fork()
    for workers, start in ((0, ""), (1, "spawn"), (1, "fork")):
        if start == "fork" and not can_fork:
            continue
        monkeypatch.setattr(importer, "_can_fork", lambda start=start: start == "fork")
        clusters._AHEAD.clear()  # process-wide: whatever earlier tests handed over
        db = tmp_path / f"w{workers}{start}.db"
        with Archive(db) as arc:
            report = import_lines(arc, lines, batch=4, workers=workers,
                                  seen_at="2025-01-03T10:00:00+00:00")
        assert report.lines == 23 and not report.bad
        dumps.append(dump(db))
    assert all(d == dumps[0] for d in dumps[1:]) and len(dumps) == 2 + can_fork
    # What the store did not take are the bodies of exact copies (merged, never signed).
    copies = {json.loads(line)["body"] for n, line in enumerate(lines) if n % 4 == 0}
    assert set(clusters._AHEAD) <= copies
    clusters._AHEAD.clear()


def _clean_or_not(pieces: list[str]) -> st.SearchStrategy[str]:
    # mostly plain pieces, so that about half the URLs take the fast path
    return st.one_of(st.sampled_from(pieces[:4]), st.sampled_from(pieces))


LABELS = ["a", "news", "b9", "x-y", "A", "xn--p1ai", "-a", "a-", "", "_", "é", "1"]
SEGMENTS = ["a", "Story-1", "x_y.html", "~u", "A", "index.html", "default.aspx", ".", "..", "",
            ".git", "%41", "%2f", "é", "a b", "a;b", "a:b", "index.htm", "x.index.html"]


@given(st.sampled_from(["https://", "http://", "https://", "HTTP://", "ftp://"]),
       st.lists(_clean_or_not(LABELS), min_size=1, max_size=3),
       st.sampled_from(["", "", "", "", ":80", ":443", ":8080", ":"]),
       st.lists(_clean_or_not(SEGMENTS), max_size=4),
       st.sampled_from(["", "", "", "/", "/", "?", "?a=1", "#f", "?utm_source=x", " "]))
@settings(max_examples=4000, deadline=None)
def test_the_clean_url_fast_path_gives_what_normalize_url_gives(
        scheme: str, host: list[str], port: str, path: list[str], end: str) -> None:
    """urls.normalize_url_cached returns a URL it finds clean as is: only where
    normalize_url (w3lib) returns it unchanged."""
    from newsarchive.extract.urls import _CLEAN, _INDEX_PAGE, normalize_url, normalize_url_cached

    url = scheme + ".".join(host) + port + "".join("/" + p for p in path) + end
    if _CLEAN.fullmatch(url) and not _INDEX_PAGE.search(url):
        assert normalize_url(url) == url
    assert normalize_url_cached(url) == normalize_url(url)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the helper in /proc")
def test_a_killed_import_leaves_a_sound_archive_and_running_it_again_completes_it(
        tmp_path: Path) -> None:
    """One transaction per batch (synchronous=NORMAL, WAL): a SIGKILL mid-import loses at most
    the batch being written; the archive passes SQLite's checks, the helper process does not
    outlive the import, and importing the file again gives the archive one uninterrupted
    import gives."""
    import os
    import signal
    import subprocess
    import sys
    import time

    rng = random.Random(11)
    words = "tram council budget river bridge school market harbour station court".split()
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as fh:
        for n in range(3000):
            body = " ".join(rng.choice(words) for _ in range(80))
            fh.write(json.dumps(record(n, body=f"{body} {n}")) + "\n")
    cmd = [sys.executable, "-m", "newsarchive", "import", str(tmp_path / "in.jsonl"),
           "--batch", "50", "--db"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    killed = tmp_path / "killed.db"
    proc = subprocess.Popen([*cmd, str(killed)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        stored = 0
        deadline = time.monotonic() + 120
        while stored < 200 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            if killed.exists():
                try:
                    with sqlite3.connect(f"file:{killed}?mode=ro", uri=True) as conn:
                        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                except sqlite3.Error:
                    pass  # being created
        assert proc.poll() is None, "the import finished before it could be killed"
        helpers = _children(proc.pid)
        assert helpers, "no helper process"
        os.kill(proc.pid, signal.SIGKILL)  # the import only: its helper must leave by itself
        proc.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in helpers) and (
                time.monotonic() < deadline):
            time.sleep(0.1)
        assert not [pid for pid in helpers if Path(f"/proc/{pid}").exists()]
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the session we started
        except ProcessLookupError:
            pass
        proc.wait()
    with sqlite3.connect(killed) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        partial = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        # every committed article came with its revision, URLs and signature (whole batches)
        assert conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == partial
        assert conn.execute("SELECT count(DISTINCT article_id) FROM article_urls"
                            ).fetchone()[0] == partial
        assert conn.execute("SELECT count(*) FROM minhashes").fetchone()[0] == partial
    assert 0 < partial < 3000
    again = subprocess.run([*cmd, str(killed)], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"{partial} unchanged" in again.stdout
    whole = subprocess.run([*cmd, str(tmp_path / "whole.db")], env=env, capture_output=True,
                           text=True)
    assert whole.returncode == 0, whole.stderr
    assert dump(killed) == dump(tmp_path / "whole.db")
