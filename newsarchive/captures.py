"""Raw captures: every fetched response kept as WARC records, referenced from the archive.

`CaptureMiddleware` (a downloader middleware, registered in settings.py) writes each response
as it came off the wire - before decompression, redirects and retries are handled, so 301s and
503s are kept too - as a `response` record followed by its `request` record (WARC-Concurrent-To),
into gzip WARC files that rotate by size:
`<archive dir>/captures/newsarchive-<UTC timestamp>-<n>.warc.gz`, each starting with a
`warcinfo` record. Every record is its own gzip member, so `captures.offset/length` address one
record that `read_capture()` (or pywb, or `warcio extract`) reads without scanning the file.

Settings: NEWSARCHIVE_CAPTURES (default True; `--no-captures` on crawl/demo sets it False),
NEWSARCHIVE_CAPTURES_DIR (default `captures/` beside the archive file),
NEWSARCHIVE_WARC_MAX_BYTES (rotate after this size, default 100 MB),
NEWSARCHIVE_WARC_GZIP_LEVEL (default 4), NEWSARCHIVE_CAPTURE_BATCH (rows per transaction, default
200), NEWSARCHIVE_CAPTURE_BATCH_SECONDS (default 1; 0: no timer, rows wait for a full batch, an
item being stored or the end of the crawl).

Records are serialized here rather than by warcio's writer, which compressed at level 9 and
spent ~1.2 ms per 85 KB page on its two digests (hashlib over the bytes in hand: ~0.15 ms): the
block and payload SHA-1 digests are computed once over the bytes Scrapy already holds, and each
record is deflated as its own gzip member. warcio still reads them (`read_capture`).

Gzip level, CPU per page and size against level 6 (790 pages of the shared corpus, 143 KB on
average; zlib, median of 3): level 9 ~4.6 ms, -0.5%; 6: 1.90 ms; 5: 1.42 ms, +1.4%; **4: 1.12
ms, +4.7%**; 3: 0.91 ms, +11.4%; 1: 0.75 ms, +17.8%. Level 4 is the knee (on the crawl
benchmark's pages 1.15 -> 0.43 ms for +1.6%), so the default; an archive that values disk
over CPU sets 6 (or 9). Level 1-3 switch zlib to its fast matcher: less CPU, much larger files.

Rows are committed in batches (`CaptureMiddleware`): a response's row waits, with its id not yet
known, until the store commits an item that refers to it (the item's capture id is resolved
first, so the row always commits before the article that points to it) or at the latest
NEWSARCHIVE_CAPTURE_BATCH_SECONDS later. A kill may lose the rows of pages not stored, which
the next run fetches (and captures) again; never the capture of a stored article.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import sqlite3
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later
from warcio.archiveiterator import ArchiveIterator

from newsarchive import __version__

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_GZIP_LEVEL = 4
CAPTURE_BATCH = 200  # rows per captures transaction, at most
CAPTURE_BATCH_SECONDS = 1.0  # the longest a row waits when no stored item asks for it
META_KEY = "newsarchive_capture"  # request.meta: this request's response's PendingCapture
WARC_VERSION = b"WARC/1.1"
# Scrapy hands us bodies already de-chunked; a header saying otherwise would make readers
# de-chunk again. Renamed the way pywb does, so nothing is lost.
_RENAMED = {b"transfer-encoding": b"X-Archive-Orig-Transfer-Encoding"}
_COLUMNS = ("url", "fetched_at", "status", "content_type", "warc_file", "offset", "length",
            "payload_digest", "record_id")
_INSERT = (f"INSERT INTO captures ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_COLUMNS))})")


@dataclass
class CaptureRef:
    warc_file: str  # path relative to the archive's directory
    offset: int
    length: int
    payload_digest: str | None
    record_id: str


def _bytes(value: Any) -> bytes:
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
    if b"\r" in raw or b"\n" in raw:  # a header line must stay one line
        raw = raw.replace(b"\r", b" ").replace(b"\n", b" ")
    return raw


def _http_head(first_line: str, headers: Any, extra: tuple[bytes, ...] = ()) -> bytes:
    """The HTTP status/request line and headers as bytes, as Scrapy holds them."""
    lines = [_bytes(first_line), *extra]
    for name, values in headers.items():
        key = _bytes(name)
        key = _RENAMED.get(key.lower(), key)
        lines += [key + b": " + _bytes(value) for value in values]
    lines.append(b"\r\n")
    return b"\r\n".join(lines)


def _sha1(digest: Any) -> str:
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_record(warc_type: str, fields: list[tuple[str, str]], head: bytes,
                payload: bytes, content_type: str) -> tuple[list[bytes], str | None]:
    """One WARC/1.1 record as byte parts, and its payload digest (None without HTTP head).

    `fields` are the named fields (WARC-Type, -Record-ID, -Date, -Target-URI...); the digests,
    Content-Type and Content-Length are added here. The block is `head + payload`.
    """
    block = hashlib.sha1(head)
    block.update(payload)
    lines = [WARC_VERSION, b"WARC-Type: " + warc_type.encode("ascii")]
    lines += [_bytes(k) + b": " + _bytes(v) for k, v in fields]
    payload_digest = None
    if head:
        payload_digest = _sha1(hashlib.sha1(payload))
        lines.append(b"WARC-Payload-Digest: " + payload_digest.encode("ascii"))
    lines += [b"WARC-Block-Digest: " + _sha1(block).encode("ascii"),
              b"Content-Type: " + content_type.encode("ascii"),
              b"Content-Length: " + str(len(head) + len(payload)).encode("ascii"), b"", b""]
    return [b"\r\n".join(lines), head, payload, b"\r\n\r\n"], payload_digest


class WarcRotator:
    """Appends records to the current WARC file; starts a new file past `max_bytes`."""

    def __init__(self, directory: Path, base: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                 gzip_level: int = DEFAULT_GZIP_LEVEL) -> None:
        self.directory = directory
        self.base = base  # paths in the database are relative to this (the archive's folder)
        self.max_bytes = max_bytes
        self.gzip_level = gzip_level
        self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.n = 0
        self.fh: IO[bytes] | None = None
        self.path: Path | None = None
        self.rel = ""  # self.path as stored in `captures.warc_file`
        self.pos = 0  # bytes written to self.fh (its tell(), without the system call)

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self.n += 1
            path = self.directory / f"newsarchive-{self.stamp}-{self.n:05d}.warc.gz"
            if not path.exists():  # two crawls in one second must not share a file
                break
        self.path = path
        self.rel = str(path.relative_to(self.base)) if path.is_relative_to(self.base) \
            else str(path)
        self.fh = open(path, "xb")  # noqa: SIM115 (kept open across records)
        self.pos = 0
        info = (f"software: newsarchive/{__version__}\r\n"
                "format: WARC File Format 1.1\r\n"
                "conformsTo: https://iipc.github.io/warc-specifications/specifications/"
                "warc-format/warc-1.1/\r\n").encode("ascii")
        date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts, _ = warc_record("warcinfo", [
            ("WARC-Record-ID", _record_id()), ("WARC-Date", date),
            ("WARC-Filename", path.name)], b"", info, "application/warc-fields")
        self._append(parts)

    def _append(self, parts: list[bytes]) -> int:
        """Write one record as its own gzip member; returns its compressed length."""
        assert self.fh is not None
        deflate = zlib.compressobj(self.gzip_level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        length = 0
        for chunk in [*map(deflate.compress, parts), deflate.flush()]:
            if chunk:
                self.fh.write(chunk)
                length += len(chunk)
        self.pos += length
        return length

    def write(self, request: Request, response: Response, fetched_at: datetime) -> CaptureRef:
        if self.fh is None or self.pos >= self.max_bytes:
            self.close()
            self._open()
        assert self.fh is not None and self.path is not None
        date = fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        record_id = _record_id()
        parts, digest = warc_record(
            "response", [("WARC-Record-ID", record_id), ("WARC-Date", date),
                         ("WARC-Target-URI", response.url)],
            _http_head(f"HTTP/1.1 {response.status} {reason}", response.headers),
            response.body, "application/http; msgtype=response")
        offset = self.pos
        length = self._append(parts)
        parts_url = urlsplit(request.url)
        target = (parts_url.path or "/") + (f"?{parts_url.query}" if parts_url.query else "")
        req, _ = warc_record(
            "request", [("WARC-Record-ID", _record_id()), ("WARC-Date", date),
                        ("WARC-Target-URI", request.url), ("WARC-Concurrent-To", record_id)],
            _http_head(f"{request.method} {target} HTTP/1.1", request.headers,
                       (b"Host: " + _bytes(parts_url.netloc),)),
            request.body or b"", "application/http; msgtype=request")
        self._append(req)
        return CaptureRef(warc_file=self.rel, offset=offset, length=length,
                          payload_digest=digest, record_id=record_id)

    def flush(self) -> None:
        """Records written so far reach the file (before rows that point to them commit)."""
        if self.fh is not None:
            self.fh.flush()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        self.fh = None


@dataclass
class Capture:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes  # content-encoding and chunking undone, as extraction wants it


def read_capture(path: str | Path, offset: int) -> Capture:
    """The response record at `offset` of a WARC file (one seek, one gzip member)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        headers = {k: v for k, v in record.http_headers.headers}
        status = int(record.http_headers.get_statuscode() or 0)
        body = record.content_stream().read()
        return Capture(record.rec_headers.get_header("WARC-Target-URI"), status, headers, body)


