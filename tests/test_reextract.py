"""`reextract`'s batched writes: the same database as the per-article path it replaced, and a
run killed in the middle of a batch leaves a sound archive that a second run completes.

The archive is the demo's two editions (test_history's session fixture) made to look like the
work of an older extractor: headlines and bodies changed, image credits and related blocks
missing, comments edited, missing or marked removed, revisions' content changed and the
near-duplicate copy out of its cluster, so that every kind of write reextract does happens.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_history import two_editions  # noqa: F401 (session fixture shared)

from newsarchive.archive import Archive
from newsarchive.reextract import Reextractor, Report, _Changes, reextract
from newsarchive.revisions import merge_comments

TABLES = ("articles", "article_urls", "images", "comments", "comment_versions",
          "comment_counts", "related_blocks", "related_links", "revisions", "minhashes",
          "captures", "articles_fts")
OLDER = """
UPDATE articles SET version_hash = 'older';
UPDATE articles SET headline = headline || ' (old)' WHERE id % 2 = 0;
UPDATE articles SET body = substr(body, 1, length(body) / 2) WHERE id % 3 = 0;
-- the older extractor's half bodies had no signature of the full text (cluster members keep
-- theirs: the copy below must find its root again whatever the order of the batch)
DELETE FROM minhash_buckets WHERE article_id IN
    (SELECT id FROM articles WHERE id % 3 = 0 AND cluster_id IS NULL);
DELETE FROM minhashes WHERE article_id IN
    (SELECT id FROM articles WHERE id % 3 = 0 AND cluster_id IS NULL);
UPDATE articles SET body = substr(body, 1, length(body) * 2 / 3), cluster_id = NULL,
    duplicate_of = NULL, similarity = NULL WHERE duplicate_of IS NOT NULL;
UPDATE images SET credit = NULL WHERE article_id % 2 = 1;
DELETE FROM related_links WHERE article_id % 2 = 1;
DELETE FROM related_blocks WHERE article_id % 2 = 1;
UPDATE comments SET text = text || ' (old)' WHERE position = 0;
DELETE FROM comment_versions WHERE (article_id, comment_id) IN
    (SELECT article_id, comment_id FROM comments WHERE position = 1);
DELETE FROM comments WHERE position = 1;
UPDATE comments SET removed_at = '2024-01-01T00:00:00' WHERE position = 2 AND removed_at IS NULL;
UPDATE revisions SET content = json_set(content, '$.headline',
    json_extract(content, '$.headline') || ' (old)') WHERE revision = 1;
"""


def older_archive(source: Path, dest: Path) -> Path:
    """A copy of `source` (captures shared) as an older extractor would have left it."""
    dest.mkdir(parents=True, exist_ok=True)
    db = dest / "archive.db"
    with sqlite3.connect(source) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
        dst.executescript(OLDER)
    (dest / "captures").symlink_to(source.parent / "captures")
    return db


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table the reextract writes (revisions without reextracted_at: the
    clock), in key order."""
    out = {}
    with sqlite3.connect(db) as conn:
        for t in TABLES:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})")
                    if r[1] != "reextracted_at"]
            order = "rowid" if t == "articles_fts" else ", ".join(
                str(i + 1) for i in range(min(3, len(cols))))
            out[t] = conn.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY {order}"
                                  ).fetchall()
    return out


class PerArticle(Reextractor):
    """The write side as it was before this batching (commit 4ec0361), kept as the reference."""

    def _write(self, batch: list[_Changes]) -> None:
        from newsarchive.archive_children import ChildRows
        from newsarchive.reextract_write import ARTICLE_FIELDS, REVISION_UPDATE

        sets = ", ".join(f"{k} = ?" for k in ARTICLE_FIELDS)

        conn, children = self.db.conn, ChildRows()
        conn.executemany(REVISION_UPDATE, [r for ch in batch for r in ch.revisions])
        articles = [ch.article for ch in batch if ch.article is not None]
        conn.executemany(f"UPDATE articles SET {sets} WHERE id = ?", [
            (*[page.row[k] for k in ARTICLE_FIELDS], art["id"]) for page, art in articles])
        for page, art in articles:
            children.add(art["id"], page.item, replace=True)
        children.write(self.db)
        for page, art in articles:
            merge_comments(self.db, art["id"], list(page.item.get("comments") or []),
                           art["last_seen"], mark_removed=False)
            if page.item.get("body") != art["body"]:
                self.archive._clusters().update(art["id"], page.item.get("body"))


@pytest.fixture
def older(two_editions, tmp_path):  # noqa: F811
    return lambda name: older_archive(two_editions, tmp_path / name)


