"""The archive over time, for real: crawl the demo's edition 1, switch the server to edition 2,
crawl again (subprocesses, loopback, SQLite), then check revisions, comment history, clusters,
`history` and that `reextract` reproduces the same records from the WARC captures."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from newsarchive.demo import content
from newsarchive.extract.urls import normalize_url

STORM = "http://daily-herald.example/world/2024/03/11/coastal-towns-brace-as-storm-imogen-nears/"
MADURO = "http://nasha-niva.example/en/380114"
RALLY = "http://old-gazette.example/article.php?id=1201"
HISTORY_TABLES = ("articles", "article_urls", "images", "comments", "related_blocks",
                  "related_links", "revisions", "comment_versions", "comment_counts",
                  "captures", "minhashes")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsarchive", *args], cwd=ROOT, timeout=300,
                          capture_output=True, text=True, env=dict(os.environ))


_BUILT: dict[str, Path] = {}  # other modules import this fixture: crawl once per session


@pytest.fixture(scope="session")
def two_editions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An archive of edition 1 then edition 2 of the demo. Read-only for tests: copy to write."""
    if "db" not in _BUILT:
        db = tmp_path_factory.mktemp("history") / "archive.db"
        for edition in ("1", "2"):
            proc = cli("demo", "--db", str(db), "--edition", edition)
            assert proc.returncode == 0, proc.stderr[-3000:]
        _BUILT["db"] = db
    yield _BUILT["db"]


def q(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def aid(db: Path, url: str) -> int:
    return q(db, "select article_id from article_urls where url = ?", (normalize_url(url),))[0][0]


def test_changed_articles_have_two_revisions_and_articles_hold_the_latest(two_editions):
    db = two_editions
    edited = {aid(db, u) for u in (STORM, MADURO, RALLY)}
    revs = dict(q(db, "select article_id, count(*) from revisions group by 1"))
    assert {a for a, n in revs.items() if n == 2} == edited
    assert all(n == 1 for a, n in revs.items() if a not in edited)  # counters are no revision
    storm = next(a for a in content.articles(2) if a.url == STORM)
    head, body = q(db, "select headline, body from articles where id = ?", (aid(db, STORM),))[0]
    assert (head, body) == (storm.headline, storm.body)
    first = json.loads(q(db, "select content from revisions where article_id = ? and revision = 1",
                         (aid(db, STORM),))[0][0])
    old = next(a for a in content.articles(1) if a.url == STORM)
    assert (first["headline"], first["body"]) == (old.headline, old.body)
    credits = [r[0] for r in q(db, "select credit from images where article_id = ? "
                               "order by position", (aid(db, STORM),))]
    assert credits[1] == "Ellen Park/Daily Herald"
    assert first["images"][1]["credit"] == "Herald Pictures"
    assert [r[0] for r in q(db, "select id from most_edited_articles")] != []


def test_comments_are_merged_over_time(two_editions):
    db = two_editions
    storm = aid(db, STORM)
    rows = {r[0]: r[1:] for r in q(db, "select comment_id, removed_at, edits, first_seen "
                                   "from comments where article_id = ?", (storm,))}
    assert rows["comment-5109"][0] is not None  # gone from the page: marked, not deleted
    assert rows["comment-5112"][1] == 1  # edited once
    assert rows["comment-5120"][2] > rows["comment-5101"][2]  # new in the second crawl
    versions = q(db, "select version, text from comment_versions where article_id = ? and "
                 "comment_id = 'comment-5112' order by version", (storm,))
    assert [v for v, _ in versions] == [1, 2] and versions[1][1].endswith("Seriously.")
    steps = q(db, "select comment_count from comment_counts where article_id = ? "
              "order by first_seen", (storm,))
    assert [s[0] for s in steps] == [5, 6]
    maduro = aid(db, MADURO)
    assert q(db, "select removed_at is not null from comments where article_id = ? and "
             "comment_id = '912308'", (maduro,)) == [(1,)]
    assert q(db, "select count(*) from comments where article_id = ? and comment_id = '912340'",
             (maduro,)) == [(1,)]


def test_near_duplicate_wire_copy_is_clustered(two_editions):
    db = two_editions
    original = aid(db, next(a.url for a in content.articles(1) if a.id == "10236"))
    copy = aid(db, next(a.url for a in content.articles(2) if a.id == "10290"))
    assert copy != original
    row = q(db, "select duplicate_of, cluster_id, similarity from articles where id = ?",
            (copy,))[0]
    assert row[:2] == (original, original) and row[2] >= 0.5
    assert q(db, "select cluster_id from articles where id = ?", (original,)) == [(original,)]
    assert q(db, "select count(*) from articles where cluster_id is not null") == [(2,)]


def test_history_command_prints_diffs(two_editions):
    proc = cli("history", STORM, "--db", str(two_editions))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "== revision 2" in out
    assert "-headline: Coastal towns brace as Storm Imogen nears" in out
    assert "+headline: Storm Imogen: coastal towns brace for 90 mph gusts" in out
    assert "credit: Ellen Park/Daily Herald" in out and "removed by" in out
    by_id = cli("history", str(aid(two_editions, STORM)), "--db", str(two_editions))
    assert by_id.stdout == out
    assert cli("history", "http://nowhere.example/x", "--db", str(two_editions)).returncode == 2


def snapshot(db: Path) -> dict[str, list]:
    return {t: q(db, f"select * from {t} order by 1, 2") for t in HISTORY_TABLES}


def test_reextract_reproduces_the_same_records(two_editions, tmp_path):
    db = tmp_path / "copy.db"
    with sqlite3.connect(two_editions) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    (tmp_path / "captures").symlink_to(two_editions.parent / "captures")
    before = snapshot(db)
    proc = cli("reextract", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "changed: 0 articles / 0 revisions, without capture: 0, errors: 0" in proc.stdout
    assert "re-extracted" in proc.stderr
    assert snapshot(db) == before
    # A value today's extractor does not find is kept and reported, not blanked.
    rally = aid(db, RALLY)
    assert q(db, "select modified_at from articles where id = ?", (rally,)) == [(None,)]
    with sqlite3.connect(db) as conn:
        conn.execute("update articles set modified_at = '2024-03-13T10:00:00' where id = ?",
                     [rally])
    proc = cli("reextract", "--db", str(db), "--site", "old-gazette.example")
    assert proc.returncode == 0, proc.stderr
    assert f"no longer found, kept: article {rally} article: modified_at" in proc.stdout
    assert "articles: 12," in proc.stdout  # --site: only old-gazette's articles
    assert q(db, "select modified_at from articles where id = ?", (rally,)) == [
        ("2024-03-13T10:00:00",)]
    counts = {t: len(rows) for t, rows in snapshot(db).items()}
    assert counts == {t: len(rows) for t, rows in before.items()}
