"""Distributed crawls for real: a redis-server, worker subprocesses, SIGKILLs, a loopback site.

Each test starts its own `redis-server` on 127.0.0.1 (skipped when the binary is absent: Debian
package `redis-server`, installed by .ci/run) and `tests/loopsite.py`, which records every hit
with the fetching process's User-Agent, so the tests see from the server's side what each
worker fetched.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT
from unattended import SITE_FILE, env, fault_server, hits, logs

redis = pytest.importorskip("redis", reason="the redis client is not installed (extra: redis)")

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s",
        "CONCURRENT_REQUESTS=4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
        "-s", "NEWSARCHIVE_REDIS_HEARTBEAT=2"]  # captures on, as by default
IN_FLIGHT = 4 + 4  # CONCURRENT_REQUESTS downloading + responses being parsed, at most
WAIT = 90  # seconds a process may take before the test fails (not a timing assertion)


class Redis:
    def __init__(self, directory: Path, persist: bool) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                     "--dir", str(directory), "--save", ""]
        self.args += (["--appendonly", "yes", "--appendfsync", "always"] if persist
                      else ["--appendonly", "no"])
        self.proc: subprocess.Popen | None = None

    def start(self) -> Redis:
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(200):
            try:
                client.ping()
                return self
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


@pytest.fixture
def redis_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Redis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    persist = bool(getattr(request, "param", False))
    server = Redis(tmp_path, persist).start()
    yield server
    server.kill()


@contextmanager
def loop_site(*args: str) -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "loopsite.py"), *args],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait(10)


def site_hits(site: str, path: str = "/_hits") -> dict[str, list[str]]:
    with urllib.request.urlopen(site + path, timeout=10) as resp:
        return json.load(resp)


def article_hits(site: str) -> dict[str, list[str]]:
    return {p: a for p, a in site_hits(site).items() if p.startswith("/news/")}


def na(tmp: Path, *argv: str, agent: str = "newsarchive-test",
       sets: tuple[str, ...] = ()) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsarchive", *argv, *FAST,
                             "-s", f"USER_AGENT={agent}",
                             *(x for s in sets for x in ("-s", s))], cwd=ROOT, env=env(tmp),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def store(tmp: Path, url: str, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsarchive", "store", "--redis", url,
                             "--db", str(db)], cwd=ROOT, env=env(tmp), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=WAIT)
    return proc.returncode, out + err[-3000:]


def wait_for(check, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def articles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        urls = [u for (u,) in conn.execute("select url from articles order by url")]
    return [u.split("/", 3)[3] for u in urls]  # the path: same site, same port


def readable_captures(db: Path) -> int:
    """Every WARC file of the archive is read by warcio (digests checked); each `captures`
    row points at a response record of its URL and status. Returns the number of rows."""
    from warcio.archiveiterator import ArchiveIterator

    from newsarchive.captures import read_capture

    files = sorted((db.parent / "captures").glob("newsarchive-*.warc.gz"))
    records = 0
    for path in files:
        with open(path, "rb") as fh:
            kinds = [r.rec_type for r in ArchiveIterator(fh, check_digests=True)]
        assert kinds[0] == "warcinfo" and kinds[1:] == ["response", "request"] * (
            len(kinds) // 2)
        records += len(kinds) // 2
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, status, warc_file, offset from captures").fetchall()
    for url, status, warc, offset in rows:
        cap = read_capture(db.parent / warc, offset)
        assert (cap.url, cap.status) == (url, status)
    assert records >= len(rows)  # equal unless a killed store wrote a record twice
    return len(rows)


def linked_captures(db: Path) -> int:
    """Articles whose capture is a stored response of theirs (captures.article_id too)."""
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from articles a join captures c on c.id ="
                            " a.capture_id and c.article_id = a.id and c.status = 200"
                            " and c.url = a.url").fetchone()[0]


def test_workers_share_one_frontier_and_a_killed_worker_loses_nothing(
        tmp_path: Path, redis_server: Redis) -> None:
    base, dist = tmp_path / "single.db", tmp_path / "dist.db"
    # 0.8 s a page: the crawl outlasts worker A's start-up even on a loaded machine
    with loop_site("--articles", "60", "--delay", "0.8") as site:
        single = na(tmp_path, "crawl", site + "/", "--db", str(base))
        assert finish(single)[0] == 0
        site_hits(site, "/_reset")

        url = redis_server.url
        seed = na(tmp_path, "crawl", site + "/", "--db", str(dist), "--redis", url,
                  agent="seed")
        wait_for(lambda: redis_server.client().hlen("newsarchive:crawls"), "the seed")
        doomed = na(tmp_path, "worker", "--redis", url, agent="worker-a")
        other = na(tmp_path, "worker", "--redis", url, agent="worker-b")
        writer = store(tmp_path, url, dist)
        # Kill worker A while it holds pages: it has fetched some, and the crawl goes on.
        wait_for(lambda: sum(a.count("worker-a") for a in article_hits(site).values()) >= 3,
                 "worker A to fetch pages")
        doomed.kill()
        doomed.wait(10)
        results = {name: finish(p) for name, p in
                   (("seed", seed), ("worker-b", other), ("store", writer))}
        every = site_hits(site)
    hits = {p: a for p, a in every.items() if p.startswith("/news/")}
    for name, (code, out) in results.items():
        assert code == 0, f"{name}: {out}"
    assert "60 new" in results["store"][1]

    # The same archive as one machine's crawl: every article, each exactly once.
    assert articles(dist) == articles(base) and len(articles(dist)) == 60
    # Every article fetched; twice only if worker A died holding it (requeued, then fetched).
    assert len(hits) == 60
    twice = {p: a for p, a in hits.items() if len(a) > 1}
    assert all(len(a) == 2 and a[0] == "worker-a" for a in twice.values()), twice
    assert len(twice) <= IN_FLIGHT
    # Listings too: each page of the site once (robots.txt is each process's own).
    assert all(len(a) == 1 for p, a in every.items()
               if p not in hits and p != "/robots.txt" and not p.startswith("/_"))
    with sqlite3.connect(dist) as conn:
        runs = conn.execute("select spider, json_extract(args, '$.role'), finished_at"
                            " is not null from crawl_runs order by id").fetchall()
        new = conn.execute("select sum(new) from crawl_runs where spider != 'store'").fetchone()
    assert runs[0] == ("store", None, 1)
    assert sorted(r[1] for r in runs[1:]) == ["seed", "worker", "worker"]
    assert new == (60,)  # each record counted in the run of the worker that fetched it
    # Worker A's captures that reached Redis are kept; each article points at its own.
    assert readable_captures(dist) >= sum(len(a) for p, a in every.items()
                                          if not p.startswith("/_") and "worker-a" not in a)
    assert linked_captures(dist) == 60


@pytest.mark.parametrize("redis_server", [True], indirect=True)  # append-only file
def test_a_stopped_crawl_resumes_from_the_persisted_queue_after_a_redis_restart(
        tmp_path: Path, redis_server: Redis) -> None:
    db = tmp_path / "a.db"
    with loop_site("--articles", "30", "--delay", "0.2") as site:
        url = redis_server.url
        seed = na(tmp_path, "crawl", site + "/", "--db", str(db), "--redis", url)
        wait_for(lambda: len(article_hits(site)) >= 5, "the crawl to start")
        seed.kill()  # the only crawler: the frontier stays in Redis...
        seed.wait(10)
        redis_server.kill()  # ...and survives a restart of Redis itself
        redis_server.start()
        queued = redis_server.client().zcard("newsarchive:site-127.0.0.1:requests")
        assert queued > 0
        again = na(tmp_path, "crawl", site + "/", "--db", str(db), "--redis", url)
        code, out = finish(again)
        assert code == 2 and "still running on Redis" in out and "newsarchive worker" in out
        code, out = finish(na(tmp_path, "worker", "--redis", url))
        assert code == 0, out
        code, out = finish(store(tmp_path, url, db))
        assert code == 0, out
        hits = article_hits(site)
        idle = finish(na(tmp_path, "worker", "--redis", url))
    assert idle[0] == 0 and "nothing to do" in idle[1]
    assert len(articles(db)) == 30 == len(hits)
    assert sum(len(a) > 1 for a in hits.values()) <= IN_FLIGHT


def test_the_store_holds_the_archive_lock(tmp_path: Path, redis_server: Redis) -> None:
    from newsarchive.lock import ArchiveLock

    db = tmp_path / "a.db"
    with ArchiveLock(db):
        code, out = finish(store(tmp_path, redis_server.url, db))
    assert code == 2 and "another crawl is running" in out
    code, out = finish(store(tmp_path, "redis://127.0.0.1:1/0", db))
    assert code == 2 and "cannot reach Redis" in out


def _healthy_first_run(tmp_path: Path, db: Path, url: str) -> None:
    """A first distributed crawl of the harbour site, stored: the baseline of the next run."""
    with fault_server("--articles", "20") as site:
        (tmp_path / "harbour.toml").write_text(SITE_FILE.format(site=site))
        first = na(tmp_path, "crawl", "harbour", "--db", str(db), "--redis", url)
        code, out = finish(first)
        assert code == 0 and "BROKEN" not in out, out
        code, out = finish(store(tmp_path, url, db))
        assert code == 0 and "20 new" in out and "BROKEN" not in out, out


def _redesigned(tmp_path: Path, db: Path, site: str) -> None:
    """The site file points at the redesigned server, whose URLs are the stored articles'."""
    (tmp_path / "harbour.toml").write_text(SITE_FILE.format(site=site))
    with sqlite3.connect(db) as conn:
        for table in ("article_urls", "articles"):
            conn.execute(f"update {table} set url = replace(url, substr(url, 1, 22), ?)",
                         [site[:22]])