def test_the_older_archive_makes_every_kind_of_write(older):
    db = older("a")
    before = snapshot(db)
    with Archive(db) as arc:
        report = reextract(arc, batch=7)
    after = snapshot(db)
    assert not report.errors and report.changed_articles == report.articles
    assert report.changed_revisions > 0
    for table in ("articles", "images", "comments", "comment_versions", "related_blocks",
                  "related_links", "revisions", "minhashes", "articles_fts"):
        assert after[table] != before[table], table
    with sqlite3.connect(db) as conn:  # the copy is back in its cluster
        assert conn.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"
                            ).fetchone()[0] == 1
        # shown again on the page: no longer removed
        assert conn.execute("SELECT count(*) FROM comments WHERE removed_at = "
                            "'2024-01-01T00:00:00'").fetchone()[0] == 0


@pytest.mark.parametrize("batch", [1, 7, 100])
def test_batched_writes_give_the_per_article_database(older, batch):
    new_db, old_db = older("new"), older("old")
    with Archive(new_db) as arc:
        new = reextract(arc, batch=batch)
    with Archive(old_db) as arc:
        old = PerArticle(arc).run(batch=batch)
    assert (new.articles, new.changed_articles, new.changed_revisions, new.missing,
            new.errors) == (old.articles, old.changed_articles, old.changed_revisions,
                            old.missing, old.errors)
    assert snapshot(new_db) == snapshot(old_db)
    with Archive(new_db) as arc:  # and a second run changes nothing
        again = reextract(arc)
    assert (again.changed_articles, again.changed_revisions) == (0, 0)
    assert snapshot(new_db) == snapshot(old_db)


KILLER = """
import os, signal, sys
from newsarchive import reextract as rx
from newsarchive.archive import Archive

calls, write = 0, rx.write_batch

def dying(archive, batch):
    global calls
    calls += 1
    if calls == 3:  # the third batch: its first article written, then killed, uncommitted
        write(archive, batch[:1])
        os.kill(os.getpid(), signal.SIGKILL)
    write(archive, batch)

rx.write_batch = dying
with Archive(sys.argv[1]) as arc:
    rx.reextract(arc, batch=4)
"""


def test_a_killed_reextract_leaves_a_sound_archive_and_a_second_run_completes_it(older):
    killed, whole = older("killed"), older("whole")
    proc = subprocess.run([sys.executable, "-c", KILLER, str(killed)], cwd=ROOT, timeout=300,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    with sqlite3.connect(killed) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        done = conn.execute("SELECT count(*) FROM articles WHERE version_hash != 'older'"
                            ).fetchone()[0]
    assert done == 8  # two whole batches of 4, nothing of the third
    with Archive(killed) as arc:
        report = reextract(arc)
    assert not report.errors and report.changed_articles == report.articles - 8
    with Archive(whole) as arc:
        reextract(arc)
    assert snapshot(killed) == snapshot(whole)


def test_an_article_stored_anew_while_re_extracting_is_not_overwritten(older):
    """A crawl storing a new version between the re-extraction of a batch and its write: that
    article is left as the crawl stored it and reported; a second run re-extracts it."""
    db = older("crawled")
    with Archive(db) as arc:
        rx, report = Reextractor(arc), Report()
        ids = rx.ids()
        changes = rx.prepare(ids[:5], report)
        with sqlite3.connect(db) as crawl:  # another process, meanwhile
            crawl.execute("UPDATE articles SET headline = 'Crawled meanwhile', version_hash ="
                          " 'newer' WHERE id = ?", [ids[2]])
        rx.commit(changes, report)
        assert [aid for aid, _ in report.errors] == [ids[2]]
        assert "run again" in report.errors[0][1]
        rows = dict(arc.db.execute("SELECT id, version_hash FROM articles WHERE id IN "
                                   "(?, ?, ?, ?, ?)", ids[:5]).fetchall())
        assert rows[ids[2]] == "newer"
        assert all(v not in ("older", "newer") for a, v in rows.items() if a != ids[2])
        again = reextract(arc)
    assert not again.errors and again.changed_articles == len(ids) - 4


def test_comment_merge_of_a_batch_is_merge_comments(tmp_path):
    """reextract_write.CommentMerge against revisions.merge_comments, one article at a time:
    new, edited, unchanged, removed-and-back and listed-twice comments."""
    from newsarchive.reextract_write import CommentMerge

    def seeded(name: str) -> Archive:
        arc = Archive(tmp_path / name)
        with arc._write():
            for aid in (1, 2):
                arc.db.execute("INSERT INTO articles (id, canonical_url, url, site) VALUES "
                               "(?, ?, ?, 's')", [aid, f"http://s/{aid}", f"http://s/{aid}"])
                merge_comments(arc.db, aid, [
                    {"id": "a", "author": "Ann", "text": "first"},
                    {"id": "b", "author": "Bob", "text": "second", "likes": 2},
                    {"id": "c", "author": "Cy", "text": "gone"}], "2024-01-01")
                merge_comments(arc.db, aid, [], "2024-01-02")  # all marked removed
        return arc

    shown = {1: [{"id": "a", "author": "Ann", "text": "first"},
                 {"id": "b", "author": "Bob", "text": "second, edited", "likes": 3},
                 {"id": "d", "author": "Di", "text": "new"},
                 {"id": "a", "author": "Ann", "text": "first"}],
             2: [{"id": "c", "author": "Cy", "text": "gone"},
                 {"author": "Ed", "text": "no id", "published_at": "2024-01-03"}]}
    one, many = seeded("one.db"), seeded("many.db")
    with one._write():
        for aid, comments in shown.items():
            merge_comments(one.db, aid, comments, "2024-01-05", mark_removed=False)
    merge = CommentMerge()
    for aid, comments in shown.items():
        merge.add(aid, comments, "2024-01-05")
    with many._write():
        merge.write(many.db.conn)
    for table in ("comments", "comment_versions"):
        sql = f"SELECT * FROM {table} ORDER BY 1, 2, 3"
        assert many.db.execute(sql).fetchall() == one.db.execute(sql).fetchall()
    one.close()
    many.close()


def test_reextract_report_keeps_json_fields(older):
    """A list the new extraction no longer finds (authors) is kept and reported."""
    db = older("kept")
    with sqlite3.connect(db) as conn:
        aid, authors = conn.execute("SELECT id, authors FROM articles WHERE authors = '[]'"
                                    " LIMIT 1").fetchone()
        conn.execute("UPDATE articles SET authors = ? WHERE id = ?",
                     [json.dumps(["Kept Writer"]), aid])
    with Archive(db) as arc:
        report = reextract(arc)
    assert (aid, "article", "authors") in report.missing
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT authors FROM articles WHERE id = ?", [aid]).fetchone() == (
            json.dumps(["Kept Writer"]),)


