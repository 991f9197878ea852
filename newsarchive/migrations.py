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


SCHEMA_VERSION = 3  # one per migration (tests check the count)


def migrate(db: Database) -> int:
    """Apply pending migrations; returns the schema version now in the file."""
    MIGRATIONS.apply(db)
    return schema_version(db)


def schema_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


# --- unattended crawling (issue 5); self-contained, appended after the others ----------------


@MIGRATIONS(name="0003_fetch_state")
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
