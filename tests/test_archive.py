"""The archive on real SQLite files: dedup outcomes, idempotence, atomicity, migrations, FTS,
and the Datasette metadata served by real Datasette."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.archive import Archive, ArchiveError, article_id, content_hash
from newsarchive.archive_children import ChildRows
from newsarchive.migrations import SCHEMA_VERSION, migrate, schema_version

ROOT = Path(__file__).resolve().parents[1]
DATASETTE = Path(sys.executable).with_name("datasette")
BODY = (
    "The city council voted on Tuesday to extend the tram line to the northern districts. "
    "Construction is expected to start next spring and to last two years, officials said.\n\n"
    "Residents have asked for the extension for a decade; the vote passed 31 to 4."
)


def make_item(**over: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "url": "https://www.example.com/news/tram-line?utm_source=rss",
        "canonical_url": "https://www.example.com/news/tram-line",
        "site": "example.com",
        "language": "en",
        "headline": "Council extends the tram line",
        "subheadline": None,
        "authors": ["Jane Doe"],
        "published_at": "2025-03-04T09:30:00+01:00",
        "published_raw": "4 March 2025, 09:30",
        "modified_at": None,
        "section": "City",
        "tags": ["transport"],
        "body": BODY,
        "images": [{"src": "https://cdn.example.com/tram.jpg", "alt": "A tram",
                    "caption": "A tram in the centre", "credit": "Reuters"}],
        "comment_count": 2,
        "comments": [
            {"id": "c1", "parent_id": None, "author": "Ann", "published_at": None,
             "text": "At last!", "likes": 3},
            {"id": "c2", "parent_id": "c1", "author": "Bob", "published_at": None,
             "text": "Two years is long.", "likes": None},
        ],
        "related_blocks": [{"title": "Read also", "links": [
            {"url": "https://www.example.com/news/bus?utm_medium=x", "title": "Bus fares",
             "comment_count": 5},
        ]}],
        "is_article": True,
        "access": "free",
        "provenance": {"headline": "json-ld", "body": "generic"},
        "site_profile": "example",
        "fetched_at": "2025-03-05T10:00:00+00:00",
        "seen_urls": ["https://www.example.com/news/tram-line?utm_source=rss"],
        "http_status": 200,
    }
    item.update(over)
    return item


@pytest.fixture
def archive(tmp_path: Path):
    with Archive(tmp_path / "archive.db") as arc:
        yield arc


def test_new_then_unchanged_then_updated(archive: Archive) -> None:
    assert archive.store(make_item()) == "new"
    assert archive.store(make_item(fetched_at="2025-03-06T10:00:00+00:00")) == "unchanged"
    edited = make_item(headline="Council extends tram line north",
                       fetched_at="2025-03-07T10:00:00+00:00")
    assert archive.store(edited) == "updated"
    row = archive.db["articles"].get(article_id("https://www.example.com/news/tram-line"))
    assert row["headline"] == "Council extends tram line north"
    assert row["first_seen"] == "2025-03-05T10:00:00+00:00"
    assert row["last_seen"] == "2025-03-07T10:00:00+00:00"
    assert json.loads(row["authors"]) == ["Jane Doe"]


def test_store_twice_adds_no_row_anywhere(archive: Archive) -> None:
    archive.store(make_item())
    before = archive.counts()
    assert archive.store(make_item(fetched_at="2025-04-01T00:00:00+00:00")) == "unchanged"
    assert archive.counts() == before  # FTS shadow tables and migrations included
    assert before["articles"] == 1 and before["comments"] == 2 and before["related_links"] == 1


def test_redirected_url_merges_and_is_recorded(archive: Archive) -> None:
    archive.store(make_item())
    item = make_item(seen_urls=["https://example.com/?p=123",
                                "https://www.example.com/news/tram-line"])
    assert archive.store(item) == "merged"
    kinds = {r["url"]: r["kind"] for r in archive.db["article_urls"].rows}
    assert kinds == {"https://www.example.com/news/tram-line": "canonical",
                     "https://example.com/?p=123": "redirect"}
    assert archive.store(item) == "unchanged"
    assert archive.summary()["urls_merged"] == 1


def test_tracking_parameter_variant_is_the_same_article(archive: Archive) -> None:
    archive.store(make_item())
    variant = make_item(url="https://www.example.com/news/tram-line?fbclid=abc&utm_campaign=x#top",
                        canonical_url="https://WWW.example.com/news/tram-line?gclid=1",
                        seen_urls=[])
    assert archive.store(variant) == "unchanged"
    assert archive.db["articles"].count == 1 and archive.db["article_urls"].count == 1


def test_syndicated_copy_under_other_url_merges(archive: Archive) -> None:
    archive.store(make_item())
    copy = make_item(url="https://www.example.com/partners/tram",
                     canonical_url="https://www.example.com/partners/tram",
                     headline="Tram line to be extended", seen_urls=[],
                     body=BODY.upper().replace("\n\n", "  \n "))  # case/whitespace differ
    assert archive.store(copy) == "merged"
    assert archive.db["articles"].count == 1
    alias = archive.db["article_urls"].get("https://www.example.com/partners/tram")
    assert alias["kind"] == "alias"
    # the first version stays the record
    assert next(archive.db["articles"].rows)["headline"] == "Council extends the tram line"
    assert archive.store(copy) == "unchanged"


def test_other_site_with_canonical_pointing_here_is_a_copy(archive: Archive) -> None:
    archive.store(make_item())
    partner = make_item(url="https://partner.org/world/tram", site="partner.org",
                        headline="Tram news from our partner", seen_urls=[])
    assert archive.store(partner) == "merged"
    assert archive.store(partner) == "unchanged"
    assert next(archive.db["articles"].rows)["headline"] == "Council extends the tram line"
    assert archive.db["article_urls"].get("https://partner.org/world/tram")["kind"] == "alias"


def test_translation_stays_a_separate_article(archive: Archive) -> None:
    archive.store(make_item())
    translated = make_item(url="https://www.example.com/be/news/tram-line",
                           canonical_url="https://www.example.com/be/news/tram-line",
                           language="be", headline="Гарсавет падоўжыў трамвайную лінію",
                           body="Гарадскі савет у аўторак прагаласаваў " * 10, seen_urls=[])
    assert archive.store(translated) == "new"
    # same text in another language (untranslated copy) is still a separate article
    same_text = make_item(url="https://www.example.com/ru/news/tram-line",
                          canonical_url="https://www.example.com/ru/news/tram-line",
                          language="ru", seen_urls=[])
    assert archive.store(same_text) == "new"
    assert archive.db["articles"].count == 3


def test_short_bodies_are_not_matched_by_content(archive: Archive) -> None:
    assert content_hash("Subscribe to read.") is None
    archive.store(make_item(body="Subscribe to read."))
    other = make_item(url="https://www.example.com/news/other", canonical_url=None,
                      body="Subscribe to read.", seen_urls=[])
    assert archive.store(other) == "new"


def test_url_that_only_redirected_is_not_identity(archive: Archive) -> None:
    # /latest redirected to today's story; tomorrow it redirects to another story.
    archive.store(make_item(seen_urls=["https://www.example.com/latest"]))
    tomorrow = make_item(url="https://www.example.com/news/bridge",
                         canonical_url="https://www.example.com/news/bridge",
                         headline="Bridge closed", body=BODY.replace("tram", "bridge"),
                         seen_urls=["https://www.example.com/latest"])
    assert archive.store(tomorrow) == "new"


def test_moved_canonical_follows_the_redirect_from_the_old_one(archive: Archive) -> None:
    archive.store(make_item())
    moved = make_item(url="https://www.example.com/news/tram-line-north",
                      canonical_url="https://www.example.com/news/tram-line-north",
                      headline="Tram line goes north",
                      seen_urls=["https://www.example.com/news/tram-line",
                                 "https://www.example.com/news/tram-line-north"])
    assert archive.store(moved) == "updated"
    assert archive.store(dict(moved, seen_urls=[])) == "unchanged"
    assert archive.db["articles"].count == 1
    assert archive.identify(moved)[1] == "url"


def test_older_fetch_does_not_overwrite_newer_version(archive: Archive) -> None:
    archive.store(make_item(headline="New headline", fetched_at="2025-05-01T00:00:00+00:00"))
    assert archive.store(make_item(fetched_at="2025-01-01T00:00:00+00:00")) == "unchanged"
    assert next(archive.db["articles"].rows)["headline"] == "New headline"


def test_update_replaces_children_but_keeps_vanished_comments(archive: Archive) -> None:
    archive.store(make_item())
    changed = make_item(
        images=[{"src": "https://cdn.example.com/map.png", "alt": None, "caption": "Route",
                 "credit": None}],
        comments=[{"id": "c3", "parent_id": None, "author": "Cy", "published_at": None,
                   "text": "Good.", "likes": 1}],
        related_blocks=[],
        fetched_at="2025-03-06T00:00:00+00:00",
    )
    assert archive.store(changed) == "updated"
    assert [r["src"] for r in archive.db["images"].rows] == ["https://cdn.example.com/map.png"]
    assert sorted(r["comment_id"] for r in archive.db["comments"].rows) == ["c1", "c2", "c3"]
    assert archive.db["related_blocks"].count == 0 and archive.db["related_links"].count == 0


@pytest.mark.parametrize("first", [True, False], ids=["new-article", "update"])
def test_failure_mid_transaction_leaves_archive_as_before(
    archive: Archive, monkeypatch: pytest.MonkeyPatch, first: bool
) -> None:
    if not first:
        archive.store(make_item())
    before = archive.counts()
    before_rows = list(archive.db["articles"].rows)

    def failing_write(self, db):  # the article row is already written (or updated)
        raise sqlite3.OperationalError("disk I/O error")

    # images and related links are written with executemany by ChildRows (archive_children)
    monkeypatch.setattr(ChildRows, "write", failing_write)
    with pytest.raises(ArchiveError, match="disk I/O error"):
        archive.store(make_item(headline="Changed", fetched_at="2025-06-01T00:00:00+00:00"))
    assert not archive.db.conn.in_transaction
    assert archive.counts() == before
    assert list(archive.db["articles"].rows) == before_rows
    assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    monkeypatch.undo()
    assert archive.store(make_item()) == ("new" if first else "unchanged")


def test_migrations_rerun_safely(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive(path) as arc:
        arc.store(make_item())
        assert arc.schema_version == SCHEMA_VERSION
    with Archive(path) as arc:  # reopening applies nothing new and loses nothing
        assert migrate(arc.db) == SCHEMA_VERSION == schema_version(arc.db)
        assert arc.db["_sqlite_migrations"].count == SCHEMA_VERSION
        assert arc.db["articles"].count == 1
        assert arc.db.journal_mode == "wal"
        assert arc.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_schema_has_foreign_keys_and_indexes(archive: Archive) -> None:
    db = archive.db
    for table in ("article_urls", "images", "comments", "related_blocks", "related_links"):
        assert [(fk.column, fk.other_table) for fk in db[table].foreign_keys] == [
            ("article_id", "articles")]
        assert any(ix.columns[0] == "article_id" for ix in db[table].indexes), table
    indexed = {tuple(ix.columns) for ix in db["articles"].indexes}
    for column in ("site", "section", "language", "published_at"):
        assert (column,) in indexed


def test_fts_finds_words_from_body(archive: Archive) -> None:
    archive.store(make_item(body=BODY + " The café near the depot will close."))
    sql = ("SELECT articles.headline FROM articles_fts JOIN articles "
           "ON articles.rowid = articles_fts.rowid WHERE articles_fts MATCH ?")
    assert archive.db.execute(sql, ["districts"]).fetchall() == [
        ("Council extends the tram line",)]
    assert archive.db.execute(sql, ["cafe"]).fetchall()  # diacritics folded
    assert archive.db.execute(sql, ["voting"]).fetchall()  # porter stemming: voted ~ voting
    assert archive.store(make_item(body=BODY + " A new word: zeppelin.")) == "updated"
    assert archive.db.execute(sql, ["zeppelin"]).fetchall()
    assert not archive.db.execute(sql, ["café"]).fetchall()  # the old version left the index


def test_runs_and_summary(archive: Archive) -> None:
    run = archive.start_run("example", {"max_pages": 5})
    archive.store(make_item())
    archive.finish_run(run, {"pages": 3, "new": 1, "rejected": 2}, "finished", {"x": 1})
    summary = archive.summary()
    assert summary["articles"] == 1 and summary["images_with_credit"] == 1
    assert summary["runs"] == 1
    last = summary["last_run"]
    assert (last["pages"], last["new"], last["rejected"], last["finish_reason"]) == (
        3, 1, 2, "finished")
    assert json.loads(last["args"]) == {"max_pages": 5}


def test_unusable_item_is_refused_before_any_write(archive: Archive) -> None:
    with pytest.raises(ValueError):
        archive.store({"url": "https://www.example.com/x", "error": "timeout"})
    assert archive.db["articles"].count == 0


@pytest.mark.skipif(not DATASETTE.exists(), reason="datasette not installed next to python")
def test_datasette_serves_metadata_and_canned_queries(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"  # the metadata's database key is "archive"
    with Archive(path) as arc:
        run = arc.start_run("example", {})
        arc.store(make_item())
        arc.finish_run(run, {"pages": 1, "new": 1}, "finished")
    paths = [
        "/archive/articles.json?_search=districts",
        "/archive/articles.json?_facet=site&_sort_desc=published_at",
        "/archive/articles_per_day.json",
        "/archive/most_commented.json",
        "/archive/photo_credits.json",
        "/archive/most_linked.json",
        "/archive/latest_runs.json",
    ]
    for url in paths:
        proc = subprocess.run(
            [str(DATASETTE), str(path), "-m", str(ROOT / "data" / "metadata.yml"), "--get", url],
            capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode == 0, (url, proc.stdout[:500], proc.stderr[-2000:])
        data = json.loads(proc.stdout)
        assert data["rows"], url
    search = json.loads(subprocess.run(
        [str(DATASETTE), str(path), "-m", str(ROOT / "data" / "metadata.yml"),
         "--get", "/archive/articles.json?_search=districts&_shape=objects"],
        capture_output=True, text=True, timeout=120, check=True).stdout)
    assert search["rows"][0]["headline"] == "Council extends the tram line"


_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(st.none(), _TEXT, st.builds(lambda a, b: a * 2000 + b, _TEXT, _TEXT)),
       headline=st.one_of(st.none(), _TEXT), authors=st.lists(_TEXT, max_size=3),
       mark=st.sampled_from(["", "headline", "body", "both"]),
       images=st.lists(st.fixed_dictionaries({"src": _TEXT, "caption": _TEXT}), max_size=2))
def test_revision_and_version_are_the_two_dumps(body: str | None, headline: str | None,
                                                authors: list[str], mark: str,
                                                images: list[dict[str, str]]) -> None:
    # The long body is encoded once and spliced into both texts: byte for byte what dumping
    # each whole gives, whatever the text holds (quotes, controls, the splice mark itself).
    from newsarchive import archive_hashes as ah
    from newsarchive.revisions import revision_content, revision_json

    if mark in ("headline", "both"):
        headline = f"{headline}{ah._BODY_MARK}"
    if mark in ("body", "both") and body is not None:
        body = ah._BODY_MARK + body + "x" * ah._SHARED_BODY_CHARS
    item = {"url": "https://x.example/a", "site": "x.example", "body": body,
            "headline": headline, "authors": authors, "images": images, "tags": None,
            "provenance": {"body": "site"}, "is_article": True, "published_at": None}
    assert ah.revision_and_version(item) == (revision_json(revision_content(item)),
                                             ah.version_hash(item))
