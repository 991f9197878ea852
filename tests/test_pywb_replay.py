"""Our WARC files replay in pywb, the standard wayback engine (issue 4: "pywb-compatible").

pywb pins libraries older than ours (redis 2.x), so it lives in a venv of its own, made once and
cached (`NEWSARCHIVE_PYWB_VENV`, default ~/.cache/newsarchive/pywb-venv). The test indexes the
archive's captures with `wb-manager add`, serves them with `wayback` on 127.0.0.1 and asks for
every archived page in pywb's identity mode (`id_`): the bytes must be the page we captured.
"""

from __future__ import annotations

import gzip
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_history import two_editions  # noqa: F401 (session fixture shared)

from newsarchive.captures import read_capture

PYWB = "pywb==2.10.0"


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    venv = Path(os.environ.get("NEWSARCHIVE_PYWB_VENV",
                               Path.home() / ".cache" / "newsarchive" / "pywb-venv"))
    bin_dir = venv / "bin"
    if not (bin_dir / "wayback").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        pip = subprocess.run([str(bin_dir / "pip"), "install", "-q", PYWB], capture_output=True,
                             text=True, timeout=600)
        if pip.returncode != 0:  # no package registry reachable: nothing to test against
            pytest.skip(f"could not install {PYWB}: {pip.stderr[-500:]}")
    return bin_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def wayback(pywb_bin: Path, two_editions: Path, tmp_path_factory) -> Iterator[str]:  # noqa: F811
    root = tmp_path_factory.mktemp("pywb")
    run = {"cwd": root, "capture_output": True, "text": True, "timeout": 300}
    assert subprocess.run([str(pywb_bin / "wb-manager"), "init", "news"], **run).returncode == 0
    warcs = sorted(str(p) for p in (two_editions.parent / "captures").glob("*.warc.gz"))
    added = subprocess.run([str(pywb_bin / "wb-manager"), "add", "news", *warcs], **run)
    assert added.returncode == 0, added.stderr[-2000:]
    port = free_port()
    proc = subprocess.Popen([str(pywb_bin / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
                            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/news/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base, timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, "wayback exited"
                time.sleep(0.1)
        yield base
    finally:
        proc.kill()
        proc.wait(10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def replay(base: str, fetched_at: str, url: str) -> tuple[int, dict[str, str], bytes]:
    stamp = "".join(ch for ch in fetched_at[:19] if ch.isdigit())
    opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{base}{stamp}id_/{url}", timeout=30) as resp:
            status, headers, body = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        status, headers, body = err.code, dict(err.headers), err.read()
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, body


def test_every_archived_page_replays_byte_for_byte(wayback: str, two_editions: Path) -> None:  # noqa: F811
    db = two_editions
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, fetched_at, warc_file, offset from captures "
                            "where status = 200 and content_type like 'text/html%'").fetchall()
    assert len(rows) >= 50
    by_second: dict[tuple[str, str], set[bytes]] = {}
    for url, fetched_at, warc, offset in rows:  # two captures in one second: either may replay
        by_second.setdefault((url, fetched_at[:19]), set()).add(
            read_capture(db.parent / warc, offset).body)
    for (url, second), bodies in by_second.items():
        status, _, body = replay(wayback, second, url)
        assert status == 200, url
        assert body in bodies, url


def test_redirects_and_errors_replay_with_their_status(wayback: str, two_editions: Path) -> None:  # noqa: F811
    with sqlite3.connect(two_editions) as conn:
        rows = conn.execute("select url, fetched_at, status from captures "
                            "where status in (301, 404, 500)").fetchall()
    assert {s for _, _, s in rows} >= {301, 404}
    for url, fetched_at, status in rows:
        got, headers, _ = replay(wayback, fetched_at, url)
        assert got == status, url
        if status == 301:
            assert headers.get("Location"), url
