"""Faults, for real: a misbehaving loopback site, `newsarchive crawl` in a subprocess, real kills.

Each test reads what the server saw (its hit log) and what the archive holds afterwards.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import sqlite3
import time
from pathlib import Path

from unattended import crawl, fault_server, hits, logs, start_crawl

ARTICLES = "select count(*) from articles where url like '%/news/%' or url like '%/fault/%'"


def count(db: Path, sql: str = ARTICLES) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def assert_sound(db: Path) -> None:
    """Integrity, foreign keys, and no half-written record: every stored article is whole."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        rows = conn.execute("select id, url, body from articles where url like '%/news/%'"
                            " or url like '%/fault/%'").fetchall()
        for aid, url, body in rows:
            slug = url.rsplit("/", 1)[1].removesuffix(".html")
            assert f"END-OF-ARTICLE {slug}." in body, url  # the body's last paragraph is there
            assert conn.execute("select count(*) from article_urls where article_id = ?",
                                [aid]).fetchone()[0] >= 1


def test_killed_mid_crawl_loses_nothing_and_resumes_without_refetching(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server("--articles", "30", "--delay", "0.6") as site:
        # Each page takes 0.6 s; a timeout well above that keeps a loaded machine from turning
        # a slow page into a failed one (the slow fault page still times out at 3 s).
        patient = ("-s", "DOWNLOAD_TIMEOUT=2.5")
        first = start_crawl([site + "/"], db, tmp_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                            *patient)
        for _ in range(600):
            try:
                if count(db) >= 5:
                    break
            except sqlite3.OperationalError:
                pass  # not created or not migrated yet
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            time.sleep(0.05)
        # While it runs, a second run (cron firing again) must not start.
        second = crawl([site + "/"], db, tmp_path)
        assert second.returncode == 2
        assert "another crawl is running" in second.stderr
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert_sound(db)
        with sqlite3.connect(db) as conn:
            before = dict(conn.execute("select canonical_url, body from articles").fetchall())
        assert 5 <= len(before) < 36, "the kill came too late to test anything"
        seen_before = {p: h["hits"] for p, h in hits(site).items()}

        third = crawl([site + "/"], db, tmp_path, *patient)  # the killed run's lock is released
        assert third.returncode in (0, 1), third.stderr[-2000:]
        after_hits = hits(site)
    assert_sound(db)
    with sqlite3.connect(db) as conn:
        after = dict(conn.execute("select canonical_url, body from articles").fetchall())
        dupes = conn.execute("select count(*) - count(distinct canonical_url) from articles")
        assert dupes.fetchone()[0] == 0
    assert all(after[url] == body for url, body in before.items())  # nothing stored is lost
    # articles, sitemap-only, feed-only, 429/503 pages
    assert len(after) == 30 + 3 + 3 + 2, (sorted(after), third.stdout[-2000:])
    for url in before:  # stored before the kill: not fetched again
        path = "/" + url.split("/", 3)[3]
        assert after_hits[path]["hits"] == seen_before[path], path


def test_server_errors_are_retried_honouring_retry_after(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server() as site:
        proc = crawl([site + "/"], db, tmp_path)
        seen = hits(site)
    assert proc.returncode == 1, proc.stdout  # the page that asked for an hour is an error
    for path in ("/fault/429.html", "/fault/503.html"):
        assert seen[path]["statuses"] == [seen[path]["statuses"][0], 200], path
        assert count(db, f"select count(*) from articles where url like '%{path}'") == 1
    t429 = seen["/fault/429.html"]["times"]
    assert t429[1] - t429[0] >= 1.0  # waited the Retry-After: 1 the server asked for
    assert seen["/fault/429-hour.html"]["hits"] == 1  # an hour is not waited for in a run
    assert "Retry-After 3600s" in logs(db)


def test_bad_responses_are_logged_with_a_reason_and_skipped(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server() as site:
        proc = crawl([site + "/"], db, tmp_path)
    assert proc.returncode == 1
    log = logs(db)
    assert "fault/slow.html: timeout" in log
    assert "fault/huge.html: too large (DOWNLOAD_MAXSIZE)" in log
    assert "redirect loop: " in log and "/fault/loop-a" in log
    assert "Content-Type application/pdf" in log
    assert count(db) == 12 + 3 + 3 + 2  # everything else was archived
    assert_sound(db)


def test_a_dead_host_does_not_stall_the_others(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    # A host that accepts connections and never answers: every request to it times out.
    with socket.socket() as hole, fault_server() as site:
        hole.bind(("127.0.0.1", 0))
        hole.listen(100)
        dead = f"http://127.0.0.1:{hole.getsockname()[1]}/"
        proc = crawl([dead, site + "/"], db, tmp_path)
    assert proc.returncode == 1
    assert "2 site(s)" in proc.stdout
    assert count(db) == 12 + 3 + 3 + 2
    assert f"{dead}: timeout" in logs(db)


def _fill_disk_at(limit: int) -> None:
    # A full disk, for real: writes past `limit` bytes fail with EFBIG (Python ignores
    # SIGXFSZ, so SQLite sees the error instead of the process dying).
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_stops_the_run_cleanly_with_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server("--articles", "40") as site:
        assert crawl(["http://127.0.0.1:9/"], db, tmp_path).returncode in (0, 1)  # creates it
        # room for a few records (each writes article, FTS, revision, capture and index pages)
        limit = db.stat().st_size + 600_000
        # One record per transaction here: with batches, the captures' own commits can fill the
        # room before the first batch commits (then nothing is stored, correctly, but this test
        # wants records stored before the fault to survive it). Batches under faults:
        # tests/test_archive_batch.py, tests/test_pipelines.py.
        proc = crawl([site + "/"], db, tmp_path, "-s", "NEWSARCHIVE_STORE_BATCH=1",
                     preexec_fn=lambda: _fill_disk_at(limit))
        assert proc.returncode == 2, proc.stdout + proc.stderr[-2000:]
        assert "archive not writable" in proc.stdout
        stored = count(db)
        assert 0 < stored < 40
        assert_sound(db)  # never a half-written record
        # space again: the rest comes in (a roomy timeout: a loaded machine must not drop a page)
        again = crawl([site + "/"], db, tmp_path, "-s", "DOWNLOAD_TIMEOUT=20")
    assert again.returncode in (0, 1)
    # every generated article is in (other pages depend on tight timeouts a loaded machine moves)
    assert count(db, "select count(*) from articles where url like '%/news/a-%'") == 40
    assert count(db) >= 40 + 3 + 3
    assert_sound(db)


def test_an_archive_that_cannot_be_written_is_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the archive's folder should be")
    proc = crawl(["http://127.0.0.1:9/"], blocker / "a.db", tmp_path)
    assert proc.returncode == 2
    assert "newsarchive:" in proc.stderr
    assert os.path.isfile(blocker)
