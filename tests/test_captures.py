"""Raw WARC captures: every response of a real demo crawl, readable by standard tools."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from conftest import ROOT
from scrapy.http import HtmlResponse, Request
from test_history import cli, two_editions  # noqa: F401 (session fixture shared)
from warcio.archiveiterator import ArchiveIterator

from newsarchive.captures import WarcRotator, read_capture

WARCIO = Path(sys.executable).with_name("warcio")


def test_every_response_is_captured_and_linked(two_editions: Path) -> None:  # noqa: F811
    db = two_editions
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, status, warc_file, offset, payload_digest, article_id "
                            "from captures").fetchall()
        statuses = {r[1] for r in rows}
        assert {200, 301, 404, 500, 503} <= statuses  # redirects and errors are kept too
        linked = conn.execute("select count(*) from revisions where capture_id is null").fetchone()
        assert linked == (0,)
        assert conn.execute("select count(*) from articles a join captures c on "
                            "c.id = a.capture_id and c.article_id = a.id").fetchone()[0] == \
            conn.execute("select count(*) from articles").fetchone()[0]
    for url, status, warc, offset, digest, _ in rows[:40]:
        cap = read_capture(db.parent / warc, offset)
        assert (cap.url, cap.status) == (url, status)
        assert digest.startswith("sha1:")


def test_warc_files_open_in_standard_tools(two_editions: Path) -> None:  # noqa: F811
    files = sorted((two_editions.parent / "captures").glob("newsarchive-*.warc.gz"))
    assert len(files) >= 2
    for path in files:
        with open(path, "rb") as fh:
            records = list((r.rec_type, r.rec_headers.get_header("WARC-Concurrent-To"))
                           for r in ArchiveIterator(fh))
        assert records[0][0] == "warcinfo"
        kinds = [k for k, _ in records[1:]]
        assert kinds == ["response", "request"] * (len(kinds) // 2)
        assert all(ref for k, ref in records if k == "request")
    check = subprocess.run([str(WARCIO), "check", "-v", *map(str, files)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    index = subprocess.run([str(WARCIO), "index", "-f", "warc-type,warc-target-uri,length",
                            str(files[0])], capture_output=True, text=True, timeout=120)
    assert index.returncode == 0 and '"warc-type": "response"' in index.stdout


def test_rotation_by_size(tmp_path: Path) -> None:
    rotator = WarcRotator(tmp_path / "captures", tmp_path, max_bytes=2000)
    words = " ".join(str(i * 7919 % 10007) for i in range(3000))  # compresses badly
    body = f"<html><body>{words}</body></html>".encode()
    refs = []
    for i in range(4):
        req = Request(f"http://a.example/{i}")
        resp = HtmlResponse(req.url, status=200, body=body, request=req,
                            headers={"Content-Type": "text/html; charset=utf-8"})
        refs.append(rotator.write(req, resp, datetime.now(UTC)))
    rotator.close()
    assert len({r.warc_file for r in refs}) == 4
    assert all(not Path(r.warc_file).is_absolute() for r in refs)
    cap = read_capture(tmp_path / refs[2].warc_file, refs[2].offset)
    assert cap.url == "http://a.example/2" and cap.body == body


def test_no_captures_flag(tmp_path: Path) -> None:
    db = tmp_path / "records-only.db"
    proc = subprocess.run([sys.executable, "-m", "newsarchive", "demo", "--db", str(db),
                           "--no-captures"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (tmp_path / "captures").exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from captures").fetchone() == (0,)
        assert conn.execute("select count(*) from articles").fetchone()[0] >= 30
    proc = cli("reextract", "--db", str(db))
    assert proc.returncode == 0 and "without capture: " in proc.stdout
