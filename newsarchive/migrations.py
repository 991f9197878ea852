"""Schema of the archive, as sqlite-utils migrations.

Each migration runs in its own transaction together with its row in `_sqlite_migrations`, so a
failed migration leaves nothing behind and `migrate()` is safe to run on every open. The schema
version is also written to `PRAGMA user_version`, so tools that do not know sqlite-utils can read
it. Never edit an applied migration: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("newsarchive")

# FTS5 over headline and body. Porter stems English; unicode61 + remove_diacritics folds accents
# (and e.g. ё->е) so a search without diacritics still finds them.
FTS_COLUMNS = ("headline", "body")
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


def _set_version(db: Database, version: int) -> None:
    # user_version is part of the database header, so it commits or rolls back with the migration.
    db.execute(f"PRAGMA user_version = {int(version)}")


def _fk(column: str = "article_id") -> list[tuple[str, str, str]]:
    return [(column, "articles", "id")]


@MIGRATIONS(name="0001_tables")
def _tables(db: Database) -> None:
    db["articles"].create(
        {
            # INTEGER hash of the canonical URL: a rowid alias, so the FTS index (keyed by rowid)
            # stays valid across VACUUM, and < 2**53 so JavaScript clients read it exactly.
            "id": int,
            "canonical_url": str,
            "url": str,  # first URL this article was fetched from
            "site": str,
            "language": str,
            "headline": str,
            "subheadline": str,
            "section": str,
            "authors": str,  # JSON list
            "tags": str,  # JSON list
            "published_at": str,
            "published_raw": str,
            "modified_at": str,
            "modified_raw": str,
            "body": str,
            "comment_count": int,
            "is_article": int,
            "access": str,
            "provenance": str,  # JSON object field -> layer
            "site_profile": str,
            "content_hash": str,  # of the folded body text: finds syndicated copies
            "version_hash": str,  # of every stored field: tells "unchanged" from "updated"
            "fetched_at": str,  # fetch time of the stored version
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        not_null={"canonical_url", "url", "site"},
        if_not_exists=True,
    )
    db["article_urls"].create(
        {"url": str, "article_id": int, "kind": str, "first_seen": str},
        pk="url",
        foreign_keys=_fk(),
        not_null={"article_id", "kind"},
        if_not_exists=True,
    )
    # Child tables have compound primary keys that start with article_id: their automatic index
    # doubles as the index on the foreign key.
    db["images"].create(
        {"article_id": int, "position": int, "src": str, "alt": str, "caption": str,
         "credit": str},
        pk=("article_id", "position"),
        foreign_keys=_fk(),
        if_not_exists=True,
    )
    db["comments"].create(
        {"article_id": int, "comment_id": str, "parent_id": str, "author": str,
         "published_at": str, "published_raw": str, "text": str, "likes": int, "position": int},
        pk=("article_id", "comment_id"),
        foreign_keys=_fk(),
        if_not_exists=True,
    )
    db["related_blocks"].create(
        {"article_id": int, "position": int, "title": str, "link_count": int},
        pk=("article_id", "position"),
        foreign_keys=_fk(),
        if_not_exists=True,
    )
    db["related_links"].create(
        {"article_id": int, "block_position": int, "position": int, "block_title": str,
         "url": str, "url_key": str, "title": str, "comment_count": int},
        pk=("article_id", "block_position", "position"),
        foreign_keys=_fk(),
        if_not_exists=True,
    )
    db["crawl_runs"].create(
        {"id": int, "spider": str, "started_at": str, "finished_at": str, "pages": int,
         "new": int, "updated": int, "unchanged": int, "merged": int, "rejected": int,
         "errors": int, "finish_reason": str, "args": str, "stats": str},
        pk="id",
        if_not_exists=True,
    )
    indexes: list[tuple[str, list[str], bool]] = [
        ("articles", ["canonical_url"], True),
        ("articles", ["site"], False),
        ("articles", ["section"], False),
        ("articles", ["language"], False),
        ("articles", ["published_at"], False),
        ("articles", ["site", "language", "content_hash"], False),
        ("article_urls", ["article_id"], False),
        ("related_links", ["url_key"], False),
        ("crawl_runs", ["started_at"], False),
    ]
    for table, columns, unique in indexes:
        db[table].create_index(columns, unique=unique, if_not_exists=True)
    _set_version(db, 1)


@MIGRATIONS(name="0002_articles_fts")
def _fts(db: Database) -> None:
    articles = db["articles"]
    articles.enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZE)
    # sqlite-utils' update trigger fires on any column; a re-crawl that only moves last_seen
    # would then rewrite the index entry (and grow the FTS shadow tables) for nothing.
    cols = ", ".join(FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    db.execute("DROP TRIGGER IF EXISTS articles_au")
    db.execute(
        f"CREATE TRIGGER articles_au AFTER UPDATE OF {cols} ON articles BEGIN\n"
        f"  INSERT INTO articles_fts (articles_fts, rowid, {cols}) "
        f"VALUES('delete', old.rowid, {old});\n"
        f"  INSERT INTO articles_fts (rowid, {cols}) VALUES (new.rowid, {new});\n"
        "END"
    )
    _set_version(db, 2)


# --- 0003: history (issue 4) -------------------------------------------------------------
# Self-contained on purpose: it must give the same schema whatever later code looks like, so it
# imports nothing from the modules that use these tables.
REVISION_FIELDS_0003 = ("language", "headline", "subheadline", "authors", "section", "tags",
                        "published_at", "modified_at", "body", "images")


def _hash_0003(content: dict) -> str:
    import hashlib
    import json

    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()


@MIGRATIONS(name="0003_history")
def _history(db: Database) -> None:
    import json

    # Every fetched response, as a pointer into a WARC file (path relative to the archive's dir).
    db["captures"].create(
        {"id": int, "url": str, "fetched_at": str, "status": int, "content_type": str,
         "warc_file": str, "offset": int, "length": int, "payload_digest": str,
         "record_id": str, "article_id": int},
        pk="id", foreign_keys=_fk(), if_not_exists=True,
    )
    # One row per distinct content version of an article; `articles` holds the latest.
    db["revisions"].create(
        {"id": int, "article_id": int, "revision": int, "fetched_at": str, "revision_hash": str,
         "content_hash": str, "capture_id": int, "content": str, "reextracted_at": str},
        pk="id", foreign_keys=[*_fk(), ("capture_id", "captures", "id")],
        not_null={"article_id", "revision", "content"}, if_not_exists=True,
    )
    db["comment_versions"].create(
        {"article_id": int, "comment_id": str, "version": int, "seen_at": str, "author": str,
         "published_at": str, "text": str},
        pk=("article_id", "comment_id", "version"), foreign_keys=_fk(), if_not_exists=True,
    )
    # The declared count as a step series: a row per change, last_seen moved while it holds.
    db["comment_counts"].create(
        {"article_id": int, "first_seen": str, "last_seen": str, "comment_count": int,
         "comments_shown": int},
        pk=("article_id", "first_seen"), foreign_keys=_fk(), if_not_exists=True,
    )
    # MinHash signatures (near-duplicate detection); seq lets a process load only new rows.
    db["minhashes"].create(
        {"seq": int, "article_id": int, "signature": bytes}, pk="seq",
        foreign_keys=_fk(), if_not_exists=True,
    )
    for column, ctype in (("capture_id", int), ("revision_hash", str), ("revision_count", int),
                          ("duplicate_of", int), ("cluster_id", int), ("similarity", float)):
        db["articles"].add_column(column, ctype)
    for column, ctype in (("first_seen", str), ("last_seen", str), ("removed_at", str),
                          ("edits", int)):
        db["comments"].add_column(column, ctype)
    for table, columns, unique in (
        ("captures", ["url"], False), ("captures", ["fetched_at"], False),
        ("captures", ["article_id"], False), ("revisions", ["article_id", "revision"], True),
        ("revisions", ["capture_id"], False), ("minhashes", ["article_id"], True),
        ("articles", ["cluster_id"], False), ("articles", ["duplicate_of"], False),
    ):
        db[table].create_index(columns, unique=unique, if_not_exists=True)
    # Backfill: what an older archive holds becomes revision 1 and the first comment version.
    # Ids first: updating `articles` while a cursor walks it is undefined in SQLite.
    ids = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY id")]
    for aid in ids:
        row = next(db.query("SELECT * FROM articles WHERE id = ?", [aid]))
        images = [
            {"src": i["src"], "alt": i["alt"], "caption": i["caption"], "credit": i["credit"]}
            for i in db.query("SELECT * FROM images WHERE article_id = ? ORDER BY position",
                              [row["id"]])
        ]
        content = {k: row[k] for k in REVISION_FIELDS_0003 if k != "images"}
        content["authors"] = json.loads(row["authors"] or "[]")
        content["tags"] = json.loads(row["tags"] or "[]")
        content["images"] = images
        rhash = _hash_0003(content)
        db["revisions"].insert({
            "article_id": row["id"], "revision": 1,
            "fetched_at": row["fetched_at"] or row["first_seen"], "revision_hash": rhash,
            "content_hash": row["content_hash"],
            "content": json.dumps(content, ensure_ascii=False, sort_keys=True)})
        db["articles"].update(row["id"], {"revision_hash": rhash, "revision_count": 1})
        if row["comment_count"] is not None:
            db["comment_counts"].insert({
                "article_id": row["id"], "first_seen": row["first_seen"],
                "last_seen": row["last_seen"], "comment_count": row["comment_count"]})
    db.execute(
        "UPDATE comments SET edits = 0, first_seen = (SELECT first_seen FROM articles a "
        "WHERE a.id = comments.article_id), last_seen = (SELECT last_seen FROM articles a "
        "WHERE a.id = comments.article_id)")
    db.execute(
        "INSERT INTO comment_versions (article_id, comment_id, version, seen_at, author, "
        "published_at, text) SELECT article_id, comment_id, 1, first_seen, author, "
        "published_at, text FROM comments")
    db.create_view("most_edited_articles", """
        SELECT a.id, a.site, a.headline, a.canonical_url, a.revision_count,
               a.first_seen, a.last_seen
        FROM articles a WHERE a.revision_count > 1
        ORDER BY a.revision_count DESC, a.last_seen DESC""", replace=True)
    # Counted rather than hard-coded, so a migration another branch appends keeps it in step.
    _set_version(db, db["_sqlite_migrations"].count + 1)


@MIGRATIONS(name="0004_browse_indexes")
def _browse_indexes(db: Database) -> None:
    """What Datasette browsing needs to stay fast on a million articles (issue 6).

    `published_month` is a VIRTUAL generated column: nothing stored, nothing for writers to fill,
    but Datasette can facet and filter on it like any column, through its index. The other
    indexes back the sortable columns and the canned queries, which would otherwise sort or
    group the whole table on every page view.
    """
    if "published_month" not in {c[1] for c in db.execute("PRAGMA table_xinfo(articles)")}:
        db.execute("ALTER TABLE articles ADD COLUMN published_month TEXT"
                   " GENERATED ALWAYS AS (substr(published_at, 1, 7)) VIRTUAL")
    for table, columns in [
        ("articles", ["published_month"]),
        ("articles", ["site", "published_at"]),
        ("articles", ["modified_at"]),
        ("articles", ["comment_count"]),
        ("articles", ["first_seen"]),
        ("articles", ["last_seen"]),
        ("images", ["credit", "article_id"]),
        ("comments", ["published_at"]),
        ("related_links", ["url_key", "article_id"]),
        # the default facets of these tables' pages
        ("related_links", ["block_title"]),
        ("related_blocks", ["title"]),
        ("article_urls", ["kind"]),
    ]:
        db[table].create_index(columns, if_not_exists=True)
    # Superseded by (url_key, article_id), which serves the same lookups and also covers
    # "how many articles link here" without reading the table.
    db.execute("DROP INDEX IF EXISTS idx_related_links_url_key")
    # Written after a merge with other migrations too: one more than whatever came before.
    _set_version(db, schema_version(db) + 1)


# --- unattended crawling (issue 5); self-contained, appended after the others ----------------


@MIGRATIONS(name="0005_fetch_state")
def _fetch_state(db: Database) -> None:
    # Per fetched article URL: the validators for conditional requests and the revisit
    # schedule. Keyed by the normalized URL the spider requests (article_urls' key space).
    db["fetch_state"].create(
        {"url": str, "article_id": int, "etag": str, "last_modified": str,
         "last_fetched": str, "last_status": int, "fetches": int, "not_modified": int,
         "next_visit": str},
        pk="url",
        if_not_exists=True,
    )
    db["fetch_state"].create_index(["next_visit"], if_not_exists=True)
    # Sites whose selectors stopped matching in a run (comma-separated "site:field,field").
    if "broken" not in db["crawl_runs"].columns_dict:
        db["crawl_runs"].add_column("broken", str)
    _set_version(db, schema_version(db) + 1)


@MIGRATIONS(name="0006_minhash_buckets")
def _minhash_buckets(db: Database) -> None:
    # The near-duplicate index in the archive instead of in every writer's memory: one row per
    # (band key, member) for the first BUCKET_CAP members of each bucket. WITHOUT ROWID: the
    # primary key is the table, so a bucket is one B-tree range and a lookup one seek.
    db.execute(
        "CREATE TABLE IF NOT EXISTS minhash_buckets (key INTEGER NOT NULL, seq INTEGER NOT NULL,"
        " article_id INTEGER NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID")
    # Not self-contained, unlike the others: the keys must be the ones the code computes
    # (clusters.band_keys); a change there needs a new migration that rebuilds this table.
    from newsarchive.archive_clusters import backfill

    backfill(db.conn)
    _set_version(db, schema_version(db) + 1)


SCHEMA_VERSION = len(MIGRATIONS._migrations)


def migrate(db: Database) -> int:
    """Apply pending migrations; returns the schema version now in the file."""
    MIGRATIONS.apply(db)
    return schema_version(db)


def schema_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