def test_a_broken_site_is_reported_by_the_seed_and_in_crawl_runs(
        tmp_path: Path, redis_server: Redis) -> None:
    """issue #5's check over a distributed crawl: the pages of every worker count."""
    db, url = tmp_path / "a.db", redis_server.url
    _healthy_first_run(tmp_path, db, url)
    # 0.5 s a page, one at a time: the crawl outlasts the helper's start-up even on a
    # loaded machine
    with fault_server("--articles", "20", "--redesign", "--delay", "0.5") as site:
        _redesigned(tmp_path, db, site)
        seed = na(tmp_path, "crawl", "harbour", "--db", str(db), "--redis", url, "--refresh",
                  agent="seed", sets=("CONCURRENT_REQUESTS=1",))  # >= 10 s alone
        client = redis_server.client()  # the crawl is registered since the first run
        wait_for(lambda: client.exists("newsarchive:harbour:seeding")
                 or client.zcard("newsarchive:harbour:requests"), "the seed")
        helper = na(tmp_path, "worker", "--redis", url, agent="worker")
        writer = store(tmp_path, url, db)
        results = {name: finish(p) for name, p in
                   (("seed", seed), ("worker", helper), ("store", writer))}
        agents = {a for p, e in hits(site).items() if p.startswith("/news/")
                  for a in e["agents"]}
    assert agents == {"seed", "worker"}, results["worker"]  # both fetched pages
    code, out = results["seed"]
    assert code == 1 and "BROKEN: harbour (" in out, out
    verdict = out.split("BROKEN: harbour (", 1)[1]
    assert "section" in verdict and "authors" in verdict
    # The seed's ERROR line (in its log file) counts every worker's pages, each once.
    assert "site 127.0.0.1 looks broken: authors missing in 20/20 pages" in logs(db)
    assert results["worker"][0] == 0, results["worker"][1]
    code, out = results["store"]
    assert code == 1 and "BROKEN: harbour (" in out, out
    with sqlite3.connect(db) as conn:
        runs = conn.execute("select json_extract(args, '$.role'), broken,"
                            " json_extract(stats, '$.\"newsarchive/broken\"') from crawl_runs"
                            " where spider = 'harbour' order by id").fetchall()
    assert runs[0] == ("seed", None, None)  # the first run
    second = dict((r[0], r[1:]) for r in runs[1:])  # seed and helper (in either order)
    assert len(runs) == 3 and second["worker"] == (None, None)
    assert "section" in second["seed"][0] and "authors" in second["seed"][0]
    assert second["seed"][1] == second["seed"][0]


