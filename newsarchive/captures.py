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
NEWSARCHIVE_WARC_GZIP_LEVEL (default 6, gzip's own default).

warcio's writer compresses at level 9: 4.6 ms per 147 KB page of the shared corpus, for files
0.5% smaller than level 6 (2.4 ms); level 3 takes 0.9 ms for files 12% larger than level 6.
Records are therefore serialized uncompressed by warcio and deflated here, one gzip member each
(the same file layout), at the configured level.
"""

from __future__ import annotations

import io
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
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive import __version__

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_GZIP_LEVEL = 6
META_KEY = "newsarchive_capture"  # request.meta: id of the capture of this request's response
# Scrapy hands us bodies already de-chunked; a header saying otherwise would make readers
# de-chunk again. Renamed the way pywb does, so nothing is lost.
_RENAMED = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}


@dataclass
class CaptureRef:
    warc_file: str  # path relative to the archive's directory
    offset: int
    length: int
    payload_digest: str | None
    record_id: str


def _headers(raw: Any) -> list[tuple[str, str]]:
    out = []
    for name, values in raw.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        key = _RENAMED.get(key.lower(), key)
        for value in values:
            out.append((key, value.decode("latin-1") if isinstance(value, bytes) else value))
    return out


class WarcRotator:
    """Appends records to the current WARC file; starts a new file past `max_bytes`."""

    def __init__(self, directory: Path, base: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                 gzip_level: int = DEFAULT_GZIP_LEVEL) -> None:
        self.directory = directory
        self.base = base  # paths in the database are relative to this (the archive's folder)
        self.max_bytes = max_bytes
        self.gzip_level = gzip_level
        self.buffer = io.BytesIO()  # one record, uncompressed, before it is deflated
        self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.n = 0
        self.fh: IO[bytes] | None = None
        self.path: Path | None = None
        self.writer: WARCWriter | None = None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self.n += 1
            path = self.directory / f"newsarchive-{self.stamp}-{self.n:05d}.warc.gz"
            if not path.exists():  # two crawls in one second must not share a file
                break
        self.path = path
        self.fh = open(path, "xb")  # noqa: SIM115 (kept open across records)
        self.writer = WARCWriter(self.buffer, gzip=False)
        info = self.writer.create_warcinfo_record(path.name, {
            "software": f"newsarchive/{__version__} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.1/",
        })
        self._append(info)

    def _append(self, record: Any) -> int:
        """Write one record as its own gzip member; returns its compressed length."""
        assert self.writer is not None and self.fh is not None
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.write_record(record)
        deflate = zlib.compressobj(self.gzip_level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        with self.buffer.getbuffer() as view:  # released before the next truncate
            member = deflate.compress(view) + deflate.flush()
        self.fh.write(member)
        return len(member)

    def write(self, request: Request, response: Response, fetched_at: datetime) -> CaptureRef:
        if self.fh is None or self.fh.tell() >= self.max_bytes:
            self.close()
            self._open()
        assert self.writer is not None and self.fh is not None and self.path is not None
        date = fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        http = StatusAndHeaders(f"{response.status} {reason}", _headers(response.headers),
                                protocol="HTTP/1.1")
        resp = self.writer.create_warc_record(
            response.url, "response", payload=io.BytesIO(response.body), http_headers=http,
            warc_headers_dict={"WARC-Date": date})
        offset = self.fh.tell()
        length = self._append(resp)
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = [("Host", parts.netloc), *_headers(request.headers)]
        req = self.writer.create_warc_record(
            request.url, "request", payload=io.BytesIO(request.body or b""),
            http_headers=StatusAndHeaders(f"{request.method} {target} HTTP/1.1", req_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To":
                               resp.rec_headers.get_header("WARC-Record-ID")})
        self._append(req)
        self.fh.flush()
        return CaptureRef(
            warc_file=str(self.path.relative_to(self.base)) if self.path.is_relative_to(
                self.base) else str(self.path),
            offset=offset, length=length,
            payload_digest=resp.rec_headers.get_header("WARC-Payload-Digest"),
            record_id=resp.rec_headers.get_header("WARC-Record-ID"))

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        self.fh = self.writer = None


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


class CaptureMiddleware:
    """Downloader middleware: one WARC response+request pair and one `captures` row per
    response; the capture id goes into request.meta[META_KEY] for the spider's item."""

    def __init__(self, crawler: Crawler, db_path: str, directory: Path, max_bytes: int,
                 gzip_level: int = DEFAULT_GZIP_LEVEL) -> None:
        from newsarchive.archive import Archive  # the archive imports nothing of Scrapy's

        self.crawler = crawler
        self.archive = Archive(db_path)
        # The store's durability (pipelines.py) rather than SQLite's default FULL, which costs
        # an fsync per response: under WAL a killed crawl still loses no committed row.
        sync = str(crawler.settings.get("NEWSARCHIVE_SQLITE_SYNCHRONOUS", "NORMAL")).upper()
        if sync in ("OFF", "NORMAL", "FULL", "EXTRA"):
            self.archive.db.execute(f"PRAGMA synchronous = {sync}")
        base = Path(db_path).resolve().parent
        self.rotator = WarcRotator(directory.resolve(), base, max_bytes, gzip_level)
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
        return cls(crawler, str(db_path), Path(directory), max_bytes, level)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if "cached" in response.flags:  # HTTPCACHE replays: captured when first fetched
            return response
        fetched_at = datetime.now(UTC)
        ref = self.rotator.write(request, response, fetched_at)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        request.meta[META_KEY] = self.archive.add_capture({
            "url": response.url, "fetched_at": fetched_at.isoformat(timespec="seconds"),
            "status": response.status, "content_type": ctype, "warc_file": ref.warc_file,
            "offset": ref.offset, "length": ref.length, "payload_digest": ref.payload_digest,
            "record_id": ref.record_id})
        self.crawler.stats.inc_value("newsarchive/captures")
        return response

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.rotator.close()
        self.archive.close()