def test_same_database_as_per_article_on_generated_near_duplicates(tmp_path):
    """bench_reextract's archive (bulkgen records as captured pages, near-duplicates among
    them, made older with OLDER): many cluster updates, some joining clusters."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_reextract import build

    build(tmp_path / "start.db", 300)
    with Archive(tmp_path / "start.db") as arc:
        arc.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for name in ("new", "old"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.db").write_bytes((tmp_path / "start.db").read_bytes())
        (tmp_path / name / "captures").symlink_to(tmp_path / "captures")
    with Archive(tmp_path / "new" / "a.db") as arc:
        new = reextract(arc, batch=40)
    with Archive(tmp_path / "old" / "a.db") as arc:
        PerArticle(arc).run(batch=40)
    assert not new.errors and new.changed_articles == new.articles
    after = snapshot(tmp_path / "new" / "a.db")
    assert after == snapshot(tmp_path / "old" / "a.db")
    assert q_count(tmp_path / "new" / "a.db", "duplicate_of IS NOT NULL") > 5


def q_count(db: Path, where: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM articles WHERE {where}").fetchone()[0])


def _words_body(seed: int, n: int = 80) -> str:
    import random

    rng = random.Random(seed)
    words = [f"w{rng.randrange(5000)}" for _ in range(n)]
    return " ".join(words)


_BASE = {"site": "a.example", "language": "en", "headline": "H", "comments": [],
         "fetched_at": "2025-01-03T10:00:00+00:00"}


def _count_link_calls(monkeypatch) -> list[int]:
    """reextract_write.link still works; each call's number of items is noted."""
    from newsarchive import reextract_write as rw

    calls: list[int] = []
    real = rw.link
    monkeypatch.setattr(rw, "link", lambda *a, **k: (calls.append(len(a[1])), real(*a, **k))[1])
    return calls


def _link(arc: Archive, name: str, changes: list[tuple[int, str]]) -> None:
    """The cluster updates of `changes`: in one batch, or one by one as before batching."""
    from newsarchive import reextract_write as rw

    with arc._write():
        if name == "batch":
            rw.link_clusters(arc, changes)
        else:
            for aid, body in changes:
                arc._clusters().update(aid, body)


