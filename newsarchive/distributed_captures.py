"""Raw WARC captures of distributed crawls: workers build the records, the store files them.

Workers never open the archive, so a capture travels through Redis like a record:

- worker: `PushCaptureMiddleware` (in place of captures.CaptureMiddleware, same place in the
  chain) builds each response's records with captures.py's own `WarcRotator`, into a spool file
  of one capture that it reads back and deletes: the bytes are exactly those a single-machine
  crawl writes (the response record, then its request record, each its own gzip member, at
  NEWSARCHIVE_WARC_GZIP_LEVEL). They go to `newsarchive:items` as one binary message,
  `CAPTURE_TAG + JSON header + "\\n" + members`, before the page's records (the page is
  committed after its response was captured), and the WARC-Record-ID is the capture's key in
  request.meta, so the spider's item carries it to the store as `capture_id`.
- store: `CaptureWriter` appends the members to the archive's own WARC files (`captures/`
  beside the archive or NEWSARCHIVE_CAPTURES_DIR, `newsarchive-<UTC stamp>-<n>.warc.gz`, each
  starting with a warcinfo record, rotated past NEWSARCHIVE_WARC_MAX_BYTES), writes the
  `captures` rows (one transaction per batch, before the batch's records) and turns each
  item's key into the row id. A message it had popped but not committed when killed comes
  back: a record id already in `captures` is not written twice.

Compression happens on the workers (they scale out); the store only appends bytes.
Off with NEWSARCHIVE_CAPTURES=False (the seed's `crawl --no-captures` turns it off for every
worker of that crawl).
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import tempfile
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.warcwriter import WARCWriter

from newsarchive import __version__
from newsarchive.archive import Archive, ArchiveError
from newsarchive.captures import (
    DEFAULT_GZIP_LEVEL,
    DEFAULT_MAX_BYTES,
    META_KEY,
    WarcRotator,
)

logger = logging.getLogger(__name__)

CAPTURE_TAG = b"\x00capture\n"  # JSON messages start with "{": the store tells them apart
COLUMNS = ("url", "fetched_at", "status", "content_type", "warc_file", "offset", "length",
           "payload_digest", "record_id")


def build(request: Request, response: Response, fetched_at: datetime, spool: Path,
          level: int = DEFAULT_GZIP_LEVEL) -> tuple[dict[str, Any], bytes]:
    """(the capture's header, its gzip members) as captures.py writes them on one machine."""
    rotator = WarcRotator(spool, spool, DEFAULT_MAX_BYTES, level)
    try:
        ref = rotator.write(request, response, fetched_at)
    finally:
        rotator.close()
    path = spool / ref.warc_file
    try:
        data = path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
    header = {"url": response.url, "fetched_at": fetched_at.isoformat(timespec="seconds"),
              "status": response.status, "content_type": ctype, "length": ref.length,
              "payload_digest": ref.payload_digest, "record_id": ref.record_id}
    return header, data[ref.offset:]  # the warcinfo before it belongs to the spool file


def pack(header: dict[str, Any], members: bytes) -> bytes:
    return CAPTURE_TAG + json.dumps(header).encode() + b"\n" + members


def unpack(message: bytes) -> tuple[dict[str, Any], bytes]:
    head, _, members = message[len(CAPTURE_TAG):].partition(b"\n")
    return json.loads(head), members


class PushCaptureMiddleware:
    """Downloader middleware of a worker: each response's WARC records go to Redis."""

    def __init__(self, crawler: Crawler, level: int) -> None:
        from newsarchive.distributed import connect

        self.crawler = crawler
        self.level = level
        self.server = connect(crawler.settings.get("NEWSARCHIVE_REDIS_URL"))
        self.spool = Path(tempfile.mkdtemp(prefix="newsarchive-capture-"))
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PushCaptureMiddleware:
        if not crawler.settings.getbool("NEWSARCHIVE_CAPTURES", True):
            raise NotConfigured("captures are off (NEWSARCHIVE_CAPTURES=False)")
        return cls(crawler, crawler.settings.getint("NEWSARCHIVE_WARC_GZIP_LEVEL",
                                                    DEFAULT_GZIP_LEVEL))

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if "cached" in response.flags:  # HTTPCACHE replays: captured when first fetched
            return response
        from newsarchive.distributed import ITEMS

        try:
            header, members = build(request, response, datetime.now(UTC), self.spool,
                                    self.level)
            self.server.lpush(ITEMS, pack(header, members))
        except Exception as exc:  # the page is still worth its record
            logger.error("no capture of %s: %s", response.url, exc)
            return response
        request.meta[META_KEY] = header["record_id"]
        self.crawler.stats.inc_value("newsarchive/captures")
        self.crawler.stats.inc_value("newsarchive/capture_bytes", len(members))
        return response

    def spider_closed(self, spider: Spider, reason: str) -> None:
        shutil.rmtree(self.spool, ignore_errors=True)


class WarcAppender:
    """The store's WARC files: whole records appended as they came, warcinfo first."""

    def __init__(self, directory: Path, base: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory, self.base, self.max_bytes = directory, base, max_bytes
        self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.n = 0
        self.fh: IO[bytes] | None = None
        self.name = ""

    def append(self, members: bytes) -> tuple[str, int]:
        """(file relative to the archive's folder, offset of the first member)."""
        if self.fh is None or self.fh.tell() >= self.max_bytes:
            self._open()
        assert self.fh is not None
        offset = self.fh.tell()
        self.fh.write(members)
        self.fh.flush()  # before its row commits: a row never points past the file's end
        return self.name, offset

    def _open(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self.n += 1
            path = self.directory / f"newsarchive-{self.stamp}-{self.n:05d}.warc.gz"
            if not path.exists():
                break
        self.fh = open(path, "xb")  # noqa: SIM115 (kept open across records)
        self.name = str(path.relative_to(self.base)) if path.is_relative_to(self.base) \
            else str(path)
        writer = WARCWriter(self.fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": f"newsarchive/{__version__} (warcio; newsarchive store)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.1/",
        }))

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        self.fh = None


class CaptureWriter:
    """Files the captures the workers send and resolves the items' capture keys."""

    KEEP = 50_000  # record id -> row id of recent captures (the page's item follows soon)

    def __init__(self, archive: Archive, directory: str | Path | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.archive = archive
        base = Path(archive.path).resolve().parent
        where = Path(directory) if directory else base / "captures"
        self.files = WarcAppender(where.resolve(), base, max_bytes)
        self.pending: list[dict[str, Any]] = []
        self.ids: OrderedDict[str, int] = OrderedDict()
        self.written = 0

    def add(self, header: dict[str, Any], members: bytes) -> None:
        rid = str(header.get("record_id") or "")
        if not rid or rid in self.ids or any(r["record_id"] == rid for r in self.pending):
            return
        known = self._lookup(rid, [header.get("url")])
        if known is not None:  # filed before a restart of the store
            self._remember(rid, known)
            return
        try:
            warc_file, offset = self.files.append(members)
        except OSError as exc:  # a full disk, no permission: the store stops, loses nothing
            raise ArchiveError(f"could not write WARC captures: {exc}") from exc
        self.pending.append({**{c: header.get(c) for c in COLUMNS}, "warc_file": warc_file,
                             "offset": offset})

    def flush(self) -> None:
        """The pending rows in one transaction (before the records that point at them)."""
        rows, self.pending = self.pending, []
        if not rows:
            return
        sql = (f"INSERT INTO captures ({', '.join(COLUMNS)}) "
               f"VALUES ({', '.join('?' for _ in COLUMNS)})")
        conn = self.archive.db.conn
        try:
            with conn:
                ids = [conn.execute(sql, [r[c] for c in COLUMNS]).lastrowid for r in rows]
        except sqlite3.Error as exc:
            raise ArchiveError(f"could not record captures in {self.archive.path}: {exc}") \
                from exc
        for row, rowid in zip(rows, ids, strict=True):
            self._remember(row["record_id"], int(rowid or 0))
        self.written += len(rows)

    def resolve(self, item: dict[str, Any]) -> None:
        """item["capture_id"]: the worker's key (a WARC-Record-ID) -> the captures row id."""
        key = item.get("capture_id")
        if not isinstance(key, str):
            return
        rowid = self.ids.pop(key, None)
        if rowid is None:
            rowid = self._lookup(key, [item.get("url"), *(item.get("seen_urls") or [])])
        item["capture_id"] = rowid

    def _lookup(self, rid: str, urls: list[Any]) -> int | None:
        urls = [u for u in urls if u]
        if not urls:
            return None
        row = self.archive.db.execute(  # by url: captures.url is indexed, record_id is not
            f"SELECT id FROM captures WHERE url IN ({', '.join('?' for _ in urls)})"
            " AND record_id = ?", [*urls, rid]).fetchone()
        return int(row[0]) if row else None

    def _remember(self, rid: str, rowid: int) -> None:
        self.ids[rid] = rowid
        while len(self.ids) > self.KEEP:
            self.ids.popitem(last=False)

    def close(self) -> None:
        self.files.close()
