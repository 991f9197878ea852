"""Schema evolution: an archive written by the schema before history (migrations 0001-0002)
upgrades in place, in one transaction, keeping everything and backfilling revision 1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations
from test_archive import BODY, make_item

from newsarchive.archive import Archive, article_id, content_hash, version_hash
from newsarchive.migrations import MIGRATIONS, SCHEMA_VERSION

OLD = ("0001_tables", "0002_articles_fts")


def old_archive(path: Path) -> int:
    """What newsarchive wrote before this change: only the first migrations, one article."""
    db = Database(sqlite3.connect(path))
    old = Migrations(MIGRATIONS.name)
    for m in MIGRATIONS._migrations:
        if m.name in OLD:
            old(name=m.name)(m.fn)
    old.apply(db)
    item = make_item()
    aid = article_id(item["canonical_url"])
    db["articles"].insert({
        "id": aid, "canonical_url": item["canonical_url"], "url": item["canonical_url"],
        "site": item["site"], "language": "en", "headline": item["headline"],
        "section": item["section"], "authors": json.dumps(item["authors"]),
        "tags": json.dumps(item["tags"]), "published_at": item["published_at"],
        "published_raw": item["published_raw"], "body": BODY, "comment_count": 2,
        "is_article": 1, "access": "free", "provenance": json.dumps(item["provenance"]),
        "site_profile": "example", "content_hash": content_hash(BODY),
        "version_hash": version_hash(item), "fetched_at": item["fetched_at"],
        "first_seen": item["fetched_at"], "last_seen": item["fetched_at"]})
    db["article_urls"].insert({"url": item["canonical_url"], "article_id": aid,
                               "kind": "canonical", "first_seen": item["fetched_at"]})
    db["images"].insert({"article_id": aid, "position": 0, **item["images"][0]})
    for i, c in enumerate(item["comments"]):
        db["comments"].insert({"article_id": aid, "comment_id": c["id"],
                               "parent_id": c["parent_id"], "author": c["author"],
                               "text": c["text"], "likes": c["likes"], "position": i})
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()
    return aid


def test_old_archive_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    aid = old_archive(path)
    with Archive(path) as arc:
        assert arc.schema_version == SCHEMA_VERSION > 2
        db = arc.db
        assert db["articles"].count == 1 and db["comments"].count == 2
        rev = next(db.query("SELECT * FROM revisions"))
        assert (rev["article_id"], rev["revision"]) == (aid, 1)
        assert json.loads(rev["content"])["images"][0]["credit"] == "Reuters"
        assert db["comment_versions"].count == 2
        assert db.execute("SELECT count(*) FROM comments WHERE first_seen IS NULL").fetchone() \
            == (0,)
        # The backfilled hash matches today's: re-storing the same page is no new revision.
        later = make_item(fetched_at="2025-04-01T00:00:00+00:00")
        assert arc.store(later) in ("unchanged", "updated")
        assert db["revisions"].count == 1
        assert arc.store(make_item(headline="Edited", fetched_at="2025-05-01T00:00:00+00:00")) \
            == "updated"
        assert db["revisions"].count == 2
        assert db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Edited'"
                          ).fetchone() == (1,)


def test_failed_upgrade_leaves_the_old_archive_untouched(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    old_archive(path)
    before = Path(path).read_bytes()
    mine = next(m for m in MIGRATIONS._migrations if m.name == "0003_history")
    real = mine.fn

    def half_done(db: Database) -> None:
        real(db)
        raise RuntimeError("power cut in the middle of the upgrade")

    monkeypatch.setattr(mine, "fn", half_done)
    with pytest.raises(Exception, match="power cut"):
        Archive(path)
    db = Database(sqlite3.connect(path))
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert "revisions" not in db.table_names() and db["articles"].count == 1
    assert "revision_count" not in db["articles"].columns_dict
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    monkeypatch.undo()
    with Archive(path) as arc:  # and the next open upgrades it fine
        assert arc.schema_version == SCHEMA_VERSION
    assert Path(path).read_bytes() != before


def test_minhash_buckets_are_backfilled_as_the_writers_fill_them(tmp_path: Path) -> None:
    # An archive of the schema before 0006 (signatures, no buckets) gets the buckets a writer
    # would have made: every band, the first BUCKET_CAP members of each bucket by seq.
    from newsarchive.clusters import BUCKET_CAP

    words = BODY.split() * 3
    items = []
    for i in range(2 * BUCKET_CAP):  # look-alikes: their common buckets overflow the cap
        w = list(words)
        w[(i * 7) % len(w)] = f"x{i}"
        items.append(make_item(url=f"https://example.com/n/{i}",
                               canonical_url=f"https://example.com/n/{i}", body=" ".join(w)))
    path = tmp_path / "a.db"
    with Archive(path) as arc:
        arc.store_many(items)
        want = arc.db.execute("SELECT * FROM minhash_buckets ORDER BY key, seq").fetchall()
        assert arc.db.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM minhash_buckets"
                              " GROUP BY key)").fetchone()[0] == BUCKET_CAP
        arc.db.execute("DROP TABLE minhash_buckets")
        arc.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_minhash_buckets'")
        arc.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    with Archive(path) as arc:
        assert arc.schema_version == SCHEMA_VERSION
        got = arc.db.execute("SELECT * FROM minhash_buckets ORDER BY key, seq").fetchall()
    assert got == want and len(want) > BUCKET_CAP