def test_a_distributed_crawl_keeps_raw_captures_in_the_archive(
        tmp_path: Path, redis_server: Redis) -> None:
    db, url = tmp_path / "a.db", redis_server.url
    with loop_site("--articles", "30", "--delay", "0.3") as site:
        seed = na(tmp_path, "crawl", site + "/", "--db", str(db), "--redis", url, agent="seed",
                  sets=("CONCURRENT_REQUESTS=1",))  # leaves pages to the worker
        wait_for(lambda: redis_server.client().hlen("newsarchive:crawls"), "the seed")
        helper = na(tmp_path, "worker", "--redis", url, agent="worker")
        writer = store(tmp_path, url, db)
        results = {name: finish(p) for name, p in
                   (("seed", seed), ("worker", helper), ("store", writer))}
        every = site_hits(site)
        pages = {}
        for path in every:  # what the site serves, for comparing payloads
            if not path.startswith("/_"):
                try:
                    with urllib.request.urlopen(site + path, timeout=10) as resp:
                        pages[site + path] = resp.read()
                except urllib.error.HTTPError as exc:  # robots.txt: 404
                    pages[site + path] = exc.read()
        site_hits(site, "/_reset")
        # Captures are the seed's choice for every worker of its crawl.
        again = [na(tmp_path, "crawl", site + "/", "--db", str(db), "--redis", url,
                    "--refresh", "--no-captures", sets=("CONCURRENT_REQUESTS=1",))]
        client = redis_server.client()
        wait_for(lambda: client.exists("newsarchive:site-127.0.0.1:seeding")
                 or client.zcard("newsarchive:site-127.0.0.1:requests"), "the second seed")
        again += [na(tmp_path, "worker", "--redis", url, agent="worker"),
                  store(tmp_path, url, db)]
        second = [finish(p) for p in again]
        assert "worker" in {a for agents in site_hits(site).values() for a in agents}
    for name, (code, out) in results.items():
        assert code == 0, f"{name}: {out}"
    assert "30 new" in results["store"][1]
    assert {a for p, agents in every.items() for a in agents if p.startswith("/news/")} == {
        "seed", "worker"}
    # One capture per response any process received (robots.txt: one per process).
    responses = sum(len(a) for p, a in every.items() if not p.startswith("/_"))
    assert readable_captures(db) == responses
    assert f"{responses} captures" in results["store"][1]
    assert linked_captures(db) == 30
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from revisions where capture_id is null"
                            ).fetchone() == (0,)
        rows = conn.execute("select url, warc_file, offset from captures").fetchall()
    from newsarchive.captures import read_capture

    for page_url, warc, offset in rows:  # the payload is the page the site serves
        assert read_capture(db.parent / warc, offset).body == pages[page_url]
    for code, out in second:
        assert code == 0, out
    assert "0 captures" in second[2][1] and "30 unchanged" in second[2][1]
    assert readable_captures(db) == responses


