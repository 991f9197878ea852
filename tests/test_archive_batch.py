"""Archive.store_many: the same rows and outcomes as storing the items one by one, by property;
a record the database refuses costs only itself; the callback commits with the records."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.archive import Archive, ArchiveError

WORDS = ("council harbour budget transport minister river election school hospital market "
         "weather festival library museum police court station bridge tunnel railway").split()


def _body(seed: int, trim: bool = False) -> str:
    words = [WORDS[(seed * 7 + k * 3 + k // 5) % len(WORDS)] for k in range(80)]
    paras = [" ".join(words[i:i + 20]) for i in range(0, 80, 20)]
    return "\n\n".join(paras[:-1] if trim else paras)


BODIES = [_body(1), _body(2), _body(1, trim=True), _body(3), "Too short to compare.", None]
HOSTS = ["https://a.example", "https://b.example"]


@st.composite
def items(draw: st.DrawFn) -> dict[str, Any]:
    host = draw(st.sampled_from(HOSTS))
    n = draw(st.integers(0, 4))
    canonical = f"{host}/news/{n}"
    fetched = draw(st.sampled_from([canonical, canonical + "?utm_source=x", f"{host}/s/{n}",
                                    f"{host}/copy/{draw(st.integers(0, 3))}"]))
    seen = draw(st.lists(st.sampled_from([fetched, f"{host}/latest", f"{host}/r/{n}"]),
                         max_size=2))
    comments = draw(st.lists(st.sampled_from([
        {"id": "c1", "parent_id": None, "author": "Ann", "published_at": None, "text": "Yes"},
        {"id": "c1", "parent_id": None, "author": "Ann", "published_at": None, "text": "Yes!"},
        {"id": None, "parent_id": None, "author": "Bob", "published_at": None, "text": "No"},
        {"id": "c3", "parent_id": "c1", "author": None, "published_at": None, "text": "Hm",
         "likes": 4}]), max_size=3))
    day = draw(st.integers(1, 9))
    return {
        "url": fetched, "canonical_url": draw(st.sampled_from([canonical, canonical, None])),
        "site": host.split("//")[1], "language": draw(st.sampled_from(["en", "en", "de", None])),
        "headline": draw(st.sampled_from([f"Story {n}", f"Story {n}, updated", None])),
        "body": draw(st.sampled_from(BODIES)), "authors": draw(st.sampled_from([[], ["Ann"]])),
        "tags": [], "comment_count": draw(st.sampled_from([None, 0, 2, 5])),
        "comments": comments,
        "images": draw(st.sampled_from([[], [{"src": f"{host}/i.jpg", "caption": "A",
                                              "credit": draw(st.sampled_from([None, "AP"]))}]])),
        "related_blocks": draw(st.sampled_from([[], [{"title": "More", "links": [
            {"url": f"{host}/news/{(n + 1) % 5}", "title": "Next", "comment_count": 1}]}]])),
        "fetched_at": f"2025-01-0{day}T10:00:00+00:00", "seen_urls": seen,
    }


def dump(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'articles_fts%' AND name != '_sqlite_migrations'")]
        out = {t: sorted(conn.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr)
               for t in tables}
        out["fts"] = sorted(conn.execute("SELECT rowid, headline, body FROM articles_fts"),
                            key=repr)
        out["fts_match"] = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'council OR story'"
            " ORDER BY rowid").fetchall()
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(st.lists(items(), min_size=1, max_size=25), st.lists(st.integers(1, 8), min_size=1))
def test_batches_store_exactly_what_one_by_one_stores(
        tmp_path_factory: pytest.TempPathFactory, stream: list[dict[str, Any]],
        sizes: list[int]) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    with Archive(tmp / "one.db") as one:
        expected = [one.store(item) for item in stream]
    got: list[Any] = []
    with Archive(tmp / "many.db") as many:
        start, k = 0, 0
        while start < len(stream):
            size = sizes[k % len(sizes)]
            got += many.store_many(stream[start:start + size])
            start, k = start + size, k + 1
    assert got == expected
    assert dump(tmp / "many.db") == dump(tmp / "one.db")


def test_a_bad_item_is_reported_and_the_others_are_stored(tmp_path: Path) -> None:
    good = [{"url": f"https://a.example/n/{i}", "site": "a.example", "headline": f"H {i}",
             "body": _body(i), "fetched_at": "2025-01-01T00:00:00+00:00"} for i in range(4)]
    refused = {**good[0], "url": "https://a.example/n/x", "body": _body(9),
               "headline": {"not": "text"}}
    unusable = {"url": "not a url", "site": "a.example"}
    with Archive(tmp_path / "a.db") as arc:
        results = arc.store_many([good[0], refused, good[1], unusable, good[2], good[3]])
        assert results[0] == results[2] == results[4] == results[5] == "new"
        assert isinstance(results[1], ArchiveError) and "binding" in str(results[1]).lower()
        assert isinstance(results[3], ValueError)
        assert arc.db["articles"].count == 4
        assert not arc.db.conn.in_transaction


def test_the_callback_commits_and_rolls_back_with_the_batch(tmp_path: Path) -> None:
    item = {"url": "https://a.example/n/1", "site": "a.example", "headline": "H",
            "body": _body(1), "fetched_at": "2025-01-01T00:00:00+00:00"}
    seen: list[Any] = []

    def then(stored: list[tuple[dict[str, Any], str]]) -> None:
        seen.append([o for _, o in stored])
        if len(seen) == 1:  # the batch's try fails: each item is tried again alone
            raise sqlite3.OperationalError("disk I/O error")

    with Archive(tmp_path / "a.db") as arc:
        other = {**item, "url": "https://a.example/n/2", "body": _body(2)}
        assert arc.store_many([item, other], then) == ["new", "new"]
        assert seen == [["new", "new"], ["new"], ["new"]]

        def always(stored: list[tuple[dict[str, Any], str]]) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        results = arc.store_many([{**item, "url": "https://a.example/n/3", "body": _body(3)}],
                                 always)
        assert isinstance(results[0], ArchiveError) and "disk is full" in str(results[0])
        assert arc.db["articles"].count == 2  # nothing of the refused batch is left


def _texts(n: int, seed: int = 4) -> list[str]:
    import random

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)]
    base = [[rng.choice(vocab) for _ in range(rng.randint(40, 120))] for _ in range(6)]
    out = []
    for _ in range(n):
        words = list(rng.choice(base))
        cut = rng.random()
        if cut < 0.3:
            words = words[: int(len(words) * 0.85)]  # a trimmed copy
        elif cut < 0.5:
            words[rng.randrange(len(words))] = "changed"  # an edited copy
        elif cut < 0.7:
            words = [rng.choice(vocab) for _ in range(80)]  # another story
        out.append(" ".join(words))
    return out


@pytest.mark.parametrize("size", [7, 30])  # 30: clusters whose root is in the same batch
def test_batched_clusters_are_those_of_clusters_assign(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    from newsarchive import archive_batch

    stream = [{"url": f"https://{'ab'[i % 2]}.example/n/{i}", "site": f"{'ab'[i % 2]}.example",
               "headline": f"H {i}", "body": text,
               "fetched_at": f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00"}
              for i, text in enumerate(_texts(60))]

    def run(path: Path) -> None:
        # two writers on one file, as two processes: each must see the other's signatures
        with Archive(path) as one, Archive(path) as two:
            for k, start in enumerate(range(0, len(stream), size)):
                (one, two)[k % 3 == 2].store_many(stream[start:start + size])

    run(tmp_path / "fast.db")

    def one_by_one(archive: Archive, bodies: list[tuple[int, str | None, str | None]]
                   ) -> tuple[dict[int, Any], Callable[[], None]]:
        # The reference: no cluster columns in the INSERT; once the rows are in, each
        # article is assigned alone (the UPDATEs of Clusters.assign).
        def finish() -> None:
            for aid, body, _ in bodies:
                archive._clusters().assign(aid, body)
        return {}, finish

    monkeypatch.setattr(archive_batch, "assign_new", one_by_one)
    run(tmp_path / "reference.db")
    fast, reference = dump(tmp_path / "fast.db"), dump(tmp_path / "reference.db")
    assert fast == reference
    assert sum(1 for r in fast["articles"] if r[-2] is not None) >= 10  # clusters were found
