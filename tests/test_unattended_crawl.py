"""Incremental, polite, cron-friendly crawling, for real: the fault site, subprocess crawls."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from unattended import SITE_FILE, crawl, fault_server, hits, logs

TABLES = ["articles", "article_urls", "images", "comments", "related_links"]
N = 12 + 3 + 3 + 2  # linked articles, sitemap-only, feed-only, the 429/503 pages


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def article_hits(site: str) -> dict[str, list[int]]:
    return {p: h["statuses"] for p, h in hits(site).items() if p.startswith("/news/a-")}


def test_reruns_fetch_only_what_is_new_or_due_and_unchanged_pages_cost_a_304(
        tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server() as site:
        assert crawl([site + "/"], db, tmp_path).returncode == 1  # the fault pages
        stored = counts(db)
        assert stored["articles"] == N
        # Not due yet (published in 2024: monthly): listings are fetched, articles are not.
        assert crawl([site + "/"], db, tmp_path).returncode == 1
        assert all(s == [200] for s in article_hits(site).values())
        # A schedule that says "due now": a conditional revisit, answered 304, stores nothing.
        with sqlite3.connect(db) as conn:
            seen_before = dict(conn.execute("select url, last_seen from articles"))
        proc = crawl([site + "/"], db, tmp_path, "-s", 'NEWSARCHIVE_REVISIT={"older": "0s"}')
        assert "not modified" in proc.stdout
        assert all(s == [200, 304] for s in article_hits(site).values())
        # --refresh revisits every known article whatever the schedule says.
        crawl([site + "/"], db, tmp_path, "--refresh")
        assert all(s == [200, 304, 304] for s in article_hits(site).values())
    assert counts(db) == stored  # 304s add nothing anywhere...
    with sqlite3.connect(db) as conn:
        for url, last_seen in conn.execute("select url, last_seen from articles"):
            assert last_seen >= seen_before[url]  # ...but last_seen moves
        state = conn.execute("select count(*), min(not_modified), min(etag) is not null"
                             " from fetch_state").fetchone()
        runs = conn.execute("select count(*) from crawl_runs").fetchone()[0]
    assert state[0] >= N and state[1] >= 2 and state[2]
    assert runs == 4


def test_a_bare_url_discovers_articles_through_robots_sitemaps_and_feed_links(
        tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server() as site:
        crawl([site + "/"], db, tmp_path)
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("select url from articles")]
    assert sum("/sitemap-only-" in u for u in urls) == 3  # only in robots.txt's sitemap
    assert sum("/feed-only-" in u for u in urls) == 3  # only in <link rel=alternate> feed


def test_polite_identified_within_the_site_and_robots_obeyed(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server() as site:
        crawl([site + "/"], db, tmp_path, "-s", "NEWSARCHIVE_CONTACT=mailto:ops@example.org")
        # A start URL that redirects off-site (Scrapy lets start URLs' redirects through).
        crawl([site + "/fault/away"], tmp_path / "b.db", tmp_path,
              "-s", "NEWSARCHIVE_CONTACT=mailto:ops@example.org")
        seen = hits(site)
    agents = {a for h in seen.values() for a in h["agents"]}
    assert agents == {"newsarchive/0.1 (+mailto:ops@example.org)"}
    assert "/private/secret.html" not in seen  # robots.txt: Disallow: /private/
    assert "/news/offsite.html" not in seen  # a link to another host (localhost)
    assert "/offsite-r" not in seen  # a redirect to another host
    assert seen["/fault/away"]["hits"] == 2
    assert "outside the site's hosts (redirected from" in logs(db)


def test_quiet_run_prints_one_line_logs_to_a_file_and_records_the_run(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with fault_server("--delay", "0.1") as site:
        proc = crawl([site + "/"], db, tmp_path, "--quiet", "-s", "NEWSARCHIVE_PROGRESS=True",
                     "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0.2")
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith("newsarchive crawl: finished with errors: 1 site(s), ")
    log_files = list((tmp_path / "logs").glob("newsarchive-*.log"))
    assert len(log_files) == 1 and re.fullmatch(r"newsarchive-\d{8}\.log", log_files[0].name)
    assert str(log_files[0]) in lines[0]
    assert "Spider closed (finished)" in log_files[0].read_text()
    assert re.search(r"site: \d+ pages \([\d.]+/s\), \d+ new articles", proc.stderr)  # progress
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        run = conn.execute("select * from crawl_runs").fetchone()
    assert run["new"] == N and run["pages"] >= N and run["errors"] >= 1
    assert run["finished_at"] and run["finish_reason"] == "finished"
    assert f"{run['new']} new" in lines[0]


def test_a_site_whose_selectors_stop_matching_is_reported_broken_by_name(
        tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    spiders = tmp_path / "spiders"
    spiders.mkdir()
    with fault_server() as site:
        (spiders / "harbour.toml").write_text(SITE_FILE.format(site=site))
        first = crawl(["harbour"], db, spiders)
        assert first.returncode == 0, first.stdout
        assert "BROKEN" not in first.stdout
    with fault_server("--redesign") as site:  # same articles, new markup
        (spiders / "harbour.toml").write_text(SITE_FILE.format(site=site))
        with sqlite3.connect(db) as conn:  # same URLs as the first server's articles
            conn.execute("update article_urls set url = replace(url, substr(url, 1, 22), ?)",
                         [site[:22]])
            conn.execute("update articles set url = replace(url, substr(url, 1, 22), ?)",
                         [site[:22]])
        proc = crawl(["harbour"], db, spiders, "--refresh")
    assert proc.returncode == 1
    assert "BROKEN: harbour (" in proc.stdout
    broken = proc.stdout.split("BROKEN: harbour (", 1)[1]
    assert "section" in broken and "authors" in broken
    assert "looks broken" in logs(db)
    with sqlite3.connect(db) as conn:
        runs = conn.execute("select broken from crawl_runs order by id").fetchall()
        stats = json.loads(conn.execute("select stats from crawl_runs where id = 2").fetchone()[0])
    assert runs[0][0] is None and "section" in runs[1][0]
    assert "newsarchive/broken" in stats
