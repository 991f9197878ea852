"""Bad input from a site never stops a crawl, corrupts the archive or loses stored rows."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from unattended import logs

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0",
        "-s", "DOWNLOAD_TIMEOUT=2"]


@pytest.fixture()
def site() -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "mockserver.py")],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait(10)


def crawl(url: str, db: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSARCHIVE_SPIDERS": str(tmp_path), "no_proxy": "*"}
    env.pop("http_proxy", None)
    return subprocess.run([sys.executable, "-m", "newsarchive", "crawl", url, "--db", str(db),
                           *FAST], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)


def test_misbehaving_site_is_crawled_with_clear_reasons(site: str, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    proc = crawl(site + "/", db, tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    log = proc.stderr + logs(db)  # without a terminal, crawl logs go to <db dir>/logs/
    assert "binary content" in log
    assert "Content-Type image/png" in log
    assert "empty page" in log
    assert "http 500" in log
    assert "timeout" in log
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select canonical_url, body from articles").fetchall())
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    urls = {u.rsplit("/", 1)[1] for u in rows}
    assert {"story-1.html", "story-2.html", "story-3.html", "malformed.html",
            "wrong-meta.html", "cp1251.html"} <= urls
    cyrillic = [b for u, b in rows.items() if u.endswith(("wrong-meta.html", "cp1251.html"))]
    assert all("Городской совет утвердил" in b for b in cyrillic)


def test_dead_server_loses_nothing_already_stored(site: str, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    assert crawl(site + "/", db, tmp_path).returncode in (0, 1)
    with sqlite3.connect(db) as conn:
        before = conn.execute("select count(*) from articles").fetchone()[0]
    assert before >= 3
    dead = "http://127.0.0.1:9/"  # discard port: connection refused
    proc = crawl(dead, db, tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "connection refused" in (proc.stderr + logs(db)).lower()
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == before
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
