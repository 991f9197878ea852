"""What a reader sees: `newsarchive browse` serving a demo archive, opened in headless Chromium.

The DOM Chromium builds is checked for the headline, a photo credit and a comment; screenshots
of the search, article and crawl-run pages are saved under test-artifacts/ (gitignored; CI keeps
them). Skips when Debian's chromium is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1280,2200"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium; .ci/run does it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("chromium") / "archive.db"
    proc = subprocess.run([sys.executable, "-m", "newsarchive", "demo", "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "newsarchive", "browse", "--db", str(db), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-3000:]
                time.sleep(0.2)
        yield base + "/archive", db
    finally:
        server.terminate()
        server.wait(10)


def chromium(url: str, screenshot: str) -> str:
    """The page's DOM after Chromium ran it, and a screenshot in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    assert CHROMIUM
    with tempfile.TemporaryDirectory() as profile:
        common = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True,
                             timeout=120)
        assert dom.returncode == 0, dom.stderr[-2000:]
        shot = ARTIFACTS / screenshot
        shot.unlink(missing_ok=True)
        subprocess.run([*common, f"--screenshot={shot}", url], capture_output=True, timeout=120)
        assert shot.exists() and shot.stat().st_size > 10_000, dom.stderr[-2000:]
    return unescape(dom.stdout)


def test_reader_sees_search_results_with_highlights(served: tuple[str, Path]) -> None:
    base, _ = served
    dom = chromium(f"{base}/search?q=recount&site=&section=&language=&month=&author=",
                   "search.png")
    assert "Marovia begins <mark>recount</mark> of disputed ballots" in dom
    assert 'href="/archive/articles/' in dom
    assert "<title>Search articles</title>" in dom


def test_reader_sees_the_article_with_its_credit_and_comments(served: tuple[str, Path]) -> None:
    base, db = served
    with sqlite3.connect(db) as conn:
        aid, headline, credit = conn.execute(
            "select a.id, a.headline, i.credit from articles a join images i on i.article_id ="
            " a.id where i.credit like '%Reuters' and exists (select 1 from comments c where"
            " c.article_id = a.id and c.parent_id is not null)").fetchone()
        reply = conn.execute("select text from comments where article_id = ? and parent_id is"
                             " not null", (aid,)).fetchone()[0]
    dom = chromium(f"{base}/articles/{aid}", "article.png")
    assert f'<h1 class="na-headline">{headline}</h1>' in dom
    assert f"Photo: {credit}" in dom
    assert reply in dom.split('class="na-thread na-replies"')[1]


def test_operator_sees_a_crawl_run(served: tuple[str, Path]) -> None:
    base, _ = served
    dom = chromium(f"{base}/crawl_runs/1", "crawl-run.png")
    assert "Crawl run 1:" in dom and "stored/new" in dom
