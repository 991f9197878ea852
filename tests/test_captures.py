"""Raw WARC captures: every response of a real demo crawl, readable by standard tools."""

from __future__ import annotations

import base64
import gzip
import hashlib
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from conftest import ROOT
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from test_history import cli, two_editions  # noqa: F401 (session fixture shared)
from warcio.archiveiterator import ArchiveIterator

from newsarchive.captures import (
    META_KEY,
    CaptureMiddleware,
    WarcRotator,
    capture_id,
    read_capture,
)

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


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_records_carry_correct_digests_and_read_back(tmp_path: Path) -> None:
    """Records are written by captures.py itself: WARC/1.1, both digests right (checked here
    independently and by `warcio check`), headers and bodies exactly as fetched."""
    rotator = WarcRotator(tmp_path / "captures", tmp_path)
    body = gzip.compress(b"<html><body>" + "caf\u00e9 ".encode() * 5000 + b"</body></html>")
    req = Request("http://a.example/p?q=1", method="POST", body=b"a=1&b=2",
                  headers={"User-Agent": "ua/1"})
    resp = HtmlResponse(req.url, status=200, body=body, request=req, headers={
        "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip",
        "Transfer-Encoding": "chunked", "Set-Cookie": ["a=1", "b=2"]})
    ref = rotator.write(req, resp, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    odd = HtmlResponse("http://a.example/odd", status=599, body=b"", request=req)
    rotator.write(Request(odd.url), odd, datetime.now(UTC))
    rotator.close()
    path = tmp_path / ref.warc_file
    with open(path, "rb") as fh:
        records = list(ArchiveIterator(fh, no_record_parse=True))
    with open(path, "rb") as fh:  # again, parsed: each record's raw block for the digests
        kinds = []
        for record in ArchiveIterator(fh, no_record_parse=True):
            block = record.raw_stream.read()
            kinds.append(record.rec_type)
            assert record.rec_headers.protocol == "WARC/1.1"
            assert record.rec_headers.get_header("WARC-Block-Digest") == _sha1(block)
            assert int(record.rec_headers.get_header("Content-Length")) == len(block)
            if record.rec_type in ("response", "request"):
                payload = block.split(b"\r\n\r\n", 1)[1]
                assert record.rec_headers.get_header("WARC-Payload-Digest") == _sha1(payload)
    assert kinds == ["warcinfo", "response", "request", "response", "request"]
    assert len(records) == 5
    assert ref.payload_digest == _sha1(body)
    cap = read_capture(path, ref.offset)
    assert cap.url == req.url and cap.status == 200
    assert cap.headers["X-Archive-Orig-Transfer-Encoding"] == "chunked"
    assert "Transfer-Encoding" not in cap.headers
    assert cap.body == gzip.decompress(body)  # as extraction wants it (Content-Encoding undone)
    with open(path, "rb") as fh:
        fh.seek(ref.offset)
        member = fh.read(ref.length)
    assert gzip.decompress(member).startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")
    with open(path, "rb") as fh:
        request = [r for r in ArchiveIterator(fh) if r.rec_type == "request"][0]
    assert request.rec_headers.get_header("WARC-Concurrent-To") == ref.record_id
    assert request.http_headers.protocol == "POST"
    assert request.http_headers.get_header("Host") == "a.example"
    assert request.http_headers.get_header("User-Agent") == "ua/1"
    with open(path, "rb") as fh:
        fh.seek(ref.offset + ref.length)  # the request record follows its response
        assert next(iter(ArchiveIterator(fh))).content_stream().read() == b"a=1&b=2"
    check = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    assert "digest pass" in check.stdout and "fail" not in check.stdout


def test_capture_rows_commit_in_batches_before_the_article_needs_them(tmp_path: Path) -> None:
    """One transaction for many responses; resolving an item's capture commits it (and the
    rows before it) first, so a stored article never points to an uncommitted capture."""
    db = tmp_path / "a.db"
    crawler = get_crawler(settings_dict={"NEWSARCHIVE_DB": str(db),
                                         "NEWSARCHIVE_CAPTURE_BATCH_SECONDS": "0"})
    mw = CaptureMiddleware.from_crawler(crawler)
    pending = []
    for i in range(5):
        req = Request(f"http://a.example/{i}")
        resp = HtmlResponse(req.url, status=200, body=b"<p>x</p>", request=req)
        mw.process_response(req, resp)
        pending.append(req.meta[META_KEY])

    def rows() -> list[tuple]:
        with sqlite3.connect(db) as conn:
            return conn.execute("select id, url, offset, record_id from captures").fetchall()

    assert rows() == []  # nothing committed per response
    first = capture_id(pending[2])
    committed = rows()
    assert [u for _, u, _, _ in committed] == [f"http://a.example/{i}" for i in range(5)]
    assert [capture_id(p) for p in pending] == [r[0] for r in committed]
    assert committed[2][0] == first and capture_id(7) == 7 and capture_id(None) is None
    for _, url, offset, _ in committed:
        assert read_capture(tmp_path / "captures" / sorted(
            (tmp_path / "captures").iterdir())[0].name, offset).url == url
    # A full batch commits by itself.
    mw.batch_size = 3
    for i in range(3):
        req = Request(f"http://a.example/more/{i}")
        mw.process_response(req, HtmlResponse(req.url, body=b"", request=req))
    assert len(rows()) == 8
    req = Request("http://a.example/last")
    mw.process_response(req, HtmlResponse(req.url, body=b"", request=req))
    mw.spider_closed(None, "finished")  # type: ignore[arg-type]
    assert len(rows()) == 9 and isinstance(capture_id(req.meta[META_KEY]), int)


def test_a_capture_batch_that_cannot_be_written_leaves_items_unlinked(tmp_path: Path,
                                                                       caplog) -> None:
    db = tmp_path / "a.db"
    crawler = get_crawler(settings_dict={"NEWSARCHIVE_DB": str(db),
                                         "NEWSARCHIVE_CAPTURE_BATCH_SECONDS": "0"})
    mw = CaptureMiddleware.from_crawler(crawler)
    req = Request("http://a.example/1")
    mw.process_response(req, HtmlResponse(req.url, body=b"<p>x</p>", request=req))
    mw.archive.db.execute("ALTER TABLE captures RENAME TO captures_gone")  # writes now fail
    assert capture_id(req.meta[META_KEY]) is None  # stored without a link, not lost
    assert crawler.stats.get_value("newsarchive/capture_errors") == 1
    assert "could not record 1 capture(s)" in caplog.text
    assert repr(req.meta[META_KEY]) == "PendingCapture(id=None)"
    mw.spider_closed(None, "finished")  # type: ignore[arg-type]