def test_the_store_files_a_capture_once_when_its_messages_come_again(
        tmp_path: Path, redis_server: Redis) -> None:
    """A store killed after its commit, before dropping the messages, gets them again."""
    from datetime import UTC, datetime

    from scrapy.http import HtmlResponse, Request

    from newsarchive.distributed import ITEMS, PROCESSING
    from newsarchive.distributed_captures import build, pack
    from newsarchive.distributed_push import message
    from newsarchive.distributed_store import RedisStore

    page = "<html><body><h1>Dredging</h1><p>The channel is deeper now.</p></body></html>"
    req = Request("http://a.example/news/1.html")
    resp = HtmlResponse(req.url, body=page.encode(), request=req,
                        headers={"Content-Type": "text/html; charset=utf-8"})
    header, members = build(req, resp, datetime.now(UTC), tmp_path)
    item = {"url": req.url, "site": "a.example", "headline": "Dredging",
            "body": "The channel is deeper now.", "seen_urls": [req.url],
            "capture_id": header["record_id"]}
    db, client = tmp_path / "a.db", redis_server.client()
    messages = [pack(header, members), message("item", "w1", item=item).encode()]

    first = RedisStore(client, str(db))
    client.lpush(ITEMS, *messages)
    assert first.step(0.1)
    first.close("finished")
    client.lpush(PROCESSING, *reversed(messages))  # as if the LTRIM never happened
    second = RedisStore(client, str(db))
    assert second.recover() == 2 and second.step(0.1)
    second.close("finished")
    assert readable_captures(db) == 1 and linked_captures(db) == 1
    assert first.captures.written == 1 and second.captures.written == 0
    assert second.totals["unchanged"] == 1


