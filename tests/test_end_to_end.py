"""End to end, for real: the demo site on 127.0.0.1, a Scrapy crawl in a subprocess, SQLite.

Crawling twice must leave every table as it was, except one more `crawl_runs` row.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from newsarchive.demo import content, special_urls
from newsarchive.extract.urls import normalize_url
from newsarchive.profiles import load_profiles

TABLES = ["articles", "article_urls", "images", "comments", "related_blocks", "related_links",
          "crawl_runs"]


def run(args: list[str], env: dict | None = None,
        timeout: int = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "newsarchive", *args], cwd=ROOT, timeout=timeout,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    return proc


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    proc = run(["demo", "--db", str(db)])
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    yield db, proc.stdout


def url_to_article(conn: sqlite3.Connection, url: str) -> int | None:
    row = conn.execute("select article_id from article_urls where url = ?",
                       [normalize_url(url)]).fetchone()
    return row[0] if row else None


def test_demo_stores_every_article_once(demo_db: tuple[Path, str]) -> None:
    db, out = demo_db
    arts = content.articles()
    assert len(arts) >= 30
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("select canonical_url from articles")}
        assert {normalize_url(a.url) for a in arts} == stored  # no listing page, no 404/500
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert "articles:" in out and "browse it: newsarchive browse --db" in out


def test_aliases_redirects_and_syndicated_copy_merge(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    special = special_urls()
    with sqlite3.connect(db) as conn:
        redirected = url_to_article(conn, special["redirect"])
        assert redirected is not None
        target = conn.execute("select canonical_url from articles where id = ?",
                              [redirected]).fetchone()[0]
        assert target.endswith("/be/380201")
        assert url_to_article(conn, special["syndicated"]) == url_to_article(
            conn, special["syndicated_of"])
        for bad in ("not_found", "server_error", "truncated"):
            assert url_to_article(conn, special[bad]) is None, bad


def test_every_field_reaches_the_archive(demo_db: tuple[Path, str]) -> None:
    db, out = demo_db
    with sqlite3.connect(db) as conn:
        q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        assert q("select count(*) from articles where headline is null or body is null") == 0
        assert q("select count(*) from images where credit is not null") >= 10
        assert q("select count(*) from comments where parent_id is not null") >= 1
        assert q("select count(*) from related_links where comment_count is not null") >= 5
        assert q("select count(*) from articles where comment_count > "
                 "(select count(*) from comments c where c.article_id = articles.id)") >= 1
        assert q("select count(*) from articles where published_at is not null") >= 30
        assert q("select count(*) from articles where json_array_length(authors) > 0") >= 10
        assert q("select count(distinct language) from articles") >= 3
        assert q("select count(*) from articles_fts where articles_fts match 'Maduro'") >= 1
    assert "rejected" in out


def test_second_crawl_adds_nothing(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    before = counts(db)
    proc = run(["demo", "--db", str(db)])
    assert proc.returncode == 0, proc.stderr[-4000:]
    after = counts(db)
    demo_sites = [p for p in load_profiles().values() if p.demo]
    assert after.pop("crawl_runs") == before.pop("crawl_runs") + len(demo_sites)  # one per spider
    assert after == before


@pytest.fixture()
def demo_proxy() -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.demo"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(10)


def test_generic_crawl_of_a_site_without_a_site_file(demo_proxy: str, tmp_path: Path) -> None:
    """A bare URL: discover articles by following links, keep articles, reject listings."""
    db = tmp_path / "generic.db"
    proc = run(["crawl", "http://old-gazette.example/", "--db", str(db),
                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"],
               env={"http_proxy": demo_proxy, "no_proxy": "",
                    "NEWSARCHIVE_SPIDERS": str(tmp_path)})  # no site files at all
    assert proc.returncode in (0, 1), proc.stderr[-4000:]
    truth = {normalize_url(a.url): a for a in content.articles(publisher="old-gazette.example")}
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select canonical_url, headline, site_profile from articles").fetchall()
    stored = {r[0] for r in rows}
    assert len(stored & set(truth)) >= 0.8 * len(truth)
    assert not stored - set(truth), "listing pages stored as articles"
    assert all(r[2] is None for r in rows)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_browse_serves_the_archive_in_datasette(demo_db: tuple[Path, str], tmp_path: Path) -> None:
    import json
    import shutil
    import time
    import urllib.request

    db, _ = demo_db
    other = tmp_path / "my-news.db"  # metadata is re-keyed to whatever the file is called
    shutil.copy(db, other)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive", "browse", "--db", str(other),
                             "--port", str(port)], cwd=ROOT, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        meta = json.load(urllib.request.urlopen(base + "/-/metadata.json", timeout=10))
        assert "my-news" in meta["databases"]
        found = json.load(urllib.request.urlopen(
            base + "/my-news/articles.json?_search=Maduro&_shape=objects", timeout=10))
        assert any("Maduro" in r["headline"] for r in found["rows"])
        facets = json.load(urllib.request.urlopen(base + "/my-news/articles.json", timeout=10))
        assert {"site", "section", "language"} <= set(facets["facet_results"])
    finally:
        proc.terminate()
        proc.wait(10)


def test_scrapy_crawl_from_the_project_root(demo_proxy: str, tmp_path: Path) -> None:
    """`scrapy list` / `scrapy crawl SITE` behave as Scrapy users expect, with feed exports."""
    scrapy = Path(sys.executable).with_name("scrapy")
    env = {**os.environ, "http_proxy": demo_proxy, "no_proxy": ""}
    listed = subprocess.run([str(scrapy), "list"], cwd=ROOT, capture_output=True, text=True,
                            env=env, timeout=120)
    assert "oldgazette-demo" in listed.stdout.split()
    out = tmp_path / "records.jsonl"
    db = tmp_path / "scrapy.db"
    proc = subprocess.run([str(scrapy), "crawl", "oldgazette-demo", "-O", str(out),
                           "-s", f"NEWSARCHIVE_DB={db}", "-s", "AUTOTHROTTLE_ENABLED=False",
                           "-s", "DOWNLOAD_DELAY=0"],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import json

    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert len({r["canonical_url"] for r in records}) == 12
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 12
