"""HTTP responses as plain data, so routing is testable without sockets."""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    truncate_at: int | None = None  # send only this many body bytes, then drop the connection


def html(text: str, *, status: int = 200, encoding: str = "utf-8",
         content_type: str | None = None, modified: str | None = None) -> Response:
    body = text.encode(encoding, errors="xmlcharrefreplace")
    resp = Response(status, body, content_type or f"text/html; charset={encoding}")
    if status == 200:
        resp.headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    if modified:
        resp.headers["Last-Modified"] = format_datetime(_as_utc(modified), usegmt=True)
    return resp


def _as_utc(iso: str) -> datetime:
    from datetime import UTC

    dt = datetime.fromisoformat(iso)
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def xml(text: str, content_type: str = "application/xml; charset=utf-8") -> Response:
    return Response(200, text.encode("utf-8"), content_type)


def text(body: str, status: int = 200) -> Response:
    return Response(status, body.encode("utf-8"), "text/plain; charset=utf-8")


def redirect(location: str, status: int = 301) -> Response:
    """`location` must be absolute (http://host/path) so it survives the proxy hop."""
    body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'
    return Response(status, body.encode(), headers={"Location": location})


def not_found(what: str = "This page does not exist.") -> Response:
    return html(f"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>"
                f"<h1>404 Not Found</h1><p>{what}</p></body></html>", status=404)


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def image(path: str) -> Response:
    """A small PNG whose colour depends on the path (served for .jpg URLs too: the demo has
    no JPEG encoder, and crawlers must trust Content-Type over the extension anyway)."""
    digest = hashlib.sha1(path.encode()).digest()
    resp = Response(200, _png(16, 9, (digest[0], digest[1], digest[2])), "image/png")
    resp.headers["Cache-Control"] = "max-age=86400"
    return resp