class PendingCapture:
    """A captures row not committed yet; `resolve()` commits it (with every other pending row)
    and returns its id. Spider items carry this until the store resolves it (pipelines.py)."""

    __slots__ = ("row", "id", "_owner")

    def __init__(self, row: tuple[Any, ...], owner: CaptureMiddleware) -> None:
        self.row = row
        self.id: int | None = None
        self._owner: CaptureMiddleware | None = owner

    def resolve(self) -> int | None:
        if self._owner is not None:
            self._owner.commit()
        return self.id

    def __repr__(self) -> str:  # an item dropped before the store is logged with it
        return f"PendingCapture(id={self.id})"


def capture_id(value: Any) -> int | None:
    """An item's `capture_id` as the archive stores it: committed first if still pending."""
    return value.resolve() if isinstance(value, PendingCapture) else value


class CaptureMiddleware:
    """Downloader middleware: one WARC response+request pair and one `captures` row per
    response; the row's PendingCapture goes into request.meta[META_KEY] for the spider's item.

    Rows are committed CAPTURE_BATCH at a time (NEWSARCHIVE_CAPTURE_BATCH), at the latest
    NEWSARCHIVE_CAPTURE_BATCH_SECONDS after the first, and whenever the store resolves one (see
    the module docstring): one transaction per ~0.25 s instead of one per response (~2,800 of
    them, ~1.9 s of a 1,000-article crawl).
    """

    def __init__(self, crawler: Crawler, db_path: str, directory: Path, max_bytes: int,
                 gzip_level: int = DEFAULT_GZIP_LEVEL, batch: int = CAPTURE_BATCH,
                 seconds: float = CAPTURE_BATCH_SECONDS) -> None:
        from newsarchive.archive import Archive  # the archive imports nothing of Scrapy's

        self.crawler = crawler
        self.archive = Archive(db_path)
        # The store's durability (pipelines.py) rather than SQLite's default FULL, which costs
        # an fsync per commit: under WAL a killed crawl still loses no committed row.
        sync = str(crawler.settings.get("NEWSARCHIVE_SQLITE_SYNCHRONOUS", "NORMAL")).upper()
        if sync in ("OFF", "NORMAL", "FULL", "EXTRA"):
            self.archive.db.execute(f"PRAGMA synchronous = {sync}")
        base = Path(db_path).resolve().parent
        self.rotator = WarcRotator(directory.resolve(), base, max_bytes, gzip_level)
        self.batch_size = max(1, batch)
        self.batch_seconds = seconds
        self._pending: list[PendingCapture] = []
        self._timer: Any = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_CAPTURES", True):
            raise NotConfigured("captures are off (NEWSARCHIVE_CAPTURES=False)")
        db_path = settings.get("NEWSARCHIVE_DB") or "data/archive.db"
        directory = settings.get("NEWSARCHIVE_CAPTURES_DIR") or Path(db_path).parent / "captures"
        max_bytes = settings.getint("NEWSARCHIVE_WARC_MAX_BYTES", DEFAULT_MAX_BYTES)
        level = settings.getint("NEWSARCHIVE_WARC_GZIP_LEVEL", DEFAULT_GZIP_LEVEL)
        return cls(crawler, str(db_path), Path(directory), max_bytes, level,
                   settings.getint("NEWSARCHIVE_CAPTURE_BATCH", CAPTURE_BATCH),
                   settings.getfloat("NEWSARCHIVE_CAPTURE_BATCH_SECONDS", CAPTURE_BATCH_SECONDS))

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if "cached" in response.flags:  # HTTPCACHE replays: captured when first fetched
            return response
        fetched_at = datetime.now(UTC)
        ref = self.rotator.write(request, response, fetched_at)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        pending = PendingCapture((
            response.url, fetched_at.isoformat(timespec="seconds"), response.status, ctype,
            ref.warc_file, ref.offset, ref.length, ref.payload_digest, ref.record_id), self)
        self._pending.append(pending)
        request.meta[META_KEY] = pending
        self.crawler.stats.inc_value("newsarchive/captures")
        if len(self._pending) >= self.batch_size:
            self.commit()
        elif self._timer is None and self.batch_seconds > 0:
            self._timer = call_later(self.batch_seconds, self.commit)
        return response

    def commit(self) -> None:
        """Commit every pending row in one transaction; each PendingCapture gets its id."""
        if self._timer is not None:
            self._timer.cancel()  # a no-op when it is what called us
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        self.rotator.flush()  # the records before the rows that point to them
        conn = self.archive.db.conn
        ids: list[int | None] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for pending in batch:
                ids.append(conn.execute(_INSERT, pending.row).lastrowid)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.rollback()
            ids = [None] * len(batch)  # the pages' records are stored without a capture link
            self.crawler.stats.inc_value("newsarchive/capture_errors", len(batch))
            logger.error("could not record %d capture(s) in %s: %s", len(batch),
                         self.archive.path, exc)
        for pending, row_id in zip(batch, ids, strict=True):
            pending.id, pending._owner, pending.row = row_id, None, ()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.commit()
        self.rotator.close()
        self.archive.close()