def _stored_id(arc: Archive, item: dict) -> int:
    arc.store(item)
    return arc.db.execute("SELECT id FROM articles WHERE url = ?", [item["url"]]).fetchone()[0]


def test_batch_cluster_links_are_cut_before_an_article_an_earlier_one_may_make_a_root(
        tmp_path, monkeypatch):
    """One by one, an article of the batch that an earlier one just made a cluster's root is
    clustered at its turn (it does not look for a cluster); a single `link` call reads that
    before linking. The batch is cut before it: same database as one by one."""

    calls = _count_link_calls(monkeypatch)
    bodies = {n: _words_body(n) for n in range(4)}
    base = dict(_BASE)
    dbs = {}
    for name in ("batch", "per_article"):
        db = tmp_path / f"{name}.db"
        with Archive(db) as arc:
            ids = []
            for n, body in bodies.items():
                url = f"https://a.example/{n}"
                ids.append(_stored_id(arc, {**base, "url": url, "canonical_url": url,
                                            "body": body}))
            assert arc.db.execute("SELECT count(*) FROM articles WHERE cluster_id IS NOT NULL"
                                  ).fetchone()[0] == 0
            # article 1 is re-extracted as a near copy of article 2 (joins it: 2 is made a
            # root), then article 2 and 3 get new bodies of their own
            changes = [(ids[1], bodies[2] + " one more"), (ids[2], _words_body(10)),
                       (ids[3], _words_body(11))]
            _link(arc, name, changes)
            dbs[name] = snapshot(db)
            assert arc.db.execute("SELECT cluster_id FROM articles WHERE id = ?",
                                  [ids[2]]).fetchone()[0] == ids[2]
    assert calls == [1, 2]
    assert dbs["batch"] == dbs["per_article"]


@pytest.mark.parametrize(("order", "expected_calls"), [((4, 1, 3), [2, 1]), ((1, 3), [2])])
def test_batch_cluster_links_are_one_link_call_or_two(tmp_path, monkeypatch, order,
                                                      expected_calls):
    """Articles 0-4 signed in that order (4 holds the highest seq, 3 the next). 4 first, then
    3: one by one, 4's new signature takes its old seq again and 3's follows the others:
    the batch is cut before 3. Without 4: one call."""

    calls = _count_link_calls(monkeypatch)
    base = dict(_BASE)
    dbs = {}
    for name in ("batch", "per_article"):
        db = tmp_path / f"{name}.db"
        with Archive(db) as arc:
            ids = []
            for n in range(5):
                url = f"https://a.example/{n}"
                body = _words_body(n) if n < 4 else _words_body(0) + " near"  # 4: 0's cluster
                ids.append(_stored_id(arc, {**base, "url": url, "canonical_url": url,
                                            "body": body, "headline": f"H{n}"}))
            # 4 (clustered) and 1 (not) change; 3 becomes a near copy of 1's new body
            new = {4: _words_body(0) + " more", 1: _words_body(20), 3: _words_body(20) + " x"}
            changes = [(ids[n], new[n]) for n in order]
            _link(arc, name, changes)
            dbs[name] = snapshot(db)
    assert calls == expected_calls
    assert dbs["batch"] == dbs["per_article"]
    with sqlite3.connect(tmp_path / "batch.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"
                            ).fetchone()[0] == 2  # 4 kept its cluster, 3 joined 1


def test_a_root_made_by_an_inconsistent_cluster_row_stops_the_batch(tmp_path):
    """A member whose cluster_id names an article that is not a root (not one of ours: a
    hand-edited archive): linking a copy of it makes that article a root, which the batch
    cut cannot see; the batch stops (Reextractor.commit then writes article by article)."""
    from newsarchive import reextract_write as rw

    base = dict(_BASE)
    with Archive(tmp_path / "a.db") as arc:
        ids = []
        for n in range(3):
            url = f"https://a.example/{n}"
            arc.store({**base, "url": url, "canonical_url": url, "body": _words_body(n)})
            ids.append(arc.db.execute("SELECT id FROM articles WHERE url = ?",
                                      [url]).fetchone()[0])
        # 1 names 0 its cluster, 0 is no root; 2 becomes a copy of 1 (joins 0's "cluster":
        # 0 is made a root), then 0 changes (one by one it is clustered by then)
        arc.db.execute("UPDATE articles SET cluster_id = ? WHERE id = ?", [ids[0], ids[1]])
        with pytest.raises(rw.ClusterOrderError), arc._write():
            rw.link_clusters(arc, [(ids[2], _words_body(1) + " copy"),
                                   (ids[0], _words_body(12))])