def test_the_store_takes_the_body_signature_computed_by_the_worker(
        tmp_path: Path, redis_server: Redis) -> None:
    """MinHash was half the store's time per record: workers send it with the record."""
    import base64

    from newsarchive.clusters import signature
    from newsarchive.distributed import ITEMS
    from newsarchive.distributed_push import _signature, message
    from newsarchive.distributed_store import RedisStore

    def item(n: int) -> dict:
        words = " ".join(f"word{n}x{i}" for i in range(60))
        return {"url": f"http://a.example/news/{n}.html", "site": "a.example",
                "headline": f"Story {n}", "body": f"Story {n} {words}",
                "seen_urls": [f"http://a.example/news/{n}.html"]}

    sent = item(1)
    assert _signature(sent) == base64.b64encode(signature(sent["body"]).tobytes()).decode()
    fake = bytes(range(256)) * 2  # not the body's: shows which one the store indexed
    client, db = redis_server.client(), tmp_path / "a.db"
    client.lpush(ITEMS, message("item", "w", item=sent, sig=base64.b64encode(fake).decode()),
                 message("item", "w", item=item(2), sig="bm90IGEgc2lnbmF0dXJl"))  # bad one
    st = RedisStore(client, str(db))
    assert st.step(0.1)
    st.close("finished")
    with sqlite3.connect(db) as conn:
        sigs = dict(conn.execute("select a.url, m.signature from minhashes m join articles a"
                                 " on a.id = m.article_id").fetchall())
    assert sigs[sent["url"]] == fake
    assert sigs[item(2)["url"]] == signature(item(2)["body"]).tobytes()  # computed here


def test_a_store_that_cannot_write_captures_stops_and_loses_nothing(
        tmp_path: Path, redis_server: Redis) -> None:
    from datetime import UTC, datetime

    from scrapy.http import HtmlResponse, Request

    from newsarchive.archive import ArchiveError
    from newsarchive.distributed import ITEMS
    from newsarchive.distributed_captures import build, pack
    from newsarchive.distributed_store import RedisStore

    req = Request("http://a.example/news/1.html")
    resp = HtmlResponse(req.url, body=b"<html><body><p>Low tide.</p></body></html>",
                        request=req, headers={"Content-Type": "text/html"})
    client, db = redis_server.client(), tmp_path / "a.db"
    client.lpush(ITEMS, pack(*build(req, resp, datetime.now(UTC), tmp_path)))
    (tmp_path / "not-a-folder").write_text("")
    st = RedisStore(client, str(db), captures_dir=str(tmp_path / "not-a-folder"))
    with pytest.raises(ArchiveError, match="could not write WARC captures"):
        st.step(0.1)
    st.archive.close()
    again = RedisStore(client, str(db))  # the next start, with a usable folder
    assert again.recover() == 1 and again.step(0.1)
    again.close("finished")
    assert readable_captures(db) == 1


def test_a_worker_judges_the_crawl_of_a_killed_seed(tmp_path: Path, redis_server: Redis) -> None:
    """The seed is SIGKILLed mid-crawl: the worker that finishes the crawl judges it, with the
    baseline the seed left in Redis (its summary, exit code and crawl_runs row)."""
    db, url = tmp_path / "a.db", redis_server.url
    _healthy_first_run(tmp_path, db, url)
    with fault_server("--articles", "20", "--redesign", "--delay", "0.5") as site:
        _redesigned(tmp_path, db, site)
        seed = na(tmp_path, "crawl", "harbour", "--db", str(db), "--redis", url, "--refresh",
                  agent="seed", sets=("CONCURRENT_REQUESTS=1",))
        wait_for(lambda: any("seed" in e["agents"] for p, e in hits(site).items()
                             if p.startswith("/news/")), "the seed to fetch an article")
        seed.kill()
        seed.wait(10)
        helper = na(tmp_path, "worker", "--redis", url, agent="worker")
        code, out = finish(helper)
        assert code == 1 and "BROKEN: harbour (" in out, out
        assert "section" in out.split("BROKEN: harbour (", 1)[1]
        again = finish(na(tmp_path, "worker", "--redis", url, agent="late"))
        assert again[0] == 0 and "BROKEN" not in again[1], again[1]  # judged once
        code, out = finish(store(tmp_path, url, db))
        news = {p for p in hits(site) if p.startswith("/news/")}
    assert code == 1 and "BROKEN: harbour (" in out, out
    assert len(news) == 20  # the worker finished the killed seed's crawl
    with sqlite3.connect(db) as conn:
        runs = conn.execute("select json_extract(args, '$.role'), broken from crawl_runs"
                            " where spider = 'harbour' order by id").fetchall()
    assert runs[0] == ("seed", None) and ("seed", None) in runs[1:]  # killed: no verdict
    judged = [b for role, b in runs if role == "worker" and b]
    assert len(judged) == 1 and "authors" in judged[0] and "section" in judged[0], runs
